package fakesheets

import (
	"errors"
	"strings"
)

// fieldMask is a parsed "fields" partial-response selector such as
// "sheets.properties.tabColorStyle" or "sheets(properties(sheetId,title))".
// A nil children map selects the whole value.
type fieldMask struct {
	children map[string]*fieldMask
}

func parseFieldMask(s string) (*fieldMask, error) {
	root := &fieldMask{children: map[string]*fieldMask{}}
	p := &maskParser{src: s}
	if err := p.list(root); err != nil {
		return nil, err
	}
	if p.pos != len(p.src) {
		return nil, errors.New("trailing characters in field mask")
	}
	return root, nil
}

type maskParser struct {
	src string
	pos int
}

func (p *maskParser) list(into *fieldMask) error {
	for {
		if err := p.item(into); err != nil {
			return err
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		return nil
	}
}

func (p *maskParser) item(into *fieldMask) error {
	node := into
	for {
		start := p.pos
		for p.pos < len(p.src) && !strings.ContainsRune(",()./", rune(p.src[p.pos])) {
			p.pos++
		}
		name := strings.TrimSpace(p.src[start:p.pos])
		if name == "" {
			return errors.New("empty field name")
		}
		if node.children == nil {
			// The parent is already selected whole; a narrower path adds
			// nothing.
			node = &fieldMask{children: map[string]*fieldMask{}}
		}
		child, ok := node.children[name]
		if !ok {
			child = &fieldMask{}
			node.children[name] = child
		}
		node = child
		if p.pos < len(p.src) && (p.src[p.pos] == '.' || p.src[p.pos] == '/') {
			p.pos++
			if node.children == nil {
				node.children = map[string]*fieldMask{}
			}
			continue
		}
		break
	}
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		p.pos++
		if node.children == nil {
			node.children = map[string]*fieldMask{}
		}
		if err := p.list(node); err != nil {
			return err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return errors.New("unbalanced parenthesis in field mask")
		}
		p.pos++
	}
	return nil
}

// apply keeps only the selected fields of a decoded JSON value. Objects on
// the selected paths are kept even when they end up empty, as Google does
// ({"sheets":[{"properties":{}}]}).
func (m *fieldMask) apply(v any) any {
	if m == nil || m.children == nil {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, child := range m.children {
			if val, ok := t[k]; ok {
				out[k] = child.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = m.apply(e)
		}
		return out
	}
	return v
}
