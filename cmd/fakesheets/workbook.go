package main

import (
	"context"

	"onboard/internal/fakesheets"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// loadWorkbook reads every sheet of an .xlsx file as tabs for the fake,
// through the project's one workbook reader (xlsxbook): numbers as float64,
// dates as time.Time (stored as serial numbers with a date format, as a
// manager's typed date is), booleans as bool, text as string.
func loadWorkbook(path string) ([]fakesheets.Tab, error) {
	w := xlsxbook.Open(path)
	defer w.Close()
	book, err := w.Read(context.Background(), nil)
	if err != nil {
		return nil, err
	}
	tabs := make([]fakesheets.Tab, len(book.Tabs))
	for i, tab := range book.Tabs {
		rows := make([][]any, len(tab.Rows))
		for r, row := range tab.Rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = cellValue(v)
			}
			rows[r] = cells
		}
		tabs[i] = fakesheets.Tab{Title: tab.Name, Rows: rows}
	}
	return tabs, nil
}

// cellValue converts one typed cell to the value the fake's seed takes.
func cellValue(v sheet.Value) any {
	switch v.Kind {
	case sheet.Text:
		return v.Str
	case sheet.Number:
		return v.Num
	case sheet.Bool:
		return v.Bool()
	case sheet.Date:
		return sheet.DateFromSerial(v.Num)
	}
	return nil
}
