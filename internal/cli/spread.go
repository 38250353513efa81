package cli

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"onboard/internal/gsheets"
)

// spreadDelay is a sheet's start delay in [0, spread): a hash of the
// sheet, so the same sheet waits the same every run (like systemd's
// RandomizedDelaySec with FixedRandomDelay) and many sheets on one
// schedule start spread evenly over the window, not all at once against
// one service account's per-minute quota.
func spreadDelay(sheetFlag string, spread time.Duration) time.Duration {
	if spread <= 0 {
		return 0
	}
	key := sheetFlag
	if id, ok := gsheets.ParseID(sheetFlag); ok {
		key = id // an ID and its URL are the same sheet
	}
	sum := sha256.Sum256([]byte(key))
	return time.Duration(binary.BigEndian.Uint64(sum[:8]) % uint64(spread))
}

// waitSpread waits the --spread delay before the command does anything.
// SIGINT and SIGTERM end the wait, and the command, at once: nothing was
// done yet. --timeout counts from the end of the wait.
func (a *App) waitSpread(c *common) error {
	d := spreadDelay(c.sheet, c.spread)
	if d == 0 {
		return nil
	}
	if a.log == nil {
		if err := a.initLog(c); err != nil {
			return err
		}
	}
	a.log.Info("waiting this sheet's share of --spread before starting", "sheet", c.sheet,
		"delay", d.Round(time.Millisecond).String(), "spread", c.spread.String(),
		"start_at", time.Now().Add(d).Format(time.RFC3339))
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case s := <-sigs:
		sig, _ := s.(syscall.Signal)
		return fmt.Errorf("%w during the --spread wait: nothing was done", stopSignal{sig: sig})
	}
}

// begin waits the --spread delay, then starts the --timeout clock.
func (a *App) begin(c *common) (context.Context, context.CancelFunc, error) {
	if err := a.waitSpread(c); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	return ctx, cancel, nil
}
