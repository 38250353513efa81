package xlsxbook

import (
	"bufio"
	"bytes"
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

// Write patches the updated cells into the workbook's sheet XML and copies
// every other part of the package untouched (issue 13: a sync that
// re-encodes only what changed is what makes 100,000 clients fit in
// < 10 s and < 1 GB). Text is an inline string, never a formula; a date
// gets a date style (styles.xml gains one when it has none). The file is
// saved atomically, and not at all if it changed on disk since it was
// read: then the error wraps sheet.ErrConflict.
func (w *Workbook) Write(ctx context.Context, updates []sheet.Update) error {
	if !w.haveSum {
		return fmt.Errorf("workbook %s: write before read: %w", w.path, sheet.ErrInvalid)
	}
	for _, u := range updates {
		if u.Row < 1 || u.Col < 1 || u.Row > excelize.TotalRows || u.Col > excelize.MaxColumns {
			return fmt.Errorf("tab %q row %d column %d: %w", u.Tab, u.Row, u.Col, sheet.ErrOutOfRange)
		}
	}
	p, err := w.changing()
	if err != nil {
		return err
	}
	defer p.done()
	byPart, err := w.partOrder(p, updates)
	if err != nil {
		return err
	}
	needDate := false
	for _, u := range updates {
		needDate = needDate || u.Value.Kind == sheet.Date
	}
	if len(updates) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	styles, err := p.openStyles()
	if err != nil {
		return fmt.Errorf("read workbook %s styles: %w", w.path, err)
	}
	if needDate {
		if err := styles.usable(); err != nil {
			return fmt.Errorf("add a date style to workbook %s: %w", w.path, err)
		}
		styles.dateStyle() // added before the sheets are read, as they may need it
	}
	fit := styles.fitStyles()
	// A row's existing shared-string cells are read to fit its height;
	// the table is loaded the first time one is needed.
	sharedText, errSST := p.lazySharedStrings()
	// openpyxl reads _xHHHH_ escapes only in shared strings: text holding
	// one literally goes there, so that both readers get it back.
	var shared map[string]int
	var newSST []byte
	if p.parts[p.sharedStrings] != nil {
		var texts []string
		for _, u := range updates {
			if u.Value.Kind == sheet.Text && bstrEscape.MatchString(u.Value.Str) {
				texts = append(texts, u.Value.Str)
			}
		}
		if len(texts) > 0 {
			if shared, newSST, err = p.appendSharedStrings(texts); err != nil {
				return fmt.Errorf("read workbook %s shared strings: %w", w.path, err)
			}
		}
	}
	var rewrites []partRewrite
	for _, tp := range p.tabs {
		us := byPart[tp.part]
		if us == nil {
			continue
		}
		rewrites = append(rewrites, partRewrite{part: tp.part, tab: tp.name, rewrite: func(part partSource) (*deflatedPart, error) {
			src, err := part.open()
			if err != nil {
				return nil, err
			}
			defer src.Close()
			return deflate(part, func(dst io.Writer) error {
				return patchSheet(dst, src, updates, us, styles, shared, newRowFitter(fit, sharedText))
			})
		}})
		delete(byPart, tp.part) // a part two tabs name is rewritten once
	}
	return w.saveRewritten(ctx, p, rewrites, errSST, func() map[string][]byte {
		return map[string][]byte{p.sharedStrings: newSST, p.styles: styles.bytes()}
	})
}

// appendSharedStrings returns the shared strings part with the texts
// added at its end, and each text's index. An empty table may close
// itself (<sst/>); a part without an sst element is refused.
func (p *xlsxPackage) appendSharedStrings(texts []string) (map[string]int, []byte, error) {
	data, err := p.readAll(p.sharedStrings)
	if err != nil {
		return nil, nil, err
	}
	s := newBytesScanner(data)
	n, sstTag, end, prefix, self := 0, [2]int{}, -1, "", false
	for s.next() {
		switch {
		case s.is(tokStart, "sst") && sstTag[1] == 0:
			sstTag, prefix, self = [2]int{s.pos - len(s.raw), s.pos}, prefixOf(s), s.self
		case s.is(tokStart, "si"):
			n++
		case s.is(tokEnd, "sst"):
			end = s.pos - len(s.raw)
		}
	}
	if s.err != nil {
		return nil, nil, s.err
	}
	if sstTag[1] == 0 || (!self && end < sstTag[1]) {
		return nil, nil, fmt.Errorf("the shared strings part has no sst element")
	}
	index := map[string]int{}
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
	tag := setAttrInt(setAttrInt(data[sstTag[0]:sstTag[1]], "count", len(texts)), "uniqueCount", len(index))
	if self {
		items, end = fmt.Appendf(items, `</%ssst>`, prefix), sstTag[1]
		tag = openTag(tag)
	}
	return index, spliced(data, []splice{{sstTag[0], sstTag[1], tag}, {end, end, items}}), nil
}

// setAttrInt returns a start tag with an integer attribute moved by delta.
func setAttrInt(tag []byte, name string, delta int) []byte {
	i := bytes.IndexAny(tag, " \t\r\n")
	if i < 0 {
		return tag
	}
	v, ok := attr(tag[i:], name)
	if !ok {
		return tag
	}
	n, _ := strconv.Atoi(string(bytes.TrimSpace(v)))
	return setAttr(tag, name, strconv.Itoa(n+delta))
}

// setCount returns a start tag with its count attribute moved by delta.
func setCount(tag []byte, delta int) []byte { return setAttrInt(tag, "count", delta) }

// partOrder returns, by part, the indices of its updates in row and column
// order; of two updates to one cell only the later is kept. Indices, not
// sorted copies: a first sync of 100,000 clients writes a million cells.
func (w *Workbook) partOrder(p *xlsxPackage, updates []sheet.Update) (map[string][]int32, error) {
	// Parts by rank (the place of the first tab naming them), tabs by
	// their part's rank.
	parts, tabRank := map[int32]string{}, map[string]int32{}
	partRank := map[string]int32{}
	for i, t := range p.tabs {
		if p.parts[t.part] == nil {
			continue
		}
		r, ok := partRank[t.part]
		if !ok {
			r = int32(i)
			partRank[t.part], parts[r] = r, t.part
		}
		tabRank[t.name] = r
	}
	partOf := make([]int32, len(updates))
	order := make([]int32, len(updates))
	for i, u := range updates {
		r, ok := tabRank[u.Tab]
		if !ok {
			return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, u.Tab, sheet.ErrTabNotFound)
		}
		partOf[i], order[i] = r, int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ua, ub := &updates[a], &updates[b]
		switch {
		case partOf[a] != partOf[b]:
			return int(partOf[a] - partOf[b])
		case ua.Row != ub.Row:
			return ua.Row - ub.Row
		}
		return ua.Col - ub.Col
	})
	out := map[string][]int32{}
	for start := 0; start < len(order); {
		r := partOf[order[start]]
		end := start
		for end < len(order) && partOf[order[end]] == r {
			end++
		}
		run := order[start:start:end]
		for i := start; i < end; i++ {
			u := &updates[order[i]]
			if i+1 < end && updates[order[i+1]].Row == u.Row && updates[order[i+1]].Col == u.Col {
				continue
			}
			run = append(run, order[i])
		}
		out[parts[r]] = run
		start = end
	}
	return out, nil
}

// rowEdit is one row's updates, by column, as indices into the updates.
type rowEdit struct {
	row   int
	cells []int32
}

// rowEdits groups a part's ordered updates (partOrder) by row.
func rowEdits(updates []sheet.Update, order []int32) []rowEdit {
	var out []rowEdit
	for i := 0; i < len(order); {
		row := updates[order[i]].Row
		j := i
		for j < len(order) && updates[order[j]].Row == row {
			j++
		}
		out = append(out, rowEdit{row: row, cells: order[i:j:j]})
		i = j
	}
	return out
}

// patchSheet copies a worksheet part, replacing or inserting the updated
// cells, and fitting the height of the rows it writes (rowfit.go); every
// other byte is copied as it is.
func patchSheet(dst io.Writer, src io.Reader, updates []sheet.Update, order []int32, styles *styleBook, shared map[string]int, fit *rowFitter) error {
	edits := rowEdits(updates, order)
	maxRow, maxCol := 0, 0
	for _, i := range order {
		maxRow, maxCol = max(maxRow, updates[i].Row), max(maxCol, updates[i].Col)
	}
	file := bufio.NewWriterSize(dst, 256<<10)
	// out is the file, or rowBuf while an edited row is read: its start
	// tag gets the row's height once all its cells are known.
	var out io.Writer = file
	var rowBuf, cellBuf bytes.Buffer
	var (
		rowTag  []byte  // the edited row's start tag
		fitRow  bool    // its height is fitted (not set by hand)
		rowNeed float64 // the height its cells need so far
		rowS    int     // its style, for cells without their own
	)
	s := newXMLScanner(src)
	var (
		prefix string // the namespace prefix of the sheet's elements
		next   int    // the next row edit
		rowNum int    // the current row's number
		edit   *rowEdit
		cell   int // the next cell of edit
		col    int // the current cell's column
		inData bool
		buf    []byte
		// colStyles are the <col> styles: a new cell takes its column's
		// style, as one typed in Excel does (wrap, a date format).
		colStyles []colStyle
	)
	styleOf := func(c int) int {
		for _, cs := range colStyles {
			if c >= cs.min && c <= cs.max {
				return cs.style
			}
		}
		return 0
	}
	newCell := func(u sheet.Update, oldStyle int) {
		buf = appendCell(buf[:0], prefix, u, oldStyle, styles, shared)
		out.Write(buf)
		v := u.Value
		has := !v.IsEmpty() && (v.Kind != sheet.Text || v.Str != "")
		style := oldStyle
		if v.Kind == sheet.Date && !styles.isDate(style) {
			style = styles.dateStyle() // as appendCell gives it
		}
		rowNeed = max(rowNeed, fit.need(u.Col, style, has, func() string {
			if v.Kind == sheet.Text {
				return v.Str
			}
			return ""
		}))
	}
	// cellsBefore writes the edit's new cells left of column c.
	cellsBefore := func(c int) {
		for edit != nil && cell < len(edit.cells) && updates[edit.cells[cell]].Col < c {
			u := updates[edit.cells[cell]]
			newCell(u, styleOf(u.Col))
			cell++
		}
	}
	// startRow begins an edited row: its cells go to rowBuf until endRow.
	startRow := func(tag []byte, custom bool, style int) {
		// A copy: the tag may be the scanner's buffer, which moves on.
		rowTag, fitRow, rowNeed, rowS = append(rowTag[:0], tag...), !custom, 0, style
		rowBuf.Reset()
		out = &rowBuf
	}
	// endRow writes the edited row's start tag, fitted, and its cells.
	endRow := func() {
		out = file
		if fitRow {
			rowTag = fit.fittedRow(rowTag, rowNeed)
		}
		out.Write(rowTag)
		out.Write(rowBuf.Bytes())
	}
	// rowsBefore writes the edits' new rows above row r.
	rowsBefore := func(r int) {
		for next < len(edits) && edits[next].row < r {
			e := &edits[next]
			startRow(fmt.Appendf(nil, `<%srow r="%d">`, prefix, e.row), false, 0)
			for _, i := range e.cells {
				newCell(updates[i], styleOf(updates[i].Col))
			}
			endRow()
			fmt.Fprintf(out, `</%srow>`, prefix)
			next++
		}
	}
	for s.next() {
		switch {
		case !inData:
			switch {
			case s.is(tokStart, "dimension"):
				out.Write(widenDimension(s.raw, maxRow, maxCol))
				continue
			case s.is(tokStart, "sheetFormatPr"):
				fit.sheetFormat(s.attrs)
			case s.is(tokStart, "col"):
				if st := attrInt(s.attrs, "style"); st > 0 {
					colStyles = append(colStyles, colStyle{attrInt(s.attrs, "min"), attrInt(s.attrs, "max"), st})
				}
				fit.col(s.attrs)
			case s.is(tokStart, "sheetData"):
				prefix = string(s.qname[:len(s.qname)-len(s.name)])
				if s.self {
					fmt.Fprintf(out, `<%ssheetData>`, prefix)
					rowsBefore(excelize.TotalRows + 1)
					fmt.Fprintf(out, `</%ssheetData>`, prefix)
					continue
				}
				inData = true
			}
		case edit != nil && s.is(tokStart, "c"):
			col++
			if ref, ok := attr(s.attrs, "r"); ok && len(ref) > 0 {
				col = refCol(ref)
			}
			cellsBefore(col)
			if cell < len(edit.cells) && updates[edit.cells[cell]].Col == col {
				oldStyle := attrInt(s.attrs, "s")
				if !s.self {
					if err := skipElement(s); err != nil {
						return err
					}
				}
				newCell(updates[edit.cells[cell]], oldStyle)
				cell++
				continue
			}
			// A cell the edit keeps counts towards the row's height.
			style := attrInt(s.attrs, "s")
			if _, ok := attr(s.attrs, "s"); !ok {
				style = rowS
				if style == 0 {
					style = styleOf(col)
				}
			}
			if s.self {
				break // no value
			}
			cellBuf.Reset()
			if err := copyElement(&cellBuf, s); err != nil {
				return err
			}
			if fitRow {
				rowNeed = max(rowNeed, fit.need(col, style, cellHasValue(cellBuf.Bytes()), func() string { return fit.cellText(cellBuf.Bytes()) }))
			}
			out.Write(cellBuf.Bytes())
			continue
		case edit != nil && s.is(tokEnd, "row"):
			cellsBefore(excelize.MaxColumns + 1)
			edit = nil
			endRow()
		case s.is(tokStart, "row"):
			n := attrInt(s.attrs, "r")
			if n <= 0 {
				n = rowNum + 1
			}
			rowNum, col = n, 0
			rowsBefore(n)
			if next < len(edits) && edits[next].row == n {
				edit, cell = &edits[next], 0
				next++
				rowStyle := 0
				if v, _ := attr(s.attrs, "customFormat"); string(v) == "1" || string(v) == "true" {
					rowStyle = attrInt(s.attrs, "s")
				}
				tag := withoutSpans(s.raw)
				if s.self { // the row's cells follow: it cannot close itself
					tag = append(bytes.TrimSuffix(bytes.TrimRight(tag[:len(tag)-1], " \t\r\n"), []byte("/")), '>')
				}
				startRow(tag, customHeight(s.attrs), rowStyle)
				if s.self {
					cellsBefore(excelize.MaxColumns + 1)
					edit = nil
					endRow()
					fmt.Fprintf(out, `</%srow>`, prefix)
				}
				continue
			}
		case s.is(tokEnd, "sheetData"):
			rowsBefore(excelize.TotalRows + 1)
			inData = false
		}
		out.Write(s.raw)
	}
	if s.err != nil {
		return s.err
	}
	if next < len(edits) {
		return fmt.Errorf("the worksheet has no sheetData")
	}
	return file.Flush()
}

// skipElement reads up to the end of the element whose start tag was
// just read.
func skipElement(s *xmlScanner) error {
	return copyElement(io.Discard, s)
}

// copyElement copies the rest of the element whose start tag was just
// read and copied.
func copyElement(out io.Writer, s *xmlScanner) error {
	if _, err := out.Write(s.raw); err != nil {
		return err
	}
	depth := 1
	for depth > 0 && s.next() {
		switch {
		case s.kind == tokStart && !s.self:
			depth++
		case s.kind == tokEnd:
			depth--
		}
		if _, err := out.Write(s.raw); err != nil {
			return err
		}
	}
	if depth > 0 {
		if s.err != nil {
			return s.err
		}
		return errTruncatedXML
	}
	return nil
}

// withoutSpans drops a row's spans attribute: an optional hint that a new
// cell could make wrong.
func withoutSpans(tag []byte) []byte {
	i := bytes.Index(tag, []byte(" spans="))
	if i < 0 {
		return tag
	}
	q := i + len(" spans=")
	if q >= len(tag) {
		return tag
	}
	end := bytes.IndexByte(tag[q+1:], tag[q])
	if end < 0 {
		return tag
	}
	return append(append([]byte(nil), tag[:i]...), tag[q+1+end+1:]...)
}

// widenDimension returns the dimension tag grown to cover the row and
// column given.
func widenDimension(tag []byte, row, col int) []byte {
	ref, ok := attr(tag[1:len(tag)-1], "ref")
	if !ok {
		return tag
	}
	first, last, _ := strings.Cut(string(ref), ":")
	if last == "" {
		last = first
	}
	lastCol, lastRow := refCol([]byte(last)), 0
	lastRow, _ = strconv.Atoi(strings.TrimLeft(last, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$"))
	if lastCol >= col && lastRow >= row {
		return tag
	}
	newRef := first + ":" + sheet.CellName(max(lastRow, row), max(lastCol, col))
	i := bytes.Index(tag, ref)
	out := append([]byte(nil), tag[:i]...)
	out = append(out, newRef...)
	return append(out, tag[i+len(ref):]...)
}

// appendCell appends the XML of an updated cell. The cell keeps its style,
// except that a date gets a date style when it has none. Text is an
// inline string, or the shared string given for it.
func appendCell(b []byte, prefix string, u sheet.Update, style int, styles *styleBook, shared map[string]int) []byte {
	v := u.Value
	if v.Kind == sheet.Date && !styles.isDate(style) {
		style = styles.dateStyle()
	}
	if v.Kind == sheet.Empty || (v.Kind == sheet.Text && v.Str == "") {
		if style == 0 {
			return b
		}
	}
	b = append(b, '<')
	b = append(b, prefix...)
	b = append(b, `c r="`...)
	b = append(b, sheet.ColumnName(u.Col)...)
	b = strconv.AppendInt(b, int64(u.Row), 10)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v.Kind {
	case sheet.Text:
		if v.Str == "" {
			return append(b, "/>"...)
		}
		if i, ok := shared[v.Str]; ok {
			b = append(b, ` t="s"><`...)
			b = append(b, prefix...)
			b = append(b, "v>"...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, "</"...)
			b = append(b, prefix...)
			b = append(b, "v>"...)
			break
		}
		b = append(b, ` t="inlineStr"><`...)
		b = append(b, prefix...)
		b = append(b, `is><`...)
		b = append(b, prefix...)
		b = append(b, `t xml:space="preserve">`...)
		b = appendEscapedText(b, v.Str)
		b = append(b, "</"...)
		b = append(b, prefix...)
		b = append(b, "t></"...)
		b = append(b, prefix...)
		b = append(b, "is>"...)
	case sheet.Number, sheet.Date:
		b = append(b, "><"...)
		b = append(b, prefix...)
		b = append(b, "v>"...)
		b = strconv.AppendFloat(b, v.Num, 'f', -1, 64)
		b = append(b, "</"...)
		b = append(b, prefix...)
		b = append(b, "v>"...)
	case sheet.Bool:
		b = append(b, ` t="b"><`...)
		b = append(b, prefix...)
		b = append(b, "v>"...)
		if v.Bool() {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
		b = append(b, "</"...)
		b = append(b, prefix...)
		b = append(b, "v>"...)
	default:
		return append(b, "/>"...)
	}
	b = append(b, "</"...)
	b = append(b, prefix...)
	return append(b, "c>"...)
}

// appendEscapedText appends s as the text of a string item: XML escapes,
// a literal _xHHHH_ kept literal (_x005F_ before it), and characters XML
// cannot hold as _xHHHH_, so that a reader gets s back.
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
