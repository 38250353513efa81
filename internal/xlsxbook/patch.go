package xlsxbook

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// Write patches the updated cells into the sheet XML and copies every other
// part: a file changed on disk since it was read is not saved (sheet.ErrConflict).
func (w *Workbook) Write(ctx context.Context, updates []sheet.Update) error {
	if !w.haveSum {
		return fmt.Errorf("workbook %s: write before read: %w", w.path, sheet.ErrInvalid)
	}
	needDate, escaped := false, []string(nil)
	for _, u := range updates {
		if u.Row < 1 || u.Col < 1 || u.Row > excelize.TotalRows || u.Col > excelize.MaxColumns {
			return fmt.Errorf("tab %q row %d column %d: %w", u.Tab, u.Row, u.Col, sheet.ErrOutOfRange)
		}
		needDate = needDate || u.Value.Kind == sheet.Date
		if u.Value.Kind == sheet.Text && bstrEscape.MatchString(u.Value.Str) {
			escaped = append(escaped, u.Value.Str)
		}
	}
	p, err := w.changing()
	if err != nil {
		return err
	}
	defer p.done()
	byPart, err := w.partEdits(p, updates)
	if err != nil || len(updates) == 0 {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	styles, err := p.openStyles()
	if err == nil && needDate {
		if err = styles.usable(); err == nil {
			styles.dateStyle() // added before the sheets are read, as they may need it
		}
	}
	if err != nil {
		return fmt.Errorf("workbook %s styles: %w", w.path, err)
	}
	// A row's shared-string cells are read to fit its height, the table
	// loaded the first time one is. A text holding a literal _xHHHH_ goes
	// into the shared strings (if any): openpyxl reads the escapes only there.
	sharedText, errSST := p.lazySharedStrings()
	var shared map[string]int
	var newSST []byte
	if len(escaped) > 0 && p.parts[p.sharedStrings] != nil {
		if shared, newSST, err = p.appendSharedStrings(escaped); err != nil {
			return fmt.Errorf("read workbook %s shared strings: %w", w.path, err)
		}
	}
	var rewrites []partRewrite
	for _, tp := range p.tabs {
		rows := byPart[tp.part]
		if rows == nil {
			continue
		}
		rewrites = append(rewrites, partRewrite{part: tp.part, tab: tp.name, write: func(dst io.Writer, src io.Reader) error {
			return patchSheet(dst, src, updates, rows, styles, shared, newRowFitter(styles, sharedText))
		}})
		delete(byPart, tp.part) // a part two tabs name is rewritten once
	}
	return w.saveRewritten(ctx, p, rewrites, errSST, func() map[string][]byte {
		return map[string][]byte{p.sharedStrings: newSST, p.styles: styles.bytes()}
	})
}

// appendSharedStrings returns the shared strings part with the texts added
// at its end, and each text's index; a part without an sst is refused.
func (p *xlsxPackage) appendSharedStrings(texts []string) (map[string]int, []byte, error) {
	index := map[string]int{}
	data, err := p.editPart(p.sharedStrings, 1, func(root *node) ([]splice, error) {
		if root.name != "sst" {
			return nil, fmt.Errorf("the shared strings part has no sst element")
		}
		n, prefix := 0, root.prefix
		for _, k := range root.kids {
			n += b2i(k.name == "si")
		}
		var items []byte
		for _, t := range texts {
			if _, ok := index[t]; ok {
				continue
			}
			index[t] = n + len(index)
			items = fmt.Appendf(items, `<%ssi><%st xml:space="preserve">`, prefix, prefix)
			items = appendEscapedText(items, t)
			items = fmt.Appendf(items, `</%st></%ssi>`, prefix, prefix)
		}
		return appendTo(root, setAttrInt(setAttrInt(root.tag, "count", len(texts)), "uniqueCount", len(index)), items), nil
	})
	return index, data, err
}

// partEdits returns, by part, the indices (a first sync writes a million cells)
// of its updates in row and column order; of two to one cell the later is kept.
func (w *Workbook) partEdits(p *xlsxPackage, updates []sheet.Update) (map[string][]int32, error) {
	byPart := map[string][]int32{}
	for i, u := range updates {
		t, ok := p.tab(u.Tab)
		if !ok || p.parts[t.part] == nil {
			return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, u.Tab, sheet.ErrTabNotFound)
		}
		byPart[t.part] = append(byPart[t.part], int32(i))
	}
	for part, order := range byPart {
		slices.SortStableFunc(order, func(a, b int32) int {
			return cmp.Or(updates[a].Row-updates[b].Row, updates[a].Col-updates[b].Col)
		})
		kept := order[:0]
		for i, k := range order {
			if i+1 == len(order) || updates[order[i+1]].Row != updates[k].Row || updates[order[i+1]].Col != updates[k].Col {
				kept = append(kept, k)
			}
		}
		byPart[part] = kept
	}
	return byPart, nil
}

// patchSheet copies a worksheet part through the sheet rewriter with the
// updated cells replaced or inserted and their rows fitted (rowfit.go).
func patchSheet(dst io.Writer, src io.Reader, updates []sheet.Update, order []int32, styles *styleBook, shared map[string]int, fit *rowFitter) error {
	sf := newSheetFormatter(&tabFormat{}, styles, fit)
	for _, i := range order {
		sf.dimension = [2]int{max(sf.dimension[0], updates[i].Row), max(sf.dimension[1], updates[i].Col)}
	}
	// A new cell takes its column's style, as one typed in Excel does.
	sf.plan = &valueEdits{sf: sf, updates: updates, order: order, shared: shared}
	return sf.write(dst, src) // it refuses a part without sheetData, and sheetData writes every edit
}

// valueEdits are a part's updates by row, for the row rewriter.
type valueEdits struct {
	sf      *sheetFormatter
	updates []sheet.Update
	order   []int32 // the part's updates in row and column order (partEdits)
	next    int     // the first of order not written
	cells   []int32 // the current row's
	cols    []int   // their columns
	shared  map[string]int
}

func (e *valueEdits) pending() int {
	if e.next < len(e.order) {
		return e.updates[e.order[e.next]].Row
	}
	return 0
}

func (e *valueEdits) take(n int) []int {
	j := e.next
	for j < len(e.order) && e.updates[e.order[j]].Row == n {
		j++
	}
	if j == e.next {
		return nil
	}
	e.cells, e.cols, e.next = e.order[e.next:j], e.cols[:0], j
	for _, i := range e.cells {
		e.cols = append(e.cols, e.updates[i].Col)
	}
	return e.cols
}

// writeCell writes an updated cell: an existing cell keeps its style, a new
// one takes its column's.
func (e *valueEdits) writeCell(b []byte, k int, row rowAt, s *xmlScanner) ([]byte, float64, error) {
	u := e.updates[e.cells[k]]
	style := styleIn(e.sf.rr.cols, u.Col)
	if s != nil {
		style = attrInt(s.attrs, "s")
		if err := skipReplaced(s, u); err != nil {
			return nil, 0, err
		}
	}
	b, style = appendCell(b, row.prefix, u, style, e.sf.styles, e.shared)
	v := u.Value
	if v.Kind != sheet.Text {
		v.Str = "" // never wraps
	}
	return b, e.sf.fit.need(u.Col, style, !v.IsEmpty(), func() string { return v.Str }), nil
}

// skipReplaced reads a cell an update replaces; the first cell of a shared or
// array formula is refused, as the formula's other cells would lose it.
func skipReplaced(s *xmlScanner, u sheet.Update) error {
	var ref string
	err := copyElement(io.Discard, s, func(s *xmlScanner) {
		if s.is(tokStart, "f") && ref == "" {
			ref, _ = attrString(s.attrs, "ref")
		}
	})
	if err == nil && ref != "" {
		err = fmt.Errorf("row %d column %s holds the formula of the cells %s, which the job would overwrite; move the formula out of the job's column: %w",
			u.Row, sheet.ColumnName(u.Col), ref, sheet.ErrInvalid)
	}
	return err
}

func widenDimension(tag []byte, row, col int) []byte {
	ref, ok := attrString(tagAttrs(tag), "ref")
	first, last, _ := strings.Cut(ref, ":")
	lastCol, lastRow, _ := excelize.CellNameToCoordinates(strings.ReplaceAll(cmp.Or(last, first), "$", ""))
	if !ok || (lastCol >= col && lastRow >= row) {
		return tag
	}
	return setAttr(slices.Clone(tag), "ref", first+":"+sheet.CellName(max(lastRow, row), max(lastCol, col)))
}

// appendCell appends an updated cell and returns its style: its own, or a date
// style for a date. Text is an inline string, or the shared string given.
func appendCell(b []byte, prefix string, u sheet.Update, style int, styles *styleBook, shared map[string]int) ([]byte, int) {
	v := u.Value
	if v.Kind == sheet.Date && !styles.isDate(style) {
		style = styles.dateStyle()
	}
	blank := v.Kind == sheet.Empty || (v.Kind == sheet.Text && v.Str == "")
	if blank && style == 0 {
		return b, style
	}
	b = append(append(append(b, '<'), prefix...), `c r="`...)
	b = strconv.AppendInt(append(b, sheet.ColumnName(u.Col)...), int64(u.Row), 10)
	b = append(b, '"')
	if style != 0 {
		b = append(strconv.AppendInt(append(b, ` s="`...), int64(style), 10), '"')
	}
	tag := func(b []byte, end bool, name string) []byte {
		b = append(b, '<')
		if end {
			b = append(b, '/')
		}
		return append(append(append(b, prefix...), name...), '>')
	}
	i, isShared := shared[v.Str]
	switch {
	case blank || (v.Kind != sheet.Text && v.Kind != sheet.Number && v.Kind != sheet.Date && v.Kind != sheet.Bool):
		return append(b, "/>"...), style
	case v.Kind == sheet.Text && isShared:
		b = tag(strconv.AppendInt(tag(append(b, ` t="s">`...), false, "v"), int64(i), 10), true, "v")
	case v.Kind == sheet.Text:
		b = tag(append(b, ` t="inlineStr">`...), false, "is")
		b = append(append(append(b, '<'), prefix...), `t xml:space="preserve">`...)
		b = tag(tag(appendEscapedText(b, v.Str), true, "t"), true, "is")
	case v.Kind == sheet.Bool:
		b = tag(append(tag(append(b, ` t="b">`...), false, "v"), '0'+byte(b2i(v.Bool()))), true, "v")
	default:
		b = tag(strconv.AppendFloat(tag(append(b, '>'), false, "v"), v.Num, 'f', -1, 64), true, "v")
	}
	return tag(b, true, "c"), style
}

// appendEscapedText appends s as a string item's text, so that a reader gets s
// back: a literal _xHHHH_ behind _x005F_, characters XML cannot hold as _xHHHH_.
func appendEscapedText(b []byte, s string) []byte {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '\r':
			b = append(b, "&#13;"...)
		case r == '_' && bstrEscape.MatchString(s[i:min(i+7, len(s))]) && len(s)-i >= 7:
			b = append(b, "_x005F_"...)
		case (r < 0x20 && r != '\t' && r != '\n') || r == 0xFFFE || r == 0xFFFF:
			b = fmt.Appendf(b, "_x%04X_", r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}
