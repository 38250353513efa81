package cli

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"onboard/internal/monitor"
)

func TestRunClockDeadlines(t *testing.T) {
	tests := []struct{ timeout, reserve time.Duration }{
		{8 * time.Second, 1600 * time.Millisecond},
		{5 * time.Minute, 15 * time.Second},
		{2 * time.Second, 400 * time.Millisecond},
	}
	for _, tt := range tests {
		start := time.Now()
		c := startClock(start, tt.timeout)
		work, _ := c.work.Deadline()
		if got := start.Add(tt.timeout).Sub(work); got != tt.reserve {
			t.Errorf("--timeout %v: the work stops %v before the end, want %v", tt.timeout, got, tt.reserve)
		}
		ctx, cancel := c.finishing()
		if end, _ := ctx.Deadline(); !end.Equal(start.Add(tt.timeout)) {
			t.Errorf("--timeout %v: finishing ends at %v, want the run's end", tt.timeout, end.Sub(start))
		}
		cancel()
		c.release()
	}
}

// TestRunClockStopsOnSignals sends the test process SIGINT and SIGTERM
// while a clock catches them.
func TestRunClockStopsOnSignals(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGINT, ExitInterrupted, "stopped by SIGINT"}, {syscall.SIGTERM, ExitTerminated, "stopped by SIGTERM"}} {
		c := startClock(time.Now(), time.Hour)
		if err := syscall.Kill(os.Getpid(), tt.sig); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.work.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("%v did not stop the work", tt.sig)
		}
		cause := context.Cause(c.work)
		sig := c.signal()
		if sig == nil || sig.exitCode() != tt.code || cause.Error() != tt.name || !errors.Is(cause, monitor.ErrStopped) {
			t.Errorf("%v: signal %v, cause %v", tt.sig, sig, cause)
		}
		ctx, cancel := c.finishing()
		if end, _ := ctx.Deadline(); time.Until(end) > stopGrace || time.Until(end) < stopGrace-time.Second {
			t.Errorf("%v: the ping and the alert get %v, want %v", tt.sig, time.Until(end), stopGrace)
		}
		cancel()
		c.release()
	}
}
