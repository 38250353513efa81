package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/matrix"
	"onboard/internal/setup"
	"onboard/internal/xlsxbook"
)

// stopsAfter is a context interrupted after its first n checks: init is
// stopped between two of its saves.
type stopsAfter struct {
	context.Context
	n int
}

func (c *stopsAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// An init interrupted after some of its saves puts the workbook back byte
// for byte; the same interrupt without the checkpoint leaves it changed.
func TestInterruptedInitRestoresTheWorkbook(t *testing.T) {
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	lk, err := look("")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	if err := xlsxbook.Open(path).CreateTabs(context.Background(), []string{"申込", "メモ"}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	for _, guarded := range []bool{true, false} {
		if err := os.WriteFile(path, before, 0o644); err != nil {
			t.Fatal(err)
		}
		ss := xlsxbook.Open(path)
		actions, err := setup.Plan(context.Background(), ss, m, lk)
		if err != nil || len(actions) < 2 {
			t.Fatalf("Plan = %d actions, %v", len(actions), err)
		}
		ctx := &stopsAfter{Context: context.Background(), n: 2}
		apply := setup.Apply
		if guarded {
			apply = applyOrRestore
		}
		if err := apply(ctx, ss, actions); !errors.Is(err, context.Canceled) {
			t.Fatalf("guarded=%v: apply = %v, want the interrupt", guarded, err)
		}
		after, _ := os.ReadFile(path)
		if changed := !bytes.Equal(after, before); changed == guarded {
			t.Errorf("guarded=%v: workbook changed = %v", guarded, changed)
		}
	}
}
