package gsheets_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
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
// prints its ID; "reset" forgets the calls so far; "stats" prints the calls
// since the last "new" or "reset" as JSON.
func serveBenchFake(in io.Reader, out io.Writer) {
	tabs := fakeTabs(example.Generate(benchConfig).Tabs, 26)
	srv := fakesheets.NewServer()
	defer srv.Close()
	fmt.Fprintln(out, srv.URL())
	id := ""
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		switch sc.Text() {
		case "new":
			if id != "" {
				_ = srv.DeleteSpreadsheet(id)
			}
			runtime.GC()
			id = srv.CreateSpreadsheet("bench", tabs...)
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
func BenchmarkSync100k(b *testing.B) { benchmarkSync(b, false) }

// BenchmarkIdleSync100k is a sync of 100,000 clients and 300,000 sessions
// with nothing to change: the sheet was synced once before (untimed), so
// the timed run reads and decides only. The fake runs in a child process;
// client-cpu-s is this process's CPU alone (getrusage), which the target
// bounds at 3 s with one request.
func BenchmarkIdleSync100k(b *testing.B) { benchmarkSync(b, true) }

// benchmarkSync times syncs of the benchmark sheet: first ones, or with
// idle idle ones after an untimed first; benchRuns of them per iteration,
// whose medians it reports.
func benchmarkSync(b *testing.B, idle bool) {
	ask, url := startBenchFake(b)
	cfg := config(b)
	var walls, cpus []time.Duration
	var peak uint64
	var st fakeStats
	written := 0
	for b.Loop() {
		for range benchRuns {
			b.StopTimer()
			id := ask("new")
			ss := open(b, nil, id, func(o *gsheets.Options) { o.Endpoint = url })
			if idle {
				if _, err := job.Sync(context.Background(), ss, cfg, false); err != nil {
					b.Fatal(err)
				}
				ask("reset")
				ss = open(b, nil, id, func(o *gsheets.Options) { o.Endpoint = url })
			}
			runtime.GC()
			h := startHeapPeak()
			cpu0 := cpuTime()
			b.StartTimer()
			start := time.Now()
			run, err := job.Sync(context.Background(), ss, cfg, false)
			walls = append(walls, time.Since(start))
			b.StopTimer()
			cpus = append(cpus, cpuTime()-cpu0)
			peak = max(peak, h.Stop())
			if err != nil {
				b.Fatal(err)
			}
			written = run.Outcome.Written
			if err := json.Unmarshal([]byte(ask("stats")), &st); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
	b.Logf("calls: %s", strings.Join(st.Ops, ", "))
	b.Logf("%d syncs: wall %v, client CPU %v", len(walls), walls, cpus)
	b.ReportMetric(median(walls).Seconds(), "s/sync")
	b.ReportMetric(median(cpus).Seconds(), "client-cpu-s/sync")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(st.Sent)/1e6, "MB-sent")
	b.ReportMetric(float64(st.Received)/1e6, "MB-received")
	b.ReportMetric(float64(st.Requests), "requests")
	b.ReportMetric(float64(written), "cells-written")
}

// benchRuns is how many syncs each iteration times; figures are medians.
const benchRuns = 3

func median(xs []time.Duration) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
