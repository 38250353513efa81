package main_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	fakeOnce   sync.Once
	fakeBinary string
	fakeErr    error
)

// fakesheetsBinary builds cmd/fakesheets once, next to the onboard binary.
func fakesheetsBinary(t *testing.T) string {
	t.Helper()
	fakeOnce.Do(func() {
		fakeBinary = filepath.Join(filepath.Dir(binary), "fakesheets")
		if out, err := exec.Command("go", "build", "-o", fakeBinary, "../fakesheets").CombinedOutput(); err != nil {
			fakeErr = err
			os.Stderr.Write(out)
		}
	})
	if fakeErr != nil {
		t.Fatalf("building fakesheets: %v", fakeErr)
	}
	return fakeBinary
}

// startFake runs the fake Sheets API seeded from the bundled example, as
// make demo-google does, with extra flags, and stops it (SIGTERM) when the
// test ends.
func startFake(t *testing.T, extra ...string) (url, id string) {
	t.Helper()
	cmd := exec.Command(fakesheetsBinary(t), append([]string{"--load", "../../examples/onboarding.xlsx", "--title", "onboarding"}, extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("fakesheets exited with %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("fakesheets did not stop on SIGTERM")
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("fakesheets printed no address: %v", err)
	}
	url, id, _ = strings.Cut(strings.TrimSpace(line), " ")
	if url == "" || id == "" {
		t.Fatalf("fakesheets line %q", line)
	}
	return url, id
}

// summary drops the line that names the spreadsheet.
func summary(stdout string) string {
	var keep []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "written:") {
			l, _, _ = strings.Cut(l, " to ")
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// TestGoogleSheetsDemo is make demo-google as a test: the built binary
// syncs the bundled example through the Google backend against the fake
// (--sheets-endpoint, no credentials) and prints the same summary and the
// same problems as on the local workbook.
func TestGoogleSheetsDemo(t *testing.T) {
	url, id := startFake(t)
	local := exampleCopy(t)
	endpoint := "--sheets-endpoint=" + url

	g := run(t, nil, "sync", "--sheet", id, endpoint, now)
	l := run(t, nil, "sync", "--sheet", local, now)
	if g.code != 0 || l.code != 0 {
		t.Fatalf("sync: google exit %d (%s), local exit %d (%s)", g.code, g.stderr, l.code, l.stderr)
	}
	if summary(g.stdout) != summary(l.stdout) || !strings.Contains(g.stdout, "cells to Google spreadsheet "+id) {
		t.Errorf("summaries differ:\n--- google\n%s\n--- local\n%s", g.stdout, l.stdout)
	}

	// The spreadsheet's URL works as well as its ID; nothing is left to do.
	g = run(t, []string{"ONBOARD_SHEETS_ENDPOINT=" + url}, "sync", "--sheet", "https://docs.google.com/spreadsheets/d/"+id+"/edit#gid=0", now)
	if g.code != 0 || !strings.Contains(g.stdout, "written:   nothing changed") {
		t.Errorf("second sync: exit %d\n%s%s", g.code, g.stdout, g.stderr)
	}

	g = run(t, nil, "check", "--sheet", id, endpoint, now)
	l = run(t, nil, "check", "--sheet", local, now)
	if g.code != 3 || l.code != 3 {
		t.Fatalf("check: google exit %d, local exit %d: %s", g.code, l.code, g.stderr)
	}
	gl, ll := strings.Split(g.stdout, "\n"), strings.Split(l.stdout, "\n")
	if len(gl) != len(ll) || strings.Join(gl[:len(gl)-2], "\n") != strings.Join(ll[:len(ll)-2], "\n") {
		t.Errorf("problems differ:\n--- google\n%s\n--- local\n%s", g.stdout, l.stdout)
	}
}

// TestGoogleSheetsUsualFailures: each usual mistake ends the run with one
// line that says what to do.
func TestGoogleSheetsUsualFailures(t *testing.T) {
	url, id := startFake(t)
	endpoint := "--sheets-endpoint=" + url
	missingKey := filepath.Join(t.TempDir(), "key.json")
	for _, c := range []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"wrong ID", nil, []string{"--sheet", "1NoSuchSheetNoSuchSheetNoSuchSheetNoSuchShe", endpoint}, 1, "not found (404): check the ID or URL"},
		{"key missing", nil, []string{"--sheet", id, endpoint, "--credentials", missingKey}, 1, missingKey + " (--credentials) does not exist"},
		{"key from the environment", []string{"GOOGLE_APPLICATION_CREDENTIALS=" + missingKey}, []string{"--sheet", id, endpoint}, 1, "(GOOGLE_APPLICATION_CREDENTIALS) does not exist"},
		{"neither file nor ID", nil, []string{"--sheet", "onboarding.csv"}, 2, "give a .xlsx (or macro-enabled .xlsm) file, or a Google spreadsheet ID or URL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.env, append([]string{"sync", now}, c.args...)...)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.code != c.code || len(lines) != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
		})
	}
}
