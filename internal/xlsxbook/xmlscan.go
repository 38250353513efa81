package xlsxbook

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner tokenizes XML in a sliding buffer without building elements;
// tokens point into the buffer and are valid until the next call to next.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int // the unread bytes are buf[pos:end]
	eof      bool
	err      error

	// the current token
	kind  tokenKind
	raw   []byte // the whole token as it is in the file
	text  []byte // a text token's characters, still escaped unless cdata
	name  []byte // a tag's local name (after any namespace prefix)
	qname []byte // a tag's name with its prefix
	attrs []byte // a start tag's attributes
	self  bool   // a start tag that closes itself
	cdata bool   // a text token from a CDATA section: not escaped

	// nest, when set, refuses tags that do not nest: readers and patchers
	// would each guess differently what such a part holds.
	nest *nesting
}

type tokenKind uint8

const (
	tokStart tokenKind = iota + 1
	tokEnd
	tokText
)

var (
	errTruncatedXML = errors.New("the XML ends in the middle of a tag")
	errNoName       = errors.New("the XML has a tag without a name")
)

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 256<<10), nest: &nesting{}}
}

// newBytesScanner's offsets (pos) are into data; no nesting check, as it
// also scans pieces of a part.
func newBytesScanner(data []byte) *xmlScanner {
	return &xmlScanner{buf: data, end: len(data), eof: true}
}

// nesting is the stack of open elements: a name up to 7 bytes packed in a
// number (nameKey), a longer one as its offset in long.
type nesting struct {
	keys []uint64
	long []byte
}

const longKey = 1 << 63

// nameKey packs a name of up to 7 bytes and its length; 0 for a longer one.
func nameKey(name []byte) (k uint64) {
	if len(name) > 7 {
		return 0
	}
	for i, c := range name {
		k |= uint64(c) << (8 * i)
	}
	return k | uint64(len(name))<<56
}

// take pushes a start tag's name or pops an end tag's.
func (n *nesting) take(kind tokenKind, qname []byte) error {
	k, last := nameKey(qname), len(n.keys)-1
	if kind == tokStart {
		if k == 0 {
			k = longKey | uint64(len(n.long))
			n.long = append(n.long, qname...)
		}
		n.keys = append(n.keys, k)
		return nil
	}
	var top uint64
	if last >= 0 {
		top = n.keys[last]
	}
	if top&longKey != 0 && k == 0 && string(n.long[top&^longKey:]) == string(qname) {
		n.long = n.long[:top&^longKey]
	} else if top == 0 || k != top {
		return fmt.Errorf("the XML has </%s> where no <%s> is open", qname, qname)
	}
	n.keys = n.keys[:last]
	return nil
}

func (n *nesting) top() []byte {
	k := n.keys[len(n.keys)-1]
	if k&longKey != 0 {
		return n.long[k&^longKey:]
	}
	return binary.LittleEndian.AppendUint64(nil, k)[:k>>56]
}

// next moves to the next token; false at the end or on an error (s.err).
func (s *xmlScanner) next() bool {
	for s.err == nil {
		data := s.buf[s.pos:s.end]
		if len(data) > 0 && data[0] != '<' {
			i := bytes.IndexByte(data, '<')
			if i < 0 && s.eof {
				i = len(data)
			}
			if i >= 0 {
				s.kind, s.raw, s.text, s.name, s.qname, s.attrs, s.self, s.cdata = tokText, data[:i], data[:i], nil, nil, nil, false, false
				s.pos += i
				return true
			}
		} else if n := markupLen(data); n > 0 {
			s.pos += n
			if s.tag(data[:n]) {
				return s.err == nil
			}
			continue
		}
		if !s.more() && (s.pos == s.end || s.buf[s.pos] == '<') { // else the text at the end is next
			if n := s.nest; s.err == nil && s.pos < s.end {
				s.err = errTruncatedXML
			} else if s.err == nil && n != nil && len(n.keys) > 0 {
				s.err = fmt.Errorf("the XML ends with <%s> still open", n.top())
			}
			return false
		}
	}
	return false
}

// more reads more input, growing the buffer when one token fills it.
func (s *xmlScanner) more() bool {
	for !s.eof {
		if s.pos > 0 {
			s.end = copy(s.buf, s.buf[s.pos:s.end])
			s.pos = 0
		}
		if s.end == len(s.buf) {
			s.buf = append(s.buf, make([]byte, len(s.buf))...)
		}
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
		}
		if n > 0 {
			return true
		}
	}
	return false
}

var cdataOpen = []byte("<![CDATA[")

// tagStop: a tag ends at '>', but not inside a quoted value.
var tagStop = [256]bool{'>': true, '"': true, '\'': true}

// markupLen is the length of the markup data starts with, 0 if incomplete.
func markupLen(data []byte) int {
	if len(data) < 2 {
		return 0
	}
	if c := data[1]; c == '!' || c == '?' {
		end := ">"
		switch {
		case c == '?':
			end = "?>"
		case bytes.HasPrefix(data, []byte("<!--")):
			end = "-->"
		case bytes.HasPrefix(data, cdataOpen):
			end = "]]>"
		case len(data) < len(cdataOpen): // not yet known: a declaration or CDATA
			return 0
		}
		if i := bytes.Index(data, []byte(end)); i >= 0 {
			return i + len(end)
		}
		return 0
	}
	for i := 1; i < len(data); i++ {
		if !tagStop[data[i]] {
			continue
		}
		if data[i] == '>' {
			return i + 1
		}
		if i = quoteEnd(data, i); i < 0 {
			return 0
		}
	}
	return 0
}

// tag makes t the token; false for a comment, processing instruction or
// declaration.
func (s *xmlScanner) tag(t []byte) bool {
	s.raw, s.self, s.cdata, s.kind = t, false, false, tokStart
	if t[1] == '?' || t[1] == '!' {
		if !bytes.HasPrefix(t, cdataOpen) {
			return false
		}
		s.kind, s.text, s.cdata, s.name, s.qname, s.attrs = tokText, t[len(cdataOpen):len(t)-3], true, nil, nil, nil
		return true
	}
	body := t[1 : len(t)-1]
	if len(body) > 0 && body[0] == '/' {
		s.kind, body = tokEnd, body[1:]
	} else if len(body) > 0 && body[len(body)-1] == '/' {
		s.self, body = true, body[:len(body)-1]
	}
	i, local := 0, 0
	for ; i < len(body) && !isSpace(body[i]); i++ {
		if body[i] == ':' {
			local = i + 1
		}
	}
	s.qname, s.attrs, s.name = body[:i], body[i:], body[local:i]
	if len(s.name) == 0 { // <>, </>, <x:>: not XML
		s.err = errNoName
	} else if s.nest != nil && !s.self {
		if err := s.nest.take(s.kind, s.qname); err != nil {
			s.err = err
		}
	}
	return true
}

func (s *xmlScanner) is(kind tokenKind, name string) bool {
	return s.kind == kind && string(s.name) == name
}

// nextIn is next inside an open element, where the end is an error.
func (s *xmlScanner) nextIn() error {
	if s.next() {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	return errTruncatedXML
}

// attr returns the raw value of the attribute with that local name.
func attr(attrs []byte, name string) ([]byte, bool) {
	for key, val, rest, ok := nextAttr(attrs); ok; key, val, rest, ok = nextAttr(rest) {
		if string(key) == name {
			return val, true
		}
	}
	return nil, false
}

// tagAttrs is what follows a start tag's name: looked up in the whole tag,
// the name would be taken for the first attribute's.
func tagAttrs(tag []byte) []byte {
	i := 1
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	return bytes.TrimSuffix(bytes.TrimSuffix(tag[i:], []byte(">")), []byte("/"))
}

// nextAttr splits the first attribute off a start tag's attributes: its
// local name, its raw value and the attributes after it.
func nextAttr(attrs []byte) (key, val, rest []byte, ok bool) {
	i := skipSpace(attrs, 0)
	start := i
	for ; i < len(attrs) && attrs[i] != '=' && !isSpace(attrs[i]); i++ {
		if attrs[i] == ':' {
			start = i + 1
		}
	}
	key = attrs[start:i]
	for i < len(attrs) && attrs[i] != '=' {
		i++
	}
	i = skipSpace(attrs, i+1)
	if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
		return nil, nil, nil, false
	}
	if end := quoteEnd(attrs, i); end >= 0 {
		return key, attrs[i+1 : end], attrs[end+1:], true
	}
	return nil, nil, nil, false
}

// quoteEnd is where the quoted value at b[i] ends, or -1; values are
// short, so a loop costs less than bytes.IndexByte.
func quoteEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		if b[j] == b[i] {
			return j
		}
	}
	return -1
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// attrString is an attribute's value decoded as encoding/xml does.
func attrString(attrs []byte, name string) (string, bool) {
	v, ok := attr(attrs, name)
	return string(appendText(nil, v, false)), ok
}

// attrInt is an attribute's integer, or 0; an empty one (a row's s, mostly)
// is not parsed, as its error would allocate every row.
func attrInt(attrs []byte, name string) int {
	v, _ := attr(attrs, name)
	if v = bytes.TrimSpace(v); len(v) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(string(v))
	return n
}

// attrFloat is an attribute's number, false when absent or not one.
func attrFloat(attrs []byte, name string) (float64, bool) {
	v, ok := attr(attrs, name)
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	return f, ok && err == nil
}

// attrBool reads an xsd:boolean that defaults to false.
func attrBool(attrs []byte, name string) bool {
	v, _ := attr(attrs, name)
	return string(v) == "1" || string(v) == "true"
}

func (s *xmlScanner) textAppend(b []byte) []byte { return appendText(b, s.text, s.cdata) }

// appendText normalizes line ends to "\n" and, unless cdata, decodes
// entities and character references.
func appendText(out, b []byte, cdata bool) []byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\r')
		if end := len(b); !cdata {
			if i >= 0 {
				end = i
			}
			if j := bytes.IndexByte(b[:end], '&'); j >= 0 {
				i = j
			}
		}
		if i < 0 {
			return append(out, b...)
		}
		out, b = append(out, b[:i]...), b[i:]
		if b[0] == '\r' {
			out, b = append(out, '\n'), b[1:]
			if len(b) > 0 && b[0] == '\n' {
				b = b[1:]
			}
			continue
		}
		semi := bytes.IndexByte(b, ';')
		if semi < 0 {
			return append(out, b...)
		}
		out, b = appendEntity(out, b[:semi+1]), b[semi+1:]
	}
	return out
}

var xmlEntities = map[string]byte{"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\''}

// appendEntity appends what e ("&...;") stands for, or e when unknown.
func appendEntity(out, e []byte) []byte {
	ref := string(e[1 : len(e)-1])
	if c, ok := xmlEntities[ref]; ok {
		return append(out, c)
	}
	n, err := uint64(0), strconv.ErrSyntax
	if hex, ok := strings.CutPrefix(ref, "#x"); ok {
		n, err = strconv.ParseUint(hex, 16, 32)
	} else if dec, ok := strings.CutPrefix(ref, "#"); ok {
		n, err = strconv.ParseUint(dec, 10, 32)
	}
	if err != nil {
		return append(out, e...)
	}
	return utf8.AppendRune(out, rune(n))
}

// copyElement copies the element whose start tag was just read, showing
// fn (when set) each token inside it.
func copyElement(out io.Writer, s *xmlScanner, fn func(*xmlScanner)) error {
	if _, err := out.Write(s.raw); err != nil || s.self {
		return err
	}
	for depth := 1; depth > 0; {
		if err := s.nextIn(); err != nil {
			return err
		}
		if s.kind == tokStart && !s.self {
			depth++
		} else if s.kind == tokEnd {
			depth--
		}
		if fn != nil {
			fn(s)
		}
		if _, err := out.Write(s.raw); err != nil {
			return err
		}
	}
	return nil
}

// setAttr returns a start tag with an attribute set to val; an empty val
// removes it.
func setAttr(tag []byte, name, val string) []byte {
	end := len(tag) - 1
	if bytes.HasSuffix(tag, []byte("/>")) {
		end--
	}
	i := bytes.IndexAny(tag, " \t\r\n")
	if i < 0 || i > end {
		i = end
	}
	at, to := end, end // the attribute's place, and where what follows it starts
	for a := i; a < end; {
		key, v, rest, ok := nextAttr(tag[a:end])
		if !ok {
			break
		}
		next := end - len(rest)
		if string(key) == name && !bytes.Contains(tag[a:next-len(v)-2], []byte(":"+name)) {
			at, to = a, next
			break
		}
		a = next
	}
	if at == end && val == "" {
		return tag
	}
	out := append([]byte(nil), tag[:at]...)
	if at == end {
		out = bytes.TrimRight(out, " \t\r\n")
	}
	if val != "" {
		out = append(append(append(append(out, ' '), name...), `="`...), val...)
		out = append(out, '"')
	}
	return append(out, tag[to:]...)
}

// setAttrInt moves a start tag's integer attribute by delta, if it has one.
func setAttrInt(tag []byte, name string, delta int) []byte {
	if _, ok := attr(tagAttrs(tag), name); !ok {
		return tag
	}
	return setAttr(tag, name, strconv.Itoa(attrInt(tagAttrs(tag), name)+delta))
}
