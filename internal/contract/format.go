package contract

import (
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
)

// Look is what the job's formats need from outside the contract: the
// statuses' fill colours (RRGGBB), the report's status_colors, so the sheet
// and the report colour a status alike. Nil colours: no conditional format.
type Look struct {
	StatusColors map[string]string
}

// columnLooks are the widths (in characters) and wrapping of the job's
// columns, by key: wide and wrapped where a Japanese sentence goes.
var columnLooks = map[string]sheet.ColumnFormat{
	KeyRequiredWork:  {Width: 20, Wrap: true},
	KeyRemainingWork: {Width: 18, Wrap: true},
	KeyProgress:      {Width: 7},
	KeyStatus:        {Width: 14},
	KeyNextAction:    {Width: 40, Wrap: true},
	KeyProblems:      {Width: 50, Wrap: true},
	KeyStatusChanged: {Width: 14, Date: true},
}

// Formatted reports whether the job formats this column: its own columns,
// and the dates it writes into a manager's column (割当日), which Google
// would otherwise show as serial numbers. Other manager columns never.
func (c Column) Formatted() bool {
	return c.Owner == Job || (c.Owner == Fill && c.Type == DateCol)
}

// ColumnFormat is how the job formats a column at col; ok is false for a
// column it leaves alone.
func (l Look) ColumnFormat(c Column, col int) (f sheet.ColumnFormat, ok bool) {
	if !c.Formatted() || col < 1 {
		return f, false
	}
	f = columnLooks[c.Key]
	if c.Owner == Fill {
		// A manager's column: the date format only, not its width.
		f = sheet.ColumnFormat{}
	}
	f.Col = col
	f.Date = f.Date || c.Type == DateCol
	if c.Key == KeyStatus && l.StatusColors != nil {
		f.Colors = map[string]string{}
		for _, st := range onboarding.Statuses {
			if color, ok := l.StatusColors[string(st)]; ok {
				f.Colors[string(st)] = color
				f.ColorOrder = append(f.ColorOrder, string(st))
			}
		}
	}
	return f, true
}

// TabFormats lists the formats of a tab's formatted columns that are
// present (cols from Present); with only non-nil, just those columns.
func (l Look) TabFormats(spec *Tab, cols map[string]int, only map[int]bool) []sheet.ColumnFormat {
	var out []sheet.ColumnFormat
	for _, c := range spec.Columns {
		col := cols[c.Key]
		if only != nil && !only[col] {
			continue
		}
		if f, ok := l.ColumnFormat(c, col); ok {
			out = append(out, f)
		}
	}
	return out
}

// prepLongColumns are the セッション準備 columns that hold several lines.
var prepLongColumns = map[string]bool{"事業者名": true, "サポートアカウント（ログイン）": true, "最初に確認する条件": true, "作業（順に）": true, "注意": true}

// PrepFormats are the セッション準備 tab's formats: PrepWidths, the long
// columns wrapped, 予定日 as a date.
func PrepFormats() []sheet.ColumnFormat {
	out := make([]sheet.ColumnFormat, len(PrepHeader))
	for i, h := range PrepHeader {
		out[i] = sheet.ColumnFormat{Col: i + 1, Width: PrepWidths[i], Wrap: prepLongColumns[h], Date: h == "予定日"}
	}
	return out
}
