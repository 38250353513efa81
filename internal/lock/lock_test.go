package lock_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/lock"
)

func TestAcquireRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.lock")
	l, err := lock.Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	// flock is per open file: a second open in the same process conflicts too.
	if _, err := lock.Acquire(path); !errors.Is(err, lock.ErrHeld) || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("second acquire: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := lock.Acquire(path)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

// TestLockDiesWithProcess: a process killed while holding the lock leaves
// no stale lock behind.
func TestLockDiesWithProcess(t *testing.T) {
	if os.Getenv("ONBOARD_LOCK_CHILD") != "" {
		if _, err := lock.Acquire(os.Getenv("ONBOARD_LOCK_CHILD")); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		return
	}
	path := filepath.Join(t.TempDir(), "onboard.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithProcess$")
	cmd.Env = append(os.Environ(), "ONBOARD_LOCK_CHILD="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	if _, err := lock.Acquire(path); !errors.Is(err, lock.ErrHeld) {
		t.Fatalf("while the child holds it: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := lock.Acquire(path)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Release()
}
