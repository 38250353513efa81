package xlsxbook

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"
)

// rowRewriter is the one rewriter of a worksheet's rows, for values and formats:
// the cells an edit names are rewritten or added, every other byte copied.
type rowRewriter struct {
	prefix    string
	fit       *rowFitter  // nil: no row is fitted
	cols      []colStyle  // the sheet's <col> elements: the style a cell without one shows
	rowStarts func(n int) // told each row's number before it is written (segment.go)

	tag          []byte
	rowBuf, cell bytes.Buffer
	buf          []byte
}

type rowAt struct {
	n      int    // its number
	style  int    // its s attribute
	prefix string // the sheetData's namespace prefix
}

type rowPlan interface {
	// pending is the number of the next row the plan adds, 0 for none.
	pending() int
	// take returns the columns of row n's edits in order, nil when the row
	// is copied as it is.
	take(n int) []int
	// writeCell appends the cell of the current row's edit k to b (s at its <c>,
	// read to its end; nil when the row has none) and the height it needs.
	writeCell(b []byte, k int, row rowAt, s *xmlScanner) ([]byte, float64, error)
}

// sheetData rewrites a sheetData element, s at its start tag: each row
// through the plan's edits, the plan's new rows in row order among them.
func (r *rowRewriter) sheetData(out io.Writer, s *xmlScanner, plan rowPlan) error {
	r.prefix = prefixOf(s)
	if s.self && plan.pending() == 0 {
		_, err := out.Write(s.raw)
		return err
	}
	out.Write(openTag(s.raw)) // a <sheetData/> is opened when rows are added
	end := fmt.Appendf(nil, `</%ssheetData>`, r.prefix)
	for rowNum, done := 0, s.self; ; {
		n := math.MaxInt // the row read, none once the rows are done
		if !done {
			if err := s.nextIn(); err != nil {
				return err
			}
			switch {
			case s.is(tokEnd, "sheetData"):
				end, done = append(end[:0], s.raw...), true
			case s.is(tokStart, "row"):
				rowNum = rowNumber(s.attrs, rowNum)
				n = rowNum
			default:
				out.Write(s.raw)
				continue
			}
		}
		for a := plan.pending(); a > 0 && a < n; a = plan.pending() { // the new rows above it
			r.rowStarts(a)
			if err := r.row(out, fmt.Appendf(nil, `<%srow r="%d"/>`, r.prefix, a), true, nil, a, plan, plan.take(a)); err != nil {
				return err
			}
		}
		if done {
			_, err := out.Write(end)
			return err
		}
		r.rowStarts(n)
		var err error
		if cols := plan.take(n); cols != nil {
			err = r.row(out, s.raw, s.self, s, n, plan, cols)
		} else {
			err = copyElement(out, s, nil)
		}
		if err != nil {
			return err
		}
	}
}

// row rewrites a row with the plan's edits in columns cols: tag is its start
// tag (self: it closes itself, and s is not read), s is at it otherwise.
func (r *rowRewriter) row(out io.Writer, tag []byte, self bool, s *xmlScanner, n int, ed rowPlan, cols []int) error {
	attrs := tagAttrs(tag)
	rowStyle, fitStyle := attrInt(attrs, "s"), 0
	if attrBool(attrs, "customFormat") {
		fitStyle = rowStyle
	}
	r.tag = setAttr(openTag(append(r.tag[:0], tag...)), "spans", "")
	cells, fitted := out, r.fit != nil && !attrBool(attrs, "customHeight")
	if fitted { // the cells are held until the row's height is known
		r.rowBuf.Reset()
		cells = &r.rowBuf
	} else {
		out.Write(r.tag)
	}
	at, need, next := rowAt{n, rowStyle, r.prefix}, 0.0, 0
	// edits writes the edits left of column before.
	edits := func(before int, s *xmlScanner) error {
		for ; next < len(cols) && cols[next] < before; next++ {
			b, h, err := ed.writeCell(r.buf[:0], next, at, s)
			if err != nil {
				return err
			}
			r.buf, need = b, max(need, h)
			cells.Write(b)
		}
		return nil
	}
	for col := 0; !self; {
		if err := s.nextIn(); err != nil {
			return err
		}
		switch {
		case s.is(tokEnd, "row"):
			self = true
		case s.is(tokStart, "c"):
			if ref, _ := attr(s.attrs, "r"); len(ref) > 0 {
				col = refCol(ref)
			} else {
				col++
			}
			err := edits(col, nil)
			if err == nil && next < len(cols) && cols[next] == col {
				err = edits(col+1, s)
			} else if err == nil {
				err = r.keepCell(cells, s, col, fitStyle, fitted, &need)
			}
			if err != nil {
				return err
			}
		default:
			cells.Write(s.raw)
		}
	}
	if err := edits(excelize.MaxColumns+1, nil); err != nil {
		return err
	}
	fmt.Fprintf(cells, `</%srow>`, r.prefix)
	if fitted {
		out.Write(r.fit.fittedRow(r.tag, need))
		out.Write(r.rowBuf.Bytes())
	}
	return nil
}

// keepCell copies a cell no edit names, counting its height when counted.
func (r *rowRewriter) keepCell(out io.Writer, s *xmlScanner, col, rowStyle int, counted bool, need *float64) error {
	if s.self || !counted {
		return copyElement(out, s, nil)
	}
	// The style the cell shows: its own, else the row's (given when the row
	// says so), else its column's; read before s moves on.
	style := cmp.Or(rowStyle, styleIn(r.cols, col))
	if _, ok := attr(s.attrs, "s"); ok {
		style = attrInt(s.attrs, "s")
	}
	r.cell.Reset()
	_, value, err := copyCell(&r.cell, s)
	if err != nil {
		return err
	}
	*need = max(*need, r.fit.need(col, style, value, func() string { return r.fit.cellText(r.cell.Bytes()) }))
	_, err = out.Write(r.cell.Bytes())
	return err
}

// rowNumber is a <row>'s number: its r, else the one after prev.
func rowNumber(attrs []byte, prev int) int {
	if n := attrInt(attrs, "r"); n > 0 {
		return n
	}
	return prev + 1
}
