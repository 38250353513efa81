package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

const markText = "onboard が書き込む列です（手で書き換えないでください）"

// initSteps are the steps init makes on a tab: a frozen header, two
// dropdowns (one on a job column) and the mark on the job columns.
func initSteps(tab string) []sheet.SetupStep {
	return []sheet.SetupStep{
		{Kind: sheet.FreezeHeader, Tab: tab},
		{Kind: sheet.Dropdown, Tab: tab, Col: 3, Values: []string{"済", "未"}},
		{Kind: sheet.Dropdown, Tab: tab, Col: 5, Values: []string{"あり", `"なし"`}},
		{Kind: sheet.Protect, Tab: tab, Cols: []int{5, 6}, Description: markText},
	}
}

// TestInitPatchesOnlyItsParts: init's steps on the example and on
// workbooks written by excelize and openpyxl rewrite only the tab's sheet
// part and styles.xml, every other zip entry byte-identical; every cell
// reads as before; Inspect reads back what Prepare wrote; openpyxl reads
// the validations (lists, warning, the mark's prompt) and the grey header.
func TestInitPatchesOnlyItsParts(t *testing.T) {
	example := filepath.Join(t.TempDir(), "onboarding.xlsx")
	must(t, os.WriteFile(example, readBytes(t, "../../examples/onboarding.xlsx"), 0o644))
	for _, path := range append(randomBooks(t, 1, 1, 31), example) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			before := readBytes(t, path)
			cells := openpyxlCells(t, path)
			w := Open(path)
			book, err := w.Read(context.Background(), nil)
			must(t, err)
			tab := book.Tabs[0].Name
			must(t, w.Prepare(context.Background(), initSteps(tab)))

			p, err := openPackage(before)
			must(t, err)
			own := map[string]bool{p.tabs[0].part: true, p.styles: true}
			names, _ := parts(t, before)
			if gotNames, _ := parts(t, readBytes(t, path)); !reflect.DeepEqual(gotNames, names) {
				t.Fatalf("entries %v, want %v", gotNames, names)
			}
			old, got := rawEntries(t, before), rawEntries(t, readBytes(t, path))
			for _, name := range names {
				if !own[name] && got[name] != old[name] {
					t.Errorf("entry %s changed", name)
				}
			}
			if after := openpyxlCells(t, path); !reflect.DeepEqual(after, cells) {
				t.Errorf("openpyxl reads other cells after init")
			}
			st, err := Open(path).Inspect(context.Background(), []string{tab})
			must(t, err)
			want := sheet.TabSetup{Frozen: true, Dropdowns: map[int]bool{3: true, 5: true}, Protected: map[string]bool{markText: true}}
			if !reflect.DeepEqual(st[tab], want) {
				t.Errorf("Inspect reads %+v, want %+v", st[tab], want)
			}
			checkOpenpyxlSetup(t, path, tab)
		})
	}
}

// checkOpenpyxlSetup checks what openpyxl reads of init's validations
// and header style on the tab.
func checkOpenpyxlSetup(t *testing.T, path, tab string) {
	t.Helper()
	script := `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])[sys.argv[2]]
dvs = sorted([dv.type or "", str(dv.sqref), dv.formula1 or "", dv.errorStyle or "", bool(dv.showErrorMessage), dv.promptTitle or "", dv.prompt or ""] for dv in ws.data_validations.dataValidation)
head = [[ws[c].font.b, ws[c].font.color.rgb, ws[c].fill.fgColor.rgb] for c in ("E1", "F1")]
print(json.dumps({"dvs": dvs, "head": head}))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path, tab).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var got struct {
		DVs  [][]any `json:"dvs"`
		Head [][]any `json:"head"`
	}
	must(t, json.Unmarshal(out, &got))
	dropdown := func(col, formula string) []any {
		return []any{"list", col + "2:" + col + "1048576", formula, "warning", true, "", ""}
	}
	want := [][]any{{"", "E1 F1", "", "", true, "onboard", markText}, dropdown("C", `"済,未"`), dropdown("E", `"あり,""なし"""`)}
	if !reflect.DeepEqual(got.DVs, want) {
		t.Errorf("openpyxl reads the validations\n%v\nwant\n%v", got.DVs, want)
	}
	for _, h := range got.Head {
		if !reflect.DeepEqual(h, []any{true, "FF595959", "FFE7E6E6"}) {
			t.Errorf("openpyxl reads a job header as %v, want bold grey on light grey", h)
		}
	}
}

// TestInspectReadsOlderNotes: a note by onboard on a header cell, as
// older versions wrote it, marks the job columns; a note holding its
// text twice (plainly and as a run) does not, nor another author's.
func TestInspectReadsOlderNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"ID", "結果", "送信"}))
	must(t, f.AddComment("Sheet1", excelize.Comment{Author: markTitle, Cell: "B1", Paragraph: []excelize.RichTextRun{{Text: markText}}}))
	must(t, f.AddComment("Sheet1", excelize.Comment{Author: markTitle, Cell: "C1", Text: "二重", Paragraph: []excelize.RichTextRun{{Text: "二重"}}}))
	must(t, f.AddComment("Sheet1", excelize.Comment{Author: "山田", Cell: "A1", Paragraph: []excelize.RichTextRun{{Text: "確認中"}}}))
	must(t, f.SaveAs(path))
	f.Close()
	st, err := Open(path).Inspect(context.Background(), []string{"Sheet1", "ない"})
	must(t, err)
	if got := st["Sheet1"].Protected; !reflect.DeepEqual(got, map[string]bool{markText: true}) {
		t.Errorf("Protected %v, want the one note by onboard", got)
	}
	if _, ok := st["ない"]; ok {
		t.Errorf("a missing tab is inspected")
	}
}

// TestPrepareRefusesWithoutFonts: a styles part without a font list
// cannot take the grey header: init is refused and the file is left
// byte-identical.
func TestPrepareRefusesWithoutFonts(t *testing.T) {
	path := randomBooks(t, 1, 0, 37)[0]
	names, all := parts(t, readBytes(t, path))
	p, err := openPackage(readBytes(t, path))
	must(t, err)
	styles := all[p.styles]
	start, end := bytes.Index(styles, []byte("<fonts")), bytes.Index(styles, []byte("</fonts>"))
	if start < 0 || end < 0 {
		t.Fatalf("the styles part has no fonts: %.200s", styles)
	}
	all[p.styles] = append(append([]byte(nil), styles[:start]...), styles[end+len("</fonts>"):]...)
	writeParts(t, path, names, all)
	before := readBytes(t, path)
	book := scanRead(t, path)
	err = Open(path).Prepare(context.Background(), initSteps(book.Tabs[0].Name))
	if err == nil || !bytes.Equal(readBytes(t, path), before) {
		t.Fatalf("Prepare: %v; the file changed: %v", err, !bytes.Equal(readBytes(t, path), before))
	}
	if errors.Is(err, sheet.ErrConflict) {
		t.Errorf("refused as a conflict: %v", err)
	}
}

// writeParts writes a package of the parts, in order, at path.
func writeParts(t *testing.T, path string, names []string, parts map[string][]byte) {
	t.Helper()
	must(t, os.WriteFile(path, packParts(t, names, parts), 0o644))
}

// rawEntries are the zip entries of a package as stored: compressed
// bytes, method and checksum.
func rawEntries(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.OpenRaw()
		must(t, err)
		b, err := io.ReadAll(rc)
		must(t, err)
		out[f.Name] = fmt.Sprintf("%d %08x %x", f.Method, f.CRC32, b)
	}
	return out
}

// TestInspectReadsX14Lists: a list validation Excel keeps in the sheet's
// extension list (its list on another tab) counts as a dropdown.
func TestInspectReadsX14Lists(t *testing.T) {
	path := randomBooks(t, 1, 0, 41)[0]
	names, all := parts(t, readBytes(t, path))
	p, err := openPackage(readBytes(t, path))
	must(t, err)
	part := p.tabs[0].part
	ext := `<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">` +
		`<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" allowBlank="1">` +
		`<x14:formula1><xm:f>一覧!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>D2:D500</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>`
	all[part] = bytes.Replace(all[part], []byte("</worksheet>"), []byte(ext+"</worksheet>"), 1)
	writeParts(t, path, names, all)
	st, err := Open(path).Inspect(context.Background(), []string{p.tabs[0].name})
	must(t, err)
	if got := st[p.tabs[0].name].Dropdowns; !reflect.DeepEqual(got, map[int]bool{4: true}) {
		t.Errorf("Dropdowns %v, want column D", got)
	}
}

// TestInitExtendsValidations: init's validations join a sheet's own,
// whose count they raise, also in an empty self-closing element; the
// sheet's own validation stays as it was.
func TestInitExtendsValidations(t *testing.T) {
	for _, empty := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "book.xlsx")
		f := excelize.NewFile()
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"ID", "担当", "結果", "備考", "送信", "日時"}))
		dv := excelize.NewDataValidation(true)
		dv.SetSqref("B2:B100")
		must(t, dv.SetDropList([]string{"山田", "佐藤"}))
		must(t, f.AddDataValidation("Sheet1", dv))
		must(t, f.SaveAs(path))
		f.Close()
		names, all := parts(t, readBytes(t, path))
		const part = "xl/worksheets/sheet1.xml"
		own := regexp.MustCompile(`<dataValidations.*</dataValidations>`).Find(all[part])
		if own == nil {
			t.Fatalf("no validations written: %s", all[part])
		}
		inner := own[bytes.IndexByte(own, '>')+1 : len(own)-len(`</dataValidations>`)]
		if empty {
			all[part] = bytes.Replace(all[part], own, []byte(`<dataValidations count="0"/>`), 1)
			inner = nil
		}
		writeParts(t, path, names, all)
		must(t, Open(path).Prepare(context.Background(), initSteps("Sheet1")))
		_, got := parts(t, readBytes(t, path))
		dvs := regexp.MustCompile(`<dataValidations count="(\d+)">(.*)</dataValidations>`).FindSubmatch(got[part])
		if dvs == nil || string(dvs[1]) != strconv.Itoa(3+b2i(!empty)) || !bytes.HasPrefix(dvs[2], inner) {
			t.Errorf("empty %v: validations %s", empty, dvs)
		}
		checkOpenpyxlCount(t, path, 3+b2i(!empty))
	}
}

// checkOpenpyxlCount checks openpyxl reads n validations on Sheet1.
func checkOpenpyxlCount(t *testing.T, path string, n int) {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "-c", `import sys, openpyxl
print(len(openpyxl.load_workbook(sys.argv[1])["Sheet1"].data_validations.dataValidation))`, path).Output()
	if err != nil || string(bytes.TrimSpace(out)) != strconv.Itoa(n) {
		t.Errorf("openpyxl reads %s validations (%v), want %d", bytes.TrimSpace(out), err, n)
	}
}
