package lock_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/internal/lock"
)

// nobody is the unprivileged user the root-only cases run the child as.
const nobody = 65534

// lockAsNobody runs Acquire(path) in a child process as uid/gid 65534 and
// returns its first line of output ("locked" or "error: ...") and the
// child, which holds the lock until killed.
func lockAsNobody(t *testing.T, path string) (string, *exec.Cmd) {
	t.Helper()
	// The test binary sits in a folder only root can enter: copy it out.
	bin := filepath.Join(sharedDir(t), "lock.test")
	if _, err := os.Stat(bin); err != nil {
		b, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-test.run=^TestLockChild$")
	cmd.Env = []string{"ONBOARD_LOCK_CHILD_PATH=" + path}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	return strings.TrimSpace(line), cmd
}

// TestLockChild is the child of lockAsNobody; it does nothing in a normal run.
func TestLockChild(t *testing.T) {
	path := os.Getenv("ONBOARD_LOCK_CHILD_PATH")
	if path == "" {
		return
	}
	if _, err := lock.Acquire(path); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		return
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
}

var shared string

// sharedDir is a folder every user can enter and write in, like /tmp.
func sharedDir(t *testing.T) string {
	t.Helper()
	if shared == "" {
		d, err := os.MkdirTemp("", "onboard-lock")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o1777); err != nil {
			t.Fatal(err)
		}
		shared = d
	}
	return shared
}

// TestAnotherUsersLockFile: after a run by hand as root, the service
// user's run still takes the lock (and still excludes root's runs); a lock
// file it cannot open at all is reported with its owner and what to do.
func TestAnotherUsersLockFile(t *testing.T) {
	if os.Geteuid() != 0 {
		testOwnLockUnreadable(t)
		return
	}
	t.Cleanup(func() { os.RemoveAll(shared); shared = "" })
	dir := filepath.Join(sharedDir(t), "state")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	path := filepath.Join(dir, "onboard.lock")

	// The run by hand as root leaves its lock file behind (0644, root's).
	rootLock, err := lock.Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	rootLock.Release()

	line, child := lockAsNobody(t, path)
	if line != "locked" {
		t.Fatalf("nobody after root's run: %s", line)
	}
	if _, err := lock.Acquire(path); !errors.Is(err, lock.ErrHeld) {
		t.Errorf("root while nobody holds the lock: %v, want ErrHeld", err)
	}
	child.Process.Kill()
	child.Wait()

	// A lock file nobody cannot even open: its owner and the way out.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	line, _ = lockAsNobody(t, path)
	for _, want := range []string{"lock file " + path + " belongs to root (uid 0)", "nobody (uid 65534) cannot open it", "sudo rm " + path, "--lock-file"} {
		if !strings.Contains(line, want) {
			t.Errorf("unopenable lock: %q lacks %q", line, want)
		}
	}

	// A folder nobody cannot write in.
	closed := filepath.Join(dir, "closed")
	if err := os.Mkdir(closed, 0o755); err != nil {
		t.Fatal(err)
	}
	line, _ = lockAsNobody(t, filepath.Join(closed, "onboard.lock"))
	for _, want := range []string{"cannot create lock file", "folder " + closed + " belongs to root (uid 0)", "--lock-file"} {
		if !strings.Contains(line, want) {
			t.Errorf("closed folder: %q lacks %q", line, want)
		}
	}
}

// testOwnLockUnreadable is the message path when the tests do not run as
// root (no second user to switch to): a file this user cannot open.
func testOwnLockUnreadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.lock")
	if err := os.WriteFile(path, nil, 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := lock.Acquire(path)
	if err == nil || !strings.Contains(err.Error(), "belongs to") || !strings.Contains(err.Error(), "cannot open it") {
		t.Errorf("unopenable lock: %v", err)
	}
}
