package main

import (
	"context"

	"onboard/internal/fakesheets"
	"onboard/internal/xlsxbook"
)

// loadWorkbook reads every sheet of an .xlsx file as tabs for the fake,
// through the project's one workbook reader (xlsxbook).
func loadWorkbook(path string) ([]fakesheets.Tab, error) {
	book, err := xlsxbook.Open(path).Read(context.Background(), nil)
	if err != nil {
		return nil, err
	}
	return fakesheets.TabsFromBook(book, 0), nil
}
