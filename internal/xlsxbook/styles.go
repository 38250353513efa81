package xlsxbook

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"onboard/internal/sheet"
)

// styleBook is the one model of styles.xml, parsed once per run: the cell
// styles reading and row fitting look at, and those a patch adds, appended
// at the end of their lists so every other byte stays.
type styleBook struct {
	mu     sync.Mutex
	id     partID // the part parsed
	data   []byte
	prefix string

	xfs []xfStyle // the cellXfs' styles, then the added ones
	// parsed is xfs as read, never written again: read without the lock.
	parsed   []xfStyle
	known    map[string]int // an xf element → its first index
	custom   map[int]string // custom number formats by id
	sizes    []float64      // the fonts' sizes, 0 when unset
	fontBase float64        // the default font's size, which column widths count in
	base     int            // len(xfs) as read
	dateFmt  int            // the id of the date format; -1 until known
	maxFmt   int
	newFmt   bool // dateFmt is added
	derived  map[[3]int]int
	// plainDate is the plain cell style showing the date format that Write
	// gives a new date cell; -1 until found or added.
	plainDate int

	newDxfs [][]byte
	font0   [2]int // the first font's element
	header  bool   // the header font and fill are added (grey)
	greyed  map[int]int

	sheetTag [2]int // the styleSheet start tag
	// the lists a patch adds to, by name
	numFmts, fonts, fills, cellXfs, dxfs styleList
	afterXfs                             int // where a new dxfs list goes
}

// styleList is where one of the styleSheet's lists is: [start, end) of
// its start tag, the start of its end tag (-1 for none), its items as read.
type styleList struct {
	tag  [2]int
	self bool
	end  int
	n    int
}

// xfStyle is one cell style (an xf of cellXfs) as reading and row
// fitting see it.
type xfStyle struct {
	xml  []byte
	fmt  int // its numFmtId, -1 when absent
	wrap bool
	size float64 // its font's size in points, 0 when unset
	date bool    // as parsed: it shows a date
}

// openStyles returns the package's styles, parsed once: the model the
// Workbook kept when the part is the one it parsed and nothing was added
// to it, else parsed now (and kept). A package without a styles part has
// no styles; a change that needs one says so (usable).
func (p *xlsxPackage) openStyles() (*styleBook, error) {
	id := p.partID(p.styles)
	if p.keptStyles != nil {
		if b := *p.keptStyles; b != nil && b.id == id && !b.changed() {
			return b, nil
		}
	}
	var data []byte
	if p.parts[p.styles] != nil {
		var err error
		if data, err = p.readAll(p.styles); err != nil {
			return nil, err
		}
	}
	b, err := parseStyles(data)
	if err != nil {
		return nil, err
	}
	b.id = id
	if p.keptStyles != nil {
		*p.keptStyles = b
	}
	return b, nil
}

// parseStyles reads a styles part held whole.
func parseStyles(data []byte) (*styleBook, error) {
	b := &styleBook{data: data, known: map[string]int{}, custom: map[int]string{}, dateFmt: -1, maxFmt: 163,
		derived: map[[3]int]int{}, greyed: map[int]int{}, plainDate: -1}
	lists := map[string]*styleList{"numFmts": &b.numFmts, "fonts": &b.fonts, "fills": &b.fills, "cellXfs": &b.cellXfs, "dxfs": &b.dxfs}
	for _, l := range lists {
		l.end = -1
	}
	s := newPartScanner(data)
	var list *styleList // the list the scan is in, at depth 1
	for depth := 0; s.next(); {
		end := s.pos
		start := end - len(s.raw)
		if s.kind == tokEnd {
			depth--
		}
		switch {
		case s.kind == tokText:
		case depth == 0 && s.kind == tokStart:
			b.sheetTag, b.prefix = [2]int{start, end}, prefixOf(s)
		case depth == 1 && s.kind == tokStart:
			list = lists[string(s.name)]
			if list != nil {
				list.tag, list.self = [2]int{start, end}, s.self
			}
			if string(s.name) == "cellXfs" || string(s.name) == "cellStyles" {
				b.afterXfs = end
			}
		case depth == 1:
			if list != nil {
				list.end = start
			}
			if string(s.name) == "cellXfs" || string(s.name) == "cellStyles" {
				b.afterXfs = end
			}
			list = nil
		default:
			if err := b.readItem(s, list, depth, start); err != nil {
				return nil, err
			}
			if list == &b.cellXfs && depth == 2 && s.kind == tokStart {
				continue // readXf read the xf to its end
			}
		}
		depth += b2i(s.kind == tokStart && !s.self)
	}
	b.fontBase = 11
	if len(b.sizes) > 0 && b.sizes[0] > 0 {
		b.fontBase = b.sizes[0]
	}
	for i := range b.xfs {
		b.xfs[i].date = i > 0 && numFmtIsDate(b.xfs[i].fmt, b.custom)
	}
	b.base, b.parsed = len(b.xfs), b.xfs[:len(b.xfs):len(b.xfs)]
	return b, s.err
}

// readItem reads a tag inside a list (s at it, depth its depth, start its
// offset): number formats wherever they are, the fonts' sizes and the
// first font, the cell styles; it counts each list's items.
func (b *styleBook) readItem(s *xmlScanner, list *styleList, depth, start int) error {
	if s.is(tokStart, "numFmt") {
		id := attrInt(s.attrs, "numFmtId")
		b.maxFmt = max(b.maxFmt, id)
		if code, ok := attrString(s.attrs, "formatCode"); ok {
			b.custom[id] = code
			if code == sheet.DateFormat && b.dateFmt < 0 {
				b.dateFmt = id
			}
		}
	}
	if list == nil {
		return nil
	}
	if depth == 2 && s.kind == tokStart {
		list.n++
	}
	switch {
	case list == &b.cellXfs && depth == 2 && s.is(tokStart, "xf"):
		return b.readXf(s, start)
	case list != &b.fonts:
	case depth == 2 && s.kind == tokStart:
		b.sizes = append(b.sizes, 0)
		if list.n == 1 {
			b.font0[0] = start
		}
		if list.n == 1 && s.self {
			b.font0[1] = s.pos
		}
	case depth == 2 && list.n == 1: // the first font's end
		b.font0[1] = s.pos
	case depth == 3 && s.is(tokStart, "sz"):
		v, _ := attr(s.attrs, "val")
		if n, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64); err == nil && n > 0 && n < 410 {
			b.sizes[len(b.sizes)-1] = n
		}
	}
	return nil
}

// readXf reads one cell style (s at its start tag, start its offset).
func (b *styleBook) readXf(s *xmlScanner, start int) error {
	fmtID := -1
	if v, ok := attr(s.attrs, "numFmtId"); ok {
		if n, err := strconv.Atoi(string(bytes.TrimSpace(v))); err == nil {
			fmtID = n
		}
	}
	font := attrInt(s.attrs, "fontId")
	if b.plainDate < 0 && s.self && b.dateFmt >= 0 && fmtID == b.dateFmt && font == 0 &&
		attrInt(s.attrs, "fillId") == 0 && attrInt(s.attrs, "borderId") == 0 {
		b.plainDate = len(b.xfs)
	}
	wrap := false
	if err := copyElement(io.Discard, s, func(s *xmlScanner) {
		if s.is(tokStart, "alignment") {
			v, _ := attr(s.attrs, "wrapText")
			wrap = string(v) == "1" || string(v) == "true"
		}
	}); err != nil {
		return err
	}
	size := 0.0
	if font >= 0 && font < len(b.sizes) {
		size = b.sizes[font]
	}
	b.push(xfStyle{xml: b.data[start:s.pos], fmt: fmtID, wrap: wrap, size: size})
	return nil
}

// push appends a cell style and returns its index.
func (b *styleBook) push(xf xfStyle) int {
	n := len(b.xfs)
	if _, ok := b.known[string(xf.xml)]; !ok {
		b.known[string(xf.xml)] = n
	}
	b.xfs = append(b.xfs, xf)
	return n
}

// prefixOf is the namespace prefix of the tag s is at ("x:" or "").
func prefixOf(s *xmlScanner) string { return string(s.qname[:len(s.qname)-len(s.name)]) }

// usable reports whether the styles can take additions: a change that
// adds a style refuses a workbook without a cell style list.
func (b *styleBook) usable() error {
	if b.cellXfs.end < 0 || b.base == 0 {
		return fmt.Errorf("the styles part has no cell styles")
	}
	return nil
}

// changed reports whether styles were added since the part was parsed.
func (b *styleBook) changed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.xfs) != b.base || len(b.newDxfs) > 0 || b.newFmt || b.header
}

// greyable reports whether the styles can take the header font and fill.
func (b *styleBook) greyable() error {
	if b.fonts.end < 0 || b.fills.end < 0 || b.font0[1] == 0 {
		return fmt.Errorf("the styles part has no list of fonts or fills to add the job columns' header style to")
	}
	return nil
}

// grey returns the style showing what style id shows in bold dark grey
// text on a light grey fill: the job columns' header. The font and the
// fill are added once (greyable says whether they can be).
func (b *styleBook) grey(id int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if got, ok := b.greyed[id]; ok {
		return got
	}
	b.header = true
	if id < 0 || id >= len(b.xfs) {
		id = 0
	}
	xf := b.xfs[id]
	s := newBytesScanner(xf.xml)
	if !s.next() {
		return id
	}
	tag := setAttr(setAttr(slices.Clone(s.raw), "fontId", strconv.Itoa(b.fonts.n)), "fillId", strconv.Itoa(b.fills.n))
	tag = setAttr(setAttr(tag, "applyFont", "1"), "applyFill", "1")
	xf.xml, xf.size = append(tag, xf.xml[s.pos:]...), b.fontBase
	n := b.add(xf)
	b.greyed[id] = n
	return n
}

// headerParts are the font and the fill of the header style: the first
// font's element made bold and grey (a font's children come in any
// order), and a solid fill.
func (b *styleBook) headerParts() (font, fill []byte) {
	p := b.prefix
	font = fmt.Appendf(nil, `<%sfont><%sb/><%scolor rgb="FF595959"/>`, p, p, p)
	s := newBytesScanner(b.data[b.font0[0]:b.font0[1]])
	for depth := 0; s.next(); {
		name := string(s.name)
		switch {
		case s.kind == tokStart && depth == 0:
			depth = b2i(!s.self)
		case s.kind == tokEnd && depth == 1:
			depth = 0
		case depth == 1 && s.kind == tokStart && (name == "b" || name == "color"):
			if !s.self {
				_ = copyElement(io.Discard, s, nil)
			}
		case depth >= 1:
			depth += b2i(s.kind == tokStart && !s.self) - b2i(s.kind == tokEnd)
			font = append(font, s.raw...)
		}
	}
	font = fmt.Appendf(font, `</%sfont>`, p)
	fill = fmt.Appendf(nil, `<%sfill><%spatternFill patternType="solid"><%sfgColor rgb="FFE7E6E6"/><%sbgColor indexed="64"/></%spatternFill></%sfill>`, p, p, p, p, p, p)
	return font, fill
}

// snapshot returns the cell styles so far, those added included; the
// elements never change, so the caller reads them without the lock.
func (b *styleBook) snapshot() []xfStyle {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.xfs[:len(b.xfs):len(b.xfs)]
}

// isDate reports whether a cell style shows numbers as dates (style 0,
// the default, never does: excelize reads it so).
func (b *styleBook) isDate(id int) bool {
	if id < len(b.parsed) {
		return id > 0 && b.parsed[id].date
	}
	if id < 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return id < len(b.xfs) && numFmtIsDate(b.xfs[id].fmt, b.custom)
}

// dateFormat returns the id of the date number format, added if need be
// (b.mu held).
func (b *styleBook) dateFormat() int {
	if b.dateFmt < 0 {
		b.maxFmt++
		b.dateFmt, b.newFmt = b.maxFmt, true
		b.custom[b.dateFmt] = sheet.DateFormat
	}
	return b.dateFmt
}

// add appends a cell style (b.mu held) unless it is there, and returns
// its index.
func (b *styleBook) add(xf xfStyle) int {
	if n, ok := b.known[string(xf.xml)]; ok {
		return n
	}
	return b.push(xf)
}

// dateStyle returns the plain cell style showing the date format, the
// style a date cell the job writes gets when its own shows no date.
func (b *styleBook) dateStyle() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.plainDate < 0 {
		id := b.dateFormat()
		xf := fmt.Appendf(nil, `<%sxf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, b.prefix, id)
		size := 0.0
		if len(b.sizes) > 0 {
			size = b.sizes[0]
		}
		b.plainDate = b.add(xfStyle{xml: xf, fmt: id, size: size})
	}
	return b.plainDate
}

// derive returns the style id showing what style id shows, wrapped (top
// aligned) and with the date format as asked.
func (b *styleBook) derive(id int, wrap, date bool) int {
	if !wrap && !date {
		return id
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	key := [3]int{id, b2i(wrap), b2i(date)}
	if got, ok := b.derived[key]; ok {
		return got
	}
	if id < 0 || id >= len(b.xfs) {
		id = 0 // excelize reads a missing style as the default
	}
	xf := b.xfs[id]
	if date {
		xf.fmt = b.dateFormat()
	}
	xf.xml, xf.wrap = b.withFormat(xf.xml, wrap, date), wrap || xf.wrap
	n := b.add(xf)
	b.derived[key] = n
	return n
}

// withFormat returns an xf element with wrapping and the date format set.
func (b *styleBook) withFormat(xf []byte, wrap, date bool) []byte {
	s := newBytesScanner(xf)
	if !s.next() {
		return xf
	}
	tag, self, rest := slices.Clone(s.raw), s.self, xf[s.pos:]
	if date {
		tag = setAttr(setAttr(tag, "numFmtId", strconv.Itoa(b.dateFmt)), "applyNumberFormat", "1")
	}
	if !wrap {
		return append(tag, rest...)
	}
	tag = setAttr(tag, "applyAlignment", "1")
	if self {
		tag = openTag(tag)
		rest = fmt.Appendf(nil, `</%sxf>`, b.prefix)
	}
	out := slices.Clone(tag)
	// Wrap in the alignment there is, or in a new one (its first child).
	cs := newBytesScanner(rest)
	for cs.next() {
		if cs.is(tokStart, "alignment") {
			at := cs.pos - len(cs.raw)
			a := setAttr(setAttr(slices.Clone(cs.raw), "wrapText", "1"), "vertical", "top")
			return append(append(append(out, rest[:at]...), a...), rest[cs.pos:]...)
		}
	}
	out = fmt.Appendf(out, `<%salignment vertical="top" wrapText="1"/>`, b.prefix)
	return append(out, rest...)
}

// addFill returns a new differential style filling a cell with a colour
// (RRGGBB).
func (b *styleBook) addFill(rgb string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.prefix
	b.newDxfs = append(b.newDxfs, fmt.Appendf(nil, `<%sdxf><%sfill><%spatternFill patternType="solid"><%sfgColor rgb="FF%s"/><%sbgColor rgb="FF%s"/></%spatternFill></%sfill></%sdxf>`,
		p, p, p, p, rgb, p, rgb, p, p, p))
	return b.dxfs.n + len(b.newDxfs) - 1
}

// bytes returns the styles part with the additions, nil without any.
func (b *styleBook) bytes() []byte {
	if !b.changed() {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var ins []splice
	// list adds items to a list: into it, or as a new one in place of an
	// empty <list/>, or as a new one at orElse.
	list := func(l styleList, name string, items []byte, n, orElse int) {
		whole := fmt.Appendf(nil, `<%s%s count="%d">%s</%s%s>`, b.prefix, name, n, items, b.prefix, name)
		switch tag := l.tag; {
		case tag[1] > 0 && !l.self:
			ins = append(ins, splice{tag[0], tag[1], setAttrInt(b.data[tag[0]:tag[1]], "count", n)}, splice{l.end, l.end, items})
		case tag[1] > 0:
			ins = append(ins, splice{tag[0], tag[1], whole})
		default:
			ins = append(ins, splice{orElse, orElse, whole})
		}
	}
	if b.newFmt {
		numFmt := fmt.Appendf(nil, `<%snumFmt numFmtId="%d" formatCode="%s"/>`, b.prefix, b.dateFmt, sheet.DateFormat)
		list(b.numFmts, "numFmts", numFmt, 1, b.sheetTag[1])
	}
	if added := len(b.xfs) - b.base; added > 0 {
		var items []byte
		for _, xf := range b.xfs[b.base:] {
			items = append(items, xf.xml...)
		}
		list(b.cellXfs, "cellXfs", items, added, 0)
	}
	if b.header {
		font, fill := b.headerParts()
		list(b.fonts, "fonts", font, 1, 0)
		list(b.fills, "fills", fill, 1, 0)
	}
	if len(b.newDxfs) > 0 {
		list(b.dxfs, "dxfs", bytes.Join(b.newDxfs, nil), len(b.newDxfs), b.afterXfs)
	}
	return spliced(b.data, ins)
}

// splice replaces data[from:to] with text.
type splice struct {
	from, to int
	text     []byte
}

// spliced returns data with the splices made (in order of from; those at
// one place in the order given).
func spliced(data []byte, ins []splice) []byte {
	slices.SortStableFunc(ins, func(x, y splice) int { return x.from - y.from })
	var out bytes.Buffer
	last := 0
	for _, in := range ins {
		out.Write(data[last:in.from])
		out.Write(in.text)
		last = in.to
	}
	out.Write(data[last:])
	return out.Bytes()
}

// numFmtIsDate reports whether a number format shows a date, as
// excelize's GetStyle decides it: built-in and language formats by id,
// others by their code.
func numFmtIsDate(id int, custom map[int]string) bool {
	switch {
	case id < 0:
		return false
	case (id >= 0 && id <= 4) || (id >= 9 && id <= 22) || (id >= 37 && id <= 49) ||
		(27 <= id && id <= 36) || (50 <= id && id <= 62) || (67 <= id && id <= 81):
		return builtinDate(id)
	}
	code, ok := custom[id]
	return ok && customDate(code)
}

// builtinDate reports whether a built-in number format shows a date.
func builtinDate(id int) bool {
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
}

// customDate reports whether a format code shows a date: it has a year or
// day part outside quoted text and brackets.
func customDate(code string) bool {
	var b strings.Builder
	quoted, bracket := false, false
	for _, r := range code {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		default:
			b.WriteRune(r)
		}
	}
	s := strings.ReplaceAll(strings.ToLower(b.String()), "general", "")
	return strings.ContainsAny(s, "ydg") || strings.Contains(s, "年") || strings.Contains(s, "日")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// openTag returns a self-closing start tag as an opening one.
func openTag(tag []byte) []byte {
	if !bytes.HasSuffix(tag, []byte("/>")) {
		return tag
	}
	return append(bytes.TrimRight(slices.Clone(tag[:len(tag)-2]), " \t\r\n"), '>')
}
