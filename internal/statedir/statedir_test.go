package statedir_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/statedir"
)

func TestDefault(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		uid  int
		dir  string
		mode fs.FileMode
	}{
		{"systemd StateDirectory", map[string]string{"STATE_DIRECTORY": "/var/lib/onboard", "HOME": "/home/x"}, 999, "/var/lib/onboard", 0o750},
		{"systemd, several folders", map[string]string{"STATE_DIRECTORY": "/var/lib/onboard:/var/lib/other"}, 0, "/var/lib/onboard", 0o750},
		{"root", map[string]string{"HOME": "/root", "XDG_STATE_HOME": "/root/.state"}, 0, "/var/lib/onboard", 0o750},
		{"XDG_STATE_HOME", map[string]string{"HOME": "/home/x", "XDG_STATE_HOME": "/home/x/st"}, 1000, "/home/x/st/onboard", 0o700},
		{"relative XDG_STATE_HOME is ignored (the spec)", map[string]string{"HOME": "/home/x", "XDG_STATE_HOME": "st"}, 1000, "/home/x/.local/state/onboard", 0o700},
		{"home", map[string]string{"HOME": "/home/x"}, 1000, "/home/x/.local/state/onboard", 0o700},
	}
	for _, c := range cases {
		dir, mode, err := statedir.Default(func(k string) string { return c.env[k] }, c.uid)
		if err != nil || dir != c.dir || mode != c.mode {
			t.Errorf("%s: %q %o %v, want %q %o", c.name, dir, mode, err, c.dir, c.mode)
		}
	}
	if _, _, err := statedir.Default(func(string) string { return "" }, 1000); err == nil || !strings.Contains(err.Error(), "--state-dir") {
		t.Errorf("no HOME: %v", err)
	}
}

func TestEnsureCreatesWithMode(t *testing.T) {
	for _, mode := range []fs.FileMode{0o700, 0o750} {
		dir := filepath.Join(t.TempDir(), "state", "onboard")
		if err := statedir.Ensure(dir, mode); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() || info.Mode().Perm() != mode&^umask(t) {
			t.Errorf("mode %o: %v %v", mode, info.Mode(), err)
		}
		if err := statedir.Ensure(dir, mode); err != nil {
			t.Errorf("second time: %v", err)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if err := statedir.Ensure(file, 0o700); err == nil || !strings.Contains(err.Error(), "is a file, not a folder") {
		t.Errorf("a file: %v", err)
	}
}

func umask(t *testing.T) fs.FileMode {
	d := filepath.Join(t.TempDir(), "umask-probe")
	os.Mkdir(d, 0o777)
	info, _ := os.Stat(d)
	return 0o777 &^ info.Mode().Perm()
}

// TestEnsureNamesTheOwner: a folder this process cannot use is reported
// with its owner and what to do. As root, the case is a folder owned by
// another user (root would leave files that user's runs cannot replace);
// otherwise, a folder without write permission.
func TestEnsureNamesTheOwner(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	var want []string
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		want = []string{"state folder " + dir + " belongs to nobody (uid 65534)", "sudo -u nobody onboard run", "--state-dir"}
	} else {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		want = []string{"state folder " + dir + " belongs to", "cannot write in it", "sudo chown", "--state-dir"}
	}
	err := statedir.Ensure(dir, 0o750)
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Ensure: %v; want %q", err, w)
		}
	}
}
