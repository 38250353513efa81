package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := atomicfile.Write(path, 0o600, write("one"), nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	// A failing fill, then a failing last check: the old content stays.
	if err := atomicfile.Write(path, 0o600, func(w io.Writer) error { io.WriteString(w, "half"); return boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("fill error: %v", err)
	}
	if err := atomicfile.Write(path, 0o600, write("two"), func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("check error: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("content %q, want the old one", b)
	}
	if err := atomicfile.Write(path, 0o640, write("three"), nil); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != "three" || st.Mode().Perm() != 0o640 {
		t.Errorf("content %q mode %v", b, st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
