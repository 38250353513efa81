package xlsxbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner is a forward-only tokenizer for the package's XML parts: it
// finds tags and the text between them in a sliding buffer, without
// building elements. Its tokens point into the buffer and are valid until
// the next call to next.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
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

	// nest, when set, holds the open elements' names, so that a part whose
	// tags do not nest is refused: the readers and the patchers would
	// otherwise each guess differently what it holds.
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

// newBytesScanner scans data held whole: token offsets (pos) are offsets
// into data. It checks no nesting, for it also scans pieces of a part.
func newBytesScanner(data []byte) *xmlScanner {
	return &xmlScanner{buf: data, end: len(data), eof: true}
}

// newPartScanner scans a whole part held in data, checking its nesting.
func newPartScanner(data []byte) *xmlScanner {
	s := newBytesScanner(data)
	s.nest = &nesting{}
	return s
}

// nesting is a stack of element names, held in one buffer.
type nesting struct {
	names []byte
	ends  []int
}

func (n *nesting) top() []byte {
	start := 0
	if len(n.ends) > 1 {
		start = n.ends[len(n.ends)-2]
	}
	return n.names[start:n.ends[len(n.ends)-1]]
}

// checkNesting keeps the stack of open elements; false (with s.err set)
// when an end tag closes another element or the part ends with one open.
func (s *xmlScanner) checkNesting(atEnd bool) bool {
	n := s.nest
	if n == nil || s.err != nil {
		return s.err == nil
	}
	switch {
	case atEnd && len(n.ends) > 0:
		s.err = fmt.Errorf("the XML ends with <%s> still open", n.top())
	case atEnd || s.kind == tokText || s.self:
	case s.kind == tokStart:
		n.names = append(n.names, s.qname...)
		n.ends = append(n.ends, len(n.names))
	case len(n.ends) == 0 || !bytes.Equal(n.top(), s.qname):
		s.err = fmt.Errorf("the XML has </%s> where no <%s> is open", s.qname, s.qname)
	default:
		n.ends = n.ends[:len(n.ends)-1]
		n.names = n.names[:max(0, len(n.names)-len(s.qname))]
	}
	return s.err == nil
}

// more reads more input behind the unread bytes, growing the buffer when
// one token fills it; it reports false at the end of the input.
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

// next moves to the next token; false at the end of the input or on an
// error (see s.err).
func (s *xmlScanner) next() bool {
	for {
		data := s.buf[s.pos:s.end]
		if len(data) == 0 {
			if !s.more() {
				s.checkNesting(true)
				return false
			}
			continue
		}
		if data[0] != '<' {
			i := bytes.IndexByte(data, '<')
			if i < 0 {
				if !s.eof {
					s.more()
					continue
				}
				i = len(data)
			}
			s.setText(data[:i], false)
			return true
		}
		n, ok := s.tagEnd(data)
		if !ok {
			if !s.more() {
				s.err = errTruncatedXML
				return false
			}
			continue
		}
		if n < 0 { // a comment, processing instruction or declaration: skip it
			s.pos += -n
			continue
		}
		tag := data[:n]
		s.raw, s.pos = tag, s.pos+n
		if len(tag) > 9 && string(tag[:9]) == "<![CDATA[" {
			s.kind, s.name, s.qname, s.attrs, s.self = tokText, nil, nil, nil, false
			s.text, s.cdata = tag[9:n-3], true
			return true
		}
		body := tag[1 : n-1]
		s.kind, s.self, s.cdata = tokStart, false, false
		if len(body) > 0 && body[0] == '/' {
			s.kind, body = tokEnd, body[1:]
		} else if len(body) > 0 && body[len(body)-1] == '/' {
			s.self, body = true, body[:len(body)-1]
		}
		i, local := 0, 0
		for i < len(body) && !isSpace(body[i]) {
			if body[i] == ':' {
				local = i + 1
			}
			i++
		}
		s.qname, s.attrs, s.name = body[:i], body[i:], body[local:i]
		if len(s.name) == 0 { // <>, </>, <x:>: not XML
			s.err = errNoName
			return false
		}
		return s.checkNesting(false)
	}
}

func (s *xmlScanner) setText(b []byte, cdata bool) {
	s.kind, s.raw, s.text, s.name, s.qname, s.attrs, s.self, s.cdata = tokText, b, b, nil, nil, nil, false, cdata
	s.pos += len(b)
}

// tagEnd returns the length of the tag at the start of data (quotes
// respected), or minus the length of markup to skip; false when data
// ends before the tag does.
func (s *xmlScanner) tagEnd(data []byte) (int, bool) {
	skip := func(end string) (int, bool) {
		i := bytes.Index(data, []byte(end))
		if i < 0 {
			return 0, false
		}
		return -(i + len(end)), true
	}
	switch {
	case len(data) < 4:
		if bytes.IndexByte(data, '>') < 0 {
			return 0, false
		}
	case string(data[:4]) == "<!--":
		return skip("-->")
	case data[1] == '?':
		return skip("?>")
	case string(data[:2]) == "<!":
		if len(data) < 9 {
			return 0, false
		}
		if string(data[:9]) == "<![CDATA[" {
			i := bytes.Index(data, []byte("]]>"))
			if i < 0 {
				return 0, false
			}
			return i + 3, true
		}
		return skip(">")
	}
	var quote byte
	for i := 1; i < len(data); i++ {
		switch c := data[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1, true
		}
	}
	return 0, false
}

// is reports whether the token is a tag with that local name.
func (s *xmlScanner) is(kind tokenKind, name string) bool {
	return s.kind == kind && string(s.name) == name
}

// attr returns the raw value of the attribute with that local name.
func attr(attrs []byte, name string) ([]byte, bool) {
	for {
		key, val, rest, ok := nextAttr(attrs)
		if !ok {
			return nil, false
		}
		if string(key) == name {
			return val, true
		}
		attrs = rest
	}
}

// nextAttr splits the first attribute off a start tag's attributes: its
// local name, its raw value and the attributes after it.
func nextAttr(attrs []byte) (key, val, rest []byte, ok bool) {
	i := 0
	for i < len(attrs) && isSpace(attrs[i]) {
		i++
	}
	start := i
	for i < len(attrs) && attrs[i] != '=' && !isSpace(attrs[i]) {
		if attrs[i] == ':' {
			start = i + 1
		}
		i++
	}
	key = attrs[start:i]
	for i < len(attrs) && attrs[i] != '=' {
		i++
	}
	i++
	for i < len(attrs) && isSpace(attrs[i]) {
		i++
	}
	if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(attrs[i+1:], attrs[i])
	if end < 0 {
		return nil, nil, nil, false
	}
	return key, attrs[i+1 : i+1+end], attrs[i+2+end:], true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// attrString returns an attribute's value unescaped.
func attrString(attrs []byte, name string) (string, bool) {
	v, ok := attr(attrs, name)
	if !ok {
		return "", false
	}
	return unescapeXML(v), true
}

// attrInt returns an attribute's integer value, or 0. An absent or empty
// attribute (a row's s, mostly) is 0 without a parse, whose error would be
// an allocation every row.
func attrInt(attrs []byte, name string) int {
	v, _ := attr(attrs, name)
	if v = bytes.TrimSpace(v); len(v) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(string(v))
	return n
}

// textAppend appends the current text token to b as an XML reader gives it.
func (s *xmlScanner) textAppend(b []byte) []byte {
	if s.cdata {
		return append(b, normalizeNewlines(s.text)...)
	}
	return appendUnescaped(b, s.text)
}

// unescapeXML decodes entities and character references and turns line
// ends into "\n", as encoding/xml does.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 {
		return string(b)
	}
	return string(appendUnescaped(nil, b))
}

func normalizeNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, b[i])
	}
	return out
}

func appendUnescaped(out, b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexAny(b, "&\r")
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		b = b[i:]
		if b[0] == '\r' {
			out = append(out, '\n')
			b = b[1:]
			if len(b) > 0 && b[0] == '\n' {
				b = b[1:]
			}
			continue
		}
		semi := bytes.IndexByte(b, ';')
		if semi < 0 {
			return append(out, b...)
		}
		ent := string(b[1:semi])
		switch ent {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			var n uint64
			var err error = strconv.ErrSyntax
			if strings.HasPrefix(ent, "#x") {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else if strings.HasPrefix(ent, "#") {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			if err != nil {
				out = append(out, b[:semi+1]...)
			} else {
				out = utf8.AppendRune(out, rune(n))
			}
		}
		b = b[semi+1:]
	}
	return out
}

// nextIn moves to the next token inside an element still open: the end
// of the input is an error.
func (s *xmlScanner) nextIn() error {
	if s.next() {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	return errTruncatedXML
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
		switch {
		case s.kind == tokStart && !s.self:
			depth++
		case s.kind == tokEnd:
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
	i := bytes.IndexFunc(tag, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' })
	if i < 0 || i > end {
		i = end
	}
	for at := i; at < end; {
		key, v, rest, ok := nextAttr(tag[at:end])
		if !ok {
			break
		}
		restAt := end - len(rest)
		if string(key) == name && !bytes.Contains(tag[at:restAt-len(v)-2], []byte(":"+name)) {
			out := append([]byte(nil), tag[:at]...)
			if val != "" {
				out = append(out, ' ')
				out = append(out, name...)
				out = append(out, `="`...)
				out = append(out, val...)
				out = append(out, '"')
			}
			return append(out, tag[restAt:]...)
		}
		at = restAt
	}
	if val == "" {
		return tag
	}
	out := append([]byte(nil), bytes.TrimRight(tag[:end], " \t\r\n")...)
	out = append(out, ' ')
	out = append(out, name...)
	out = append(out, `="`...)
	out = append(out, val...)
	out = append(out, '"')
	return append(out, tag[end:]...)
}
