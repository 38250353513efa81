package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

func writeWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "申込"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"name", "age", "joined", "active"},
		{"Alice", 30, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"Bob", 41.5, nil, false},
	}
	for r, row := range rows {
		for c, v := range row {
			axis, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellValue("申込", axis, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.NewSheet("サポートアカウント"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("サポートアカウント", "B2", "support@example.com"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunServesLoadedWorkbook(t *testing.T) {
	path := writeWorkbook(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--load", path, "--title", "Onboarding"}, pw)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base, id, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0") || id == "" {
		t.Fatalf("address line %q", line)
	}

	svc, err := sheets.NewService(ctx, option.WithEndpoint(base+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	ss, err := svc.Spreadsheets.Get(id).Do()
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if ss.Properties.Title != "Onboarding" || len(ss.Sheets) != 2 || ss.Sheets[1].Properties.Title != "サポートアカウント" {
		t.Fatalf("spreadsheet %q with %d sheets", ss.Properties.Title, len(ss.Sheets))
	}
	bg, err := svc.Spreadsheets.Values.BatchGet(id).Ranges("申込", "サポートアカウント!A1:B2").ValueRenderOption("UNFORMATTED_VALUE").Do()
	if err != nil {
		t.Fatalf("values.batchGet: %v", err)
	}
	vr := bg.ValueRanges[0]
	want := [][]any{{"name", "age", "joined", "active"}, {"Alice", 30.0, 43831.0, true}, {"Bob", 41.5, "", false}}
	if !reflect.DeepEqual(vr.Values, want) {
		t.Errorf("values\n got  %v\n want %v", vr.Values, want)
	}
	vr = bg.ValueRanges[1]
	if want := [][]any{{}, {"", "support@example.com"}}; !reflect.DeepEqual(vr.Values, want) {
		t.Errorf("second tab %v", vr.Values)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
}

func TestRunWithoutWorkbookPrintsEmptyID(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, pw)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if fields := strings.Split(strings.TrimSuffix(line, "\n"), " "); len(fields) != 2 || fields[1] != "" {
		t.Errorf("line %q: want URL and an empty ID", line)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, []string{"--load", filepath.Join(t.TempDir(), "missing.xlsx")}, io.Discard); err == nil {
		t.Error("a missing workbook should fail")
	}
	if err := run(ctx, []string{"--addr", "not an address"}, io.Discard); err == nil {
		t.Error("a bad address should fail")
	}
	if err := run(ctx, []string{"extra"}, io.Discard); err == nil {
		t.Error("positional arguments should fail")
	}
}

// TestRunEnforcesQuotaFlags: the quota flags reach the server: with one
// read per window, the second read of the window is Google's 429.
func TestRunEnforcesQuotaFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--title", "q", "--quota-read-per-user", "1", "--quota-window", "1h", "--project-number", "42"}, pw)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base, id, _ := strings.Cut(strings.TrimSpace(line), " ")
	svc, err := sheets.NewService(ctx, option.WithEndpoint(base+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := svc.Spreadsheets.Get(id).Do()
	_, err2 := svc.Spreadsheets.Get(id).Do()
	var ge *googleapi.Error
	if err1 != nil || !errors.As(err2, &ge) || ge.Code != 429 || !strings.Contains(ge.Message, "'project_number:42'") {
		t.Errorf("reads: %v, %v", err1, err2)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	if err := run(context.Background(), []string{"--quota-window", "0s"}, io.Discard); err == nil {
		t.Error("a zero --quota-window should fail")
	}
}
