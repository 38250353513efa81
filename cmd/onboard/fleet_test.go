//go:build fleet

package main_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"onboard/internal/cli"
	"onboard/internal/example"
	"onboard/internal/fakesheets"
)

// The fleet benchmark (make bench-fleet): many sheets, one service
// account, Google's default quota, every sheet's job started by the same
// */30 schedule. Time is compressed by the speedup: a 30-minute period
// takes 30 min / speedup, and the fake's quota window, the client's, the
// --spread and the --timeout shrink by the same factor. Each job is
// onboard sync through cli.Main, the binary's own entry point, talking to
// the fake over HTTP with the real sheets/v4 client; in-process, so the
// 500 jobs a schedule starts at once do not each pay a process start on
// this machine's 2 cores (a cluster starts each CronJob's pod elsewhere).
type fleetSetup struct {
	sheets, rounds, speedup int
	changing                float64 // share of sheets a manager edits each round
}

func fleetFromEnv(t *testing.T) fleetSetup {
	f := fleetSetup{sheets: 500, rounds: 2, speedup: 10, changing: 0.2}
	for name, p := range map[string]*int{"ONBOARD_FLEET_SHEETS": &f.sheets, "ONBOARD_FLEET_ROUNDS": &f.rounds, "ONBOARD_FLEET_SPEEDUP": &f.speedup} {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want a positive whole number", name, v)
			}
			*p = n
		}
	}
	return f
}

// scaled is a real-world duration on the compressed clock.
func (f fleetSetup) scaled(d time.Duration) time.Duration { return d / time.Duration(f.speedup) }

// minutes is a compressed duration in real-world minutes.
func (f fleetSetup) minutes(d time.Duration) float64 {
	return (d * time.Duration(f.speedup)).Minutes()
}

// fleetRun is one job of one round.
type fleetRun struct {
	sheet    int
	round    int
	end      time.Duration // after the round's start
	delay    time.Duration // the --spread wait it logged
	code     int
	failLine string
}

// fleetResult is one phase's figures.
type fleetResult struct {
	runs, failed, refused, reads, writes int
	maxStale                             float64    // real-world minutes
	took                                 [3]float64 // a job's start to its end, less its --spread wait: median, p99, max, in real-world minutes
	firstFailure                         string
	cpuPerRun                            time.Duration // the jobs' and the fake's CPU over the phase, per run
	cpuShare                             float64       // that CPU over the phase's wall time and the machine's cores
	load                                 [2]string     // load average at the phase's start and end
}

func (r fleetResult) line(sheets int) string {
	return fmt.Sprintf("fleet: %d sheets, %d runs, %d failed, %d retried 429s, max staleness %.0f min", sheets, r.runs, r.failed, r.refused, r.maxStale)
}

func TestFleet(t *testing.T) {
	f := fleetFromEnv(t)
	srv := fakesheets.NewServer()
	defer srv.Close()
	started := time.Now()
	ids := seedFleet(t, srv, f.sheets)
	t.Logf("seeded and synced once %d sheets of 200–400 clients in %s", len(ids), time.Since(started).Round(time.Second))

	q := fakesheets.DefaultQuota()
	q.Window = f.scaled(time.Minute)
	srv.SetQuota(&q)
	spread := runFleet(t, srv, ids, f, f.scaled(25*time.Minute))
	srv.SetQuota(&q) // the next phase starts with fresh windows
	none := runFleet(t, srv, ids, f, 0)

	fmt.Printf("fleet without --spread, every job at :00 and :30: %s\n", none.line(len(ids)))
	if none.firstFailure != "" {
		fmt.Printf("  a failed run without --spread said: %s\n", none.firstFailure)
	}
	fmt.Printf("  with --spread 25m: %d reads, %d writes, %d 429s; without: %d reads, %d writes, %d 429s\n",
		spread.reads, spread.writes, spread.refused, none.reads, none.writes, none.refused)
	fmt.Printf("  a job from its start to its end, less its --spread wait (median, p99, max): with --spread %.1f, %.1f, %.1f min; without %.1f, %.1f, %.1f min\n",
		spread.took[0], spread.took[1], spread.took[2], none.took[0], none.took[1], none.took[2])
	fmt.Printf("  CPU of the jobs and the fake together: with --spread %s a run, %.0f%% of %d cores; without %s a run, %.0f%% (load average %s→%s, %s→%s)\n",
		spread.cpuPerRun.Round(time.Millisecond), 100*spread.cpuShare, runtime.NumCPU(), none.cpuPerRun.Round(time.Millisecond), 100*none.cpuShare,
		spread.load[0], spread.load[1], none.load[0], none.load[1])
	fmt.Printf("(time compressed %d×: quota window %s, --spread %s, --timeout %s, a 30-minute period %s)\n",
		f.speedup, q.Window, f.scaled(25*time.Minute), f.scaled(5*time.Minute), f.scaled(30*time.Minute))
	fmt.Println(spread.line(len(ids)))
	if spread.failed > 0 || spread.maxStale > 30 {
		t.Errorf("with --spread: %d failed, max staleness %.0f min: want none failed and every sheet synced within 30 min (%s)",
			spread.failed, spread.maxStale, spread.firstFailure)
	}
}

// seedFleet creates n sheets of 200–400 clients each and syncs each once,
// before the quota applies: a fleet's steady state, not its first day.
func seedFleet(t *testing.T, srv *fakesheets.Server, n int) []string {
	ids := make([]string, n)
	for i := range n {
		book := example.Generate(example.Config{Clients: 200 + (i*37)%201, Seed: uint64(i + 1), Today: example.ExampleToday})
		ids[i] = srv.CreateSpreadsheet(fmt.Sprintf("team %03d", i), fakesheets.TabsFromBook(book, 0)...)
	}
	var wg sync.WaitGroup
	work := make(chan string)
	for range 2 {
		wg.Go(func() {
			for id := range work {
				if r := fleetSync(srv, id, 0, time.Minute, time.Minute); r.code != 0 {
					t.Errorf("first sync of %s: exit %d: %s", id, r.code, r.stderr)
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

// fleetSync runs one job with the CronJob's arguments through the
// binary's entry point, on the compressed clock.
func fleetSync(srv *fakesheets.Server, id string, spread, timeout, window time.Duration) result {
	var out, errb bytes.Buffer
	env := func(name string) string {
		if name == "HOME" {
			return os.TempDir()
		}
		return ""
	}
	code := cli.Main([]string{"sync", "--sheet", id, "--sheets-endpoint", srv.URL(), now,
		"--spread", spread.String(), "--timeout", timeout.String(), "--sheets-quota-window", window.String()}, &out, &errb, env)
	return result{code, out.String(), errb.String()}
}

// cpuTime is the CPU this process has used: the jobs and the fake alike.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// loadAverage is the machine's one-minute load average, to tell an idle
// machine's figures from a busy one's.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// runFleet runs f.rounds periods: at each period's start a manager edits
// a share of the sheets, then every sheet's job starts at once, as a
// CronJob's */30 starts them.
func runFleet(t *testing.T, srv *fakesheets.Server, ids []string, f fleetSetup, spread time.Duration) fleetResult {
	period := f.scaled(30 * time.Minute)
	srv.ResetRequests()
	rng := rand.New(rand.NewPCG(uint64(spread), 7))
	var mu sync.Mutex
	var runs []fleetRun
	var wg sync.WaitGroup
	start, cpu0, load0 := time.Now(), cpuTime(), loadAverage()
	for round := range f.rounds {
		roundStart := start.Add(time.Duration(round) * period)
		time.Sleep(time.Until(roundStart))
		for i, id := range ids {
			if rng.Float64() < f.changing {
				editSheet(t, srv, id, round)
			}
			wg.Go(func() {
				r := fleetSync(srv, id, spread, f.scaled(5*time.Minute), f.scaled(time.Minute))
				run := fleetRun{sheet: i, round: round, end: time.Since(roundStart), code: r.code}
				if m := loggedDelay.FindStringSubmatch(r.stderr); m != nil {
					run.delay, _ = time.ParseDuration(m[1])
				}
				if r.code != 0 {
					run.failLine = lastLine(r.stderr)
				}
				mu.Lock()
				runs = append(runs, run)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	cpu, wall := cpuTime()-cpu0, time.Since(start)
	res := fleetResult{runs: len(runs), cpuPerRun: cpu / time.Duration(len(runs)),
		cpuShare: cpu.Seconds() / wall.Seconds() / float64(runtime.NumCPU()), load: [2]string{load0, loadAverage()}}
	for _, r := range srv.Requests() {
		switch {
		case r.Status == 429:
			res.refused++
		case r.Method == "GET":
			res.reads++
		default:
			res.writes++
		}
	}
	res.maxStale, res.failed, res.firstFailure = staleness(runs, len(ids), f, period)
	var took []time.Duration
	for _, r := range runs {
		took = append(took, r.end-r.delay)
	}
	slices.Sort(took)
	res.took = [3]float64{f.minutes(took[len(took)/2]), f.minutes(took[len(took)*99/100]), f.minutes(took[len(took)-1])}
	return res
}

// editSheet is a manager's edit that the job answers with a write: a new
// client's application at the end of 申込.
func editSheet(t *testing.T, srv *fakesheets.Server, id string, round int) {
	row := len(srv.Values(id, "申込")) + 1
	client := strconv.Itoa(90000 + row)
	for col, v := range []string{client, "2026/11/25", "新規申込 " + client, "山田 花子", "info" + client + "@example.jp"} {
		if err := srv.TypeCell(id, "申込", row, col+1, v); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

// staleness is the longest any sheet waited for a successful sync after
// its period began, in real-world minutes: a failed run leaves its sheet
// stale until the next success, or the end of the benchmark.
func staleness(runs []fleetRun, sheets int, f fleetSetup, period time.Duration) (float64, int, string) {
	bySheet := make([][]fleetRun, sheets)
	failed, first := 0, ""
	for _, r := range runs {
		bySheet[r.sheet] = append(bySheet[r.sheet], r)
		if r.code != 0 {
			failed++
			if first == "" {
				first = r.failLine
			}
		}
	}
	worst := 0.0
	for _, rs := range bySheet {
		ok := make([]time.Duration, f.rounds) // success time after the benchmark's start; 0: failed
		for _, r := range rs {
			if r.code == 0 {
				ok[r.round] = time.Duration(r.round)*period + r.end
			}
		}
		for round := range f.rounds {
			due := time.Duration(round) * period
			stale := time.Duration(f.rounds)*period - due // never synced again
			for later := round; later < f.rounds; later++ {
				if ok[later] > 0 {
					stale = ok[later] - due
					break
				}
			}
			worst = max(worst, f.minutes(stale))
		}
	}
	return worst, failed, first
}
