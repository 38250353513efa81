package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestFirstHourMessages: the first mistakes with a new sheet each end in
// one line that names the next step, and following it works.
func TestFirstHourMessages(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.xlsx")
	runArgs := []string{"--smtp-host", "smtp.example.jp", "--mail-from", "onboard@example.jp", "--mail-to", "team@example.jp",
		"--state-dir", filepath.Join(dir, "state")}
	// Every sheet command, the same class of message.
	commands := map[string][]string{
		"sync": {"sync"}, "check": {"check"}, "report": {"report", "--out", filepath.Join(dir, "out")},
		"run": append([]string{"run", "--dry-run"}, runArgs...),
	}
	for name, args := range commands {
		r := run(t, nil, append(args, "--sheet", missing, now)...)
		if r.code != 1 || !strings.Contains(r.stderr, "onboard "+name+": ") ||
			!strings.Contains(r.stderr, "check --sheet, or create it with 'onboard init --sheet "+missing+"'") {
			t.Errorf("%s on a missing workbook: exit %d\n%s", name, r.code, r.stderr)
		}
	}

	// A missing tab: the line names the command that adds it; it does.
	book := exampleCopy(t)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DeleteSheet("セッション"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for name, args := range commands {
		r := run(t, nil, append(args, "--sheet", book, now)...)
		if r.code != 2 || !strings.Contains(r.stderr, `tab "セッション" (sessions) is missing from the spreadsheet: add it, or run 'onboard init --sheet `+book+"'") {
			t.Errorf("%s on a sheet without セッション: exit %d\n%s", name, r.code, r.stderr)
		}
	}
	if r := run(t, nil, "init", "--sheet", book); r.code != 0 || !strings.Contains(r.stdout, "セッション") {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "sync", "--sheet", book, now); r.code != 0 {
		t.Errorf("sync after init: exit %d\n%s", r.code, r.stderr)
	}

	// --templates that does not exist, or overrides nothing: exit 2 on
	// every command instead of silently the embedded templates.
	typo := filepath.Join(dir, "tmpl")
	if err := os.MkdirAll(typo, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(typo, "matirx.csv"), []byte("x"), 0o644)
	commands["init"] = []string{"init", "--dry-run"}
	for name, args := range commands {
		for tmpl, want := range map[string]string{
			filepath.Join(dir, "no-such-folder"): "--templates " + filepath.Join(dir, "no-such-folder") + ": no such folder",
			typo:                                 "--templates " + typo + " holds none of",
		} {
			r := run(t, nil, append(args, "--sheet", book, now, "--templates", tmpl)...)
			if r.code != 2 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "matrix.csv") {
				t.Errorf("%s --templates %s: exit %d\n%s", name, tmpl, r.code, r.stderr)
			}
		}
	}

	// An empty file (touched to start): other commands point at init;
	// init sets it up as a new workbook.
	empty := filepath.Join(dir, "new.xlsx")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, nil, "sync", "--sheet", empty, now); r.code != 1 || !strings.Contains(r.stderr, "is an empty file (0 bytes): set it up with 'onboard init --sheet "+empty+"'") {
		t.Errorf("sync on an empty file: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, "init", "--sheet", empty); r.code != 0 || !strings.Contains(r.stdout, "created "+empty) {
		t.Errorf("init on an empty file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "sync", "--sheet", empty, now); r.code != 0 {
		t.Errorf("sync after init on the empty file: exit %d\n%s", r.code, r.stderr)
	}
	// Not an .xlsx at all (a CSV named .xlsx): said so, nothing replaced.
	csv := filepath.Join(dir, "export.xlsx")
	os.WriteFile(csv, []byte("クライアントID,事業者名\n10001,A社\n"), 0o644)
	if r := run(t, nil, "init", "--sheet", csv); r.code != 1 || !strings.Contains(r.stderr, "is not an .xlsx file") || !strings.Contains(r.stderr, "Excel workbook (.xlsx)") {
		t.Errorf("init on a CSV: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(csv); !strings.HasPrefix(string(b), "クライアントID") {
		t.Error("init replaced a file that is not a workbook")
	}
}
