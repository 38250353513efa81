package xlsxbook

import (
	"bytes"
	"cmp"
	"strconv"
	"sync"
	"sync/atomic"

	"onboard/internal/textfit"
)

// A row written gets the height auto-fit gives it (LibreOffice shows a wrapped
// cell on one line otherwise); a height set by hand (customHeight) stays.

// lazySharedStrings returns a shared string by index, the table read the
// first time one is asked for, and the error of that read.
func (p *xlsxPackage) lazySharedStrings() (text func(i int) string, err func() error) {
	read := sync.OnceValues(p.readSharedStrings)
	var loaded atomic.Bool
	text = func(i int) string {
		sst, _ := read()
		loaded.Store(true)
		if i < 0 || i >= len(sst) {
			return ""
		}
		return sst[i]
	}
	return text, func() error {
		if !loaded.Load() {
			return nil
		}
		_, err := read()
		return err
	}
}

// defaultColWidth is Excel's default column width as a <col> width
// counts it (8.43 characters and the cell margin), excelize's too.
const defaultColWidth = 9.140625

// rowFitter sizes the rows of one worksheet: the rows a patch writes, or
// every row of a tab a formatting pass makes wrap.
type rowFitter struct {
	book          *styleBook
	xfs           []xfStyle  // book's cell styles, as last looked at
	cols          []colStyle // the sheet's <col> elements
	defaultWidth  float64    // a column without a <col> width, in characters
	defaultHeight float64    // a row without a height, in points
	shared        func(i int) string
}

func newRowFitter(book *styleBook, shared func(int) string) *rowFitter {
	return &rowFitter{book: book, xfs: book.snapshot(), defaultWidth: defaultColWidth, defaultHeight: 15, shared: shared}
}

// style is a cell style; one added since the fitter last looked (a
// formatting pass adds them while it reads the rows) is looked up again.
func (f *rowFitter) style(id int) xfStyle {
	if id >= len(f.xfs) {
		f.xfs = f.book.snapshot()
	}
	if id < 0 || id >= len(f.xfs) {
		return xfStyle{}
	}
	return f.xfs[id]
}

func (f *rowFitter) sheetFormat(attrs []byte) {
	if w, ok := attrFloat(attrs, "defaultColWidth"); ok && w > 0 {
		f.defaultWidth = w
	} else if _, set := attr(attrs, "defaultColWidth"); !set {
		if w, ok := attrFloat(attrs, "baseColWidth"); ok && w > 0 {
			f.defaultWidth = w + defaultColWidth - 8 // the base is in characters, without the margin
		}
	}
	if h, ok := attrFloat(attrs, "defaultRowHeight"); ok && h > 0 {
		f.defaultHeight = h
	}
}

// width is in characters.
func (f *rowFitter) width(col int) float64 {
	for _, c := range f.cols {
		if c.min <= col && col <= c.max && c.width >= 0 {
			return c.width
		}
	}
	return f.defaultWidth
}

// need is the height in points a cell needs: its font's line, or the lines its
// wrapped text takes (text is called only then); 0 without a value.
func (f *rowFitter) need(col, style int, value bool, text func() string) float64 {
	if !value {
		return 0
	}
	xf := f.style(style)
	size := cmp.Or(xf.size, f.book.fontBase)
	line := f.defaultHeight * size / f.book.fontBase
	if !xf.wrap {
		return line
	}
	if lines := min(textfit.Lines(text(), f.width(col), size, f.book.fontBase), textfit.MaxLines); lines > 1 {
		return textfit.RowHeight(lines, size)
	}
	return line
}

// cellText is a cell element's text: shared, inline or a formula's; "" for a
// number, which never wraps.
func (f *rowFitter) cellText(cell []byte) string {
	s := newBytesScanner(cell)
	var c cellScan
	if !s.next() {
		return ""
	}
	t, _ := attr(s.attrs, "t")
	typ := string(t)
	if c.read(s) != nil {
		return ""
	}
	switch {
	case c.inline:
		return c.rt.String()
	case typ == "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(c.v)))
		if err != nil || f.shared == nil {
			return ""
		}
		return f.shared(i)
	case typ == "str" || typ == "inlineStr":
		return unescapeBSTR(string(c.v))
	}
	return ""
}

// fittedRow sets the height the cells need (none when the default fits),
// as the start tag's last attribute.
func (f *rowFitter) fittedRow(tag []byte, need float64) []byte {
	if tag = setAttr(tag, "ht", ""); need > f.defaultHeight {
		tag = setAttr(tag, "ht", strconv.FormatFloat(need, 'f', -1, 64))
	}
	return tag
}
