package report_test

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// cell is one cell read back: nil, or [kind, value] with kind "s" (text),
// "n" (number, as float64), "d" (date, YYYY-MM-DD) or "b".
type cell []any

func (c cell) String() string {
	if c == nil {
		return ""
	}
	switch c[0] {
	case "s":
		return "s:" + strconv.Quote(c[1].(string))
	case "n":
		return "n:" + strconv.FormatFloat(c[1].(float64), 'f', -1, 64)
	}
	return fmt.Sprintf("%v:%v", c[0], c[1])
}

// workbook is every sheet of a file, in order, as rows of cells.
type workbook struct {
	names  []string
	sheets map[string][][]cell
}

// readBack reads a workbook with excelize: values, their types and, for
// numbers, whether their style formats them as dates.
func readBack(t testing.TB, path string) *workbook {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot open %s: %v", path, err)
	}
	defer f.Close()
	wb := &workbook{sheets: map[string][][]cell{}}
	for _, name := range f.GetSheetList() {
		wb.names = append(wb.names, name)
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		var out [][]cell
		for r, row := range rows {
			var cells []cell
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				cells = append(cells, typed(t, f, name, ref, v))
			}
			for len(cells) > 0 && cells[len(cells)-1] == nil {
				cells = cells[:len(cells)-1]
			}
			out = append(out, cells)
		}
		for len(out) > 0 && len(out[len(out)-1]) == 0 {
			out = out[:len(out)-1]
		}
		wb.sheets[name] = out
	}
	return wb
}

func typed(t testing.TB, f *excelize.File, sheetName, ref, v string) cell {
	if v == "" {
		return nil
	}
	if formula, _ := f.GetCellFormula(sheetName, ref); formula != "" {
		t.Errorf("%s!%s holds a formula: %q", sheetName, ref, formula)
	}
	ct, err := f.GetCellType(sheetName, ref)
	if err != nil {
		t.Fatal(err)
	}
	switch ct {
	case excelize.CellTypeInlineString, excelize.CellTypeSharedString:
		return cell{"s", v}
	case excelize.CellTypeBool:
		return cell{"b", v == "1"}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s!%s: type %v but value %q", sheetName, ref, ct, v)
	}
	if isDateStyle(t, f, sheetName, ref) {
		return cell{"d", sheet.DateFromSerial(n).Format("2006-01-02")}
	}
	return cell{"n", n}
}

var dateFormat = regexp.MustCompile(`(?i)y+.*m+.*d+`)

func isDateStyle(t testing.TB, f *excelize.File, sheetName, ref string) bool {
	id, err := f.GetCellStyle(sheetName, ref)
	if err != nil || id == 0 {
		return false
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return dateFormat.MatchString(*st.CustomNumFmt)
	}
	return st.NumFmt >= 14 && st.NumFmt <= 22
}

// openpyxl reads the workbook with Debian's Python and openpyxl, normally
// or read-only (as pandas.read_excel does). A missing Python or openpyxl
// fails the test: this check is the point, not an extra.
func openpyxl(t testing.TB, path, mode string) map[string][][]cell {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "testdata/readback.py", path, mode).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(ee.Stderr)
		}
		t.Fatalf("openpyxl (%s) could not read %s: %s\nThis test needs Debian's /usr/bin/python3 with python3-openpyxl: run scripts/install-deps.sh (as root) or apt-get install python3-openpyxl", mode, path, msg)
	}
	var raw map[string][][][]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("openpyxl output: %v", err)
	}
	sheets := map[string][][]cell{}
	for name, rows := range raw {
		var out [][]cell
		for r, row := range rows {
			var cells []cell
			for c, v := range row {
				if v == nil {
					cells = append(cells, nil)
					continue
				}
				if v[0] == "s" {
					if len(v) > 2 && v[2] != "s" && v[2] != "inlineStr" && v[2] != "str" {
						t.Errorf("openpyxl (%s): %s!%s is %q, not a string: %q", mode, name, ref(c, r), v[2], v[1])
					}
					v = v[:2]
				}
				cells = append(cells, cell(v))
			}
			out = append(out, cells)
		}
		sheets[name] = out
	}
	return sheets
}

func ref(col, row int) string {
	r, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return r
}

// sheetXML returns a worksheet's XML from the .xlsx package.
func sheetXML(t testing.TB, path string, index int) string {
	t.Helper()
	return zipEntry(t, path, fmt.Sprintf("xl/worksheets/sheet%d.xml", index+1))
}

// zipEntry returns one part of the .xlsx package.
func zipEntry(t testing.TB, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return ""
}

var dimension = regexp.MustCompile(`<dimension ref="([^"]+)"`)

// dump renders a workbook as text for a golden file: one line per row.
func dump(wb *workbook) string {
	var b strings.Builder
	for _, name := range wb.names {
		fmt.Fprintf(&b, "== %s\n", name)
		for r, row := range wb.sheets[name] {
			parts := make([]string, len(row))
			for i, c := range row {
				parts[i] = c.String()
			}
			fmt.Fprintf(&b, "%d\t%s\n", r+1, strings.Join(parts, "\t"))
		}
	}
	return b.String()
}
