package xlsxbook

import (
	"bytes"
	"fmt"
	"io"
)

// node is an element of a small part held whole (parseTree): where its tags
// are and its children; a patch splices the part at these offsets.
type node struct {
	name, prefix string
	tag, attrs   []byte // its start tag and the attributes in it
	start, open  int    // its start tag is data[start:open]
	close, end   int    // its end tag data[close:end]; both open for <x/>
	self         bool
	kids         []*node
}

// parseTree reads the elements of data down to depth (the root is at 0);
// nil when data holds none. Its nesting is checked all the way down.
func parseTree(data []byte, depth int) (*node, error) {
	s := newBytesScanner(data)
	s.nest = &nesting{}
	var root *node
	var open []*node // the open elements; nil below depth
	for s.next() {
		switch {
		case s.kind == tokStart:
			var n *node
			if len(open) <= depth && (len(open) > 0 || root == nil) {
				n = &node{name: string(s.name), prefix: prefixOf(s), tag: s.raw, attrs: s.attrs, start: s.pos - len(s.raw), open: s.pos, self: s.self}
				n.close, n.end = s.pos, s.pos
				if len(open) == 0 {
					root = n
				} else if parent := open[len(open)-1]; parent != nil {
					parent.kids = append(parent.kids, n)
				}
			}
			if !s.self {
				open = append(open, n)
			}
		case s.kind == tokEnd:
			if n := open[len(open)-1]; n != nil {
				n.close, n.end = s.pos-len(s.raw), s.pos
			}
			open = open[:len(open)-1]
		}
	}
	return root, s.err
}

// kid is n's first child element of that name, nil for none.
func (n *node) kid(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// appendTo returns the splices that give n the start tag tag and add
// items at the end of its content, opening it when it closes itself.
func appendTo(n *node, tag, items []byte) []splice {
	if !n.self {
		return []splice{{n.start, n.open, tag}, {n.close, n.close, items}}
	}
	whole := append(append(openTag(tag), items...), fmt.Sprintf("</%s%s>", n.prefix, n.name)...)
	return []splice{{n.start, n.open, whole}}
}

// editElement copies the element s is at with the splices edit makes in
// it, read whole into a tree down to depth.
func editElement(out io.Writer, s *xmlScanner, depth int, edit func(root *node) []splice) error {
	var el bytes.Buffer
	if err := copyElement(&el, s, nil); err != nil {
		return err
	}
	b, err := edited(el.Bytes(), depth, func(root *node) ([]splice, error) { return edit(root), nil })
	if b == nil {
		b = el.Bytes()
	}
	if err == nil {
		_, err = out.Write(b)
	}
	return err
}

// editPart returns the part name with the splices edit makes in it (edited).
func (p *xlsxPackage) editPart(name string, depth int, edit func(root *node) ([]splice, error)) ([]byte, error) {
	data, err := p.readAll(name)
	if err != nil {
		return nil, err
	}
	return edited(data, depth, edit)
}

// edited returns data with the splices edit makes in it, read whole into a
// tree down to depth; nil when edit makes none.
func edited(data []byte, depth int, edit func(root *node) ([]splice, error)) ([]byte, error) {
	root, err := parseTree(data, depth)
	if err == nil && root == nil {
		err = fmt.Errorf("the part holds no XML")
	}
	var ins []splice
	if err == nil {
		ins, err = edit(root)
	}
	if err != nil || ins == nil {
		return nil, err
	}
	return spliced(data, ins), nil
}
