package main_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/matrix"
	"onboard/internal/statuslog"
	"onboard/internal/xlsxbook"
)

// corpusEnv=all runs every workbook of testdata/corpus and has LibreOffice
// convert each synced file (make corpus); without it, the test runs
// corpusDefault only and leaves LibreOffice out, to keep `make test` fast.
const corpusEnv = "ONBOARD_CORPUS"

const corpusDir = "../../testdata/corpus"

// corpusDefault is the subset `make test` runs: the workbooks that carry
// the most an Excel user's file does (charts, images, comments, tables
// with structured references, x14 formats, shared strings with rich text,
// protection, hidden tabs, VBA, an encrypted file to refuse) and that
// pass today.
var corpusDefault = []string{
	"exz-Book1.xlsx", "exz-CalcChain.xlsx", "exz-encryptAES.xlsx", "exz-SharedStrings.xlsx",
	"xw-chart-column.xlsx", "xw-chartsheet.xlsx", "xw-comments.xlsx", "xw-conditional-x14.xlsx",
	"xw-defined-names.xlsx", "xw-hidden-tabs.xlsx", "xw-image.xlsx", "xw-inline-strings.xlsx",
	"xw-protection.xlsx", "xw-table-structured-refs.xlsx", "xw-vba.xlsm",
}

// corpusEntry is one row of MANIFEST.tsv: a workbook and, when the
// manifest says it must be refused, the word the refusal must name.
type corpusEntry struct {
	file, refuse string
}

func TestCorpus(t *testing.T) {
	all := os.Getenv(corpusEnv) == "all"
	corpusDeps(t, all)
	entries := corpusManifest(t)
	if !all {
		entries = corpusSubset(t, entries)
	}
	var table strings.Builder
	var failed []string
	for _, e := range entries {
		start := time.Now()
		dir := t.TempDir()
		res, err := corpusRun(t, dir, e, all)
		status := "pass"
		if err != nil {
			status, res = "FAIL", err.Error()
			failed = append(failed, e.file)
		}
		res = strings.ReplaceAll(res, dir+string(filepath.Separator), "")
		fmt.Fprintf(&table, "%-34s %-4s %6.1fs  %s\n", e.file, status, time.Since(start).Seconds(), res)
	}
	fmt.Print(table.String())
	fmt.Printf("corpus: %d files, %d passed, %d failed\n", len(entries), len(entries)-len(failed), len(failed))
	if len(failed) > 0 {
		t.Errorf("%d corpus files failed (see the table): %s", len(failed), strings.Join(failed, ", "))
	}
}

// corpusDeps fails when openpyxl, or LibreOffice for the whole corpus, is
// missing: the checks need them, and a skipped check would pass unseen.
func corpusDeps(t *testing.T, all bool) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import openpyxl").Run(); err != nil {
		t.Fatal("corpus: /usr/bin/python3 cannot import openpyxl; run: scripts/install-deps.sh --corpus")
	}
	if _, err := exec.LookPath("soffice"); all && err != nil {
		t.Fatal("corpus: soffice (LibreOffice) is not on PATH; run: scripts/install-deps.sh --corpus")
	}
}

func corpusManifest(t *testing.T) []corpusEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{"MANIFEST.tsv": true}
	var out []corpusEntry
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 {
			continue
		}
		if len(f) < 5 {
			t.Fatalf("MANIFEST.tsv line %d: %d fields, want 5", i+1, len(f))
		}
		e := corpusEntry{file: f[0]}
		// "encrypted (...): must be refused" names the reason first.
		if strings.HasSuffix(f[4], "must be refused") {
			e.refuse = strings.ToLower(strings.TrimSuffix(strings.Fields(f[4])[0], "ed"))
		}
		listed[e.file] = true
		out = append(out, e)
	}
	files, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !listed[f.Name()] {
			t.Errorf("%s is in testdata/corpus but not in MANIFEST.tsv", f.Name())
		}
	}
	return out
}

func corpusSubset(t *testing.T, entries []corpusEntry) []corpusEntry {
	t.Helper()
	by := map[string]corpusEntry{}
	for _, e := range entries {
		by[e.file] = e
	}
	var out []corpusEntry
	for _, f := range corpusDefault {
		e, ok := by[f]
		if !ok {
			t.Fatalf("corpusDefault names %s, which MANIFEST.tsv lacks", f)
		}
		out = append(out, e)
	}
	return out
}

// corpusRun takes a copy of one workbook through what a team does and
// checks the promise of the local backend; it returns what happened.
func corpusRun(t *testing.T, dir string, e corpusEntry, office bool) (string, error) {
	orig, err := os.ReadFile(filepath.Join(corpusDir, e.file))
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, e.file)
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		return "", err
	}
	r := run(t, nil, "init", "--sheet", path)
	if r.code != 0 || e.refuse != "" {
		return corpusRefusal(e, r, orig, path)
	}
	if err := pasteClients(path); err != nil {
		return "", fmt.Errorf("appending the example's clients after init: %w", err)
	}
	synced, err := corpusCommands(t, dir, path)
	if err != nil {
		return "", err
	}
	if err := corpusZip(orig, synced); err != nil {
		return "", err
	}
	before := filepath.Join(dir, "before-"+e.file)
	if err := os.WriteFile(before, orig, 0o644); err != nil {
		return "", err
	}
	res, err := corpusOpenpyxl(before, path)
	if err != nil || !office {
		return res, err
	}
	lo, err := corpusOffice(dir, before, path)
	return res + ", " + lo, err
}

// corpusRefusal checks a refused init: one line, naming the manifest's
// reason when it gives one, and the file byte-identical.
func corpusRefusal(e corpusEntry, r result, orig []byte, path string) (string, error) {
	line := strings.TrimSpace(r.stderr)
	if r.code == 0 {
		return "", fmt.Errorf("init accepted a workbook the manifest says must be refused (%s)", e.refuse)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(orig, after) {
		return "", fmt.Errorf("init refused (exit %d) and changed the file: %s", r.code, line)
	}
	if strings.Contains(line, "\n") || line == "" {
		return "", fmt.Errorf("init refused (exit %d) without one clear line: %q", r.code, line)
	}
	if e.refuse == "" {
		return "", fmt.Errorf("init refused: %s", line)
	}
	// The file's own name may hold the word ("encryptAES.xlsx"): look past it.
	words := strings.ReplaceAll(strings.ReplaceAll(line, path, ""), e.file, "")
	if !strings.Contains(strings.ToLower(words), e.refuse) {
		return "", fmt.Errorf("init refused without naming %q: %s", e.refuse, line)
	}
	return "refused: " + line, nil
}

// corpusCommands runs sync, sync again, check and report on the set-up
// workbook and returns its bytes after the first sync.
func corpusCommands(t *testing.T, dir, path string) ([]byte, error) {
	args := []string{"--sheet", path, now, "--log-level", "error"}
	if r := run(t, nil, append([]string{"sync"}, args...)...); r.code != 0 {
		return nil, fmt.Errorf("sync: exit %d: %s", r.code, strings.TrimSpace(r.stderr))
	}
	synced, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if r := run(t, nil, append([]string{"sync"}, args...)...); r.code != 0 {
		return nil, fmt.Errorf("second sync: exit %d: %s", r.code, strings.TrimSpace(r.stderr))
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(synced, again) {
		return nil, fmt.Errorf("the second sync changed the file")
	}
	if r := run(t, nil, append([]string{"check"}, args...)...); r.code != 0 && r.code != 3 {
		return nil, fmt.Errorf("check: exit %d: %s", r.code, strings.TrimSpace(r.stderr))
	}
	out := filepath.Join(dir, "report")
	if r := run(t, nil, append([]string{"report", "--out", out}, args...)...); r.code != 0 {
		return nil, fmt.Errorf("report: exit %d: %s", r.code, strings.TrimSpace(r.stderr))
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(synced, after) {
		return nil, fmt.Errorf("check or report changed the file")
	}
	return synced, nil
}

// pasteClients writes the bundled example's data rows into the set-up
// workbook, each value under the header of the same name, as a team
// moving in would paste them.
func pasteClients(path string) error {
	ctx := context.Background()
	ss := xlsxbook.Open(path)
	book, err := ss.Read(ctx, nil)
	if err != nil {
		return err
	}
	updates, err := example.PasteUpdates(book)
	if err != nil {
		return err
	}
	return ss.Write(ctx, updates)
}

// ownedTabs are the tabs the job writes: the contract's, the matrix, the
// session preparation and the status history.
func ownedTabs() []string {
	m, err := matrix.Default("")
	if err != nil {
		panic(err)
	}
	return append(contract.TabNames(m), matrix.TabName, contract.PrepTabName, statuslog.TabName)
}

// corpusOpenpyxl has testdata/corpus_compare.py read every tab the job
// does not own before and after.
func corpusOpenpyxl(before, after string) (string, error) {
	args := append([]string{"../../testdata/corpus_compare.py", before, after}, ownedTabs()...)
	out, err := exec.Command("/usr/bin/python3", args...).CombinedOutput()
	text := strings.TrimSpace(string(out))
	if err != nil {
		return "", fmt.Errorf("openpyxl: %s", strings.ReplaceAll(text, "\n", "; "))
	}
	if text == "unreadable-before" {
		return "ok (openpyxl cannot read the original)", nil
	}
	return "ok", nil
}

// corpusOffice has LibreOffice convert the original and the synced file;
// where it converted the original it must convert the synced one too.
func corpusOffice(dir, before, after string) (string, error) {
	convert := func(src, name string) bool {
		out := filepath.Join(dir, name)
		cmd := exec.Command("soffice", "-env:UserInstallation=file:///tmp/lo-corpus", "--headless",
			"--convert-to", "csv", "--outdir", out, src)
		if err := cmd.Run(); err != nil {
			return false
		}
		csv := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)) + ".csv"
		_, err := os.Stat(filepath.Join(out, csv))
		return err == nil
	}
	if !convert(before, "lo-before") {
		return "LibreOffice does not convert the original", nil
	}
	if !convert(after, "lo-after") {
		return "", fmt.Errorf("LibreOffice converted the original but not the synced file")
	}
	return "LibreOffice converts it", nil
}

// corpusZip checks the synced workbook's zip against the original: every
// entry the job does not own byte-identical, no part that was well-formed
// XML malformed, no relationship dangling that did not before.
func corpusZip(orig, synced []byte) error {
	before, err := zipParts(orig)
	if err != nil {
		return fmt.Errorf("reading the original zip: %w", err)
	}
	after, err := zipParts(synced)
	if err != nil {
		return fmt.Errorf("reading the synced zip: %w", err)
	}
	owned := ownedParts(after)
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			return fmt.Errorf("zip entry %s is gone", name)
		case !owned[name] && !bytes.Equal(a, b):
			return fmt.Errorf("zip entry %s, which the job does not own, changed", name)
		case isXMLPart(name) && wellFormed(b) == nil:
			if err := wellFormed(a); err != nil {
				return fmt.Errorf("zip entry %s became malformed XML: %w", name, err)
			}
		}
	}
	for name, a := range after {
		if _, old := before[name]; !old && isXMLPart(name) {
			if err := wellFormed(a); err != nil {
				return fmt.Errorf("new zip entry %s is malformed XML: %w", name, err)
			}
		}
	}
	was := danglingRels(before)
	for _, d := range danglingRels(after) {
		if !contains(was, d) {
			return fmt.Errorf("relationship dangles: %s", d)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
