package xlsxbook

import (
	"bytes"
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"
)

// rowRewriter is the one rewriter of a worksheet's rows, for the value
// patch and the formatting alike: the cells an edit names are rewritten or
// added in column order, every other byte is copied; a fitted row gets the
// height its cells need (rowfit.go).
type rowRewriter struct {
	prefix string
	fit    *rowFitter // nil: no row is fitted
	// colStyle is the style a cell without one shows in a column, for
	// fitting (a row's own applies first when it says so).
	colStyle func(col int) int

	// rowStarts, when set, is told each row's number before it is written
	// (segment.go).
	rowStarts func(n int)

	tag          []byte
	rowBuf, cell bytes.Buffer
	buf          []byte
}

// rowAt is the row a cellEdits writes into.
type rowAt struct {
	n      int    // its number
	style  int    // its s attribute
	prefix string // the sheetData's namespace prefix
}

// cellEdits are the edits of one row, in column order.
type cellEdits interface {
	len() int
	col(k int) int
	// write appends edit k's cell to b: s is at the row's <c> start tag
	// for that column (write reads the element to its end), nil when the
	// row has none. It returns the height the cell needs.
	write(b []byte, k int, row rowAt, s *xmlScanner) ([]byte, float64, error)
}

// rowPlan is what a rewrite does to a sheet's rows.
type rowPlan interface {
	// pending is the number of the next row the plan adds, 0 for none.
	pending() int
	// take returns the edits of row n, nil when it is copied as it is.
	take(n int) cellEdits
}

// sheetData rewrites a sheetData element, s at its start tag: each row
// through the plan's edits, the plan's new rows in row order among them.
func (r *rowRewriter) sheetData(out io.Writer, s *xmlScanner, plan rowPlan) error {
	r.prefix = prefixOf(s)
	// added writes the plan's new rows above row before.
	added := func(before int) error {
		for n := plan.pending(); n > 0 && n < before; n = plan.pending() {
			r.markRow(n)
			if err := r.row(out, fmt.Appendf(nil, `<%srow r="%d"/>`, r.prefix, n), true, nil, n, plan.take(n)); err != nil {
				return err
			}
		}
		return nil
	}
	if s.self { // opened when rows are added
		if plan.pending() == 0 {
			_, err := out.Write(s.raw)
			return err
		}
		fmt.Fprintf(out, `<%ssheetData>`, r.prefix)
		if err := added(math.MaxInt); err != nil {
			return err
		}
		_, err := fmt.Fprintf(out, `</%ssheetData>`, r.prefix)
		return err
	}
	out.Write(s.raw)
	for rowNum := 0; ; {
		if err := s.nextIn(); err != nil {
			return err
		}
		switch {
		case s.is(tokEnd, "sheetData"):
			if err := added(math.MaxInt); err != nil {
				return err
			}
			_, err := out.Write(s.raw)
			return err
		case s.is(tokStart, "row"):
			n := rowNumber(s.attrs, rowNum)
			rowNum = n
			if err := added(n); err != nil {
				return err
			}
			r.markRow(n)
			var err error
			if ed := plan.take(n); ed != nil {
				err = r.row(out, s.raw, s.self, s, n, ed)
			} else {
				err = copyElement(out, s, nil)
			}
			if err != nil {
				return err
			}
		default:
			out.Write(s.raw)
		}
	}
}

func (r *rowRewriter) markRow(n int) {
	if r.rowStarts != nil {
		r.rowStarts(n)
	}
}

// row rewrites a row to out: tag is its start tag (self: it closes
// itself, and s is not read), s is at it otherwise.
func (r *rowRewriter) row(out io.Writer, tag []byte, self bool, s *xmlScanner, n int, ed cellEdits) error {
	attrs := tag[1 : len(tag)-1]
	rowStyle, fitStyle := attrInt(attrs, "s"), 0
	if v, _ := attr(attrs, "customFormat"); string(v) == "1" || string(v) == "true" {
		fitStyle = rowStyle
	}
	fitted := r.fit != nil && !customHeight(attrs)
	r.tag = setAttr(openTag(append(r.tag[:0], tag...)), "spans", "")
	cells, counted := out, false
	if fitted {
		r.rowBuf.Reset()
		cells, counted = &r.rowBuf, true
	} else {
		out.Write(r.tag)
	}
	at, need, next := rowAt{n, rowStyle, r.prefix}, 0.0, 0
	// edits writes the edits left of column before.
	edits := func(before int, s *xmlScanner) error {
		for ; next < ed.len() && ed.col(next) < before; next++ {
			var h float64
			var err error
			if r.buf, h, err = ed.write(r.buf[:0], next, at, s); err != nil {
				return err
			}
			cells.Write(r.buf)
			need = max(need, h)
		}
		return nil
	}
	err := r.cells(cells, self, s, func(col int, s *xmlScanner) error {
		if s == nil {
			return edits(col, nil)
		}
		if err := edits(col, nil); err != nil {
			return err
		}
		if next < ed.len() && ed.col(next) == col {
			return edits(col+1, s)
		}
		return r.keepCell(cells, s, col, fitStyle, counted, &need)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cells, `</%srow>`, r.prefix)
	if counted {
		out.Write(r.fit.fittedRow(r.tag, need))
		out.Write(r.rowBuf.Bytes())
	}
	return nil
}

// cells reads a row's content up to its end tag, calling cell at each
// <c> start tag with its column, and once at the end with no scanner;
// anything else is copied to out. The end tag is left to the caller.
func (r *rowRewriter) cells(out io.Writer, self bool, s *xmlScanner, cell func(col int, s *xmlScanner) error) error {
	col := 0
	for !self {
		if err := s.nextIn(); err != nil {
			return err
		}
		switch {
		case s.is(tokEnd, "row"):
			self = true
		case s.is(tokStart, "c"):
			col = cellColumn(s.attrs, col)
			if err := cell(col, s); err != nil {
				return err
			}
		default:
			out.Write(s.raw)
		}
	}
	return cell(excelize.MaxColumns+1, nil)
}

// keepCell copies a cell no edit names, counting the height it needs
// when counted.
func (r *rowRewriter) keepCell(out io.Writer, s *xmlScanner, col, rowStyle int, counted bool, need *float64) error {
	if s.self {
		out.Write(s.raw)
		return nil
	}
	if !counted {
		return copyElement(out, s, nil)
	}
	style := r.cellStyle(s.attrs, col, rowStyle)
	value := false
	track := func(s *xmlScanner) { value = value || valueStart(s) }
	if !r.fit.wraps(style) {
		if err := copyElement(out, s, track); err != nil {
			return err
		}
		*need = max(*need, r.fit.cellNeed(col, style, value, nil))
		return nil
	}
	r.cell.Reset()
	if err := copyElement(&r.cell, s, track); err != nil {
		return err
	}
	*need = max(*need, r.fit.cellNeed(col, style, value, r.cell.Bytes()))
	out.Write(r.cell.Bytes())
	return nil
}

// cellStyle is the style a cell shows: its own, else the row's (given
// when the row says so), else its column's.
func (r *rowRewriter) cellStyle(attrs []byte, col, rowStyle int) int {
	if _, ok := attr(attrs, "s"); ok {
		return attrInt(attrs, "s")
	}
	if rowStyle != 0 {
		return rowStyle
	}
	return r.colStyle(col)
}

// rowNumber is a <row>'s number: its r, else the one after prev.
func rowNumber(attrs []byte, prev int) int {
	if n := attrInt(attrs, "r"); n > 0 {
		return n
	}
	return prev + 1
}

// cellColumn is a <c>'s column: its reference's, else the one after prev.
func cellColumn(attrs []byte, prev int) int {
	if ref, ok := attr(attrs, "r"); ok && len(ref) > 0 {
		return refCol(ref)
	}
	return prev + 1
}

// styleIn is the style colStyles give a column, 0 for none.
func styleIn(colStyles []colStyle, col int) int {
	for _, cs := range colStyles {
		if col >= cs.min && col <= cs.max {
			return cs.style
		}
	}
	return 0
}
