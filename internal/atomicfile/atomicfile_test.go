package atomicfile_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"onboard/internal/atomicfile"
)

func content(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTemps fails when a temporary file is left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "onboard-tmp") || strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := atomicfile.Write(path, 0o600, content("one"), nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	// A failing fill, then a failing last check: the old content stays.
	if err := atomicfile.Write(path, 0o600, func(w io.Writer) error { io.WriteString(w, "half"); return boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("fill error: %v", err)
	}
	if err := atomicfile.Write(path, 0o600, content("two"), func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("check error: %v", err)
	}
	if got := read(t, path); got != "one" {
		t.Errorf("content %q, want the old one", got)
	}
	// perm applies to a new file; an existing one keeps its mode.
	if err := atomicfile.Write(path, 0o644, content("three"), nil); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if got := read(t, path); got != "three" || st.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v, want three 0600", got, st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestWriteThroughLinks: whatever chain of links leads to the file, the
// links stay links and the real file gets the new content, keeping its mode.
func TestWriteThroughLinks(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup makes the links in dir and returns the path to write and
		// the real file.
		setup func(t *testing.T, dir string) (path, real string)
	}{
		{"absolute symlink", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "data", "book.xlsx")
			mkfile(t, real, 0o640)
			return link(t, real, filepath.Join(dir, "book.xlsx")), real
		}},
		{"relative symlink", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "data", "book.xlsx")
			mkfile(t, real, 0o640)
			return link(t, "data/book.xlsx", filepath.Join(dir, "book.xlsx")), real
		}},
		{"chain of symlinks, relative and absolute", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "data", "v2", "book.xlsx")
			mkfile(t, real, 0o640)
			mid := link(t, "v2/book.xlsx", filepath.Join(dir, "data", "current.xlsx"))
			link(t, mid, filepath.Join(dir, "second.xlsx"))
			return link(t, "second.xlsx", filepath.Join(dir, "book.xlsx")), real
		}},
		{"relative symlink inside a symlinked folder", func(t *testing.T, dir string) (string, string) {
			// shared/team/book.xlsx -> ../book-real.xlsx is read from the
			// real folder (shared/team), not lexically from the link's path.
			real := filepath.Join(dir, "shared", "book-real.xlsx")
			mkfile(t, real, 0o640)
			if err := os.MkdirAll(filepath.Join(dir, "shared", "team"), 0o755); err != nil {
				t.Fatal(err)
			}
			link(t, "../book-real.xlsx", filepath.Join(dir, "shared", "team", "book.xlsx"))
			teamLink := link(t, filepath.Join(dir, "shared", "team"), filepath.Join(dir, "team"))
			return filepath.Join(teamLink, "book.xlsx"), real
		}},
		{"dangling symlink creates the file it names", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "data", "book.xlsx")
			if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
				t.Fatal(err)
			}
			return link(t, real, filepath.Join(dir, "book.xlsx")), real
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, real := tc.setup(t, dir)
			before, hadFile := os.Stat(real)
			if err := atomicfile.Write(path, 0o600, content("new"), nil); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("%s is no longer a symbolic link (%v)", path, err)
			}
			if got := read(t, real); got != "new" {
				t.Errorf("real file holds %q", got)
			}
			if got := read(t, path); got != "new" {
				t.Errorf("through the link: %q", got)
			}
			st, _ := os.Stat(real)
			want := os.FileMode(0o600)
			if hadFile == nil {
				want = before.Mode().Perm()
			}
			if st.Mode().Perm() != want {
				t.Errorf("mode %v, want %v", st.Mode().Perm(), want)
			}
			noTemps(t, filepath.Dir(real))
			noTemps(t, filepath.Dir(path))
		})
	}
}

// TestModeKept: a file's mode is kept, whatever perm and umask say.
func TestModeKept(t *testing.T) {
	for _, mode := range []os.FileMode{0o640, 0o600, 0o664, 0o444 | 0o200} {
		path := filepath.Join(t.TempDir(), "f")
		mkfile(t, path, mode)
		if err := atomicfile.Write(path, 0o644, content("x"), nil); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != mode {
			t.Errorf("mode %v, want %v", st.Mode().Perm(), mode)
		}
	}
}

// TestHardLinkRefused: a file with another hard link is not replaced (that
// would split the names) and not written in place (a crash could tear it):
// the write is refused with a message saying what to do, and both names
// keep the old content.
func TestHardLinkRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	mkfile(t, path, 0o644)
	other := filepath.Join(dir, "copy.xlsx")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.Write(path, 0o644, content("new"), nil)
	if !errors.Is(err, atomicfile.ErrUnsafe) || !strings.Contains(err.Error(), "2 hard links") || !strings.Contains(err.Error(), "ln -sf") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want one line refusing the hard-linked file", err)
	}
	for _, p := range []string{path, other} {
		if got := read(t, p); got != "old" {
			t.Errorf("%s holds %q", p, got)
		}
	}
	noTemps(t, dir)
}

// TestNotRegularRefused: a folder or a device at the path is not replaced.
func TestNotRegularRefused(t *testing.T) {
	dir := t.TempDir()
	if err := atomicfile.Write(dir, 0o644, content("x"), nil); !errors.Is(err, atomicfile.ErrUnsafe) {
		t.Errorf("folder: %v", err)
	}
}

// TestOwnerKept: run as root, the job keeps the file's owner (another
// user's file stays theirs).
func TestOwnerKept(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root; TestRefusedAsOtherUser covers non-root")
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	mkfile(t, path, 0o640)
	if err := os.Chown(path, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, 0o644, content("new"), nil); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	sys := st.Sys().(*syscall.Stat_t)
	if sys.Uid != 1234 || sys.Gid != 5678 || st.Mode().Perm() != 0o640 || read(t, path) != "new" {
		t.Errorf("owner %d:%d mode %v content %q", sys.Uid, sys.Gid, st.Mode().Perm(), read(t, path))
	}
}

// TestRefusedAsOtherUser runs the writer as an unprivileged user (the test
// binary again, as nobody): another user's file would change owner, and a
// read-only file would be overwritten, so both are refused and unchanged;
// the user's own file is written with its mode kept.
func TestRefusedAsOtherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("switching to another user needs root")
	}
	const nobody = 65534
	// A folder of its own that other users can enter (t.TempDir's parents
	// are private to root).
	dir, err := os.MkdirTemp("", "atomicfile-user-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "writer")
	copyFile(t, os.Args[0], bin, 0o755)
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, work} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	rootFile := filepath.Join(work, "root.xlsx")
	mkfile(t, rootFile, 0o666)
	readOnly := filepath.Join(work, "readonly.xlsx")
	own := filepath.Join(work, "own.xlsx")
	mkfile(t, readOnly, 0o444)
	mkfile(t, own, 0o640)
	for _, p := range []string{readOnly, own} {
		if err := os.Chown(p, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	run := func(path string) string {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER_WRITE="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := run(rootFile); !strings.Contains(out, "belongs to uid 0 gid 0") || !strings.Contains(out, "run the job as the file's owner") {
		t.Errorf("another user's file: %s", out)
	}
	if out := run(readOnly); !strings.Contains(out, "read-only for this user") {
		t.Errorf("read-only file: %s", out)
	}
	if out := run(own); !strings.Contains(out, "written") {
		t.Errorf("own file: %s", out)
	}
	// The user's own file in a folder only root may write to: the
	// temporary file beside it cannot be made, and the error says so.
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o755); err != nil {
		t.Fatal(err)
	}
	inLocked := filepath.Join(locked, "own.xlsx")
	mkfile(t, inLocked, 0o644)
	if err := os.Chown(inLocked, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if out := run(inLocked); !strings.Contains(out, "folder "+locked+" must be writable by the user running the job") {
		t.Errorf("a folder the user cannot write to: %s", out)
	}
	for p, want := range map[string]string{rootFile: "old", readOnly: "old", own: "new", inLocked: "old"} {
		if got := read(t, p); got != want {
			t.Errorf("%s holds %q, want %q", filepath.Base(p), got, want)
		}
	}
	if st, _ := os.Stat(own); st.Mode().Perm() != 0o640 {
		t.Errorf("own file mode %v", st.Mode().Perm())
	}
	noTemps(t, work)
}

// TestMain makes the test binary the writer process of the tests that need
// one when the environment names a file: it writes "new" to it and reports
// the outcome; with ATOMICFILE_HELPER_HANG it announces its temporary file
// and hangs mid-write, to be killed.
func TestMain(m *testing.M) {
	path := os.Getenv("ATOMICFILE_HELPER_WRITE")
	if path == "" {
		os.Exit(m.Run())
	}
	fill := content("new")
	if os.Getenv("ATOMICFILE_HELPER_HANG") != "" {
		fill = func(w io.Writer) error {
			io.WriteString(w, "partial")
			fmt.Println("temp", w.(*os.File).Name())
			time.Sleep(time.Minute)
			return nil
		}
	}
	if err := atomicfile.Write(path, 0o644, fill, nil); err != nil {
		fmt.Println("refused:", err)
		os.Exit(0)
	}
	fmt.Println("written")
	os.Exit(0)
}

// TestKilledWriterCleaned kills a writer (kill -9) mid-save: the target
// keeps its old content, and the next write (or read through CleanStale)
// removes the temporary file it left. A live writer's temporary file is
// left alone, and one of the earlier naming is removed once old.
func TestKilledWriterCleaned(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	mkfile(t, path, 0o644)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER_WRITE="+path, "ATOMICFILE_HELPER_HANG=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("helper: %v", err)
	}
	tmp := strings.TrimSpace(strings.TrimPrefix(line, "temp "))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the killed writer left no temporary file to clean (%v)", err)
	}
	if got := read(t, path); got != "old" {
		t.Errorf("target holds %q after the kill", got)
	}

	// A temporary file of a writer still running (this test's parent) is
	// kept; one of the earlier naming is removed once an hour old.
	live := filepath.Join(dir, ".book.xlsx.onboard-tmp-"+strconv.Itoa(os.Getppid())+"-x")
	legacy := filepath.Join(dir, ".book.xlsx.123456789.tmp")
	unrelated := filepath.Join(dir, ".other.xlsx.onboard-tmp-999999999-x")
	for _, p := range []string{live, legacy, unrelated} {
		mkfile(t, p, 0o600)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(legacy, old, old); err != nil {
		t.Fatal(err)
	}

	removed, err := atomicfile.CleanStale(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Errorf("removed %v, want the killed writer's and the old one", removed)
	}
	for p, want := range map[string]bool{tmp: false, legacy: false, live: true, unrelated: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(p), err == nil, want)
		}
	}

	// Write cleans too.
	mkfile(t, tmp, 0o600)
	if err := os.Chtimes(tmp, old, old); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, 0o644, content("new"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Error("Write left the stale temporary file")
	}
}

func mkfile(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, name string) string {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
	return name
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

// A scratch file is on the workbook's file system, beside its target when
// the path is a link, and has no name: nothing is left once it is closed,
// even by a process killed while holding it.
func TestScratch(t *testing.T) {
	real := filepath.Join(t.TempDir(), "book.xlsx")
	if err := os.WriteFile(real, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.xlsx")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f, err := atomicfile.Scratch(link)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("圧縮したシート"); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, len("圧縮したシート"))
	if _, err := f.ReadAt(b, 0); err != nil || string(b) != "圧縮したシート" {
		t.Errorf("read back %q, %v", b, err)
	}
	var st, dir syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Stat(filepath.Dir(real), &dir); err != nil {
		t.Fatal(err)
	}
	if st.Nlink != 0 || st.Dev != dir.Dev {
		t.Errorf("links %d, device %d; want 0 links on the target's device %d", st.Nlink, st.Dev, dir.Dev)
	}
	for _, d := range []string{filepath.Dir(real), filepath.Dir(link)} {
		if entries, _ := os.ReadDir(d); len(entries) != 1 {
			t.Errorf("%s holds %v", d, entries)
		}
	}
}
