package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"onboard/internal/monitor"
)

// Exit codes of a run stopped by a signal: 128 + the signal's number, as
// shells report a process the signal killed.
const (
	ExitInterrupted = 130 // SIGINT (Ctrl-C)
	ExitTerminated  = 143 // SIGTERM (systemd stop, Kubernetes, kill)
)

// stopGrace is how long the fail ping and the alert mail get after a
// signal: systemd and Kubernetes wait 90 s and 30 s before SIGKILL.
const stopGrace = 5 * time.Second

// stopSignal is the cause of a run's context when a signal stopped it.
type stopSignal struct{ sig syscall.Signal }

func (s stopSignal) Error() string {
	return fmt.Sprintf("stopped by %s", signalName(s.sig))
}

// Is lets monitor.Hint and the exit code recognise a stop.
func (s stopSignal) Is(target error) bool { return target == monitor.ErrStopped }

func (s stopSignal) exitCode() int {
	if s.sig == syscall.SIGINT {
		return ExitInterrupted
	}
	return ExitTerminated
}

func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// runClock holds a run's one deadline (--timeout from the start) and turns
// SIGTERM and SIGINT into a cancel of the run's context, so every stage
// stops the same way: nothing half-written, the fail ping and the alert
// still sent, the lock released.
type runClock struct {
	start, end time.Time
	// work ends a reserve before end: the sync, the reports and the mail
	// stop there, and the ping and the alert have the rest.
	work       context.Context
	cancel     context.CancelCauseFunc
	cancelWork context.CancelFunc

	mu      sync.Mutex
	stopped *stopSignal
	signals chan os.Signal
	done    chan struct{}
}

// finishReserve is the part of --timeout kept for the fail ping and the
// alert after the work's deadline: a fifth, at most 15 s.
func finishReserve(timeout time.Duration) time.Duration {
	return min(timeout/5, 15*time.Second)
}

func startClock(start time.Time, timeout time.Duration) *runClock {
	c := &runClock{start: start, end: start.Add(timeout), signals: make(chan os.Signal, 1), done: make(chan struct{})}
	parent, cancel := context.WithCancelCause(context.Background())
	c.cancel = cancel
	reason := fmt.Errorf("--timeout %s reached: %w", timeout, context.DeadlineExceeded)
	c.work, c.cancelWork = context.WithDeadlineCause(parent, c.end.Add(-finishReserve(timeout)), reason)
	signal.Notify(c.signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		select {
		case s := <-c.signals:
			sig, _ := s.(syscall.Signal)
			c.mu.Lock()
			c.stopped = &stopSignal{sig: sig}
			c.mu.Unlock()
			cancel(stopSignal{sig: sig})
		case <-c.done:
		}
	}()
	return c
}

// signal is the signal that stopped the run, or nil.
func (c *runClock) signal() *stopSignal {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopped
}

// finishing is the context for the ping, the alert and the metrics: up to
// the run's deadline, or stopGrace after a signal, and at least a second
// so a run that overran still reports.
func (c *runClock) finishing() (context.Context, context.CancelFunc) {
	end := c.end
	if grace := time.Now().Add(stopGrace); c.signal() != nil && grace.Before(end) {
		end = grace
	}
	if floor := time.Now().Add(time.Second); end.Before(floor) {
		end = floor
	}
	return context.WithDeadline(context.Background(), end)
}

// release stops catching signals: a second one after the run ended acts
// as usual.
func (c *runClock) release() {
	signal.Stop(c.signals)
	close(c.done)
	c.cancelWork()
	c.cancel(errors.New("run finished"))
}
