package job_test

import (
	"context"
	"reflect"
	"testing"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/sheet"
)

// renamed copies book with its tabs renamed.
func renamed(book *sheet.Book, names map[string]string) *sheet.Book {
	out := &sheet.Book{}
	for _, t := range book.Tabs {
		nt := *t
		if n, ok := names[t.Name]; ok {
			nt.Name = n
		}
		out.Tabs = append(out.Tabs, &nt)
	}
	return out
}

// statuses maps each client to its status and problems after a run.
func statuses(run *job.Run) map[string]string {
	out := map[string]string{}
	for _, c := range run.Out.Clients {
		s := string(c.Status)
		for _, p := range c.Problems {
			s += "|" + p.Message
		}
		out[c.App.ClientID] = s
	}
	return out
}

// TestAliasedTabsSameOnBothBackends: tabs named by their English aliases
// (one with a trailing space), in full width or in brackets are found by
// one rule on both backends: the same workbook gives the same statuses on
// a local file and on Google, equal to those of the workbook with the
// contract's names, and the second sync writes nothing.
func TestAliasedTabsSameOnBothBackends(t *testing.T) {
	book := example.Generate(example.ExampleConfig())
	cfg := config(t)
	want := map[string]string{}
	{
		open, _ := backends()[0].create(t, book)
		want = statuses(syncOn(t, open(), cfg))
	}
	for _, names := range []map[string]string{
		{"申込": "Applications ", "セッション": "sessions", "サポートアカウント": "Support_Accounts"},
		{"申込": "【申込】", "セッション": "ｓｅｓｓｉｏｎｓ", "サポートアカウント": " サポートアカウント"},
	} {
		aliased := renamed(book, names)
		for _, b := range backends() {
			t.Run(b.name+"/"+names["申込"], func(t *testing.T) {
				open, stored := b.create(t, aliased)
				run := syncOn(t, open(), cfg)
				if got := statuses(run); !reflect.DeepEqual(got, want) {
					t.Errorf("statuses differ from the workbook with the contract's names")
				}
				if len(run.Sheet.PoolRows) == 0 {
					t.Error("the pool tab was not found")
				}
				if run := syncOn(t, open(), cfg); len(run.Changes) != 0 {
					t.Errorf("second sync plans %d changes", len(run.Changes))
				}
				if got := stored().Titles(); !reflect.DeepEqual(got, aliased.Titles()) {
					t.Errorf("tabs now %q, want %q", got, aliased.Titles())
				}
			})
		}
	}
}

// TestAliasedTabCostOnGoogle: with every tab under its contract name an
// idle sync is one values.batchGet; a tab under an alias costs the tab
// list and one more read: the failed batchGet, spreadsheets.get, the
// batchGet of the tabs found by name, and the batchGet of the aliased one.
func TestAliasedTabCostOnGoogle(t *testing.T) {
	book := renamed(example.Generate(example.ExampleConfig()), map[string]string{"申込": "Applications "})
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(book, 0)...)
	cfg := config(t)
	open := func() sheet.Spreadsheet {
		ss, err := gsheets.Open(context.Background(), id, gsheets.Options{Endpoint: srv.URL(), Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	syncOn(t, open(), cfg)
	srv.ResetRequests()
	if run := syncOn(t, open(), cfg); len(run.Changes) != 0 {
		t.Fatalf("second sync plans %d changes", len(run.Changes))
	}
	var ops []string
	for _, r := range srv.Requests() {
		ops = append(ops, r.Operation)
	}
	const batchGet, get = "spreadsheets.values.batchGet", "spreadsheets.get"
	if want := []string{batchGet, get, batchGet, batchGet}; !reflect.DeepEqual(ops, want) {
		t.Errorf("idle sync calls %v, want %v", ops, want)
	}
}
