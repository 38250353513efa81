package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

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

// timed runs a command on a fresh copy of the workbook and returns its
// wall time and peak resident memory (getrusage, KiB on Linux).
func timed(b *testing.B, data []byte, args func(path string) []string) (time.Duration, int64) {
	path := filepath.Join(b.TempDir(), "book.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	a := args(path)
	cmd := exec.Command(a[0], a[1:]...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(a, " "), err, out)
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return wall, ru.Maxrss
}

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ours(path string) []string {
	return []string{binary, "sync", "--sheet", path, "--now", "2026-11-25T09:00:00+09:00", "--log-level", "error"}
}

// BenchmarkLocalSync10kVsOpenpyxl is issue 13's first local target, side
// by side in one run: the built binary's sync of a 10,000-client workbook
// (3 sessions each) against testdata/openpyxl_sync.py, the openpyxl script
// a Python user would write, alternating, medians of benchRuns runs each.
// Target: speedup ≥ 5 and ours-peak-MB ≤ peer-peak-MB.
func BenchmarkLocalSync10kVsOpenpyxl(b *testing.B) {
	data := syncWorkbook(b, 10_000, 0)
	peer := func(path string) []string {
		return []string{"/usr/bin/python3", "testdata/openpyxl_sync.py", path, "2026-11-25"}
	}
	for b.Loop() {
		var ourTime, peerTime []time.Duration
		var ourMem, peerMem []int64
		for range benchRuns {
			t, m := timed(b, data, ours)
			ourTime, ourMem = append(ourTime, t), append(ourMem, m)
			t, m = timed(b, data, peer)
			peerTime, peerMem = append(peerTime, t), append(peerMem, m)
		}
		o, p := median(ourTime), median(peerTime)
		b.ReportMetric(float64(o.Milliseconds()), "ours-ms")
		b.ReportMetric(float64(p.Milliseconds()), "openpyxl-ms")
		b.ReportMetric(float64(p)/float64(o), "speedup")
		b.ReportMetric(float64(median(ourMem))/1024, "ours-peak-MB")
		b.ReportMetric(float64(median(peerMem))/1024, "openpyxl-peak-MB")
		b.Logf("10,000 clients: onboard %v / %d MB, openpyxl %v / %d MB (medians of %d)", o, median(ourMem)/1024, p, median(peerMem)/1024, benchRuns)
	}
	b.ReportMetric(float64(len(data))/1e6, "workbook-MB")
}

// BenchmarkLocalSync100k is issue 13's second local target: the built
// binary's sync of 100,000 clients (3 sessions each), median of benchRuns
// runs. Target: < 10 s and < 1 GB peak; and memory that grows with the
// clients, not with a team's own columns: the same workbook with 20 more
// columns of notes on every tab is synced beside it.
func BenchmarkLocalSync100k(b *testing.B) {
	data, wide := syncWorkbook(b, 100_000, 0), syncWorkbook(b, 100_000, 20)
	for b.Loop() {
		var ts, wts []time.Duration
		var ms, wms []int64
		for range benchRuns {
			t, m := timed(b, data, ours)
			ts, ms = append(ts, t), append(ms, m)
			t, m = timed(b, wide, ours)
			wts, wms = append(wts, t), append(wms, m)
		}
		b.ReportMetric(float64(median(ts).Milliseconds()), "ms/sync")
		b.ReportMetric(float64(median(ms))/1024, "peak-MB")
		b.ReportMetric(float64(median(wts).Milliseconds()), "team-cols-ms/sync")
		b.ReportMetric(float64(median(wms))/1024, "team-cols-peak-MB")
		b.Logf("100,000 clients: onboard %v / %d MB (medians of %d; runs %v, %v KiB)", median(ts), median(ms)/1024, benchRuns, ts, ms)
		b.Logf("with 20 team columns per tab (%.0f MB workbook): %v / %d MB (runs %v, %v KiB)", float64(len(wide))/1e6, median(wts), median(wms)/1024, wts, wms)
	}
	b.ReportMetric(float64(len(data))/1e6, "workbook-MB")
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
		var ts []time.Duration
		var ms []int64
		for range benchRuns {
			t, m := timed(b, data, initArgs)
			ts, ms = append(ts, t), append(ms, m)
		}
		b.ReportMetric(float64(median(ts).Milliseconds()), "ms/init")
		b.ReportMetric(float64(median(ms))/1024, "peak-MB")
		b.Logf("init of 100,000 clients: %v / %d MB (medians of %d; runs %v, %v KiB)", median(ts), median(ms)/1024, benchRuns, ts, ms)
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
		var ts, nts []time.Duration
		var ms, nms []int64
		for range benchRuns {
			t, m := timed(b, year, ours)
			ts, ms = append(ts, t), append(ms, m)
			t, m = timed(b, none, ours)
			nts, nms = append(nts, t), append(nms, m)
		}
		b.ReportMetric(float64(median(ts).Milliseconds()), "ms/sync")
		b.ReportMetric(float64(median(ms))/1024, "peak-MB")
		b.ReportMetric(float64(median(nts).Milliseconds()), "no-history-ms/sync")
		b.ReportMetric(float64(median(nms))/1024, "no-history-peak-MB")
		b.Logf("idle sync, a year of history: %v / %d MB; with none: %v / %d MB (medians of %d; runs %v %v, %v %v KiB)",
			median(ts), median(ms)/1024, median(nts), median(nms)/1024, benchRuns, ts, nts, ms, nms)
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
