package xlsxbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"onboard/internal/sheet"
)

// TestScannerRules: what the scanner refuses, and what it reads, of the
// XML other writers produce.
func TestScannerRules(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		want      string // the tokens' local names and texts, or the error
	}{
		{"a tag without a name", `<a><></a>`, "error: " + errNoName.Error()},
		{"an end tag without a name", `<a></></a>`, "error: " + errNoName.Error()},
		{"a prefix without a name", `<a><x:/></a>`, "error: " + errNoName.Error()},
		{"prefixed elements by their local name", `<x:row r="1"><x:c/></x:row>`, "<row <c/ </row"},
		{"CDATA is text, not escaped", `<t><![CDATA[a&amp;<b>]]></t>`, "<t a&amp;<b> </t"},
		{"comments and instructions are skipped", `<?xml version="1.0"?><!-- c --><a/>`, "<a/"},
		{"a quoted > inside a tag", `<a b="x>y"/>`, "<a/"},
		{"the XML ends inside a tag", `<a><b`, "error: " + errTruncatedXML.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newBytesScanner([]byte(tc.xml))
			var got []string
			for s.next() {
				switch {
				case s.kind == tokText:
					got = append(got, string(s.textAppend(nil)))
				case s.kind == tokEnd:
					got = append(got, "</"+string(s.name))
				case s.self:
					got = append(got, "<"+string(s.name)+"/")
				default:
					got = append(got, "<"+string(s.name))
				}
			}
			g := strings.Join(got, " ")
			if s.err != nil {
				g = "error: " + s.err.Error()
			}
			if g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

// TestSharedStringsRules: texts are appended to the table whatever form
// its root takes, and a part without one is refused.
func TestSharedStringsRules(t *testing.T) {
	for _, tc := range []struct {
		name, part, want string // want: the part after, or the error
	}{
		{"a table", `<sst count="1" uniqueCount="1"><si><t>a</t></si></sst>`,
			`<sst count="2" uniqueCount="2"><si><t>a</t></si><si><t xml:space="preserve">_x005F_x0041_</t></si></sst>`},
		{"an empty table closing itself", `<sst count="0" uniqueCount="0"/>`,
			`<sst count="1" uniqueCount="1"><si><t xml:space="preserve">_x005F_x0041_</t></si></sst>`},
		{"a prefixed table, single quotes", `<x:sst xmlns:x="m" count='0' uniqueCount='0'></x:sst>`,
			`<x:sst xmlns:x="m" count="1" uniqueCount="1"><x:si><x:t xml:space="preserve">_x005F_x0041_</x:t></x:si></x:sst>`},
		{"no sst element", `</sst>`, "error"},
		{"no end", `<sst count="0">`, "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := packageOf(t, map[string]string{"xl/sharedStrings.xml": tc.part})
			p.sharedStrings = "xl/sharedStrings.xml"
			idx, out, err := p.appendSharedStrings([]string{"_x0041_"})
			got := string(out)
			if err != nil {
				got = "error"
			} else if idx["_x0041_"] != strings.Count(tc.part, "<si>") {
				t.Errorf("index %d", idx["_x0041_"])
			}
			if got != tc.want {
				t.Errorf("got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// packageOf is a package of the given parts.
func packageOf(t *testing.T, parts map[string]string) *xlsxPackage {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(data))
		must(t, err)
	}
	must(t, zw.Close())
	p, err := openPackage(buf.Bytes())
	must(t, err)
	return p
}

// TestReadSheetRules: the cells other writers' sheets hold read as
// excelize reads them.
func TestReadSheetRules(t *testing.T) {
	styles, err := parseStyles([]byte(`<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`))
	must(t, err)
	for _, tc := range []struct {
		name, data string
		want       [][]sheet.Value
	}{
		{"prefixed elements and x14ac attributes",
			`<x:worksheet xmlns:x="m"><x:sheetData><x:row r="1" x14ac:dyDescent="0.25"><x:c r="B1"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
			[][]sheet.Value{{{}, sheet.NumberValue(2)}}},
		{"an inline string in CDATA",
			`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a & <b>]]></t></is></c></row></sheetData></worksheet>`,
			[][]sheet.Value{{sheet.TextValue("a & <b>")}}},
		{"rich text: the runs' text, not the phonetic runs'",
			`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>東</t></r><r><rPr/><t>京</t></r><rPh><t>トウ</t></rPh></is></c></row></sheetData></worksheet>`,
			[][]sheet.Value{{sheet.TextValue("東京")}}},
		{"a shared formula's dependent without a value is a formula cell",
			`<worksheet><sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:B1" si="0">1+1</f><v>2</v></c><c r="B1"><f t="shared" si="0"/></c><c r="C1"><v>3</v></c></row></sheetData></worksheet>`,
			[][]sheet.Value{{sheet.NumberValue(2), {}, sheet.NumberValue(3)}}},
		{"rows and cells without references follow on",
			`<worksheet><sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c s="1"><v>45000</v></c></row></sheetData></worksheet>`,
			[][]sheet.Value{{sheet.NumberValue(1), sheet.NumberValue(2)}, {{Kind: sheet.Date, Num: 45000}}}},
		{"a sheetData that closes itself", `<worksheet><sheetData/></worksheet>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := packageOf(t, map[string]string{"xl/worksheets/sheet1.xml": tc.data})
			b := sheet.NewTabBuilder("", nil)
			_, err := p.readSheet("xl/worksheets/sheet1.xml", nil, styles, nil, b.Kept)
			must(t, err)
			if got := b.Tab().Rows; fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPatchRefusesAFormulaAnchor: an update never replaces the cell a
// shared or array formula is written in (its other cells point at it);
// its dependents, and a plain formula, it replaces.
func TestPatchRefusesAFormulaAnchor(t *testing.T) {
	styles, err := parseStyles([]byte(`<styleSheet><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>`))
	must(t, err)
	sheetXML := `<worksheet><sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1+1</f><v>2</v></c>` +
		`<c r="B1"><f t="array" ref="B1:B2">C1:C2</f><v>1</v></c><c r="C1"><f>1+1</f><v>2</v></c></row>` +
		`<row r="2"><c r="A2"><f t="shared" si="0"/><v>3</v></c></row></sheetData></worksheet>`
	for _, tc := range []struct {
		row, col int
		refused  bool
	}{{1, 1, true}, {1, 2, true}, {1, 3, false}, {2, 1, false}} {
		us := []sheet.Update{{Tab: "t", Row: tc.row, Col: tc.col, Value: sheet.TextValue("x")}}
		var out bytes.Buffer
		err := patchSheet(&out, strings.NewReader(sheetXML), us, []int32{0}, styles, nil, newRowFitter(styles, nil))
		if (err != nil) != tc.refused {
			t.Errorf("row %d column %d: error %v, want refused %v", tc.row, tc.col, err, tc.refused)
		}
	}
}
