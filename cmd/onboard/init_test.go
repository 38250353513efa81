package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.xlsx")
	r := run(t, nil, "init", "--sheet", path, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "would create "+path) {
		t.Fatalf("dry run on a missing file: exit %d\n%s", r.code, r.stdout)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the dry run created the file")
	}
	r = run(t, nil, "init", "--sheet", path)
	if r.code != 0 || !strings.Contains(r.stdout, "条件マトリクス: add tab with the condition matrix") || !strings.Contains(r.stdout, "changes made to "+path) {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st, _ := os.Stat(path)
	r = run(t, nil, "init", "--sheet", path)
	st2, _ := os.Stat(path)
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to do") || !st.ModTime().Equal(st2.ModTime()) {
		t.Errorf("second init: exit %d, file rewritten %v\n%s", r.code, !st.ModTime().Equal(st2.ModTime()), r.stdout)
	}
	// An empty sheet syncs (nothing to compute) and checks clean.
	if r := run(t, nil, "sync", "--sheet", path, now); r.code != 0 {
		t.Errorf("sync after init: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, "check", "--sheet", path, now, "--pool-warn", "0"); r.code != 0 {
		t.Errorf("check after init: exit %d\n%s", r.code, r.stdout)
	}
}
