package report

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/civil"
	"onboard/internal/sheet"
	"onboard/internal/textfit"
)

type cellKind uint8

const (
	blankCell cellKind = iota
	textCell
	intCell
	dateCell
	realCell // a fraction, shown by its style (a percentage)
)

// cellValue is one cell of a data tab. Text always becomes a string cell,
// never a formula, whatever it starts with.
type cellValue struct {
	kind  cellKind
	s     string
	n     int // a number, or a date's serial day
	f     float64
	style int // 0: none (dates take their column's date style)
}

// text is a string cell; "" is a blank cell, so readers see no value
// rather than an empty string.
func text(s string) cellValue {
	if s == "" {
		return cellValue{}
	}
	return cellValue{kind: textCell, s: s}
}
func num(n int) cellValue { return cellValue{kind: intCell, n: n} }

// date is a date cell (a serial number under a date format), or a blank
// cell for "no date".
func date(d civil.Date) cellValue {
	if d.IsZero() {
		return cellValue{}
	}
	return cellValue{kind: dateCell, n: int(d)}
}

// table is one data tab: a header row, then rows computed on demand so
// that 100,000 clients never exist as a grid of boxed values.
type table struct {
	title   string
	headers []string
	rows    int
	cols    []func(row int) cellValue
}

// openTable creates a data tab and its stream writer: autofilter over
// the data, landscape one page wide with the header repeated on every
// page. It touches the workbook, so tabs are opened one at a time.
func (r *renderer) openTable(t *table, width float64) (*excelize.StreamWriter, error) {
	f, name := r.f, t.title
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	last, err := excelize.CoordinatesToCellName(max(len(t.headers), 1), t.rows+1)
	if err != nil {
		return nil, err
	}
	// The autofilter rewrites the sheet properties, so it goes before the
	// page setup that adds fit-to-page to them.
	if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return nil, err
	}
	if err := r.pageSetup(name, false, orientationFor(width)); err != nil {
		return nil, err
	}
	// The stream writer copies <dimension> from the sheet when it starts
	// and never updates it; readers that trust it (openpyxl read-only,
	// pandas) would see only A1. The size is known, so set it first.
	if err := f.SetSheetDimension(name, "A1:"+last); err != nil {
		return nil, err
	}
	if err := r.printTitles(name, 1); err != nil {
		return nil, err
	}
	return f.NewStreamWriter(name)
}

// measure finds a data tab's column widths, fitted to the widest cell,
// and which columns hold dates. It only reads the model, so tabs measure
// in parallel.
func (t *table) measure() (widths widthTracker, dates []bool) {
	ncol := len(t.headers)
	widths = make(widthTracker, ncol)
	dates = make([]bool, ncol) // columns holding dates get the date format
	for c, h := range t.headers {
		widths.text(c, h)
	}
	for row := 0; row < t.rows; row++ {
		for c, cell := range t.cols {
			switch v := cell(row); v.kind {
			case textCell:
				widths.text(c, v.s)
			case intCell:
				widths.atLeast(c, digits(v.n))
			case dateCell:
				widths.atLeast(c, len("2026/11/24"))
				dates[c] = true
			}
		}
	}
	return widths, dates
}

// tableColumnWidth is a data tab column's width, and whether its text
// wraps because it would be wider than the layout's wrap width.
func (r *renderer) tableColumnWidth(chars int, date bool) (float64, bool) {
	width, wrapAt := r.l.Widths.columnWidth(chars), r.l.Widths.Wrap
	if wrapAt > 0 && width > wrapAt && !date {
		return wrapAt, true
	}
	return width, false
}

// printedWidth is a data tab's width on paper, its columns side by side.
func (r *renderer) printedWidth(widths widthTracker, dates []bool) float64 {
	total := 0.0
	for c := range widths {
		w, _ := r.tableColumnWidth(widths[c], dates[c])
		total += w
	}
	return total
}

// fillTable writes a data tab through its stream writer: column widths
// and date styles, the frozen header row, then every row.
func (r *renderer) fillTable(t *table, sw *excelize.StreamWriter, widths widthTracker, dates []bool) error {
	ncol := len(t.headers)
	colStyle := make([]int, ncol)
	wrapWidth := make([]float64, ncol) // a wrapped column's width; 0 where text does not wrap
	// Right to left: the stream writer puts each column it touches first
	// in <cols>, and Excel wants them in ascending order.
	for c := ncol - 1; c >= 0; c-- {
		width, wrap := r.tableColumnWidth(widths[c], dates[c])
		if wrap {
			if err := sw.SetColStyle(c+1, c+1, r.wrap); err != nil {
				return err
			}
			colStyle[c] = r.wrap
			wrapWidth[c] = width
		}
		if err := sw.SetColWidth(c+1, c+1, width); err != nil {
			return err
		}
		if dates[c] {
			if err := sw.SetColStyle(c+1, c+1, r.date); err != nil {
				return err
			}
			colStyle[c] = r.date
		}
		if colStyle[c] == 0 {
			colStyle[c] = r.plain
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	buf := make([]any, ncol)
	header := r.named["header"]
	for c, h := range t.headers {
		buf[c] = excelize.Cell{StyleID: header, Value: h}
	}
	if err := sw.SetRow("A1", buf); err != nil {
		return err
	}
	// One reused row of cells: the stream writer copies each value out
	// as it writes the row.
	cells := make([]excelize.Cell, ncol)
	for row := 0; row < t.rows; row++ {
		lines := 1
		for c, cell := range t.cols {
			v := cell(row)
			if v.kind == textCell && wrapWidth[c] > 0 {
				lines = max(lines, textfit.Lines(v.s, wrapWidth[c], defaultFontSize, defaultFontSize))
			}
			style := v.style
			if style == 0 {
				style = colStyle[c]
			}
			cells[c] = excelize.Cell{StyleID: style}
			switch v.kind {
			case textCell:
				cells[c].Value = v.s
			case intCell, dateCell:
				cells[c].Value = v.n
			case realCell:
				cells[c].Value = v.f
			}
			if v.kind == blankCell && v.style == 0 {
				buf[c] = nil // no cell at all, as for an empty value
			} else {
				buf[c] = &cells[c] // a pointer: no copy of the cell boxed
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, row+2)
		if err != nil {
			return err
		}
		var opts []excelize.RowOpts
		if lines > 1 {
			opts = append(opts, excelize.RowOpts{Height: rowHeight(lines)})
		}
		if err := sw.SetRow(cell, buf, opts...); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// rowHeight is the height of a data tab row whose wrapped text takes
// lines lines: readers that keep an .xlsx's row heights (LibreOffice)
// would otherwise show only the first.
func rowHeight(lines int) float64 {
	return textfit.RowHeight(min(lines, textfit.MaxLines), defaultFontSize)
}

// quoteSheet quotes a tab name for a cell reference: 'サマリー'.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

func digits(n int) int { return len(strconv.Itoa(n)) }

// cellRef names a problem's cell in A1 notation, or "" when the problem
// is about a whole row.
func cellRef(row, col int) string {
	if row < 1 || col < 1 {
		return ""
	}
	return sheet.CellName(row, col)
}
