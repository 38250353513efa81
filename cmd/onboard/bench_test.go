package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/benchprof"
	"onboard/internal/example"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// benchRuns is how many times each side runs; figures are medians.
const benchRuns = 3

// syncWorkbook returns a workbook of n clients with 3 sessions each and
// teamCols columns of a team's own notes (teamColumns). It is made by this
// test binary run again (benchWorkbookEnv): Linux counts the memory a
// process had when it started another into the other's peak (ru_maxrss),
// so the process that measures the syncs must never grow.
func syncWorkbook(b *testing.B, n, teamCols int) []byte {
	path := filepath.Join(b.TempDir(), "src.xlsx")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%d", benchWorkbookEnv, path, n, teamCols))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("make the workbook: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchWorkbookEnv, set to "path,clients,teamCols", has the test binary
// write that workbook and exit (TestMain).
const benchWorkbookEnv = "ONBOARD_BENCH_WORKBOOK"

// makeBenchWorkbook writes the workbook benchWorkbookEnv asks for; false
// when it asks for none.
func makeBenchWorkbook() bool {
	spec := os.Getenv(benchWorkbookEnv)
	if spec == "" {
		return false
	}
	var path string
	var n, teamCols, days int
	parts := strings.Split(spec, ",")
	if len(parts) >= 3 {
		path = parts[0]
		n, _ = strconv.Atoi(parts[1])
		teamCols, _ = strconv.Atoi(parts[2])
	}
	if len(parts) == 4 {
		days, _ = strconv.Atoi(parts[3])
	}
	book := example.Generate(example.Config{Clients: n, Seed: 1, Today: example.ExampleToday, SessionsPerClient: 3})
	if days > 0 {
		room := (example.CellLimit-example.Cells(book))/9 - n - 1
		tab, _ := example.History(book, days, room, example.ExampleToday, 1)
		book.Tabs = append(book.Tabs, tab)
	}
	if err := xlsxbook.Create(path, teamColumns(book, teamCols)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return true
}

// teamColumns adds n columns of a team's own notes, a sentence in every
// row, to the right of the columns of 申込, セッション and the pool.
func teamColumns(book *sheet.Book, n int) *sheet.Book {
	if n == 0 {
		return book
	}
	for _, name := range []string{"申込", "セッション", "サポートアカウント"} {
		tab := book.Tab(name)
		width := len(tab.Rows[0])
		for r := range tab.Rows {
			tab.Rows[r] = append(tab.Rows[r], make([]sheet.Value, width+n-len(tab.Rows[r]))...)
			for c := width; c < width+n; c++ {
				if r == 0 {
					tab.Rows[r][c] = sheet.TextValue(fmt.Sprintf("チームメモ%d", c-width+1))
				} else {
					tab.Rows[r][c] = sheet.TextValue(fmt.Sprintf("行%dの%d列目のメモ：先方の担当者から電話あり", r+1, c+1))
				}
			}
		}
	}
	return book
}

// timed runs a command on a fresh copy of the workbook and measures it.
func timed(b *testing.B, data []byte, args func(path string) []string, env ...string) benchprof.Figures {
	path := filepath.Join(b.TempDir(), "book.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	f, err := benchprof.Run(args(path), env...)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// side is one command a benchmark runs on its workbook.
type side struct {
	data []byte
	args func(path string) []string
}

// sideBySide runs the sides in turn, benchRuns rounds, and returns each
// one's medians.
func sideBySide(b *testing.B, sides ...side) []benchprof.Figures {
	runs := make([][]benchprof.Figures, len(sides))
	for range benchRuns {
		for i, s := range sides {
			runs[i] = append(runs[i], timed(b, s.data, s.args))
		}
	}
	out := make([]benchprof.Figures, len(sides))
	for i := range sides {
		out[i] = benchprof.Median(runs[i])
	}
	return out
}

// profileOf runs ours once more under a CPU profile and says where its
// time goes: the three functions that spent the most.
func profileOf(b *testing.B, s side) string {
	prof := filepath.Join(b.TempDir(), "cpu.prof")
	timed(b, s.data, s.args, benchprof.Env+"="+prof)
	top, err := benchprof.Top(binary, prof, 3)
	if err != nil {
		b.Fatal(err)
	}
	return top
}

// report records the figures as metrics named prefix-s, prefix-cpu-s and
// prefix-peak-MB.
func report(b *testing.B, prefix string, f benchprof.Figures) {
	b.ReportMetric(f.Wall.Seconds(), prefix+"-s")
	b.ReportMetric(f.CPU.Seconds(), prefix+"-cpu-s")
	b.ReportMetric(float64(f.PeakKiB)/1024, prefix+"-peak-MB")
}

func ours(path string) []string {
	return []string{binary, "sync", "--sheet", path, "--now", "2026-11-25T09:00:00+09:00", "--log-level", "error"}
}

// BenchmarkLocalSync10kVsOpenpyxl: the built binary's sync of a
// 10,000-client workbook (3 sessions each) against
// testdata/openpyxl_sync.py, the openpyxl script a Python user would
// write, alternating, medians of benchRuns runs each. Target: ≥ 5× faster
// and less memory.
func BenchmarkLocalSync10kVsOpenpyxl(b *testing.B) {
	data := syncWorkbook(b, 10_000, 0)
	peer := func(path string) []string {
		return []string{"/usr/bin/python3", "testdata/openpyxl_sync.py", path, "2026-11-25"}
	}
	for b.Loop() {
		f := sideBySide(b, side{data, ours}, side{data, peer})
		report(b, "ours", f[0])
		report(b, "openpyxl", f[1])
		b.ReportMetric(float64(f[1].Wall)/float64(f[0].Wall), "speedup")
		b.Logf("local sync 10k: onboard %v | openpyxl %v | %.1f× faster (target ≥ 5×, less memory) | profile: %s",
			f[0], f[1], float64(f[1].Wall)/float64(f[0].Wall), profileOf(b, side{data, ours}))
	}
}

// BenchmarkLocalSync100k: the built binary's first sync of 100,000
// clients (3 sessions each), medians of benchRuns runs. Target: < 8 s and
// < 800 MB peak; memory that grows with the clients, not with a team's
// own columns: the same workbook with 20 more columns of notes on every
// tab is synced beside it.
func BenchmarkLocalSync100k(b *testing.B) {
	data, wide := syncWorkbook(b, 100_000, 0), syncWorkbook(b, 100_000, 20)
	for b.Loop() {
		f := sideBySide(b, side{data, ours}, side{wide, ours})
		report(b, "sync", f[0])
		report(b, "team-cols", f[1])
		b.Logf("local sync 100k: onboard %v | with 20 team columns per tab (%.0f MB workbook) %v | target < 8 s, < 800 MB | profile: %s",
			f[0], float64(len(wide))/1e6, f[1], profileOf(b, side{data, ours}))
	}
}

// BenchmarkLocalInit100k times `onboard init` on a workbook of 100,000
// clients a team has kept without it: the dropdowns, notes, frozen headers
// and formats it adds, medians of benchRuns runs.
func BenchmarkLocalInit100k(b *testing.B) {
	data := syncWorkbook(b, 100_000, 0)
	initArgs := func(path string) []string {
		return []string{binary, "init", "--sheet", path, "--log-level", "error"}
	}
	for b.Loop() {
		f := sideBySide(b, side{data, initArgs})
		report(b, "init", f[0])
		b.Logf("init 100k: onboard %v | profile: %s", f[0], profileOf(b, side{data, initArgs}))
	}
}

// BenchmarkLocalIdleSync100kHistory is an idle sync of 100,000 clients
// whose ステータス履歴 holds a year of history (as much as fits in
// Google's cells: 266 days, 312,000 rows) beside the same sheet with none,
// each synced once first (untimed), medians of benchRuns runs. Target:
// < 2 s and < 300 MB, the history within 10% of none.
func BenchmarkLocalIdleSync100kHistory(b *testing.B) {
	synced := func(data []byte) []byte {
		path := filepath.Join(b.TempDir(), "synced.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		if out, err := exec.Command(binary, ours(path)[1:]...).CombinedOutput(); err != nil {
			b.Fatalf("first sync: %v\n%s", err, out)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	year := synced(historyWorkbook(b, 100_000, 365))
	none := synced(syncWorkbook(b, 100_000, 0))
	for b.Loop() {
		f := sideBySide(b, side{year, ours}, side{none, ours})
		report(b, "history", f[0])
		report(b, "no-history", f[1])
		b.Logf("idle local sync 100k, a year of history: onboard %v | with none %v | %+.0f%% (target < 2 s, < 300 MB, within 10%%) | profile: %s",
			f[0], f[1], 100*(f[0].Wall.Seconds()/f[1].Wall.Seconds()-1), profileOf(b, side{year, ours}))
	}
}

// historyWorkbook is syncWorkbook's workbook with days of ステータス履歴.
func historyWorkbook(b *testing.B, n, days int) []byte {
	path := filepath.Join(b.TempDir(), "src.xlsx")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,0,%d", benchWorkbookEnv, path, n, days))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("make the workbook: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
