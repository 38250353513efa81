package gsheets_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"onboard/internal/benchprof"
	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/sheet"
	"onboard/internal/statuslog"
)

// benchFakeEnv makes the test binary serve the benchmark's fake instead of
// running tests, so the fake's memory is not counted as the client's.
const benchFakeEnv = "GSHEETS_BENCH_FAKE"

func TestMain(m *testing.M) {
	if os.Getenv(benchFakeEnv) != "" {
		serveBenchFake(os.Stdin, os.Stdout)
		return
	}
	os.Exit(m.Run())
}

// benchConfig is the benchmark's sheet: 100,000 clients, 300,000 sessions.
var benchConfig = example.Config{Clients: 100_000, Seed: 1, Today: example.ExampleToday, SessionsPerClient: 3}

type fakeStats struct {
	Requests int      `json:"requests"`
	Sent     int      `json:"sent"`
	Received int      `json:"received"`
	Ops      []string `json:"ops"`
}

// serveBenchFake runs a fake and answers one command per line: "new"
// seeds a fresh copy of the benchmark sheet (dropping the previous one) and
// prints its ID, "history" the same with a year of ステータス履歴 and
// "nohistory" with that tab's header only; "reset" forgets the calls so
// far; "stats" prints the calls since the last "new" or "reset" as JSON.
func serveBenchFake(in io.Reader, out io.Writer) {
	book := example.Generate(benchConfig)
	// The history's sheets keep within Google's cell limit after the
	// first sync, whose columns and rows (one per client) grow the grids
	// by some 1,100,000 cells: their grids are cut to their rows (fit).
	room := (example.CellLimit-1_200_000-example.Cells(book))/len(statuslog.Header) - benchConfig.Clients - 1
	year, _ := example.History(book, 365, room, example.ExampleToday, 1)
	header := &sheet.Tab{Name: statuslog.TabName, Rows: year.Rows[:1]}
	seeds := map[string][]fakesheets.Tab{
		"new":       fakeTabs(book.Tabs, 26),
		"history":   fakeTabs(append(slices.Clone(book.Tabs), year), 0),
		"nohistory": fakeTabs(append(slices.Clone(book.Tabs), header), 0),
	}
	srv := fakesheets.NewServer()
	defer srv.Close()
	fmt.Fprintln(out, srv.URL())
	id := ""
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		switch cmd := sc.Text(); cmd {
		case "new", "history", "nohistory":
			if id != "" {
				_ = srv.DeleteSpreadsheet(id)
			}
			runtime.GC()
			id = srv.CreateSpreadsheet("bench", seeds[cmd]...)
			if cmd != "new" {
				fit(srv, id, seeds[cmd])
			}
			srv.ResetRequests()
			fmt.Fprintln(out, id)
		case "reset":
			srv.ResetRequests()
			fmt.Fprintln(out, "ok")
		case "stats":
			var st fakeStats
			for _, r := range srv.Requests() {
				st.Requests++
				st.Sent += r.BodySize
				st.Received += r.ResponseSize
				st.Ops = append(st.Ops, strings.TrimPrefix(r.Operation, "spreadsheets."))
			}
			b, _ := json.Marshal(st)
			fmt.Fprintln(out, string(b))
		}
	}
}

// fit cuts each tab's grid to its rows, as a team deleting the empty
// rows and columns to make room would.
func fit(srv *fakesheets.Server, id string, tabs []fakesheets.Tab) {
	for _, t := range tabs {
		width := 1
		for _, r := range t.Rows {
			width = max(width, len(r))
		}
		if err := srv.Resize(id, t.Title, max(1, len(t.Rows)), width); err != nil {
			panic(err)
		}
	}
}

// heapPeak samples the live heap every few milliseconds (runtime/metrics
// reads it without stopping the world) and keeps the highest value.
type heapPeak struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func startHeapPeak() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		h.peak = max(h.peak, sample[0].Value.Uint64())
	}
	read()
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return h
}

func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}

// cpuTime is the CPU this process (the client, not the fake) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startBenchFake runs the fake in a child process (this test binary) and
// returns a function sending it one command and reading its answer line,
// and the fake's URL.
func startBenchFake(b *testing.B) (func(string) string, string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchFakeEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	ask := func(command string) string {
		if command != "" {
			fmt.Fprintln(stdin, command)
		}
		if !lines.Scan() {
			b.Fatalf("the fake stopped: %v", lines.Err())
		}
		return lines.Text()
	}
	return ask, ask("")
}

// BenchmarkSync100k is a first sync of 100,000 clients and 300,000
// sessions through the real client and the fake (no added latency): every
// status cell is new. The fake runs in a child process (this test binary),
// so peak-heap-MB is the sync's own live heap, sampled every 2 ms; wall
// time includes the fake's work, on the same machine; client-cpu-s is the
// CPU time of this process alone.
func BenchmarkSync100k(b *testing.B) { benchmarkSync(b, "Google sync 100k (fake)", false) }

// BenchmarkIdleSync100k is a sync of 100,000 clients and 300,000 sessions
// with nothing to change: the sheet was synced once before (untimed), so
// the timed run reads and decides only. The fake runs in a child process;
// client-cpu-s is this process's CPU alone (getrusage).
func BenchmarkIdleSync100k(b *testing.B) { benchmarkSync(b, "idle Google sync 100k (fake)", true) }

func benchmarkSync(b *testing.B, what string, idle bool) {
	ask, url := startBenchFake(b)
	for b.Loop() {
		f := syncs(b, ask, url, config(b), "new", idle)
		f.report(b, "")
		b.Logf("%s: %v | calls: %s | profile: %s", what, f, strings.Join(f.stats.Ops, ", "),
			profileSync(b, ask, url, config(b), "new", idle))
	}
}

// BenchmarkIdleSync100kHistory is BenchmarkIdleSync100k with the
// ステータス履歴 tab kept: a year of history (as much as fits in Google's
// cells) beside a tab that held its header only before the first sync,
// alternating. Target: ≤ 2 s client CPU and ≤ 400 MB, the year within
// 10% of none.
func BenchmarkIdleSync100kHistory(b *testing.B) {
	ask, url := startBenchFake(b)
	cfg := config(b)
	cfg.History = true
	for b.Loop() {
		var year, none syncFigures
		for range benchRuns {
			year.add(timeSync(b, ask, url, cfg, "history", true, nil))
			none.add(timeSync(b, ask, url, cfg, "nohistory", true, nil))
		}
		year.report(b, "")
		none.report(b, "no-history-")
		b.Logf("idle Google sync 100k (fake), a year of history: %v | with none %v | CPU %+.0f%% (target ≤ 2 s client CPU, ≤ 400 MB, within 10%%) | calls: %s | profile: %s",
			year, none, 100*(median(year.cpus).Seconds()/median(none.cpus).Seconds()-1), strings.Join(year.stats.Ops, ", "),
			profileSync(b, ask, url, cfg, "history", true))
	}
}

// syncFigures are the figures of syncs: each one's wall and client CPU
// time, the highest heap, and the last one's calls.
type syncFigures struct {
	walls, cpus []time.Duration
	peak        uint64
	written     int
	stats       fakeStats
}

func (f *syncFigures) add(g syncFigures) {
	f.walls, f.cpus = append(f.walls, g.walls...), append(f.cpus, g.cpus...)
	f.peak, f.written, f.stats = max(f.peak, g.peak), g.written, g.stats
}

func (f syncFigures) String() string {
	return fmt.Sprintf("%.2f s, client CPU %.2f s, %.0f MB heap, %d requests (medians of %d)",
		median(f.walls).Seconds(), median(f.cpus).Seconds(), float64(f.peak)/1e6, f.stats.Requests, len(f.walls))
}

func (f syncFigures) report(b *testing.B, prefix string) {
	b.ReportMetric(median(f.walls).Seconds(), prefix+"s/sync")
	b.ReportMetric(median(f.cpus).Seconds(), prefix+"client-cpu-s/sync")
	b.ReportMetric(float64(f.peak)/1e6, prefix+"peak-heap-MB")
	b.ReportMetric(float64(f.stats.Sent)/1e6, prefix+"MB-sent")
	b.ReportMetric(float64(f.stats.Received)/1e6, prefix+"MB-received")
	b.ReportMetric(float64(f.stats.Requests), prefix+"requests")
	b.ReportMetric(float64(f.written), prefix+"cells-written")
}

// syncs times benchRuns syncs of a fresh sheet the fake seeds with seed:
// first ones, or with idle idle ones after an untimed first.
func syncs(b *testing.B, ask func(string) string, url string, cfg job.Config, seed string, idle bool) syncFigures {
	var f syncFigures
	for range benchRuns {
		f.add(timeSync(b, ask, url, cfg, seed, idle, nil))
	}
	return f
}

// timeSync times one sync; within, when set, runs it (a profile).
func timeSync(b *testing.B, ask func(string) string, url string, cfg job.Config, seed string, idle bool, within func(func() error) error) syncFigures {
	b.StopTimer()
	defer b.StartTimer()
	id := ask(seed)
	ss := open(b, nil, id, func(o *gsheets.Options) { o.Endpoint = url })
	if idle {
		if _, err := job.Sync(context.Background(), ss, cfg, false); err != nil {
			b.Fatal(err)
		}
		ask("reset")
		ss = open(b, nil, id, func(o *gsheets.Options) { o.Endpoint = url })
	}
	if within == nil {
		within = func(fn func() error) error { return fn() }
	}
	runtime.GC()
	h := startHeapPeak()
	cpu0 := cpuTime()
	b.StartTimer()
	start := time.Now()
	var run *job.Run
	err := within(func() (err error) {
		run, err = job.Sync(context.Background(), ss, cfg, false)
		return err
	})
	wall := time.Since(start)
	b.StopTimer()
	f := syncFigures{walls: []time.Duration{wall}, cpus: []time.Duration{cpuTime() - cpu0}, peak: h.Stop()}
	if err != nil {
		b.Fatal(err)
	}
	f.written = run.Outcome.Written
	if err := json.Unmarshal([]byte(ask("stats")), &f.stats); err != nil {
		b.Fatal(err)
	}
	return f
}

// profileSync runs one more sync under a CPU profile and says where its
// time goes: the three functions that spent the most.
func profileSync(b *testing.B, ask func(string) string, url string, cfg job.Config, seed string, idle bool) string {
	prof := filepath.Join(b.TempDir(), "cpu.prof")
	timeSync(b, ask, url, cfg, seed, idle, func(fn func() error) error { return benchprof.Profile(prof, fn) })
	top, err := benchprof.Top(os.Args[0], prof, 3)
	if err != nil {
		b.Fatal(err)
	}
	return top
}

// benchRuns is how many syncs each iteration times; figures are medians.
const benchRuns = 3

func median(xs []time.Duration) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
