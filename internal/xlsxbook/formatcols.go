package xlsxbook

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// A formatted column gets a <col> element of its own, split out of the
// range it was in, with its width and style; equal neighbours merge again.

// colStyle is one <col> element, for the reader, the formatter and the
// fitter: its start tag with min and max apart, and its style and width
// read once (asked for by every cell); the reader keeps only the style.
type colStyle struct {
	min, max, style int
	width           float64 // -1 when it sets none
	tag             []byte
}

// newColStyle is the range first..last of the <col> start tag.
func newColStyle(first, last int, tag []byte) colStyle {
	attrs := tagAttrs(tag)
	w, ok := attrFloat(attrs, "width")
	if !ok || w < 0 {
		w = -1
	}
	return colStyle{first, last, attrInt(attrs, "style"), w, tag}
}

// readCols reads the cols element into sf.cols, copying it to out.
func (sf *sheetFormatter) readCols(out io.Writer, s *xmlScanner) error {
	return copyElement(out, s, func(s *xmlScanner) {
		if s.is(tokStart, "col") {
			tag := append([]byte(nil), s.raw...)
			if !s.self { // <col ...></col>: no content is allowed
				tag = append(tag[:len(tag)-1], "/>"...)
			}
			sf.cols = append(sf.cols, newColStyle(attrInt(s.attrs, "min"), attrInt(s.attrs, "max"), tag))
		}
	})
}

// styleIn is the style the <col> elements give a column's cells
// without one of their own, 0 for none.
func styleIn(cols []colStyle, col int) int {
	for _, c := range cols {
		if c.min <= col && col <= c.max && c.style != 0 {
			return c.style
		}
	}
	return 0
}

// finalCols is the cols as formatting writes them: each formatted column split
// out with its width and style, alike neighbours merged.
func (sf *sheetFormatter) finalCols() []colStyle {
	cols := slices.Clone(sf.cols)
	for i, cf := range sf.t.cols {
		style := 0 // the column keeps its own: a date column where a cell keeps its number format
		if (cf.Wrap || cf.Date) && !sf.kept[i] {
			style = sf.styles.derive(styleIn(sf.cols, cf.Col), cf.Wrap, cf.Date)
		}
		if cf.Width <= 0 && style == 0 {
			continue
		}
		j := slices.IndexFunc(cols, func(c colStyle) bool { return c.min <= cf.Col && cf.Col <= c.max })
		tag := fmt.Appendf(nil, `<%scol min="%d" max="%d" width="%s"/>`, sf.prefix, cf.Col, cf.Col, sf.defaultWidth)
		if j >= 0 { // split out of its range
			c := cols[j]
			split := slices.DeleteFunc([]colStyle{newColStyle(c.min, cf.Col-1, c.tag), newColStyle(cf.Col, cf.Col, c.tag), newColStyle(cf.Col+1, c.max, c.tag)},
				func(r colStyle) bool { return r.min > r.max })
			cols, j, tag = slices.Replace(cols, j, j+1, split...), j+b2i(c.min < cf.Col), c.tag
		} else {
			if j = slices.IndexFunc(cols, func(c colStyle) bool { return c.min >= cf.Col }); j < 0 {
				j = len(cols)
			}
			cols = slices.Insert(cols, j, newColStyle(cf.Col, cf.Col, tag))
		}
		if cf.Width > 0 {
			tag = setAttr(setAttr(tag, "width", strconv.FormatFloat(cf.Width, 'f', -1, 64)), "customWidth", "1")
		}
		if style != 0 {
			tag = setAttr(tag, "style", strconv.Itoa(style))
		}
		cols[j] = newColStyle(cols[j].min, cols[j].max, tag)
	}
	if len(cols) == 0 {
		return nil
	}
	// Neighbours alike but for min and max are one range.
	merged := cols[:1]
	withoutRange := func(tag []byte) []byte { return setAttr(setAttr(tag, "min", ""), "max", "") }
	for _, c := range cols[1:] {
		last := &merged[len(merged)-1]
		if last.max+1 == c.min && bytes.Equal(withoutRange(last.tag), withoutRange(c.tag)) {
			last.max = c.max
			continue
		}
		merged = append(merged, c)
	}
	return merged
}

// writeCols writes the cols element as formatting makes it, unless no
// column is formatted (readCols kept it), and gives the fitter its columns.
func (sf *sheetFormatter) writeCols(out io.Writer) {
	cols := sf.finalCols()
	sf.colsDone, sf.rr.cols = true, cols
	if sf.fit != nil {
		sf.fit.cols = cols
	}
	if len(cols) == 0 || len(sf.t.cols) == 0 {
		return
	}
	fmt.Fprintf(out, `<%scols>`, sf.prefix)
	for _, c := range cols {
		out.Write(setAttr(setAttr(c.tag, "min", strconv.Itoa(c.min)), "max", strconv.Itoa(c.max)))
	}
	fmt.Fprintf(out, `</%scols>`, sf.prefix)
}
