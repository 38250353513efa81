package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/sheet"
)

// The fuzz targets put a user's XML into one part of a real workbook and
// run the reader and both patchers (Write, and the formatting Prepare
// makes) over it. Whatever the input: no panic; a refused workbook is
// left byte-identical; every part a save rewrote is well-formed XML, and
// the reader reads back the values written. The seeds are the parts of
// the bundled example and of workbooks from the repository's corpus of
// other programs' files (testdata/corpus, sources in its MANIFEST.tsv).

// seedBooks are the workbooks the seeds come from.
var seedBooks = []string{
	"../../examples/onboarding.xlsx",
	"../../testdata/corpus/exz-Book1.xlsx",
	"../../testdata/corpus/exz-CalcChain.xlsx",
	"../../testdata/corpus/exz-MergeCell.xlsx",
	"../../testdata/corpus/exz-OverflowNumericCell.xlsx",
	"../../testdata/corpus/exz-SharedStrings.xlsx",
	"../../testdata/corpus/oxl-loadThreadComment.xlsx",
	"../../testdata/corpus/rxl-type-me.xlsx",
	"../../testdata/corpus/lo-example.xlsx",
}

// fuzzBase is the workbook a fuzz input goes into.
const fuzzBase = "../../testdata/corpus/exz-SharedStrings.xlsx"

// zipParts reads a package's parts, in order.
func zipParts(t testing.TB, data []byte) ([]string, map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names, parts[f.Name] = append(names, f.Name), b
	}
	return names, parts
}

// seedParts adds to f the parts of the seed workbooks that pick names.
func seedParts(f *testing.F, pick func(p *xlsxPackage, name string) bool) {
	for _, path := range seedBooks {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		p, err := openPackage(data)
		if err != nil {
			f.Fatal(err)
		}
		names, parts := zipParts(f, data)
		for _, name := range names {
			if pick(p, name) {
				f.Add(parts[name])
			}
		}
	}
}

// withPart is the base workbook with one part replaced.
func withPart(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	base, err := os.ReadFile(fuzzBase)
	if err != nil {
		t.Fatal(err)
	}
	names, parts := zipParts(t, base)
	parts[name] = data
	return packParts(t, names, parts)
}

// packParts is a package of the parts, in order.
func packParts(t testing.TB, names []string, parts map[string][]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, n := range names {
		w, err := zw.Create(n)
		if err == nil {
			_, err = w.Write(parts[n])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// fuzzValues are what the patch writes, from row 2 of the first tab on.
var fuzzValues = []sheet.Value{
	sheet.TextValue("完了 & <done>"), sheet.NumberValue(42.5), {Kind: sheet.Date, Num: 46000},
	sheet.BoolValue(true), sheet.TextValue("_x0041_ literal"), sheet.TextValue(" line\nbreak "), {},
}

// patchBook runs the reader and the patchers (values, formats, init's
// steps) over the workbook at path and checks the invariants; it returns
// false when the workbook was refused (and so left as it was).
func patchBook(t testing.TB, path string) bool {
	t.Helper()
	ctx := context.Background()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(what string, err error) bool {
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Fatalf("%s failed (%v) and changed the file", what, err)
		}
		return false
	}
	w := Open(path)
	book, err := w.Read(ctx, nil)
	if err != nil || len(book.Tabs) == 0 {
		return unchanged("read", err)
	}
	tab := book.Tabs[0].Name
	var us []sheet.Update
	for i, v := range fuzzValues {
		us = append(us, sheet.Update{Tab: tab, Row: 2 + i/3, Col: 1 + i%3*2, Value: v})
	}
	if err := w.Write(ctx, us); err != nil {
		return unchanged("write", err)
	}
	wellFormed(t, before, path)
	readBack(t, path, us)
	before, _ = os.ReadFile(path)
	steps := []sheet.SetupStep{{Kind: sheet.FreezeHeader, Tab: tab}, {Kind: sheet.FormatColumns, Tab: tab, Mark: true,
		Formats: []sheet.ColumnFormat{{Col: 1, Wrap: true, Width: 30}, {Col: 3, Date: true},
			{Col: 5, Colors: map[string]string{"完了": "C6EFCE"}, ColorOrder: []string{"完了"}}}}}
	if err := w.Prepare(ctx, steps); err != nil {
		return unchanged("format", err)
	}
	wellFormed(t, before, path)
	readBack(t, path, us)
	before, _ = os.ReadFile(path)
	if _, err := w.Inspect(ctx, []string{tab}); err != nil {
		return unchanged("inspect", err)
	}
	if err := w.Prepare(ctx, initSteps(tab)); err != nil {
		return unchanged("init", err)
	}
	wellFormed(t, before, path)
	readBack(t, path, us)
	if st, err := w.Inspect(ctx, []string{tab}); err != nil || !st[tab].Dropdowns[3] || !st[tab].Protected[markText] {
		t.Fatalf("Inspect after init reads %+v (%v)", st[tab], err)
	}
	return true
}

// wellFormed checks every XML part of the file at path that differs
// from the package before and was well-formed there: a patch never makes
// a well-formed part malformed (bytes it does not own it keeps, also a
// malformed part's).
func wellFormed(t testing.TB, before []byte, path string) {
	t.Helper()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, old := zipParts(t, before)
	names, parts := zipParts(t, after)
	for _, name := range names {
		if bytes.Equal(parts[name], old[name]) || !(strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels")) {
			continue
		}
		if o, ok := old[name]; ok && xmlError(o) != nil {
			continue
		}
		if err := xmlError(parts[name]); err != nil {
			t.Fatalf("saved part %s is not well-formed: %v\n%s", name, err, parts[name])
		}
	}
}

// xmlError is why data is not well-formed XML, nil when it is.
func xmlError(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readBack checks that a new read gets the values written.
func readBack(t testing.TB, path string, us []sheet.Update) {
	t.Helper()
	book, err := Open(path).Read(context.Background(), nil)
	if err != nil {
		t.Fatalf("read the saved workbook: %v", err)
	}
	tab := book.Tab(us[0].Tab)
	for _, u := range us {
		// A number written into a cell a manager formatted as a date reads
		// back as that date: the same value, as sheet.Value.Equal has it.
		if got := tab.Cell(u.Row, u.Col); !got.Equal(u.Value) {
			t.Fatalf("%s row %d column %d reads %+v, want %+v", u.Tab, u.Row, u.Col, got, u.Value)
		}
	}
}

// fuzzPart fuzzes one part of the base workbook.
func fuzzPart(f *testing.F, part string, pick func(p *xlsxPackage, name string) bool) {
	seedParts(f, pick)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "book.xlsx")
		if err := os.WriteFile(path, withPart(t, part, data), 0o644); err != nil {
			t.Fatal(err)
		}
		patchBook(t, path)
	})
}

func isSheet(p *xlsxPackage, name string) bool {
	return slices.ContainsFunc(p.tabs, func(t tabPart) bool { return t.part == name })
}

func FuzzSheetXML(f *testing.F) {
	fuzzPart(f, "xl/worksheets/sheet1.xml", isSheet)
}

func FuzzSharedStrings(f *testing.F) {
	fuzzPart(f, "xl/sharedStrings.xml", func(p *xlsxPackage, name string) bool { return name == p.sharedStrings })
}

func FuzzStyles(f *testing.F) {
	fuzzPart(f, "xl/styles.xml", func(p *xlsxPackage, name string) bool { return name == p.styles })
}

func FuzzWorkbookXML(f *testing.F) {
	fuzzPart(f, "xl/workbook.xml", func(p *xlsxPackage, name string) bool { return name == p.workbook })
}

func FuzzRelationships(f *testing.F) {
	fuzzPart(f, "xl/_rels/workbook.xml.rels", func(_ *xlsxPackage, name string) bool { return strings.HasSuffix(name, ".rels") })
}

// TestSeedCorpusOpensInOpenpyxl runs the fuzz targets' pipeline over each
// seed put into the base workbook, and over each seed workbook as it is,
// and has openpyxl open every file saved.
func TestSeedCorpusOpensInOpenpyxl(t *testing.T) {
	dir := t.TempDir()
	var saved []string
	run := func(name string, data []byte) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if patchBook(t, path) {
			orig := path + ".orig.xlsx"
			if err := os.WriteFile(orig, data, 0o644); err != nil {
				t.Fatal(err)
			}
			saved = append(saved, orig, path)
		}
	}
	for i, book := range seedBooks {
		data, err := os.ReadFile(book)
		if err != nil {
			t.Fatal(err)
		}
		run(filepath.Base(book), data)
		p, err := openPackage(data)
		if err != nil {
			t.Fatal(err)
		}
		names, parts := zipParts(t, data)
		for j, name := range names {
			into := map[string]string{p.sharedStrings: "xl/sharedStrings.xml", p.styles: "xl/styles.xml", p.workbook: "xl/workbook.xml"}[name]
			if isSheet(p, name) {
				into = "xl/worksheets/sheet1.xml"
			}
			if into != "" {
				run(filepath.Base(book)+"-"+string(rune('a'+i))+string(rune('a'+j))+".xlsx", withPart(t, into, parts[name]))
			}
		}
	}
	if len(saved) < 2*len(seedBooks) {
		t.Fatalf("only %d of the seed workbooks were patched: %v", len(saved), saved)
	}
	// Pairs: a file as it was, then as saved; a file openpyxl could not
	// open before (a seed part put into a workbook it does not fit) is
	// not asked of it after.
	script := `import openpyxl, sys
args, n = sys.argv[1:], 0
for orig, saved in zip(args[::2], args[1::2]):
    try:
        openpyxl.load_workbook(orig).close()
    except Exception:
        continue
    try:
        openpyxl.load_workbook(saved).close()
        n += 1
    except Exception as e:
        sys.exit('%s: %r' % (saved, e))
print(n)
`
	// The count is stdout alone: openpyxl warns on stderr of extensions it drops.
	out, err := exec.Command("/usr/bin/python3", append([]string{"-c", script}, saved...)...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("openpyxl cannot open what was saved: %v\n%s", err, stderr)
	}
	if n, _ := strconv.Atoi(strings.TrimSpace(string(out))); n < len(seedBooks) {
		t.Fatalf("openpyxl opened only %s of the %d files saved", out, len(saved)/2)
	}
	t.Logf("%d files saved; openpyxl opens the %s it opened before", len(saved)/2, strings.TrimSpace(string(out)))
}

// FuzzPlainCells: a cell read in one step (cellScan.plain) reads as the
// same cell spelt so that it is read token by token (a comment before its
// content), whatever its text and type: or both fail.
func FuzzPlainCells(f *testing.F) {
	for _, seed := range []string{"12", " 完了 ", "a&amp;b", "&#x41;_x0041_", "line\r\nnext", "", "x</t></is></c>", "1<!--c-->2"} {
		for shape := range plainCells {
			f.Add(uint8(shape), "inlineStr", seed)
			f.Add(uint8(shape), "s", seed)
		}
	}
	f.Fuzz(func(t *testing.T, shape uint8, typ, text string) {
		cell := plainCells[int(shape)%len(plainCells)]
		sheetXML := func(content string) string {
			return `<worksheet><sheetData><row r="1"><c r="B1" t="` + typ + `">` + content +
				`</row><row r="2"><c r="A2"><v>7</v></c></row></sheetData></worksheet>`
		}
		read := func(doc string) ([][]sheet.Value, error) {
			var rows [][]sheet.Value
			_, err := readSheetFrom(strings.NewReader(doc), []string{"shared"}, &styleBook{}, nil, func(n int, row []sheet.Value) {
				rows = append(rows, append([]sheet.Value{{Num: float64(n)}}, row...))
			})
			return rows, err
		}
		fast, errFast := read(sheetXML(cell.open + text + cell.end))
		slow, errSlow := read(sheetXML("<!---->" + cell.open + text + cell.end))
		if (errFast == nil) != (errSlow == nil) || !slices.EqualFunc(fast, slow, slices.Equal[[]sheet.Value]) {
			t.Fatalf("in one step %v (%v), token by token %v (%v)", fast, errFast, slow, errSlow)
		}
	})
}
