// Package statedir finds and prepares the folder where onboard keeps what
// outlives a run: the lock, the alert state and, by default, the reports.
package statedir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// SystemDir is the state folder of a run as root (and the one the
// deploy files use for the service user).
const SystemDir = "/var/lib/onboard"

// ErrOtherUsers: root was given another user's state folder, where it
// must write nothing, not even the alert state of its refused run.
var ErrOtherUsers = errors.New("root in another user's folder")

// Default is the state folder for a process with this environment and uid:
// systemd's $STATE_DIRECTORY (StateDirectory=), /var/lib/onboard for root,
// $XDG_STATE_HOME/onboard, else ~/.local/state/onboard. mode is what to
// create it with: private for a home folder, group-readable under /var/lib.
func Default(getenv func(string) string, uid int) (dir string, mode fs.FileMode, err error) {
	if d := getenv("STATE_DIRECTORY"); d != "" {
		// systemd lists several folders colon-separated when a unit has several.
		d, _, _ = strings.Cut(d, ":")
		return d, 0o750, nil
	}
	if uid == 0 {
		return SystemDir, 0o750, nil
	}
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "onboard"), 0o700, nil
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "state", "onboard"), 0o700, nil
	}
	return "", 0, errors.New("no state folder: neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is set; give --state-dir a folder this user can write")
}

// Ensure creates dir when missing and checks this process can write in it.
// The error says whose the folder is and what to do.
func Ensure(dir string, mode fs.FileMode) error {
	err := os.MkdirAll(dir, mode)
	if err == nil {
		var info fs.FileInfo
		if info, err = os.Stat(dir); err == nil && !info.IsDir() {
			return fmt.Errorf("state folder %s is a file, not a folder: give --state-dir a folder", dir)
		}
		if err == nil {
			if uid := ownerUID(info); os.Geteuid() == 0 && uid > 0 {
				// Root would leave root-owned reports and state behind that
				// the owner's next scheduled run cannot replace.
				return fmt.Errorf("%w: state folder %s belongs to %s: run onboard as that user (sudo -u %s onboard run ...) "+
					"so the files it writes stay theirs, or give --state-dir a folder of root's", ErrOtherUsers, dir, userName(uid), lookupName(uid))
			}
			err = syscall.Access(dir, 2|1) // W_OK|X_OK: create and rename files in it
		}
	}
	if err != nil && readOnlyFS(dir) {
		// Said first: chown would not help (a container's read-only root).
		err = syscall.EROFS
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("state folder %s: it, or a folder above it, is a file, not a folder: give --state-dir a folder", dir)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("state folder %s is on a read-only file system: give --state-dir a writable folder "+
			"(in a container, mount a volume there, e.g. an emptyDir)", dir)
	case errors.Is(err, fs.ErrPermission):
		at := existingAncestor(dir)
		if at == dir {
			return fmt.Errorf("state folder %s belongs to %s (mode %s) and %s cannot write in it: "+
				"run 'sudo chown %s %s', or give --state-dir a folder of your own", dir, Owner(dir), modeOf(dir), Me(), meName(), dir)
		}
		return fmt.Errorf("cannot create state folder %s: %s belongs to %s (mode %s) and %s cannot write in it: "+
			"run 'sudo install -d -o %s -m 750 %s', or give --state-dir a folder of your own", dir, at, Owner(at), modeOf(at), Me(), meName(), dir)
	}
	return fmt.Errorf("state folder %s: %w; give --state-dir a folder this user can write", dir, err)
}

// readOnlyFS reports whether dir, or its nearest existing folder, is on a
// file system mounted read-only.
func readOnlyFS(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(existingAncestor(dir), &st) == nil && st.Flags&0x1 != 0 // ST_RDONLY
}

func existingAncestor(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			return d
		}
	}
}

func modeOf(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%04o", info.Mode().Perm())
}

// Owner names the owner of path: "root (uid 0)".
func Owner(path string) string {
	info, err := os.Stat(path)
	if err != nil || ownerUID(info) < 0 {
		return "an unknown user"
	}
	return userName(ownerUID(info))
}

func ownerUID(info fs.FileInfo) int {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// Me names the user this process runs as: "onboard (uid 999)".
func Me() string { return userName(os.Geteuid()) }

func meName() string { return lookupName(os.Geteuid()) }

// lookupName is the user name of uid, or the number when it has none.
func lookupName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}

func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("%s (uid %d)", u.Username, uid)
	}
	return fmt.Sprintf("uid %d", uid)
}
