package main_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

func rowText(row []sheet.Value) string {
	var b strings.Builder
	for _, v := range row {
		b.WriteString(v.String())
		b.WriteByte('|')
	}
	return b.String()
}

// TestSyncThroughSymlink: the managers' workbook is reached through a
// relative symbolic link (as a shared folder often is). The sync updates
// the real workbook, the link stays a link, the file keeps its mode, and a
// temporary file left by a run killed mid-save is removed by the next run,
// even one with nothing to write.
func TestSyncThroughSymlink(t *testing.T) {
	real := exampleCopy(t)
	if err := os.Chmod(real, 0o640); err != nil {
		t.Fatal(err)
	}
	linkDir := t.TempDir()
	rel, err := filepath.Rel(linkDir, real)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(linkDir, "team.xlsx")
	if err := os.Symlink(rel, link); err != nil {
		t.Fatal(err)
	}

	r := run(t, nil, "sync", "--sheet", link, now)
	if r.code != 0 || !strings.Contains(r.stdout, "cells to "+link) {
		t.Fatalf("sync: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file (%v)", err)
	}
	st, _ := os.Stat(real)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("the workbook's mode is %v, want 0640", st.Mode().Perm())
	}
	book, err := xlsxbook.Open(real).Read(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if apps := book.Tab("申込"); apps == nil || !strings.Contains(rowText(apps.Rows[0]), "ステータス") || !strings.Contains(rowText(apps.Rows[1]), "/") {
		t.Errorf("the real workbook holds no statuses")
	}

	// A run killed mid-save left its temporary file beside the real
	// workbook; the next (idle) run removes it and writes nothing.
	stale := filepath.Join(filepath.Dir(real), "."+filepath.Base(real)+".onboard-tmp-999999999-x")
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(real)
	r = run(t, nil, "sync", "--sheet", link, now)
	if r.code != 0 || !strings.Contains(r.stdout, "nothing changed") {
		t.Fatalf("second sync: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the killed run's temporary file is still there")
	}
	if after, _ := os.ReadFile(real); !bytes.Equal(before, after) {
		t.Error("an idle sync rewrote the workbook")
	}
}

// TestSyncRefusesHardLinkedWorkbook: saving would split a hard-linked
// workbook's names, so the run stops with one line saying what to do, and
// neither name changes.
func TestSyncRefusesHardLinkedWorkbook(t *testing.T) {
	path := exampleCopy(t)
	other := filepath.Join(filepath.Dir(path), "copy.xlsx")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	r := run(t, nil, "sync", "--sheet", path, now)
	if r.code != 1 || !strings.Contains(r.stderr, "2 hard links") || !strings.Contains(r.stderr, "ln -sf") {
		t.Fatalf("exit %d, want 1 with the hard-link message:\n%s", r.code, r.stderr)
	}
	for _, p := range []string{path, other} {
		if b, _ := os.ReadFile(p); !bytes.Equal(b, before) {
			t.Errorf("%s changed", p)
		}
	}
}
