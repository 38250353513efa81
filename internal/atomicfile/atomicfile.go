// Package atomicfile writes files so that a reader sees the old content or
// the new, never half of it: a temporary file in the target's folder,
// synced, then renamed over the target. It is the one writer of the
// workbook, the report and the monitor state.
//
// The target is the real file: a symbolic link (or a chain of them) is
// followed and the file it names is replaced, so the link the managers open
// keeps working. The file keeps its mode, and its owner where the process
// may set it; where a save would silently change who owns the file, break
// a hard link, or write a file its permissions say is read-only, nothing is
// written and the error says what to do.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrUnsafe marks a write refused because replacing the file would lose
// something about it (a hard link, its owner, its read-only mode).
var ErrUnsafe = errors.New("cannot replace the file safely")

// maxLinks bounds a chain of symbolic links, as the kernel does.
const maxLinks = 40

// tmpMarker is in every temporary file's name: .<name>.onboard-tmp-<pid>-<n>.
// The pid tells a later run whether the writer is still alive.
const tmpMarker = ".onboard-tmp-"

// staleAfter is the age past which a temporary file is removed even if its
// pid is alive again (a reused pid): no save takes an hour.
const staleAfter = time.Hour

// Write writes path atomically. fill writes the content. An existing file
// keeps its mode and owner; a new one gets perm. beforeRename, when set,
// runs last, just before the rename (a final check that nobody changed the
// target meanwhile); its error aborts the write. On any error the
// temporary file is removed and the target is untouched.
func Write(path string, perm os.FileMode, fill func(io.Writer) error, beforeRename func() error) error {
	target, err := Resolve(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	var old *fileOwner
	switch st, err := os.Stat(target); {
	case err == nil:
		if old, err = checkReplaceable(path, target, st); err != nil {
			return err
		}
		perm = st.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, _ = CleanStale(target)

	dir := filepath.Dir(target)
	tmp, err := createTemp(dir, filepath.Base(target))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	// Owner first: chown clears the set-id bits a chmod then restores.
	if old != nil {
		if err := keepOwner(tmp, old); err != nil {
			tmp.Close()
			return fmt.Errorf("%s: %w", describe(path, target), err)
		}
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The rename is durable once the folder is synced; a failure here
	// leaves the new content in place, so it is not an error for the caller.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// checkReplaceable refuses a target that a rename would damage.
func checkReplaceable(path, target string, st fs.FileInfo) (*fileOwner, error) {
	name := describe(path, target)
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file; point the path at the file itself: %w", name, ErrUnsafe)
	}
	owner, links := ownerOf(st)
	// A hard-linked file is refused rather than written in place: a rename
	// would split the names (the others keep the old content), and copying
	// into the shared inode is not atomic, so a crash or a reader (Excel, a
	// sync client) mid-copy would meet a torn workbook. Keeping one real
	// file and symbolic links is the safe layout, and the message says so.
	if links > 1 {
		return nil, fmt.Errorf("%s has %d hard links, which saving would break (the other names would keep the old content); keep one name and make the others symbolic links (ln -sf), then run again: %w", name, links, ErrUnsafe)
	}
	if !writable(target) {
		return nil, fmt.Errorf("%s is read-only for this user (mode %v); make it writable or run the job as its owner: %w", name, st.Mode().Perm(), ErrUnsafe)
	}
	return owner, nil
}

// describe names the file for messages: the path given, and the real file
// when a link led there.
func describe(path, target string) string {
	if filepath.Clean(path) == target {
		return path
	}
	return path + " (→ " + target + ")"
}

// Resolve follows symbolic links from path to the file they name, which
// need not exist yet. Every folder on the way is resolved too, so that a
// relative link is read from the folder it really lives in.
func Resolve(path string) (string, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for hops := 0; ; hops++ {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return "", err
		}
		p = filepath.Join(dir, filepath.Base(p))
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		if hops == maxLinks {
			return "", fmt.Errorf("more than %d symbolic links from %s", maxLinks, path)
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		p = link
	}
}

// Scratch returns an empty file beside path (its links resolved) for a
// large intermediate result, so that it need not be held in memory. Its
// name is gone at once: the file goes when closed, or when the process
// dies.
func Scratch(path string) (*os.File, error) {
	target, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	f, err := createTemp(filepath.Dir(target), filepath.Base(target))
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// createTemp makes the temporary file beside the target, readable by the
// process only until its mode is set.
func createTemp(dir, base string) (*os.File, error) {
	prefix := filepath.Join(dir, "."+base+tmpMarker+strconv.Itoa(os.Getpid())+"-")
	for i := 0; ; i++ {
		name := prefix + strconv.FormatInt(time.Now().UnixNano()+int64(i), 36)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("%w: %s is saved through a temporary file beside it, so its folder %s must be writable by the user running the job", err, base, dir)
		}
		return f, err
	}
}

// CleanStale removes the temporary files a killed writer left beside path
// (path's links resolved): those whose writer is no longer running, or
// that are older than an hour. It returns the files removed.
func CleanStale(path string) ([]string, error) {
	target, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Dir(target), filepath.Base(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		pid, ok := tempOf(e.Name(), base)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		old := time.Since(info.ModTime()) > staleAfter
		if !old && (pid == 0 || pid == os.Getpid() || running(pid)) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if os.Remove(name) == nil {
			removed = append(removed, name)
		}
	}
	return removed, nil
}

// tempOf reports whether name is a temporary file of base, and the pid of
// its writer (0 for the earlier name, .<base>.<digits>.tmp, which has none
// and is removed by age alone).
func tempOf(name, base string) (pid int, ok bool) {
	rest, found := strings.CutPrefix(name, "."+base)
	if !found {
		return 0, false
	}
	if s, found := strings.CutPrefix(rest, tmpMarker); found {
		p, _, found := strings.Cut(s, "-")
		n, err := strconv.Atoi(p)
		return n, found && err == nil && n > 0
	}
	if s, found := strings.CutSuffix(rest, ".tmp"); found && len(s) > 1 && s[0] == '.' {
		_, err := strconv.ParseUint(s[1:], 10, 64)
		return 0, err == nil
	}
	return 0, false
}
