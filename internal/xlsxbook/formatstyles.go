package xlsxbook

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"onboard/internal/sheet"
)

// styleBook is styles.xml as formatting changes it: cell styles derived
// from existing ones (wrap, the date format) and conditional fills, added
// at the end of their lists; every other byte stays.
type styleBook struct {
	mu     sync.Mutex
	data   []byte
	prefix string

	xfs     [][]byte       // the cellXfs' xf elements, then the added ones
	known   map[string]int // an xf element → its first index
	fmts    []int          // each xf's numFmtId (-1 when absent)
	custom  map[int]string // custom number formats by id
	base    int            // len(xfs) as read
	dateFmt int            // the id of the date format; -1 until known
	maxFmt  int
	newFmt  bool // dateFmt is added
	derived map[[3]int]int

	dxfs    int // differential styles as read
	newDxfs [][]byte

	// fit is what row fitting reads of each of xfs.
	fit fitStyles

	// where the lists are: [start, end) of a start tag, the start of an end tag
	sheetTag, numFmtsTag, xfsTag, dxfsTag [2]int
	numFmtsEnd, xfsEnd, dxfsEnd           int
	numFmtsSelf, dxfsSelf                 bool
	afterXfs                              int // where a new dxfs list goes
}

// openStyles reads the styles part.
func (p *xlsxPackage) openStyles() (*styleBook, error) {
	data, err := p.readAll(p.styles)
	if err != nil {
		return nil, err
	}
	b := &styleBook{data: data, known: map[string]int{}, custom: map[int]string{}, dateFmt: -1, maxFmt: 163, derived: map[[3]int]int{},
		numFmtsEnd: -1, xfsEnd: -1, dxfsEnd: -1}
	s := newBytesScanner(data)
	inXfs, inDxfs := false, false
	for s.next() {
		end := s.pos
		start := end - len(s.raw)
		switch {
		case s.is(tokStart, "styleSheet"):
			b.sheetTag = [2]int{start, end}
			b.prefix = string(s.qname[:len(s.qname)-len(s.name)])
		case s.is(tokStart, "numFmts"):
			b.numFmtsTag, b.numFmtsSelf = [2]int{start, end}, s.self
		case s.is(tokEnd, "numFmts"):
			b.numFmtsEnd = start
		case s.is(tokStart, "numFmt"):
			id := attrInt(s.attrs, "numFmtId")
			b.maxFmt = max(b.maxFmt, id)
			code, _ := attrString(s.attrs, "formatCode")
			b.custom[id] = code
			if code == sheet.DateFormat && b.dateFmt < 0 {
				b.dateFmt = id
			}
		case s.is(tokStart, "cellXfs"):
			b.xfsTag, inXfs = [2]int{start, end}, !s.self
			b.afterXfs = end
		case s.is(tokEnd, "cellXfs"):
			b.xfsEnd, inXfs, b.afterXfs = start, false, end
		case s.is(tokEnd, "cellStyles"):
			b.afterXfs = end
		case s.is(tokStart, "cellStyles") && s.self:
			b.afterXfs = end
		case inXfs && s.is(tokStart, "xf"):
			id := -1
			if v, ok := attr(s.attrs, "numFmtId"); ok {
				if n, err := strconv.Atoi(string(v)); err == nil {
					id = n
				}
			}
			b.fmts = append(b.fmts, id)
			if !s.self {
				if err := skipElement(s); err != nil {
					return nil, err
				}
			}
			xf := data[start:s.pos]
			if _, ok := b.known[string(xf)]; !ok {
				b.known[string(xf)] = len(b.xfs)
			}
			b.xfs = append(b.xfs, xf)
		case s.is(tokStart, "dxfs"):
			b.dxfsTag, b.dxfsSelf, inDxfs = [2]int{start, end}, s.self, !s.self
		case s.is(tokEnd, "dxfs"):
			b.dxfsEnd, inDxfs = start, false
		case inDxfs && s.is(tokStart, "dxf"):
			b.dxfs++
		}
	}
	if s.err != nil {
		return nil, s.err
	}
	if b.xfsEnd < 0 || len(b.xfs) == 0 {
		return nil, fmt.Errorf("the styles part has no cell styles")
	}
	b.base = len(b.xfs)
	if b.fit, err = fitStylesOf(data); err != nil {
		return nil, err
	}
	// One entry per xf, as the list was read above.
	for len(b.fit.wrap) < len(b.xfs) {
		b.fit.wrap, b.fit.size = append(b.fit.wrap, false), append(b.fit.size, 0)
	}
	b.fit.wrap, b.fit.size = b.fit.wrap[:len(b.xfs)], b.fit.size[:len(b.xfs)]
	return b, nil
}

// fitStyles returns what row fitting reads of the styles, those derived
// so far included.
func (b *styleBook) fitStyles() fitStyles {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.fit.wrap)
	return fitStyles{wrap: b.fit.wrap[:n:n], size: b.fit.size[:n:n], base: b.fit.base}
}

// isDate reports whether a cell style shows numbers as dates.
func (b *styleBook) isDate(id int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return id > 0 && id < len(b.fmts) && numFmtIsDate(b.fmts[id], b.custom)
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
	fmtID := b.fmts[id]
	if date {
		if b.dateFmt < 0 {
			b.maxFmt++
			b.dateFmt, b.newFmt = b.maxFmt, true
			b.custom[b.dateFmt] = sheet.DateFormat
		}
		fmtID = b.dateFmt
	}
	xf := b.withFormat(b.xfs[id], wrap, date)
	n, ok := b.known[string(xf)]
	if !ok {
		n = len(b.xfs)
		b.xfs, b.fmts = append(b.xfs, xf), append(b.fmts, fmtID)
		b.known[string(xf)] = n
		// withFormat keeps the font and sets wrapText when asked.
		b.fit.wrap = append(b.fit.wrap, wrap || b.fit.wraps(id))
		b.fit.size = append(b.fit.size, b.fit.size[id])
	}
	b.derived[key] = n
	return n
}

// withFormat returns an xf element with wrapping and the date format set.
func (b *styleBook) withFormat(xf []byte, wrap, date bool) []byte {
	s := newBytesScanner(xf)
	if !s.next() {
		return xf
	}
	tag := slices.Clone(s.raw)
	self := s.self
	rest := xf[s.pos:]
	if date {
		tag = setAttr(setAttr(tag, "numFmtId", strconv.Itoa(b.dateFmt)), "applyNumberFormat", "1")
	}
	if !wrap {
		return append(tag, rest...)
	}
	tag = setAttr(tag, "applyAlignment", "1")
	if self {
		tag = append(bytes.TrimRight(tag[:len(tag)-2], " \t\r\n"), '>')
		rest = fmt.Appendf(nil, `</%sxf>`, b.prefix)
	}
	var out []byte
	out = append(out, tag...)
	// Wrap in the alignment there is, or in a new one (its first child).
	cs := newBytesScanner(rest)
	for cs.next() {
		if cs.is(tokStart, "alignment") {
			at := cs.pos - len(cs.raw)
			a := setAttr(setAttr(slices.Clone(cs.raw), "wrapText", "1"), "vertical", "top")
			out = append(append(append(out, rest[:at]...), a...), rest[cs.pos:]...)
			return out
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
	return b.dxfs + len(b.newDxfs) - 1
}

// bytes returns the styles part with the additions, nil without any.
func (b *styleBook) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.xfs) == b.base && len(b.newDxfs) == 0 && !b.newFmt {
		return nil
	}
	type insert struct {
		at, cut int // bytes at at replaced
		text    []byte
	}
	var ins []insert
	p := b.prefix
	if b.newFmt {
		numFmt := fmt.Appendf(nil, `<%snumFmt numFmtId="%d" formatCode="%s"/>`, p, b.dateFmt, sheet.DateFormat)
		switch {
		case b.numFmtsTag[1] > 0 && !b.numFmtsSelf:
			tag := b.data[b.numFmtsTag[0]:b.numFmtsTag[1]]
			ins = append(ins, insert{b.numFmtsTag[0], len(tag), setCount(tag, +1)}, insert{b.numFmtsEnd, 0, numFmt})
		case b.numFmtsTag[1] > 0:
			ins = append(ins, insert{b.numFmtsTag[0], b.numFmtsTag[1] - b.numFmtsTag[0], fmt.Appendf(nil, `<%snumFmts count="1">%s</%snumFmts>`, p, numFmt, p)})
		default:
			ins = append(ins, insert{b.sheetTag[1], 0, fmt.Appendf(nil, `<%snumFmts count="1">%s</%snumFmts>`, p, numFmt, p)})
		}
	}
	if added := len(b.xfs) - b.base; added > 0 {
		tag := b.data[b.xfsTag[0]:b.xfsTag[1]]
		ins = append(ins, insert{b.xfsTag[0], len(tag), setCount(tag, added)}, insert{b.xfsEnd, 0, bytes.Join(b.xfs[b.base:], nil)})
	}
	if len(b.newDxfs) > 0 {
		items := bytes.Join(b.newDxfs, nil)
		switch {
		case b.dxfsTag[1] > 0 && !b.dxfsSelf:
			tag := b.data[b.dxfsTag[0]:b.dxfsTag[1]]
			ins = append(ins, insert{b.dxfsTag[0], len(tag), setCount(tag, len(b.newDxfs))}, insert{b.dxfsEnd, 0, items})
		case b.dxfsTag[1] > 0:
			ins = append(ins, insert{b.dxfsTag[0], b.dxfsTag[1] - b.dxfsTag[0], fmt.Appendf(nil, `<%sdxfs count="%d">%s</%sdxfs>`, p, len(b.newDxfs), items, p)})
		default:
			ins = append(ins, insert{b.afterXfs, 0, fmt.Appendf(nil, `<%sdxfs count="%d">%s</%sdxfs>`, p, len(b.newDxfs), items, p)})
		}
	}
	slices.SortStableFunc(ins, func(x, y insert) int { return x.at - y.at })
	var out bytes.Buffer
	last := 0
	for _, in := range ins {
		out.Write(b.data[last:in.at])
		out.Write(in.text)
		last = in.at + in.cut
	}
	out.Write(b.data[last:])
	return out.Bytes()
}
