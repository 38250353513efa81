package job_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/prep"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

var updatePrep = flag.Bool("update-prep", false, "rewrite testdata/prep-tab.golden")

// TestPrepTabOnBothBackends: a sync keeps the セッション準備 tab, the same on
// both backends for the bundled example on a pinned day (golden); an idle
// second sync writes nothing (on Google: one request, the read); a cell a
// manager typed into the job's tab is put back.
func TestPrepTabOnBothBackends(t *testing.T) {
	cfg := config(t)
	in, err := prep.LoadInstructions("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Prep, cfg.PrepDays = in, 14
	book := example.Generate(example.ExampleConfig())
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			open, stored := b.create(t, book)
			syncOn(t, open(), cfg)
			tab := stored().Tab(contract.PrepTabName)
			if tab == nil {
				t.Fatal("no セッション準備 tab after the sync")
			}
			got := dumpTab(tab)
			const golden = "testdata/prep-tab.golden"
			if *updatePrep {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./internal/job -run TestPrepTab -update-prep writes it)", err)
			}
			if got != string(want) {
				t.Errorf("セッション準備 differs from %s:\n%s", golden, firstDiff(got, string(want)))
			}

			ss := open()
			run := syncOn(t, ss, cfg)
			if len(run.Changes) != 0 || run.Outcome.Written != 0 {
				t.Errorf("idle sync: %d changes, %d written", len(run.Changes), run.Outcome.Written)
			}
			if c, ok := ss.(sheet.Counter); ok {
				if req, _ := c.Counts(); req != 1 {
					t.Errorf("idle sync made %d requests, want 1", req)
				}
			}

			// A manager's note in the job's tab does not stay.
			ss = open()
			if _, err := ss.Read(t.Context(), []string{contract.PrepTabName}); err != nil {
				t.Fatal(err)
			}
			if err := ss.Write(t.Context(), []sheet.Update{{Tab: contract.PrepTabName, Row: 2, Col: 3, Value: sheet.TextValue("メモ書き")}}); err != nil {
				t.Fatal(err)
			}
			run = syncOn(t, open(), cfg)
			if run.Outcome.Written != 1 || dumpTab(stored().Tab(contract.PrepTabName)) != got {
				t.Errorf("the job's tab was not put back (%d written)", run.Outcome.Written)
			}
		})
	}
}

// dumpTab renders a tab one row a line, cells tab-separated, newlines
// inside cells shown as ⏎, the first column's serial numbers as dates
// (Google returns a date as a plain number).
func dumpTab(tab *sheet.Tab) string {
	var b strings.Builder
	for r, row := range tab.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			if i == 0 && r > 0 && v.Kind == sheet.Number {
				v.Kind = sheet.Date
			}
			cells[i] = strings.ReplaceAll(v.String(), "\n", "⏎")
		}
		b.WriteString(strings.TrimRight(strings.Join(cells, "\t"), "\t") + "\n")
	}
	return b.String()
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, a, b)
		}
	}
	return ""
}

// TestFirstSyncFitsWrappedRows: on a local workbook the first sync formats
// the columns it adds to wrap and gives their rows the height their text
// needs, so a manager (and LibreOffice) sees the whole チェック and 作業.
func TestFirstSyncFitsWrappedRows(t *testing.T) {
	path := copyExample(t)
	cfg := config(t)
	in, err := prep.LoadInstructions("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Prep, cfg.PrepDays = in, 14
	syncOn(t, xlsxbook.Open(path), cfg)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		tab     string
		row     int
		atLeast float64
	}{{"申込", 2, 30}, {contract.PrepTabName, 3, 150}} {
		if h, err := f.GetRowHeight(c.tab, c.row); err != nil || h < c.atLeast {
			t.Errorf("%s row %d is %v points high (%v), want at least %v", c.tab, c.row, h, err, c.atLeast)
		}
	}
}
