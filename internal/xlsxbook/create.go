package xlsxbook

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"onboard/internal/atomicfile"
	"onboard/internal/sheet"
)

// Create writes book as a new workbook at path, atomically, with bold frozen
// headers and date cells formatted as dates.
func Create(path string, book *sheet.Book) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	code := "yyyy/mm/dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		return err
	}
	for i, tab := range book.Tabs {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", tab.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(tab.Name); err != nil {
			return err
		}
		if err := writeTab(f, tab, bold, dateStyle); err != nil {
			return fmt.Errorf("write tab %q: %w", tab.Name, err)
		}
	}
	return atomicfile.Write(path, 0o644, func(out io.Writer) error {
		_, err := f.WriteTo(out)
		return err
	}, nil)
}

func writeTab(f *excelize.File, tab *sheet.Tab, headerStyle, dateStyle int) error {
	sw, err := f.NewStreamWriter(tab.Name)
	if err != nil {
		return err
	}
	width := 0
	for _, r := range tab.Rows {
		width = max(width, len(r))
	}
	if width > 0 {
		if err := sw.SetColWidth(1, width, 16); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for r, row := range tab.Rows {
		cells := make([]any, len(row))
		for c, v := range row {
			if v.Kind == sheet.Empty && r > 0 {
				continue
			}
			// A Cell with a string value is written as text: "=1+1" is not a formula.
			cell := excelize.Cell{}
			switch v.Kind {
			case sheet.Text:
				cell.Value = v.Str
			case sheet.Number:
				cell.Value = v.Num
			case sheet.Bool:
				cell.Value = v.Bool()
			case sheet.Date:
				cell.Value, cell.StyleID = v.Num, dateStyle
			}
			if r == 0 {
				cell.StyleID = headerStyle
			}
			cells[c] = cell
		}
		if err := sw.SetRow(sheet.CellName(r+1, 1), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}
