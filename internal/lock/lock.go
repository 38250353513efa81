// Package lock keeps two runs of onboard from overlapping: an flock(2) lock
// on a file, which the kernel releases when the process ends, so a crash
// never leaves a stale lock behind.
package lock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"onboard/internal/statedir"
)

// ErrHeld means another process holds the lock.
var ErrHeld = errors.New("another onboard run holds the lock")

// Lock is a held lock.
type Lock struct{ f *os.File }

// FileName is the lock's name in the state folder.
const FileName = "onboard.lock"

// Acquire takes the lock at path without waiting. When another process
// holds it, the error wraps ErrHeld and names that process's PID.
//
// A lock file another user created (a run by hand as root before cron's
// runs as the service user) is opened read-only: flock(2) works on a
// read-only descriptor, so the two users' runs still exclude each other,
// where a per-user lock name would let them overlap.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	writable := err == nil
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		if rf, rerr := os.Open(path); rerr == nil {
			f, err = rf, nil
		}
	}
	if err != nil {
		return nil, openError(path, err)
	}
	if writable {
		// Other users must be able to open it read-only, whatever the umask.
		if info, serr := f.Stat(); serr == nil && ownedByMe(info) {
			_ = f.Chmod(0o644)
		}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := ""
		if b, rerr := os.ReadFile(path); rerr == nil {
			holder = strings.TrimSpace(string(b))
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if holder != "" {
				return nil, fmt.Errorf("%w (pid %s, lock file %s)", ErrHeld, holder, path)
			}
			return nil, fmt.Errorf("%w (lock file %s)", ErrHeld, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The PID is for people reading the file; the lock is the flock.
	if writable {
		_ = f.Truncate(0)
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// openError says why the lock file cannot be opened, whose it (or its
// folder) is, and what to do.
func openError(path string, err error) error {
	me := statedir.Me()
	switch {
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("cannot create lock file %s: the file system is read-only; give --lock-file (or --state-dir) "+
			"a writable folder (in a container, mount a volume there, e.g. an emptyDir)", path)
	case errors.Is(err, fs.ErrPermission):
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("lock file %s belongs to %s and %s cannot open it: remove it as its owner (sudo rm %s), "+
				"or give --lock-file a path of your own", path, statedir.Owner(path), me, path)
		}
		dir := filepath.Dir(path)
		return fmt.Errorf("cannot create lock file %s: folder %s belongs to %s and %s cannot write in it: "+
			"give --lock-file a path in a folder of your own", path, dir, statedir.Owner(dir), me)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot create lock file %s: folder %s does not exist; create it or give --lock-file another path", path, filepath.Dir(path))
	}
	return fmt.Errorf("open lock file %s: %w", path, err)
}

func ownedByMe(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// Release gives the lock up. The file stays: removing it would let a third
// process lock a new file while a second still holds the old one.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
