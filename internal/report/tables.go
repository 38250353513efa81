package report

import (
	"cmp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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

// cell is the value as the stream writer takes it, in style.
func (v cellValue) cell(style int) excelize.Cell {
	c := excelize.Cell{StyleID: style}
	switch v.kind {
	case textCell:
		c.Value = v.s
	case intCell, dateCell:
		c.Value = v.n
	case realCell:
		c.Value = v.f
	}
	return c
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

// measureRows is how many rows of a data tab one measuring job takes.
const measureRows = 4096

// measureTables finds each data tab's column widths, fitted to the widest
// cell, and which columns hold dates. It only reads the model, so it
// measures on every core, a run of rows at a time rather than a tab at a
// time: the client list alone is most of the rows, and measured whole it
// would finish last, on one core. Each worker measures with tabs of its
// own, since some columns memoise their text.
func (r *renderer) measureTables(tables []*table) ([]widthTracker, [][]bool) {
	type job struct{ tab, from, to int }
	var jobs []job
	for i, t := range tables {
		for from := 0; from < t.rows; from += measureRows {
			jobs = append(jobs, job{i, from, min(from+measureRows, t.rows)})
		}
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(jobs)))
	widths, dates := make([][]widthTracker, workers), make([][][]bool, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			mine := r.tables()
			widths[w], dates[w] = make([]widthTracker, len(mine)), make([][]bool, len(mine))
			for i, t := range mine {
				widths[w][i], dates[w][i] = make(widthTracker, len(t.headers)), make([]bool, len(t.headers))
			}
			for j := next.Add(1) - 1; j < int64(len(jobs)); j = next.Add(1) - 1 {
				jb := jobs[j]
				mine[jb.tab].measure(jb.from, jb.to, widths[w][jb.tab], dates[w][jb.tab])
			}
		})
	}
	wg.Wait()
	for i, t := range tables { // the first worker's figures gather everyone's
		for c, h := range t.headers {
			widths[0][i].text(c, h)
			for w := 1; w < workers; w++ {
				widths[0][i].atLeast(c, widths[w][i][c])
				dates[0][i][c] = dates[0][i][c] || dates[w][i][c]
			}
		}
	}
	return widths[0], dates[0]
}

// measure widens widths to the cells of rows [from, to) and marks the
// columns holding dates (which get the date format).
func (t *table) measure(from, to int, widths widthTracker, dates []bool) {
	for row := from; row < to; row++ {
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
// and date styles, the frozen header row, then every row, computed on a
// goroutine of its own (tableRows) while this one writes them.
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
	header := make([]any, ncol)
	for c, h := range t.headers {
		header[c] = excelize.Cell{StyleID: r.named["header"], Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	rows := t.rowsFor(colStyle, wrapWidth)
	var err error
	for b := range rows.out {
		if err == nil {
			if err = b.write(sw, ncol); err != nil {
				close(rows.stop)
			}
		}
		rows.free <- b
	}
	if err != nil {
		return err
	}
	return sw.Flush()
}

// batchRows is how many rows a rowBatch carries, and batchesAhead how many
// batches a tab's rows may be computed ahead of their writing.
const (
	batchRows    = 256
	batchesAhead = 4
)

// rowBatch is a run of a data tab's rows, as the stream writer takes them:
// each row's cells (nil where there is no cell) and its height (0: the
// default).
type rowBatch struct {
	first, n int // the data row of the first (0: the row below the header), and how many
	cells    []excelize.Cell
	values   []any // a row after another, pointing into cells
	heights  []float64
}

// tableRows hands a data tab's rows from the goroutine computing them to
// the one writing them. Each batch goes back on free once written; closing
// stop ends the computing early.
type tableRows struct {
	out, free chan *rowBatch
	stop      chan struct{}
}

// rowsFor starts computing the tab's rows. There are batchesAhead batches
// and out holds as many, so the computing goroutine waits only for a free
// batch.
func (t *table) rowsFor(colStyle []int, wrapWidth []float64) *tableRows {
	ncol := len(t.cols)
	rows := &tableRows{out: make(chan *rowBatch, batchesAhead), free: make(chan *rowBatch, batchesAhead), stop: make(chan struct{})}
	for range batchesAhead {
		rows.free <- &rowBatch{cells: make([]excelize.Cell, batchRows*ncol), values: make([]any, batchRows*ncol), heights: make([]float64, batchRows)}
	}
	go func() {
		defer close(rows.out)
		for from := 0; from < t.rows; from += batchRows {
			var b *rowBatch
			select {
			case b = <-rows.free:
			case <-rows.stop:
				return
			}
			t.prepare(b, from, min(from+batchRows, t.rows), colStyle, wrapWidth)
			rows.out <- b
		}
	}()
	return rows
}

// prepare computes rows [from, to) into b: each cell with its style (its
// column's unless it has one), and the height of a row whose wrapped text
// takes more than a line.
func (t *table) prepare(b *rowBatch, from, to int, colStyle []int, wrapWidth []float64) {
	ncol := len(t.cols)
	b.first, b.n = from, to-from
	for i := range b.n {
		cells, values := b.cells[i*ncol:(i+1)*ncol], b.values[i*ncol:(i+1)*ncol]
		lines := 1
		for c, cell := range t.cols {
			v := cell(from + i)
			if v.kind == textCell && wrapWidth[c] > 0 {
				lines = max(lines, textfit.Lines(v.s, wrapWidth[c], defaultFontSize, defaultFontSize))
			}
			if v.kind == blankCell && v.style == 0 {
				values[c] = nil // no cell at all, as for an empty value
				continue
			}
			cells[c] = v.cell(cmp.Or(v.style, colStyle[c]))
			values[c] = &cells[c] // a pointer: no copy of the cell boxed
		}
		b.heights[i] = 0
		if lines > 1 {
			b.heights[i] = rowHeight(lines)
		}
	}
}

// write writes the batch's rows, below the header row.
func (b *rowBatch) write(sw *excelize.StreamWriter, ncol int) error {
	for i := range b.n {
		cell, err := excelize.CoordinatesToCellName(1, b.first+i+2)
		if err != nil {
			return err
		}
		var opts []excelize.RowOpts
		if h := b.heights[i]; h > 0 {
			opts = append(opts, excelize.RowOpts{Height: h})
		}
		if err := sw.SetRow(cell, b.values[i*ncol:(i+1)*ncol], opts...); err != nil {
			return err
		}
	}
	return nil
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
