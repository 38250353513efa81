package report

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/civil"
)

// TestSheetRowsMatchExcelize: the data tabs' rows are the XML excelize's
// stream writer writes for the same cells, byte for byte, text that needs
// escaping, cutting or xml:space included.
func TestSheetRowsMatchExcelize(t *testing.T) {
	texts := []string{
		"株式会社さくらカフェ", "plain ascii", "a&b", "<tag>", `"quoted"`, "it's", " lead", "trail ", "\ttab",
		"line\nfeed", "cr\rx", "_x0041_", "x_x0041_y", "_x005F_", "_x005F_x0041_", "_x005F_x00", "_xD800_", "a_xb", "_x",
		"bad\xffutf8", "\x01control", "\uFFFE", "\uFFFD", "emoji 😀", "\u0085next line", "=HYPERLINK(\"https://x\",\"y\")",
		strings.Repeat("あ", 20000), strings.Repeat("a", 40000), strings.Repeat("😀", 20000), strings.Repeat("b", 32767),
		strings.Repeat("c", 32767) + " ", "①②③ ④(確認)", "—", "x\u2028y",
	}
	f := excelize.NewFile()
	defer f.Close()
	styled, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEEAA"}}})
	if err != nil {
		t.Fatal(err)
	}
	dateFmt := "yyyy/mm/dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	// Columns: text, styled text, number, date (column style), blank
	// with a style, blank, text in the date column.
	cellAt := func(c, row int) cellValue {
		s := texts[row%len(texts)]
		switch c {
		case 0:
			return text(s)
		case 1:
			v := text(texts[(row+7)%len(texts)])
			v.style = styled
			return v
		case 2:
			return num(row*37 - 500)
		case 3:
			if row%3 == 0 {
				return text(s)
			}
			return date(civil.Date(46000 + row%400))
		case 4:
			return cellValue{style: styled}
		}
		return cellValue{}
	}
	tb := &table{title: "t", rows: 3 * len(texts)}
	for c := 0; c < 6; c++ {
		tb.headers = append(tb.headers, "h")
		tb.cols = append(tb.cols, func(row int) cellValue { return cellAt(c, row) })
	}
	colStyle := []int{0, 0, 0, dateStyle, 0, 0}

	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetColStyle(4, 4, dateStyle); err != nil {
		t.Fatal(err)
	}
	for row := 0; row < tb.rows; row++ {
		vals := make([]any, len(tb.cols))
		for c, col := range tb.cols {
			vals[c] = streamCell(col(row))
		}
		ref, _ := excelize.CoordinatesToCellName(1, row+2)
		if err := sw.SetRow(ref, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	if _, err := f.WriteTo(&saved); err != nil {
		t.Fatal(err)
	}
	want := sheetDataOf(t, saved.Bytes())

	var got bytes.Buffer
	if err := rowsWriter(tb, colStyle)(&got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		g, w := got.String(), want
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		t.Fatalf("rows differ from excelize's at byte %d:\n got …%.200q\nwant …%.200q", i, g[max(0, i-80):], w[max(0, i-80):])
	}
}

// sheetDataOf returns what the first worksheet holds between <sheetData>
// and </sheetData>.
func sheetDataOf(t *testing.T, xlsx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	from, to := strings.Index(s, "<sheetData>"), strings.Index(s, "</sheetData>")
	if from < 0 || to < from {
		t.Fatalf("no sheetData in %.300s", s)
	}
	return s[from+len("<sheetData>") : to]
}

// streamCell is how the report gave cells to excelize's stream writer.
func streamCell(v cellValue) any {
	var val any
	switch v.kind {
	case textCell:
		val = v.s
	case intCell, dateCell:
		val = v.n
	}
	if v.style != 0 {
		return excelize.Cell{StyleID: v.style, Value: val}
	}
	return val
}
