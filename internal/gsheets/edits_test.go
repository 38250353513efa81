package gsheets_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/parse"
	"onboard/internal/sheet"
	"onboard/internal/writeback"
)

var tabNames = []string{"申込", "セッション", "サポートアカウント"}

type grid = map[string][][]any

func snapshot(srv *fakesheets.Server, id string) grid {
	g := grid{}
	for _, tab := range tabNames {
		g[tab] = srv.Values(id, tab)
	}
	return g
}

func at(rows [][]any, r, c int) any {
	if r < 0 || r >= len(rows) || c < 0 || c >= len(rows[r]) {
		return nil
	}
	if s, ok := rows[r][c].(string); ok && s == "" {
		return nil
	}
	return rows[r][c]
}

// owner says who owns a column of a tab, by its header.
func owner(m *matrix.Matrix, tab, header string) contract.Owner {
	for _, spec := range contract.Tabs(m) {
		if parse.Header(spec.Name) != parse.Header(tab) {
			continue
		}
		for _, c := range spec.Columns {
			if parse.Header(c.Name) == parse.Header(header) || parse.Header(c.Alias) == parse.Header(header) {
				return c.Owner
			}
		}
	}
	return contract.Manager
}

// assertKept compares every cell before and after a run: manager cells
// and headers must be identical, fill cells may only go from blank to a
// value; job cells are the job's.
func assertKept(t *testing.T, m *matrix.Matrix, before, after grid) {
	t.Helper()
	checked := 0
	for _, tab := range tabNames {
		b, a := before[tab], after[tab]
		for r := 0; r < max(len(a), len(b)); r++ {
			width := 0
			if r < len(a) {
				width = len(a[r])
			}
			if r < len(b) {
				width = max(width, len(b[r]))
			}
			for c := 0; c < width; c++ {
				old, now := at(b, r, c), at(a, r, c)
				cell := fmt.Sprintf("%s!%s", tab, sheet.CellName(r+1, c+1))
				if r == 0 {
					if old != nil && !reflect.DeepEqual(old, now) {
						t.Errorf("%s header changed %v → %v", cell, old, now)
					}
					continue
				}
				header, _ := at(a, 0, c).(string)
				switch owner(m, tab, header) {
				case contract.Manager:
					checked++
					if !reflect.DeepEqual(old, now) {
						t.Errorf("%s (%s) manager cell changed: %#v → %#v", cell, header, old, now)
					}
				case contract.Fill:
					if old != nil && !reflect.DeepEqual(old, now) {
						t.Errorf("%s (%s) filled cell overwritten: %#v → %#v", cell, header, old, now)
					}
				}
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d manager cells compared", checked)
	}
}

// assertStatusesRight plans a sync of the sheet as it ended up: every
// client's status columns must already hold what its own row computes to,
// which fails if any status went to another client's row. except names
// clients the run could not know about.
func assertStatusesRight(t *testing.T, srv *fakesheets.Server, id string, cfg job.Config, except ...string) {
	t.Helper()
	dry, err := job.Sync(context.Background(), open(t, srv, id), cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	statusCols := map[string]bool{"必要作業": true, "残作業": true, "進捗": true, "ステータス": true, "次のアクション": true}
	for _, ch := range dry.Changes {
		if ch.Tab != "申込" || !statusCols[ch.Header] {
			continue
		}
		ok := false
		for _, e := range except {
			ok = ok || ch.Key == e
		}
		if !ok {
			t.Errorf("client %q (row %d) %s holds %q, its row computes %q", ch.Key, ch.Row, ch.Header, ch.Old.String(), ch.New.String())
		}
	}
}

// rewrite replaces a tab's cells with f's result, as a manager sorting or
// moving columns would; dates come back as plain serial numbers.
func rewrite(t *testing.T, srv *fakesheets.Server, id, tab string, f func([][]any) [][]any) {
	old := srv.Values(id, tab)
	rows := f(old)
	width := 0
	for _, r := range append(old, rows...) {
		width = max(width, len(r))
	}
	for r := 0; r < max(len(old), len(rows)); r++ {
		for c := 0; c < width; c++ {
			if err := srv.SetCell(id, tab, r+1, c+1, at(rows, r, c)); err != nil {
				t.Error(err)
			}
		}
	}
}

// rowOf finds the 1-based row of a client ID in 申込.
func rowOf(srv *fakesheets.Server, id, client string) int {
	for r, row := range srv.Values(id, "申込") {
		if len(row) > 0 && row[0] == client {
			return r + 1
		}
	}
	return 0
}

type scenario struct {
	name string
	// prepared: sync once, then clear the status columns, so the run
	// rewrites every client's status into existing job columns.
	prepared bool
	edit     func(t *testing.T, srv *fakesheets.Server, id string)
	check    func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run)
	except   []string
}

// TestManagerEditsDuringRun edits the sheet between the job's read and its
// re-read of the key columns (the hook runs before the second batchGet),
// then checks that no manager value was lost and every status is on its
// client's row.
func TestManagerEditsDuringRun(t *testing.T) {
	for _, sc := range []scenario{
		{name: "rows inserted above", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			if err := srv.InsertRows(id, "申込", 2, 3); err != nil {
				t.Fatal(err)
			}
			// A new client typed into one of them: not computed this run.
			for c, v := range []any{"19999", nil, "株式会社 新規"} {
				_ = srv.SetCell(id, "申込", 3, c+1, v)
			}
		}, check: func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run) {
			if run.Outcome.Moved == 0 {
				t.Error("no change was moved to another row")
			}
			row := srv.Values(id, "申込")[2]
			for c := 12; c < len(row); c++ {
				if row[c] != nil && row[c] != "" {
					t.Errorf("the new client's row got %v in column %d", row[c], c+1)
				}
			}
		}, except: []string{"19999"}},
		{name: "rows re-sorted", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			rewrite(t, srv, id, "申込", func(rows [][]any) [][]any {
				out := [][]any{rows[0]}
				for r := len(rows) - 1; r >= 1; r-- {
					out = append(out, rows[r])
				}
				return out
			})
		}, check: func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run) {
			if run.Outcome.Moved < 30 {
				t.Errorf("only %d changes moved", run.Outcome.Moved)
			}
		}},
		{name: "client deleted", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			if err := srv.DeleteRow(id, "申込", rowOf(srv, id, "10005")); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run) {
			if run.Outcome.Gone == 0 || rowOf(srv, id, "10005") != 0 {
				t.Errorf("gone %d, row of the deleted client %d", run.Outcome.Gone, rowOf(srv, id, "10005"))
			}
		}},
		{name: "support account typed in", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			if err := srv.TypeCell(id, "申込", supportRow, 12, "support_manual@uetaya.com"); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run) {
			if got := srv.Cell(id, "申込", supportRow, 12); got != "support_manual@uetaya.com" || run.Outcome.Filled == 0 {
				t.Errorf("support account %v, filled meanwhile %d", got, run.Outcome.Filled)
			}
			// The refused fill takes its pool marks with it: no pool row is
			// assigned to a client holding another account.
			client := fmt.Sprint(srv.Cell(id, "申込", supportRow, 1))
			for r, row := range srv.Values(id, "サポートアカウント") {
				if r > 0 && len(row) > 3 && fmt.Sprint(row[3]) == client {
					t.Errorf("pool row %d %v is assigned to client %s, who holds support_manual@uetaya.com", r+1, row, client)
				}
			}
			if run.Outcome.Withheld != 2 {
				t.Errorf("withheld %d, want the pool's 割当クライアントID and 割当日", run.Outcome.Withheld)
			}
		}},
		{name: "job cell edited", prepared: true, edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			if err := srv.TypeCell(id, "申込", rowOf(srv, id, "10010"), statusCol, "手で書いた"); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run) {
			if got := srv.Cell(id, "申込", rowOf(srv, id, "10010"), statusCol); got == "手で書いた" || got == nil {
				t.Error("the job did not write its own status column")
			}
		}},
		{name: "column moved", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			// 事業者名 moves from C to L; the header row changes.
			rewrite(t, srv, id, "申込", func(rows [][]any) [][]any {
				out := make([][]any, len(rows))
				for r, row := range rows {
					cells := make([]any, 12)
					copy(cells, row)
					out[r] = append(append(append([]any{}, cells[:2]...), cells[3:12]...), cells[2])
				}
				return out
			})
		}, check: func(t *testing.T, srv *fakesheets.Server, id string, run *job.Run) {
			if run.Attempts != 2 {
				t.Errorf("attempts %d, want a restart", run.Attempts)
			}
			if got := srv.Cell(id, "申込", 1, 12); got != "事業者名" {
				t.Errorf("L1 = %v", got)
			}
		}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			cfg := config(t)
			srv, id := exampleOnFake(t, cfg, sc.prepared, 18)
			dry, err := job.Sync(context.Background(), open(t, srv, id), cfg, true)
			if err != nil {
				t.Fatal(err)
			}
			supportRow = 0
			for _, ch := range dry.Changes {
				if ch.Tab == "申込" && ch.Header == "サポートアカウント" && ch.Row > 2 && supportRow == 0 {
					supportRow = ch.Row
				}
			}
			var gets atomic.Int32
			var once sync.Once
			var before grid
			srv.SetHook(func(r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "values:batchGet") && gets.Add(1) == 2 {
					once.Do(func() {
						sc.edit(t, srv, id)
						before = snapshot(srv, id)
					})
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			run, err := job.Sync(ctx, open(t, srv, id), cfg, false)
			srv.SetHook(nil)
			if err != nil {
				t.Fatalf("sync: %v", err)
			}
			if before == nil {
				t.Fatal("the edit never ran")
			}
			assertKept(t, cfg.Matrix, before, snapshot(srv, id))
			sc.check(t, srv, id, run)
			assertStatusesRight(t, srv, id, cfg, sc.except...)
		})
	}
}

// Positions in the bundled example: supportRow is set per test to a row
// whose support account the run fills, and ステータス is column P once the
// job added its columns (M 必要作業, N 残作業, O 進捗, P ステータス).
var (
	supportRow = 0
	statusCol  = 16
)

// TestEditsDuringTheWrite edits the sheet exactly between the job's re-read
// of the key columns and its write (the hook runs as the values.batchUpdate
// arrives), which no check before the write can see. The read after the
// write must find every cell that landed under another client or header
// and name it; the next run puts every job cell right.
func TestEditsDuringTheWrite(t *testing.T) {
	for _, sc := range []struct {
		name     string
		prepared bool
		edit     func(t *testing.T, srv *fakesheets.Server, id string)
	}{
		{name: "rows inserted above", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			if err := srv.InsertRows(id, "申込", 2, 2); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "rows sorted", prepared: true, edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			rewrite(t, srv, id, "申込", func(rows [][]any) [][]any {
				out := [][]any{rows[0]}
				for r := len(rows) - 1; r >= 1; r-- {
					out = append(out, rows[r])
				}
				return out
			})
		}},
		{name: "client deleted", edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			if err := srv.DeleteRow(id, "申込", rowOf(srv, id, "10005")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "column inserted", prepared: true, edit: func(t *testing.T, srv *fakesheets.Server, id string) {
			rewrite(t, srv, id, "申込", func(rows [][]any) [][]any {
				out := make([][]any, len(rows))
				for r, row := range rows {
					out[r] = append(append(append([]any{}, row[:min(2, len(row))]...), nil), row[min(2, len(row)):]...)
				}
				out[0][2] = "社内メモ"
				return out
			})
		}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			cfg := config(t)
			srv, id := exampleOnFake(t, cfg, sc.prepared, 17)
			var once sync.Once
			var before grid
			srv.SetHook(func(r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "values:batchUpdate") {
					once.Do(func() {
						sc.edit(t, srv, id)
						before = snapshot(srv, id)
					})
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			run, err := job.Sync(ctx, open(t, srv, id), cfg, false)
			srv.SetHook(nil)
			var me *writeback.MisplacedError
			if !errors.As(err, &me) || !errors.Is(err, writeback.ErrMisplaced) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line naming misplaced cells", err)
			}
			if run == nil || run.Outcome.Written == 0 {
				t.Fatalf("run %+v", run)
			}
			// Every named cell holds what was written, under another
			// client or header than it was written for.
			for i, m := range me.Cells {
				got := srv.Cell(id, m.Tab, m.Row, m.Col)
				if fmt.Sprint(got) != m.Value.String() && !(m.Value.Kind == sheet.Date) {
					t.Errorf("%s: holds %v, the error says %q was written", me.Details()[i], got, m.Value.String())
				}
				nowHeader, _ := srv.Cell(id, m.Tab, 1, m.Col).(string)
				nowClient := fmt.Sprint(srv.Cell(id, m.Tab, m.Row, clientCol(srv, id)))
				if nowHeader == m.Header && nowClient == m.Client {
					t.Errorf("%s: row %d holds client %s under %s, as written", me.Details()[i], m.Row, nowClient, nowHeader)
				}
			}
			if len(me.Cells) < 10 {
				t.Errorf("%d cells named", len(me.Cells))
			}
			// A manager puts back the cells named "by hand" (the job cannot
			// know what they held); the next run repairs the job's cells
			// and verifies its write, and no manager cell is lost.
			for _, m := range me.Cells {
				if m.ByHand {
					if err := srv.SetCell(id, m.Tab, m.Row, m.Col, at(before[m.Tab], m.Row-1, m.Col-1)); err != nil {
						t.Fatal(err)
					}
				}
			}
			again := syncOnce(t, open(t, srv, id), cfg)
			if again.Outcome.Written > 0 && !again.Outcome.Verified {
				t.Errorf("second run %+v", again.Outcome)
			}
			assertStatusesRight(t, srv, id, cfg)
			if third := syncOnce(t, open(t, srv, id), cfg); third.Outcome.Written != 0 {
				t.Errorf("third run wrote %d cells: %+v", third.Outcome.Written, third.Changes[0])
			}
			assertKept(t, cfg.Matrix, before, snapshot(srv, id))
		})
	}
}

// clientCol finds クライアントID in 申込's header row.
func clientCol(srv *fakesheets.Server, id string) int {
	for c, h := range srv.Values(id, "申込")[0] {
		if h == "クライアントID" {
			return c + 1
		}
	}
	return 1
}

// exampleOnFake seeds a fake with the example. prepared, it was synced
// once and then the job's columns of 申込 from M to lastCol emptied.
func exampleOnFake(t *testing.T, cfg job.Config, prepared bool, lastCol int) (*fakesheets.Server, string) {
	t.Helper()
	srv := newFake(t)
	id := srv.CreateSpreadsheet("onboarding", fakeTabs(example.Generate(example.ExampleConfig()).Tabs, 0)...)
	if prepared {
		syncOnce(t, open(t, srv, id), cfg)
		rows := srv.Values(id, "申込")
		for r := 2; r <= len(rows); r++ {
			for c := 13; c <= lastCol; c++ {
				_ = srv.SetCell(id, "申込", r, c, nil)
			}
		}
	}
	return srv, id
}
