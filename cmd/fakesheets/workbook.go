package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"onboard/internal/fakesheets"
)

// sheetsEpoch is day 0 of spreadsheet date serial numbers.
var sheetsEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// loadWorkbook reads every sheet of an .xlsx file as tabs for the fake:
// numbers and dates as float64 (dates as serial numbers, like Google's
// SERIAL_NUMBER rendering), booleans as bool, everything else as string.
// Formula cells contribute their cached result.
func loadWorkbook(path string) ([]fakesheets.Tab, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("opening workbook %s: %w", path, err)
	}
	defer f.Close()
	var tabs []fakesheets.Tab
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("reading sheet %q: %w", name, err)
		}
		tab := fakesheets.Tab{Title: name, Rows: make([][]any, len(rows))}
		for r, row := range rows {
			out := make([]any, len(row))
			for c, raw := range row {
				if raw == "" {
					continue
				}
				axis, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					return nil, fmt.Errorf("sheet %q cell (%d,%d): %w", name, r+1, c+1, err)
				}
				typ, err := f.GetCellType(name, axis)
				if err != nil {
					return nil, fmt.Errorf("sheet %q cell %s: %w", name, axis, err)
				}
				out[c] = cellValue(typ, raw)
			}
			tab.Rows[r] = out
		}
		tabs = append(tabs, tab)
	}
	return tabs, nil
}

// cellValue converts one raw cell value by its stored type.
func cellValue(typ excelize.CellType, raw string) any {
	switch typ {
	case excelize.CellTypeBool:
		return raw == "1" || strings.EqualFold(raw, "TRUE")
	case excelize.CellTypeDate:
		// t="d" cells hold an ISO 8601 timestamp instead of a serial.
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, raw); err == nil {
				return t.Sub(sheetsEpoch).Hours() / 24
			}
		}
		return raw
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		if n, err := strconv.ParseFloat(raw, 64); err == nil {
			return n
		}
		return raw
	}
	return raw
}
