package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"onboard/internal/atomicfile"
)

// State is what the monitor remembers between runs, in a small file beside
// the lock. Losing it costs at most one extra alert, never a missed one.
type State struct {
	// Failing is set while runs fail; the first success after it sends a
	// recovery mail.
	Failing bool `json:"failing"`
	// AlertKey identifies the failure last alerted about; AlertedAt is when.
	AlertKey  string    `json:"alert_key,omitempty"`
	AlertedAt time.Time `json:"alerted_at,omitempty"`
	// FailingSince is the first failed run of the current streak.
	FailingSince time.Time `json:"failing_since,omitempty"`
	// LastSuccess is the end of the last successful run.
	LastSuccess time.Time `json:"last_success,omitempty"`
}

// StateFile is the state's file name in the state dir.
const StateFile = "onboard-state.json"

// LoadState reads the state; a missing or unreadable file is a fresh state.
func LoadState(dir string) (State, error) {
	var s State
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("state file %s is damaged (starting afresh): %w", filepath.Join(dir, StateFile), err)
	}
	return s, nil
}

// Save writes the state atomically, creating the folder when missing.
func (s State) Save(dir string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state folder: %w", err)
	}
	return writeAtomic(filepath.Join(dir, StateFile), append(b, '\n'))
}

func writeAtomic(path string, b []byte) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}, nil)
}
