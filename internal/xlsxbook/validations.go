package xlsxbook

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// init's dropdowns and marks on job columns are data validations added to the
// sheet's own; the job columns' header cells take a grey bold style.

// dropdownError is the warning a value outside a dropdown's list shows:
// people may type the other accepted words (済, ○, ...).
const dropdownError = "一覧にない値です。onboard が読めない値はチェック欄に表示されます。"

// maxListLength is the longest list formula Excel takes, in UTF-16 units.
const maxListLength = 255

// validation is one data validation init adds: a dropdown list on a
// column below its header, or the mark on job columns' header cells.
type validation struct {
	col    int    // a dropdown's column
	list   string // its values, comma-separated
	prompt string // a mark's text
	cols   []int  // its columns
}

// addSetup adds a Dropdown or Protect step to the tab's format.
func (t *tabFormat) addSetup(s sheet.SetupStep) error {
	valid := func(col int) bool { return col >= 1 && col <= excelize.MaxColumns }
	switch {
	case s.Kind == sheet.Dropdown && valid(s.Col):
		list := strings.Join(s.Values, ",")
		if len(utf16.Encode([]rune(list))) > maxListLength {
			return fmt.Errorf("the dropdown list of column %s is longer than %d characters: %w", sheet.ColumnName(s.Col), maxListLength, sheet.ErrInvalid)
		}
		t.validations = append(t.validations, validation{col: s.Col, list: list})
		return nil
	case s.Kind == sheet.Protect && len(s.Cols) > 0 && !slices.ContainsFunc(s.Cols, func(c int) bool { return !valid(c) }):
		for _, c := range s.Cols {
			if !slices.Contains(t.header, c) {
				t.header = append(t.header, c)
			}
		}
		slices.Sort(t.header)
		t.validations = append(t.validations, validation{prompt: s.Description, cols: slices.Clone(s.Cols)})
		return nil
	}
	return fmt.Errorf("setup step %d on column %d %v: %w", s.Kind, s.Col, s.Cols, sheet.ErrInvalid)
}

// validationsXML is the tab's new validations, under the sheet's prefix.
func (sf *sheetFormatter) validationsXML() []byte {
	var b []byte
	p := sf.prefix
	for _, v := range sf.t.validations {
		if v.cols != nil {
			var refs []string
			for _, c := range v.cols {
				refs = append(refs, sheet.CellName(1, c))
			}
			b = fmt.Appendf(b, `<%sdataValidation allowBlank="1" showInputMessage="1" promptTitle="%s" prompt="%s" sqref="%s"/>`,
				p, markTitle, attrEscaper.Replace(v.prompt), strings.Join(refs, " "))
			continue
		}
		col := sheet.ColumnName(v.col)
		b = fmt.Appendf(b, `<%sdataValidation type="list" errorStyle="warning" allowBlank="1" showErrorMessage="1" errorTitle="%s" error="%s" sqref="%s2:%s%d">`,
			p, markTitle, dropdownError, col, col, excelize.TotalRows)
		b = fmt.Appendf(b, `<%sformula1>%s</%sformula1></%sdataValidation>`, p, stringFormula(v.list), p, p)
	}
	return b
}
