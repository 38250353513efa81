package xlsxbook

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// The formats through excelize's model: the oracle the package patch
// (formatpatch.go) is checked against, as Prepare made them before.

// excelizeModel is excelize's model of a whole workbook.
type excelizeModel struct{ file *excelize.File }

// modelStep makes a step through excelize's model of the whole workbook.
func (w excelizeModel) modelStep(s sheet.SetupStep) error {
	switch s.Kind {
	case sheet.FreezeHeader:
		return w.file.SetPanes(s.Tab, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	case sheet.FormatColumns:
		return w.formatColumns(s)
	}
	return fmt.Errorf("the oracle has no step %d", s.Kind)
}

// formatted reports whether the tab carries the marker.
func (w excelizeModel) formatted(tab string) bool {
	for _, dn := range w.file.GetDefinedName() {
		if dn.Name == formattedName && dn.Scope == tab {
			return true
		}
	}
	return false
}

// formatColumns applies a FormatColumns step: widths, then wrap and the
// date format merged into each cell's own style from row 2 down (and into
// the column's style, for cells typed later; a patch gives new cells the
// column's style too), then one conditional rule per status colour.
func (w excelizeModel) formatColumns(s sheet.SetupStep) error {
	f := w.file
	rows, err := f.GetRows(s.Tab, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	derived := map[[3]int]int{} // (style, wrap, date) → merged style
	derive := func(id int, cf sheet.ColumnFormat) (int, error) {
		key := [3]int{id, b2i(cf.Wrap), b2i(cf.Date)}
		if got, ok := derived[key]; ok {
			return got, nil
		}
		st, err := f.GetStyle(id)
		if err != nil {
			return 0, err
		}
		if cf.Wrap {
			if st.Alignment == nil {
				st.Alignment = &excelize.Alignment{}
			}
			st.Alignment.WrapText = true
			st.Alignment.Vertical = "top"
		}
		if cf.Date {
			code := sheet.DateFormat
			st.NumFmt, st.CustomNumFmt = 0, &code
		}
		n, err := f.NewStyle(st)
		if err != nil {
			return 0, err
		}
		derived[key] = n
		return n, nil
	}
	for _, cf := range s.Formats {
		col := sheet.ColumnName(cf.Col)
		if cf.Width > 0 {
			if err := f.SetColWidth(s.Tab, col, col, cf.Width); err != nil {
				return err
			}
		}
		if cf.Wrap || cf.Date {
			if err := w.styleColumn(s.Tab, cf, rows, derive); err != nil {
				return err
			}
		}
		if len(cf.ColorOrder) > 0 {
			var opts []excelize.ConditionalFormatOptions
			for _, value := range cf.ColorOrder {
				fill, err := f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{cf.Colors[value]}}})
				if err != nil {
					return err
				}
				opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Format: &fill, Value: `"` + value + `"`})
			}
			ref := fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
			if err := f.SetConditionalFormat(s.Tab, ref, opts); err != nil {
				return err
			}
		}
	}
	if s.Mark && !w.formatted(s.Tab) {
		return f.SetDefinedName(&excelize.DefinedName{Name: formattedName, RefersTo: `"1"`, Scope: s.Tab,
			Comment: "onboard formatted this tab's columns (init does not format it again)"})
	}
	return nil
}

// styleColumn gives the column and each of its cells below the header the
// cell's own style plus the format. SetColStyle restyles every cell of the
// column, so each cell's style is read first and the header's put back. A
// number not shown as a date keeps its number format: in a workbook the
// format decides whether it reads as a date, and a manager's number in
// 割当日 must read (and be reported) as it did.
func (w excelizeModel) styleColumn(tab string, cf sheet.ColumnFormat, grid [][]string, derive func(int, sheet.ColumnFormat) (int, error)) error {
	f := w.file
	col := sheet.ColumnName(cf.Col)
	rows := len(grid)
	olds := make([]int, rows)
	for r := 1; r <= rows; r++ {
		id, err := f.GetCellStyle(tab, sheet.CellName(r, cf.Col))
		if err != nil {
			return err
		}
		olds[r-1] = id
	}
	wants := make([]sheet.ColumnFormat, rows)
	kept := false // a manager's number keeps its format
	for r := 2; r <= rows; r++ {
		wants[r-1] = cf
		if cf.Date && cf.Col <= len(grid[r-1]) && grid[r-1][cf.Col-1] != "" && !w.dateStyle(olds[r-1]) {
			wants[r-1].Date, kept = false, true
		}
	}
	if !kept {
		// The column's style, for cells typed (or patched) later. Not
		// when a cell keeps its own: a cell without a style of its own
		// reads with its column's.
		colStyle, err := f.GetColStyle(tab, col)
		if err != nil {
			return err
		}
		colNew, err := derive(colStyle, cf)
		if err != nil {
			return err
		}
		if err := f.SetColStyle(tab, col, colNew); err != nil {
			return err
		}
	}
	for r := 1; r <= rows; r++ {
		id := olds[r-1]
		if r == 1 && kept {
			continue
		}
		if r > 1 {
			var err error
			if id, err = derive(id, wants[r-1]); err != nil {
				return err
			}
		}
		cell := sheet.CellName(r, cf.Col)
		if err := f.SetCellStyle(tab, cell, cell, id); err != nil {
			return err
		}
	}
	return nil
}

// dateStyle reports whether a cell style shows numbers as dates.
func (w excelizeModel) dateStyle(id int) bool {
	st, err := w.file.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	if st.CustomNumFmt != nil {
		return customDate(*st.CustomNumFmt)
	}
	return numFmtIsDate(st.NumFmt, nil)
}
