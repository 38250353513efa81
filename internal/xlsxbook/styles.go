package xlsxbook

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"onboard/internal/sheet"
)

// styleBook is the one model of styles.xml, parsed once per run; what a patch
// adds goes at the end of its list, so every other byte stays.
type styleBook struct {
	mu     sync.Mutex
	id     partID // the part parsed
	data   []byte
	prefix string

	xfs      []xfStyle      // the cellXfs' styles, then the added ones
	parsed   []xfStyle      // xfs as read, never written again: read without the lock
	known    map[string]int // an xf element → its first index
	custom   map[int]string // custom number formats by id
	sizes    []float64      // the fonts' sizes, 0 when unset
	fontBase float64        // the default font's size, which column widths count in
	base     int            // len(xfs) as read
	dateFmt  int            // the id of the date format; -1 until known
	maxFmt   int
	newFmt   bool           // dateFmt is added
	made     map[[3]int]int // the styles derived, by key (derived)

	newDxfs [][]byte
	header  bool // the header font and fill are added (grey)

	// root is the styleSheet; the lists a patch adds to, nil when missing.
	root                                    *node
	numFmtList, fonts, fills, cellXfs, dxfs *node
	afterXfs                                int // where a new dxfs list goes
}

// xfStyle is one xf of cellXfs, as reading and row fitting see it.
type xfStyle struct {
	xml  []byte
	fmt  int // its numFmtId, -1 when absent
	wrap bool
	size float64 // its font's size in points, 0 when unset
	date bool    // as parsed: it shows a date
}

// openStyles returns the styles the Workbook kept when they are of this part
// and unchanged, else parses them now (and keeps them).
func (p *xlsxPackage) openStyles() (*styleBook, error) {
	id := p.partID(p.styles)
	if p.keptStyles != nil {
		if b := *p.keptStyles; b != nil && b.id == id && !b.changed() {
			return b, nil
		}
	}
	data, err := p.readAll(p.styles)
	if p.parts[p.styles] == nil {
		data, err = nil, nil // a package without styles has the defaults
	}
	var b *styleBook
	if err == nil {
		b, err = parseStyles(data)
	}
	if err != nil {
		return nil, err
	}
	b.id = id
	if p.keptStyles != nil {
		*p.keptStyles = b
	}
	return b, nil
}

// parseStyles reads a styles part held whole, its lists in document order:
// a cell style reads the fonts and number formats listed before it.
func parseStyles(data []byte) (*styleBook, error) {
	b := &styleBook{data: data, known: map[string]int{}, custom: map[int]string{}, dateFmt: -1, maxFmt: 163,
		made: map[[3]int]int{}, fontBase: 11}
	root, err := parseTree(data, 3)
	if err != nil || root == nil {
		return b, err
	}
	b.root, b.prefix = root, root.prefix
	for _, list := range root.kids {
		b.numFmts(list)
		switch list.name {
		case "numFmts":
			b.numFmtList = list
		case "fonts":
			b.fonts = list
			for _, f := range list.kids {
				size := 0.0
				if sz := f.kid("sz"); sz != nil {
					if n, ok := attrFloat(sz.attrs, "val"); ok && n > 0 && n < 410 {
						size = n
					}
				}
				b.sizes = append(b.sizes, size)
			}
		case "fills":
			b.fills = list
		case "dxfs":
			b.dxfs = list
		case "cellXfs":
			b.cellXfs = list
			for _, xf := range list.kids {
				if xf.name == "xf" {
					b.readXf(xf)
				}
			}
		}
		if list.name == "cellXfs" || list.name == "cellStyles" {
			b.afterXfs = list.end
		}
	}
	if len(b.sizes) > 0 && b.sizes[0] > 0 {
		b.fontBase = b.sizes[0]
	}
	for i := range b.xfs {
		b.xfs[i].date = i > 0 && numFmtIsDate(b.xfs[i].fmt, b.custom)
	}
	b.base, b.parsed = len(b.xfs), b.xfs[:len(b.xfs):len(b.xfs)]
	return b, nil
}

func (b *styleBook) numFmts(n *node) {
	if n.name == "numFmt" {
		id := attrInt(n.attrs, "numFmtId")
		b.maxFmt = max(b.maxFmt, id)
		if code, ok := attrString(n.attrs, "formatCode"); ok {
			b.custom[id] = code
			if code == sheet.DateFormat && b.dateFmt < 0 {
				b.dateFmt = id
			}
		}
	}
	for _, k := range n.kids {
		b.numFmts(k)
	}
}

func (b *styleBook) readXf(xf *node) {
	fmtID := -1
	if v, ok := attr(xf.attrs, "numFmtId"); ok {
		if n, err := strconv.Atoi(string(bytes.TrimSpace(v))); err == nil {
			fmtID = n
		}
	}
	font := attrInt(xf.attrs, "fontId")
	if _, found := b.made[plainDateKey]; !found && xf.self && b.dateFmt >= 0 && fmtID == b.dateFmt && font == 0 &&
		attrInt(xf.attrs, "fillId") == 0 && attrInt(xf.attrs, "borderId") == 0 {
		b.made[plainDateKey] = len(b.xfs)
	}
	wrap := false
	for _, k := range xf.kids {
		if k.name == "alignment" {
			wrap = attrBool(k.attrs, "wrapText")
		}
	}
	size := 0.0
	if font >= 0 && font < len(b.sizes) {
		size = b.sizes[font]
	}
	b.push(xfStyle{xml: b.data[xf.start:xf.end], fmt: fmtID, wrap: wrap, size: size})
}

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
	if b.base == 0 {
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

// grey is style id bold dark grey on light grey: the job columns' header
// (tabFormats checks it can be added).
func (b *styleBook) grey(id int) int {
	return b.derived([3]int{id, 2, 2}, func(xf *xfStyle) {
		b.header = true
		x, _ := parseTree(xf.xml, 0)
		tag := setAttr(setAttr(x.tag, "fontId", strconv.Itoa(len(b.fonts.kids))), "fillId", strconv.Itoa(len(b.fills.kids)))
		tag = setAttr(setAttr(tag, "applyFont", "1"), "applyFill", "1")
		xf.xml, xf.size = spliced(xf.xml, []splice{{x.start, x.open, tag}}), b.fontBase
	})
}

// plainDateKey names, among the derived styles, the plain one showing the
// date format; readXf finds it, else dateStyle adds it.
var plainDateKey = [3]int{-1, -1, -1}

// derived is the one way a cell style is added: the style key names, made the
// first time by change from the style key[0] names (b.mu held while it runs),
// an existing one with the same XML reused.
func (b *styleBook) derived(key [3]int, change func(xf *xfStyle)) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if got, ok := b.made[key]; ok {
		return got
	}
	id := key[0]
	if id < 0 || id >= len(b.xfs) {
		id = 0 // excelize reads a missing style as the default
	}
	xf := b.xfs[id]
	change(&xf)
	n, ok := b.known[string(xf.xml)]
	if !ok {
		n = b.push(xf)
	}
	b.made[key] = n
	return n
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

// dateFormat returns the date number format's id, added if need be (b.mu held).
func (b *styleBook) dateFormat() int {
	if b.dateFmt < 0 {
		b.maxFmt++
		b.dateFmt, b.newFmt = b.maxFmt, true
		b.custom[b.dateFmt] = sheet.DateFormat
	}
	return b.dateFmt
}

// dateStyle returns the plain cell style showing the date format, the
// style a date cell the job writes gets when its own shows no date.
func (b *styleBook) dateStyle() int {
	return b.derived(plainDateKey, func(xf *xfStyle) {
		xf.fmt = b.dateFormat()
		xf.xml = fmt.Appendf(nil, `<%sxf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, b.prefix, xf.fmt)
		xf.wrap, xf.size, xf.date = false, 0, false
		if len(b.sizes) > 0 {
			xf.size = b.sizes[0]
		}
	})
}

// derive returns the style id showing what style id shows, wrapped (top
// aligned) and with the date format as asked.
func (b *styleBook) derive(id int, wrap, date bool) int {
	if !wrap && !date {
		return id
	}
	return b.derived([3]int{id, b2i(wrap), b2i(date)}, func(xf *xfStyle) {
		x, _ := parseTree(xf.xml, 1)
		tag := slices.Clone(x.tag)
		if date {
			xf.fmt = b.dateFormat()
			tag = setAttr(setAttr(tag, "numFmtId", strconv.Itoa(xf.fmt)), "applyNumberFormat", "1")
		}
		ins := []splice{{x.start, x.open, tag}}
		if wrap {
			// Wrap in the alignment there is, or in a new one (its first child).
			xf.wrap, tag = true, setAttr(tag, "applyAlignment", "1")
			align := fmt.Appendf(nil, `<%salignment vertical="top" wrapText="1"/>`, b.prefix)
			switch a := x.kid("alignment"); {
			case a != nil:
				ins = append(ins, splice{a.start, a.open, setAttr(setAttr(slices.Clone(a.tag), "wrapText", "1"), "vertical", "top")})
			case x.self:
				tag = fmt.Appendf(append(openTag(tag), align...), `</%sxf>`, b.prefix)
			default:
				tag = append(tag, align...)
			}
			ins[0].text = tag
		}
		xf.xml = spliced(xf.xml, ins)
	})
}

// addFill returns a new differential style filling with colour (RRGGBB).
func (b *styleBook) addFill(rgb string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.prefix
	b.newDxfs = append(b.newDxfs, fmt.Appendf(nil, `<%sdxf><%sfill><%spatternFill patternType="solid"><%sfgColor rgb="FF%s"/><%sbgColor rgb="FF%s"/></%spatternFill></%sfill></%sdxf>`,
		p, p, p, p, rgb, p, rgb, p, p, p))
	n := len(b.newDxfs) - 1
	if b.dxfs != nil {
		n += len(b.dxfs.kids)
	}
	return n
}

// bytes returns the styles part with the additions, nil without any.
func (b *styleBook) bytes() []byte {
	if !b.changed() {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var ins []splice
	// list adds items to a list, or adds a new one at orElse.
	list := func(l *node, name string, items []byte, n, orElse int) {
		if l != nil {
			ins = append(ins, appendTo(l, setAttrInt(l.tag, "count", n), items)...)
			return
		}
		ins = append(ins, splice{orElse, orElse, fmt.Appendf(nil, `<%s%s count="%d">%s</%s%s>`, b.prefix, name, n, items, b.prefix, name)})
	}
	if b.newFmt {
		numFmt := fmt.Appendf(nil, `<%snumFmt numFmtId="%d" formatCode="%s"/>`, b.prefix, b.dateFmt, sheet.DateFormat)
		list(b.numFmtList, "numFmts", numFmt, 1, b.root.open)
	}
	if added := len(b.xfs) - b.base; added > 0 {
		var items []byte
		for _, xf := range b.xfs[b.base:] {
			items = append(items, xf.xml...)
		}
		list(b.cellXfs, "cellXfs", items, added, 0)
	}
	if p := b.prefix; b.header { // the first font made bold and grey, on a solid fill
		font := fmt.Appendf(nil, `<%sfont><%sb/><%scolor rgb="FF595959"/>`, p, p, p)
		f, last := b.fonts.kids[0], b.fonts.kids[0].open
		for _, k := range f.kids {
			if k.name == "b" || k.name == "color" {
				font, last = append(font, b.data[last:k.start]...), k.end
			}
		}
		list(b.fonts, "fonts", fmt.Appendf(append(font, b.data[last:f.close]...), `</%sfont>`, p), 1, 0)
		list(b.fills, "fills", fmt.Appendf(nil, `<%sfill><%spatternFill patternType="solid"><%sfgColor rgb="FFE7E6E6"/><%sbgColor indexed="64"/></%spatternFill></%sfill>`, p, p, p, p, p, p), 1, 0)
	}
	if len(b.newDxfs) > 0 {
		list(b.dxfs, "dxfs", bytes.Join(b.newDxfs, nil), len(b.newDxfs), b.afterXfs)
	}
	return spliced(b.data, ins)
}

type splice struct {
	from, to int
	text     []byte
}

// spliced makes the splices in order of from; those at one place as given.
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

// numFmtIsDate reports whether a number format shows a date, as excelize's
// GetStyle decides it: built-in ones by id, others by their code.
func numFmtIsDate(id int, custom map[int]string) bool {
	switch {
	case id < 0:
		return false
	case id <= 4 || (id >= 9 && id <= 22) || (id >= 27 && id <= 62) || (id >= 67 && id <= 81): // built in
		return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
	}
	code, ok := custom[id]
	return ok && customDate(code)
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

func openTag(tag []byte) []byte {
	if !bytes.HasSuffix(tag, []byte("/>")) {
		return tag
	}
	return append(bytes.TrimRight(slices.Clone(tag[:len(tag)-2]), " \t\r\n"), '>')
}
