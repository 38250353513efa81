package xlsxbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// The backend reads a workbook by scanning its parts' XML, not through
// excelize's worksheet model (~70 KB per client); values and types are
// those excelize reads (TestScanMatchesExcelize).

// xlsxPackage is an opened .xlsx file: its parts by name and its tabs in
// workbook order.
type xlsxPackage struct {
	parts         map[string]*zip.File
	order         []*zip.File
	comment       string
	workbook      string // the workbook part, e.g. xl/workbook.xml
	tabs          []tabPart
	sharedStrings string // part names; "" when the package has none
	styles        string
	tail          *sheet.Tail // the tab ReadTail reads as head and tail
	// close closes the file a change reads the package from (changing).
	close func() error
	// keptStyles is where the workbook keeps the styles parsed
	// (openStyles); nil for a package read once.
	keptStyles **styleBook
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

// openPackage reads the package's table of contents: the workbook part,
// its tabs and where its shared strings and styles are.
func openPackage(data []byte) (*xlsxPackage, error) {
	return openPackageAt(bytes.NewReader(data), int64(len(data)))
}

// openPackageAt is openPackage for a package read where it is stored.
func openPackageAt(r io.ReaderAt, size int64) (*xlsxPackage, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	p := &xlsxPackage{parts: map[string]*zip.File{}, order: zr.File, comment: zr.Comment, workbook: "xl/workbook.xml"}
	for _, f := range zr.File {
		p.parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	rootRels, err := p.rels("_rels/.rels", "")
	if err != nil {
		return nil, err
	}
	officeDocType := ""
	for _, r := range rootRels {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			p.workbook, officeDocType = r.target, r.typ
		}
	}
	if err := packageKind(p.workbook, officeDocType); err != nil {
		return nil, err
	}
	dir := path.Dir(p.workbook)
	rels, err := p.rels(path.Join(dir, "_rels", path.Base(p.workbook)+".rels"), dir)
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
	err = p.scan(p.workbook, func(s *xmlScanner) error {
		if s.is(tokStart, "sheet") {
			name, _ := attrString(s.attrs, "name")
			id, _ := attrString(s.attrs, "id")
			p.tabs = append(p.tabs, tabPart{name: name, part: byID[id]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

type relationship struct{ id, typ, target string }

// rels reads a relationships part; targets are resolved against dir.
func (p *xlsxPackage) rels(name, dir string) ([]relationship, error) {
	if p.parts[name] == nil {
		return nil, nil
	}
	var out []relationship
	err := p.scan(name, func(s *xmlScanner) error {
		if s.is(tokStart, "Relationship") {
			var r relationship
			r.id, _ = attrString(s.attrs, "Id")
			r.typ, _ = attrString(s.attrs, "Type")
			r.target, _ = attrString(s.attrs, "Target")
			if strings.HasPrefix(r.target, "/") {
				r.target = strings.TrimPrefix(r.target, "/")
			} else {
				r.target = path.Join(dir, r.target)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// scan runs fn on every token of a part; a missing part has none.
func (p *xlsxPackage) scan(name string, fn func(*xmlScanner) error) error {
	f := p.parts[name]
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	for s.next() {
		if err := fn(s); err != nil {
			return err
		}
	}
	if s.err != nil {
		return fmt.Errorf("part %s: %w", name, s.err)
	}
	return nil
}

// richText gathers the text of a shared string item or an inline string
// as excelize does: the item's own <t>, then each run's <t>; phonetic
// runs and anything deeper are not text.
type richText struct {
	path      [2]string
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
				rt.path[rt.depth] = string(s.name)
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
		case rt.depth == 1 && rt.path[0] == "t":
			rt.top = s.textAppend(rt.top)
		case rt.depth == 2 && rt.path[0] == "r" && rt.path[1] == "t":
			rt.runs = s.textAppend(rt.runs)
		}
	}
	return true
}

func (rt *richText) String() string {
	if len(rt.top)+len(rt.runs) == 0 {
		return ""
	}
	return unescapeBSTR(string(rt.top) + string(rt.runs))
}

// text is String with a plain item's text taken from in.
func (rt *richText) text(in *interner) string {
	if len(rt.runs) == 0 {
		return unescapeBSTR(in.of(rt.top))
	}
	return rt.String()
}

// interner hands out one string for each short text a sheet repeats (完了,
// なし, an operator's name): a large sheet holds millions of cells of a
// few hundred values, each otherwise its own allocation.
type interner struct{ m map[string]string }

// internMax bounds what is interned: the length of a text, and how many.
const internMax = 32

func (in *interner) of(b []byte) string {
	if len(b) > internMax {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = map[string]string{}
	}
	if len(in.m) < 1<<16 {
		in.m[s] = s
	}
	return s
}

var bstrEscape = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// unescapeBSTR decodes the _xHHHH_ escapes Excel uses for characters XML
// cannot hold; _x005F_ is a literal underscore.
func unescapeBSTR(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	cursor := 0
	for _, m := range bstrEscape.FindAllStringIndex(s, -1) {
		b.WriteString(s[cursor:m[0]])
		cursor = m[1]
		if s[m[0]:m[1]] == "_x005F_" {
			b.WriteByte('_')
			continue
		}
		if v, err := strconv.Unquote(`"\u` + s[m[0]+2:m[1]-1] + `"`); err == nil {
			b.WriteString(v)
		}
	}
	b.WriteString(s[cursor:])
	return b.String()
}

// readSharedStrings reads the shared string table.
func (p *xlsxPackage) readSharedStrings() ([]string, error) {
	var out []string
	var rt richText
	in := false
	err := p.scan(p.sharedStrings, func(s *xmlScanner) error {
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
		return nil
	})
	return out, err
}

// readTabs reads the tabs want takes (all for nil), each on its own
// goroutine, keeping below each header the columns keep names; each tab's
// used range goes to used (when set).
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
	tabs := make([]*sheet.Tab, len(p.tabs)) // in workbook order
	var errs []error
	var mu sync.Mutex
	for i, t := range p.tabs {
		if want != nil && !want(t.name) {
			continue
		}
		wg.Go(func() {
			tab, read, err := p.readTabPart(t, sst, styles, keep)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("read tab %q: %w", t.name, err))
				return
			}
			tabs[i] = tab
			if used != nil {
				used[p.partID(t.part)] = read.used.cells()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	book := &sheet.Book{}
	for _, tab := range tabs {
		if tab != nil {
			book.Tabs = append(book.Tabs, tab)
		}
	}
	return book, nil
}

// keepOnly is a KeepColumns that keeps the listed columns of the tabs in cols.
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

// colStyle is a <col> element's style for a range of columns.
type colStyle struct{ min, max, style int }

// cellScan is one <c> element as read.
type cellScan struct {
	col, style int
	typ        string
	v          []byte
	formula    bool
	inline     bool
	rt         richText
}

// sheetRead is what readSheet learnt of a worksheet besides its rows.
type sheetRead struct {
	elsewhere map[int]int // sheet.Tab.Elsewhere
	used      usedRange
}

// sheetReader reads one worksheet's cells (readSheet).
type sheetReader struct {
	sheetRead
	sst      []string
	styles   *styleBook
	keepCols func() []bool
	onRow    func(n int, row []sheet.Value)
	cols     []colStyle    // the styled columns
	row      []sheet.Value // the row being read
	rowNum   int
	rowStyle int
	c        cellScan
	// keep is decided from the header row, before the first row below
	// it; nil keeps every column.
	keep    []bool
	decided bool
	texts   interner
}

// readSheet reads a worksheet's cells, as xlsxbook read them through
// excelize's GetRows (raw values) and GetCellType/GetCellStyle, handing
// onRow each row holding anything (sheet row n, its cells ending at the
// last, only while it runs): a sheet.TabBuilder, or a tail read keeping
// the few it needs (histtail.go). With keepCols, asked before the first
// row below the header, rows below it hold only the columns it marks.
func (p *xlsxPackage) readSheet(part string, sst []string, styles *styleBook, keepCols func() []bool, onRow func(n int, row []sheet.Value)) (sheetRead, error) {
	f := p.parts[part]
	if f == nil {
		return sheetRead{}, fmt.Errorf("worksheet part %s is missing", part)
	}
	rc, err := f.Open()
	if err != nil {
		return sheetRead{}, err
	}
	defer rc.Close()
	r := &sheetReader{sst: sst, styles: styles, keepCols: keepCols, onRow: onRow}
	s := newXMLScanner(rc)
	inData := false
	for s.next() {
		switch {
		case !inData:
			switch {
			case s.is(tokStart, "col") && attrInt(s.attrs, "style") != 0:
				r.cols = append(r.cols, colStyle{attrInt(s.attrs, "min"), attrInt(s.attrs, "max"), attrInt(s.attrs, "style")})
			case s.is(tokStart, "dimension"):
				r.used.dimension(s.attrs)
			case s.is(tokStart, "sheetData"):
				if s.self {
					return r.sheetRead, nil
				}
				inData = true
			}
		case s.is(tokStart, "row"):
			r.startRow(s)
		case s.is(tokEnd, "row"):
			r.endRow()
		case s.is(tokStart, "c"):
			r.startCell(s)
			if err := r.c.read(s); err != nil {
				return r.sheetRead, err
			}
			r.endCell()
		case s.is(tokEnd, "sheetData"):
			return r.sheetRead, nil
		}
	}
	return r.sheetRead, s.err
}

// read reads a cell's content up to its end tag, s at its start tag.
func (c *cellScan) read(s *xmlScanner) error {
	if s.self {
		return nil
	}
	inV, inIS := false, false
	for s.next() {
		switch {
		case inIS:
			inIS = c.rt.token(s)
		case inV:
			if s.kind == tokText {
				c.v = s.textAppend(c.v)
			}
			inV = s.kind != tokEnd
		case s.kind != tokStart:
			if s.is(tokEnd, "c") {
				return nil
			}
		case string(s.name) == "v":
			inV = !s.self
		case string(s.name) == "f":
			c.formula = true
		case string(s.name) == "is":
			c.inline, inIS = true, !s.self
			c.rt.reset()
		}
	}
	if s.err == nil {
		return errTruncatedXML
	}
	return s.err
}

func (r *sheetReader) startRow(s *xmlScanner) {
	n := rowNumber(s.attrs, r.rowNum)
	r.rowNum, r.rowStyle, r.row = n, attrInt(s.attrs, "s"), r.row[:0]
	r.c.col = 0
	if n > 1 && !r.decided && r.keepCols != nil {
		r.keep, r.decided = r.keepCols(), true
	}
	if s.self {
		r.endRow()
	}
}

func (r *sheetReader) endRow() {
	if len(r.row) > 0 {
		r.onRow(r.rowNum, r.row)
	}
}

func (r *sheetReader) startCell(s *xmlScanner) {
	c := &r.c
	*c = cellScan{col: c.col + 1, v: c.v[:0], rt: c.rt}
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
			c.typ = cellType(val)
		}
		a = rest
	}
	r.used.cell(r.rowNum, c.col)
}

func (r *sheetReader) endCell() {
	c := &r.c
	if r.keep != nil && r.rowNum > 1 && (c.col >= len(r.keep) || !r.keep[c.col]) {
		// Left out: only the first row with a value counts.
		if _, seen := r.elsewhere[c.col]; !seen && !r.value().IsEmpty() {
			if r.elsewhere == nil {
				r.elsewhere = map[int]int{}
			}
			r.elsewhere[c.col] = r.rowNum
		}
		return
	}
	v := r.value()
	if v.Kind == sheet.Empty && !c.formula {
		return
	}
	for len(r.row) < c.col-1 {
		r.row = append(r.row, sheet.Value{})
	}
	r.row = append(r.row, v)
}

// value is the current cell's value.
func (r *sheetReader) value() sheet.Value {
	c := &r.c
	var raw string
	switch {
	case c.typ == "s" && len(c.v) > 0:
		i, _ := strconv.Atoi(string(bytes.TrimSpace(c.v)))
		if i >= 0 && i < len(r.sst) {
			raw = r.sst[i]
		}
	case c.typ == "s":
	case c.typ == "inlineStr" && c.inline:
		raw = c.rt.text(&r.texts)
	default:
		raw = r.texts.of(c.v)
	}
	if raw == "" && !c.formula {
		return sheet.Value{}
	}
	return typed(raw, c.typ, r.styles, r.styleOf)
}

// styleOf is the style the current cell shows: its own, its row's, its
// column's.
func (r *sheetReader) styleOf() int {
	if r.c.style != 0 {
		return r.c.style
	}
	if r.rowStyle != 0 {
		return r.rowStyle
	}
	return styleIn(r.cols, r.c.col)
}

// typed types a raw cell value as Workbook.value did with excelize: only
// values that read as numbers look at the cell's type and style.
func typed(raw, typ string, styles *styleBook, style func() int) sheet.Value {
	if raw == "" {
		return sheet.Value{}
	}
	if typ == "s" || typ == "inlineStr" || typ == "str" {
		// Text whatever it reads as, with no failed number parse (and its
		// error's garbage) per text cell.
		return sheet.Value{Kind: sheet.Text, Str: raw}
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return sheet.Value{Kind: sheet.Text, Str: raw}
	}
	switch typ {
	case "b":
		return sheet.BoolValue(f != 0)
	case "d":
		return sheet.Value{Kind: sheet.Date, Num: f}
	}
	if styles.isDate(style()) {
		return sheet.Value{Kind: sheet.Date, Num: f}
	}
	return sheet.NumberValue(f)
}

// cellType returns a cell's t attribute, without allocating for the
// usual ones.
func cellType(t []byte) string {
	switch string(t) {
	case "s":
		return "s"
	case "n":
		return "n"
	case "b":
		return "b"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	}
	return string(t)
}

// refCol returns the 1-based column of a cell reference such as "AB12".
func refCol(ref []byte) int {
	col := 0
	for _, b := range ref {
		switch {
		case 'A' <= b && b <= 'Z':
			col = col*26 + int(b-'A') + 1
		case 'a' <= b && b <= 'z':
			col = col*26 + int(b-'a') + 1
		default:
			return col
		}
	}
	return col
}

// readAll reads the whole of a part.
func (p *xlsxPackage) readAll(name string) ([]byte, error) {
	f := p.parts[name]
	if f == nil {
		return nil, fmt.Errorf("part %s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
