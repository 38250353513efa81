//go:build unix

package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// fileOwner is a file's user and group.
type fileOwner struct{ uid, gid int }

// ownerOf returns the owner and the number of hard links of a file.
func ownerOf(st fs.FileInfo) (*fileOwner, uint64) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, 1
	}
	return &fileOwner{uid: int(sys.Uid), gid: int(sys.Gid)}, uint64(sys.Nlink)
}

// keepOwner gives the new file the old one's owner. A new file is the
// process's own, so nothing is needed when the owner is the process's;
// otherwise only root may give a file away (and a member of the group may
// set the group). Where the kernel refuses, the save is refused too:
// replacing the file would hand it to whoever ran the job.
func keepOwner(f *os.File, old *fileOwner) error {
	if old.uid == os.Geteuid() && old.gid == os.Getegid() {
		return nil
	}
	if err := f.Chown(old.uid, old.gid); err != nil {
		return fmt.Errorf("the file belongs to uid %d gid %d and this job runs as uid %d gid %d, so saving would change its owner; run the job as the file's owner: %w",
			old.uid, old.gid, os.Geteuid(), os.Getegid(), ErrUnsafe)
	}
	return nil
}

// writable reports whether the process may write the file, as open(2)
// would decide (root may write any file).
func writable(path string) bool {
	const wOK = 2
	return syscall.Access(path, wOK) == nil
}

// running reports whether a process with that pid exists (one of another
// user counts: signalling it is merely not permitted).
func running(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
