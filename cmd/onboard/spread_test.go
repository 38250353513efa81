package main_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var loggedDelay = regexp.MustCompile(`waiting this sheet's share of --spread before starting.* delay=(\S+)`)

// TestSpreadWaitsBeforeAnyCall: ONBOARD_SPREAD makes sync wait the
// sheet's delay, logged, before its first call to the Sheets API; the
// same sheet waits the same on the next run.
func TestSpreadWaitsBeforeAnyCall(t *testing.T) {
	_, srv, id := googleEnv(t)
	var delays []time.Duration
	for range 2 {
		srv.ResetRequests()
		start := time.Now()
		var first atomic.Int64 // the first call's time, in Unix nanoseconds
		srv.SetHook(func(*http.Request) { first.CompareAndSwap(0, time.Now().UnixNano()) })
		r := run(t, []string{"ONBOARD_SPREAD=3s"}, "sync", "--sheet", id, "--sheets-endpoint", srv.URL(), "--now", "2026-11-25T09:00:00+09:00")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		m := loggedDelay.FindStringSubmatch(r.stderr)
		if m == nil {
			t.Fatalf("no delay logged:\n%s", r.stderr)
		}
		d, err := time.ParseDuration(m[1])
		if err != nil || d < 0 || d >= 3*time.Second {
			t.Fatalf("logged delay %q: want a duration in [0, 3s)", m[1])
		}
		if after := time.Unix(0, first.Load()).Sub(start); after < d {
			t.Errorf("the first call went out %s after the start, before the %s delay", after, d)
		}
		delays = append(delays, d)
	}
	if delays[0] != delays[1] {
		t.Errorf("delays %v: the same sheet must wait the same", delays)
	}
}

// TestSpreadWaitEndsOnSIGTERM: a run stopped while it waits its turn
// exits 143 at once, having called nothing, locked nothing and mailed no
// alert: there was nothing to stop.
func TestSpreadWaitEndsOnSIGTERM(t *testing.T) {
	e, srv, _ := googleEnv(t)
	cmd := exec.Command(binary, googleArgs(e, srv, "2026-11-25T09:00:00+09:00", "--spread", "10h")...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, e.baseEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "--spread before starting") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no wait logged:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Fatalf("exit %v, want 143\n%s", err, stderr.String())
	}
	if took := time.Since(stopped); took > 2*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if !strings.Contains(stderr.String(), "onboard run: stopped by SIGTERM during the --spread wait: nothing was done") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if n := len(srv.Requests()); n != 0 || len(e.srv.Messages()) != 0 {
		t.Errorf("%d Sheets calls, %d mails during the wait", n, len(e.srv.Messages()))
	}
	if _, err := os.Stat(e.lock); err == nil {
		t.Errorf("the lock file %s was made during the wait", e.lock)
	}
}
