package xlsxbook

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// xlsxPackage is an opened .xlsx. Its parts are scanned, not loaded into
// excelize's model (~70 KB per client); values and types match excelize's
// (TestScanMatchesExcelize).
type xlsxPackage struct {
	parts         map[string]*zip.File
	order         []*zip.File
	comment       string
	workbook      string // the workbook part, e.g. xl/workbook.xml
	tabs          []tabPart
	sharedStrings string // part names; "" when the package has none
	styles        string
	tail          *sheet.Tail  // the tab ReadTail reads as head and tail
	file          io.ReaderAt  // the package as stored
	close         func() error // closes the file changing opened
	keptStyles    **styleBook  // the workbook's parsed styles; nil for a package read once
}

// done closes the file the package is read from, if changing opened it.
func (p *xlsxPackage) done() {
	if p.close != nil {
		_ = p.close()
	}
}

type tabPart struct {
	name string // the tab's name
	part string // its worksheet part, e.g. xl/worksheets/sheet1.xml
}

func (p *xlsxPackage) tab(name string) (tabPart, bool) {
	for _, t := range p.tabs {
		if t.name == name {
			return t, true
		}
	}
	return tabPart{}, false
}

// openPackageAt reads the package's table of contents: workbook, tabs, shared strings, styles.
func openPackageAt(r io.ReaderAt, size int64) (*xlsxPackage, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	p := &xlsxPackage{parts: map[string]*zip.File{}, order: zr.File, comment: zr.Comment, workbook: "xl/workbook.xml", file: r}
	for _, f := range zr.File {
		p.parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	rels, err := p.rels("_rels/.rels", "")
	officeDocType := ""
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			p.workbook, officeDocType = r.target, r.typ
		}
	}
	if err == nil {
		err = packageKind(p.workbook, officeDocType)
	}
	dir := path.Dir(p.workbook)
	if err == nil {
		rels, err = p.rels(path.Join(dir, "_rels", path.Base(p.workbook)+".rels"), dir)
	}
	if err != nil {
		return nil, err
	}
	byID := map[string]string{}
	for _, r := range rels {
		byID[r.id] = r.target
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			p.sharedStrings = r.target
		case strings.HasSuffix(r.typ, "/styles"):
			p.styles = r.target
		}
	}
	err = p.scan(p.workbook, func(s *xmlScanner) {
		if s.is(tokStart, "sheet") {
			name, _ := attrString(s.attrs, "name")
			id, _ := attrString(s.attrs, "id")
			p.tabs = append(p.tabs, tabPart{name: name, part: byID[id]})
		}
	})
	return p, err
}

type relationship struct{ id, typ, target string }

// rels reads a relationships part; targets are resolved against dir.
func (p *xlsxPackage) rels(name, dir string) ([]relationship, error) {
	var out []relationship
	err := p.scan(name, func(s *xmlScanner) {
		if s.is(tokStart, "Relationship") {
			var r relationship
			r.id, _ = attrString(s.attrs, "Id")
			r.typ, _ = attrString(s.attrs, "Type")
			r.target, _ = attrString(s.attrs, "Target")
			if t, ok := strings.CutPrefix(r.target, "/"); ok {
				r.target = t
			} else {
				r.target = path.Join(dir, r.target)
			}
			out = append(out, r)
		}
	})
	return out, err
}

// scan runs fn on every token of a part; a missing part has none.
func (p *xlsxPackage) scan(name string, fn func(*xmlScanner)) error {
	if p.parts[name] == nil {
		return nil
	}
	rc, err := p.open(name)
	if err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	for s.next() {
		fn(s)
	}
	if s.err != nil {
		return fmt.Errorf("part %s: %w", name, s.err)
	}
	return nil
}

// richText gathers an item's text as excelize does: its own <t>, then each
// run's <t>; phonetic runs and anything deeper are not text.
type richText struct {
	path      [2]byte // the open elements: 't' for a <t>, 'r' for an <r>
	depth     int
	top, runs []byte
}

func (rt *richText) reset() { rt.depth, rt.top, rt.runs = 0, rt.top[:0], rt.runs[:0] }

// token takes a token inside the item; it reports false at the item's end.
func (rt *richText) token(s *xmlScanner) bool {
	switch s.kind {
	case tokStart:
		if !s.self {
			if rt.depth < len(rt.path) {
				rt.path[rt.depth] = 0
				if len(s.name) == 1 {
					rt.path[rt.depth] = s.name[0]
				}
			}
			rt.depth++
		}
	case tokEnd:
		if rt.depth == 0 {
			return false
		}
		rt.depth--
	case tokText:
		switch {
		case rt.depth == 1 && rt.path[0] == 't':
			rt.top = s.textAppend(rt.top)
		case rt.depth == 2 && rt.path == [2]byte{'r', 't'}:
			rt.runs = s.textAppend(rt.runs)
		}
	}
	return true
}

func (rt *richText) String() string {
	return unescapeBSTR(string(rt.top) + string(rt.runs))
}

// text is String with a plain item's text taken from in.
func (rt *richText) text(in *sheet.Interner) string {
	if len(rt.runs) == 0 {
		return unescapeBSTR(in.Of(rt.top))
	}
	return rt.String()
}

var bstrEscape = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// unescapeBSTR decodes the _xHHHH_ escapes Excel uses for characters XML
// cannot hold (_x005F_ is an underscore); one that is no character goes.
func unescapeBSTR(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	return bstrEscape.ReplaceAllStringFunc(s, func(m string) string {
		if n, _ := strconv.ParseUint(m[2:6], 16, 32); utf8.ValidRune(rune(n)) {
			return string(rune(n))
		}
		return ""
	})
}

func (p *xlsxPackage) readSharedStrings() ([]string, error) {
	var out []string
	var rt richText
	in := false
	err := p.scan(p.sharedStrings, func(s *xmlScanner) {
		switch {
		case in:
			if !rt.token(s) {
				out = append(out, rt.String())
				in = false
			}
		case s.is(tokStart, "si"):
			if s.self {
				out = append(out, "")
			} else {
				rt.reset()
				in = true
			}
		case s.is(tokStart, "sst"):
			if n := attrInt(s.attrs, "uniqueCount"); n > 0 && n < 1<<24 {
				out = make([]string, 0, n)
			}
		}
	})
	return out, err
}

// readTabs reads the tabs want takes (nil: all), one goroutine each; each
// tab's used range goes to used (when set).
func (p *xlsxPackage) readTabs(want func(string) bool, keep sheet.KeepColumns, used map[partID]int) (*sheet.Book, error) {
	var sst []string
	var errSST error
	var wg sync.WaitGroup
	wg.Go(func() { sst, errSST = p.readSharedStrings() })
	styles, errStyles := p.openStyles()
	wg.Wait()
	if errSST != nil {
		return nil, fmt.Errorf("read shared strings: %w", errSST)
	}
	if errStyles != nil {
		return nil, fmt.Errorf("read styles: %w", errStyles)
	}
	var tabs []tabPart
	for _, t := range p.tabs {
		if want == nil || want(t.name) {
			tabs = append(tabs, t)
		}
	}
	got, reads, errs := make([]*sheet.Tab, len(tabs)), make([]sheetRead, len(tabs)), make([]error, len(tabs))
	for i, t := range tabs {
		wg.Go(func() { got[i], reads[i], errs[i] = p.readTabPart(t, sst, styles, keep) })
	}
	wg.Wait()
	book := &sheet.Book{}
	for i, t := range tabs {
		if errs[i] != nil {
			return nil, fmt.Errorf("read tab %q: %w", t.name, errs[i])
		}
		book.Tabs = append(book.Tabs, got[i])
		if used != nil {
			used[p.partID(t.part)] = reads[i].used.cells()
		}
	}
	return book, nil
}

// keepOnly is a KeepColumns keeping the listed columns of the tabs in cols.
func keepOnly(cols map[string][]int) sheet.KeepColumns {
	return func(tab string, _ []sheet.Value) sheet.Keep {
		keep := []bool{false} // not nil: nothing else is kept
		for _, c := range cols[tab] {
			if c >= 1 && c <= excelize.MaxColumns {
				keep = append(keep, make([]bool, max(0, c+1-len(keep)))...)
				keep[c] = true
			}
		}
		return sheet.Keep{Cols: keep}
	}
}

type cellScan struct {
	col, style      int
	typ             []byte // its t attribute, copied: comparing it allocates nothing
	v               []byte
	formula, inline bool
	rt              richText
}

// sheetRead is what readSheet learnt of a worksheet besides its rows.
type sheetRead struct {
	elsewhere map[int]int // sheet.Tab.Elsewhere
	used      usedRange
}

type sheetReader struct {
	sheetRead
	sst              []string
	styles           *styleBook
	keepCols         func() []bool
	onRow            func(n int, row []sheet.Value)
	cols             []colStyle // the styled columns
	rowNum, rowStyle int
	row              []sheet.Value // the row being read
	c                cellScan      // the cell being read
	keep             []bool        // from keepCols once the header is read; nil keeps all
	texts            sheet.Interner
}

// readSheet hands onRow each non-empty row (valid only during the call), as
// excelize's GetRows reads it; without onRow only the used range is read,
// from <dimension> when it spans cells. keepCols, asked below the header,
// marks the columns kept.
func (p *xlsxPackage) readSheet(part string, sst []string, styles *styleBook, keepCols func() []bool, onRow func(n int, row []sheet.Value)) (sheetRead, error) {
	if p.parts[part] == nil {
		return sheetRead{}, fmt.Errorf("worksheet part %s is missing", part)
	}
	rc, err := p.open(part)
	if err != nil {
		return sheetRead{}, err
	}
	defer rc.Close()
	if p.parts[part].UncompressedSize64 < aheadBytes {
		return readSheetFrom(rc, sst, styles, keepCols, onRow)
	}
	ahead := readAhead(rc)
	defer ahead.stop()
	return readSheetFrom(ahead, sst, styles, keepCols, onRow)
}

func readSheetFrom(src io.Reader, sst []string, styles *styleBook, keepCols func() []bool, onRow func(n int, row []sheet.Value)) (sheetRead, error) {
	r := &sheetReader{sst: sst, styles: styles, keepCols: keepCols, onRow: onRow}
	s := newXMLScanner(src)
	for inData := false; s.next(); {
		switch {
		case !inData:
			switch {
			case s.is(tokStart, "col") && attrInt(s.attrs, "style") != 0:
				r.cols = append(r.cols, colStyle{min: attrInt(s.attrs, "min"), max: attrInt(s.attrs, "max"), style: attrInt(s.attrs, "style")})
			case s.is(tokStart, "dimension"):
				if r.used.dimension(s.attrs) && onRow == nil {
					return r.sheetRead, nil // only the used range is asked
				}
			case s.is(tokStart, "sheetData"):
				if s.self {
					return r.sheetRead, nil
				}
				inData = true
			}
		case s.kind == tokEnd:
			if string(s.name) == "row" && len(r.row) > 0 {
				r.onRow(r.rowNum, r.row)
			} else if string(s.name) == "sheetData" {
				return r.sheetRead, nil
			}
		case s.is(tokStart, "row"): // one closing itself holds nothing
			r.rowNum, r.rowStyle, r.c.col, r.row = rowNumber(s.attrs, r.rowNum), attrInt(s.attrs, "s"), 0, r.row[:0]
			if r.rowNum > 1 && r.keepCols != nil {
				r.keep, r.keepCols = r.keepCols(), nil
			}
		case s.is(tokStart, "c"):
			if err := r.cell(s); err != nil {
				return r.sheetRead, err
			}
		}
	}
	return r.sheetRead, s.err
}

// cell reads a <c> element, s at its start tag.
func (r *sheetReader) cell(s *xmlScanner) error {
	c := &r.c
	c.col, c.style, c.typ, c.v, c.formula, c.inline = c.col+1, 0, c.typ[:0], c.v[:0], false, false
	for a := s.attrs; ; {
		key, val, rest, ok := nextAttr(a)
		if !ok {
			break
		}
		switch string(key) {
		case "r":
			if len(val) > 0 {
				c.col = refCol(val)
			}
		case "s":
			c.style, _ = strconv.Atoi(string(val))
		case "t":
			c.typ = append(c.typ[:0], val...)
		}
		a = rest
	}
	r.used.cell(r.rowNum, c.col)
	if err := c.read(s); err != nil || r.onRow == nil {
		return err
	}
	if r.keep != nil && r.rowNum > 1 && (c.col >= len(r.keep) || !r.keep[c.col]) {
		// Left out: only the first row with a value counts.
		if _, seen := r.elsewhere[c.col]; !seen && !r.value().IsEmpty() {
			if r.elsewhere == nil {
				r.elsewhere = map[int]int{}
			}
			r.elsewhere[c.col] = r.rowNum
		}
		return nil
	}
	if v := r.value(); v.Kind != sheet.Empty || c.formula {
		for len(r.row) < c.col-1 {
			r.row = append(r.row, sheet.Value{})
		}
		r.row = append(r.row, v)
	}
	return nil
}

func (c *cellScan) read(s *xmlScanner) error {
	if !s.self && c.plain(s) {
		return s.err
	}
	for inV, inIS, end := false, false, s.self; !end; {
		if err := s.nextIn(); err != nil {
			return err
		}
		switch {
		case inIS:
			inIS = c.rt.token(s)
		case inV:
			if s.kind == tokText {
				c.v = s.textAppend(c.v)
			}
			inV = s.kind != tokEnd
		case s.kind != tokStart:
			end = s.is(tokEnd, "c")
		case string(s.name) == "v":
			inV = !s.self
		case string(s.name) == "f":
			c.formula = true
		case string(s.name) == "is":
			c.inline, inIS = true, !s.self
			c.rt.reset()
		}
	}
	return nil
}

// plainCells are the shapes of cell most are: a value or one plain item
// of text; the text's own spaces count, as they do in any <t>.
var plainCells = [...]struct{ open, end string }{
	{"<v>", "</v></c>"},
	{"<is><t>", "</t></is></c>"},
	{`<is><t xml:space="preserve">`, "</t></is></c>"},
}

// plain reads a cell of a plainCells shape, whole in the buffer after its
// start tag, in one step to its </c>: its seven tokens tell nothing more.
// False leaves s as it was.
func (c *cellScan) plain(s *xmlScanner) bool {
	data := s.buf[s.pos:s.end]
	for i, shape := range plainCells {
		text, ok := bytes.CutPrefix(data, []byte(shape.open))
		if !ok {
			continue
		}
		j := bytes.IndexByte(text, '<')
		if j < 0 || !bytes.HasPrefix(text[j:], []byte(shape.end)) {
			return false
		}
		if i == 0 {
			c.v = appendText(c.v, text[:j], false)
		} else {
			c.inline = true
			c.rt.reset()
			c.rt.top = appendText(c.rt.top, text[:j], false)
		}
		n := len(shape.open) + j + len(shape.end)
		s.pos += n
		s.tag(data[n-len("</c>") : n])
		return true
	}
	return false
}

// value types the cell as excelize did; only numbers look at type and
// style, so text is never parsed (nor an error allocated).
func (r *sheetReader) value() sheet.Value {
	c := &r.c
	switch string(c.typ) {
	case "s":
		if i, _ := strconv.Atoi(string(bytes.TrimSpace(c.v))); len(c.v) > 0 && i >= 0 && i < len(r.sst) {
			return sheet.TextValue(r.sst[i])
		}
		return sheet.Value{}
	case "inlineStr", "str":
		if c.inline && string(c.typ) == "inlineStr" {
			return sheet.TextValue(c.rt.text(&r.texts))
		}
		return sheet.TextValue(r.texts.Of(c.v))
	}
	if len(c.v) == 0 {
		return sheet.Value{}
	}
	f, err := strconv.ParseFloat(string(c.v), 64)
	style := cmp.Or(c.style, r.rowStyle) // the cell's own, its row's, its column's
	if style == 0 {
		style = styleIn(r.cols, c.col)
	}
	switch {
	case err != nil:
		return sheet.TextValue(r.texts.Of(c.v))
	case string(c.typ) == "b":
		return sheet.BoolValue(f != 0)
	case string(c.typ) == "d" || r.styles.isDate(style):
		return sheet.Value{Kind: sheet.Date, Num: f}
	}
	return sheet.NumberValue(f)
}

// refCol returns the 1-based column of a cell reference such as "AB12".
func refCol(ref []byte) (col int) {
	for _, b := range ref {
		if b |= 0x20; b < 'a' || b > 'z' { // lower case
			break
		}
		col = col*26 + int(b-'a') + 1
	}
	return col
}

func (p *xlsxPackage) open(name string) (io.ReadCloser, error) {
	if f := p.parts[name]; f != nil {
		return f.Open()
	}
	return nil, fmt.Errorf("part %s is missing", name)
}

func (p *xlsxPackage) readAll(name string) ([]byte, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// growRows doubles: a million-row sheet is not copied at every quarter more.
func growRows(rows [][]sheet.Value, n int) [][]sheet.Value {
	if n > cap(rows) {
		rows = slices.Grow(rows, max(n, 2*cap(rows))-len(rows))
	}
	for len(rows) < n-1 {
		rows = append(rows, nil)
	}
	return rows
}
