package xlsxbook

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// The first sync formats the columns it added by rewriting only the parts
// that change (the tab's sheet XML, styles.xml, workbook.xml for the
// marker) the way Write patches cells: excelize would decode whole
// worksheets, 10 s and 1 GB at 10,000 clients (issue 13). The rules are
// those of formatColumns, which init still uses; TestFormatPatchOracle
// compares the two.

// packageSteps reports whether every step can be made by patching the
// package.
func packageSteps(steps []sheet.SetupStep) bool {
	for _, s := range steps {
		if s.Kind != sheet.FreezeHeader && s.Kind != sheet.FormatColumns {
			return false
		}
	}
	return true
}

// tabFormat is what the steps of one Prepare call do to one tab.
type tabFormat struct {
	name   string
	index  int // in the workbook's tab order: a defined name's localSheetId
	part   string
	freeze bool
	mark   bool
	cols   []sheet.ColumnFormat // by column, one each
	// dxfs are the conditional fills of cols' colours: dxfs[i][j] is the
	// differential style of cols[i].ColorOrder[j].
	dxfs [][]int
	// fit gives every row the height its cells need (rowfit.go): a step
	// made columns wrap, so text written before now shows whole.
	fit bool
}

// merge adds a step's column formats; what a later step sets wins.
func (t *tabFormat) merge(formats []sheet.ColumnFormat) {
	for _, cf := range formats {
		if cf.Col < 1 || cf.Col > excelize.MaxColumns {
			continue
		}
		i := slices.IndexFunc(t.cols, func(c sheet.ColumnFormat) bool { return c.Col == cf.Col })
		if i < 0 {
			t.cols = append(t.cols, cf)
			continue
		}
		c := &t.cols[i]
		if cf.Width > 0 {
			c.Width = cf.Width
		}
		c.Wrap, c.Date = c.Wrap || cf.Wrap, c.Date || cf.Date
		if len(cf.ColorOrder) > 0 {
			c.Colors, c.ColorOrder = cf.Colors, cf.ColorOrder
		}
	}
	slices.SortFunc(t.cols, func(a, b sheet.ColumnFormat) int { return a.Col - b.Col })
}

// tabFormats gathers the steps by tab.
func (w *Workbook) tabFormats(p *xlsxPackage, steps []sheet.SetupStep) ([]*tabFormat, error) {
	var tabs []*tabFormat
	byName := map[string]*tabFormat{}
	for _, s := range steps {
		wraps := s.Kind == sheet.FormatColumns && slices.ContainsFunc(s.Formats, func(cf sheet.ColumnFormat) bool { return cf.Wrap })
		t := byName[s.Tab]
		if t == nil {
			i := slices.IndexFunc(p.tabs, func(tp tabPart) bool { return tp.name == s.Tab })
			if i < 0 || p.parts[p.tabs[i].part] == nil {
				return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, s.Tab, sheet.ErrTabNotFound)
			}
			t = &tabFormat{name: s.Tab, index: i, part: p.tabs[i].part}
			byName[s.Tab] = t
			tabs = append(tabs, t)
		}
		t.fit = t.fit || wraps
		switch {
		case s.Kind == sheet.FreezeHeader:
			t.freeze = true
		case s.Kind == sheet.FormatColumns:
			t.merge(s.Formats)
			t.mark = t.mark || s.Mark
		}
	}
	return tabs, nil
}

// preparePackage makes FreezeHeader and FormatColumns steps in one rewrite
// of the package, saved atomically; the rows of a tab whose columns now
// wrap are fitted in that same rewrite.
func (w *Workbook) preparePackage(ctx context.Context, steps []sheet.SetupStep) error {
	p, err := w.changing()
	if err != nil {
		return err
	}
	defer p.done()
	tabs, err := w.tabFormats(p, steps)
	if err != nil {
		return err
	}
	return w.formatPackage(ctx, p, tabs)
}

// formatPackage rewrites the tabs' sheet parts, styles.xml and
// workbook.xml as the tabs' formats say, and saves the package.
func (w *Workbook) formatPackage(ctx context.Context, p *xlsxPackage, tabs []*tabFormat) error {
	if len(tabs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	styles, err := p.openStyles()
	if err == nil {
		err = styles.usable()
	}
	if err != nil {
		return fmt.Errorf("read workbook %s styles: %w", w.path, err)
	}
	for _, t := range tabs {
		for _, cf := range t.cols {
			var ids []int
			for _, v := range cf.ColorOrder {
				ids = append(ids, styles.addFill(cf.Colors[v]))
			}
			t.dxfs = append(t.dxfs, ids)
		}
	}
	var marks []*tabFormat
	for _, t := range tabs {
		if t.mark {
			marks = append(marks, t)
		}
	}
	var newWorkbook []byte
	if len(marks) > 0 {
		wb, err := p.readAll(p.workbook)
		if err != nil {
			return fmt.Errorf("read workbook %s: %w", w.path, err)
		}
		if newWorkbook, err = markFormatted(wb, marks); err != nil {
			return fmt.Errorf("workbook %s part %s: %w", w.path, p.workbook, err)
		}
	}
	// A wrapped cell's shared string is read to fit its row; the table is
	// loaded the first time one is needed, once for every tab.
	sharedText, errSST := p.lazySharedStrings()

	// The sheets are rewritten first: the styles they derive go into
	// styles.xml, which may come before them.
	var rewrites []partRewrite
	for _, t := range tabs {
		rewrites = append(rewrites, partRewrite{part: t.part, tab: t.name, rewrite: func(src partSource) (*deflatedPart, error) {
			var fit *rowFitter
			if t.fit {
				fit = newRowFitter(styles, sharedText)
			}
			return formatSheet(src, t, styles, fit)
		}})
	}
	// The styles the sheets derive are known once they are rewritten.
	return w.saveRewritten(ctx, p, rewrites, errSST, func() map[string][]byte {
		return map[string][]byte{p.styles: styles.bytes(), p.workbook: newWorkbook}
	})
}

// worksheetOrder ranks a worksheet's child elements in schema order: a new
// element goes before the first one ranked after it.
var worksheetOrder = map[string]int{
	"sheetPr": 1, "dimension": 2, "sheetViews": 3, "sheetFormatPr": 4, "cols": 5, "sheetData": 6,
	"sheetCalcPr": 7, "sheetProtection": 8, "protectedRanges": 9, "scenarios": 10, "autoFilter": 11,
	"sortState": 12, "dataConsolidate": 13, "customSheetViews": 14, "mergeCells": 15, "phoneticPr": 16,
	"conditionalFormatting": 17, "dataValidations": 18, "hyperlinks": 19, "printOptions": 20,
	"pageMargins": 21, "pageSetup": 22, "headerFooter": 23, "rowBreaks": 24, "colBreaks": 25,
	"customProperties": 26, "cellWatches": 27, "ignoredErrors": 28, "smartTags": 29, "drawing": 30,
	"legacyDrawing": 31, "legacyDrawingHF": 32, "drawingHF": 33, "picture": 34, "oleObjects": 35,
	"controls": 36, "webPublishItems": 37, "tableParts": 38, "extLst": 39,
}

// colRange is one <col> element: its start tag, with min and max apart.
type colRange struct {
	min, max int
	tag      []byte
}

// sheetFormatter rewrites one worksheet part for a tabFormat.
type sheetFormatter struct {
	t      *tabFormat
	styles *styleBook
	prefix string
	cols   []colRange // the <col> elements as read
	// kept marks the date columns where a cell keeps its own number format
	// (a manager's number): the column keeps its style too.
	kept        []bool
	maxPriority int
	// defaultWidth is the width excelize gives a new col element: the
	// sheet's, else Excel's default.
	defaultWidth string
	// fit sizes every row (nil: none) from the final column widths and
	// styles; fitCols are the column styles a cell without its own shows.
	fit     *rowFitter
	fitCols []colStyle
	rr      rowRewriter
	edits   formatEdits

	sawData, colsDone, viewsDone, cfDone bool
}

// formatSheet rewrites a worksheet part: the frozen header, the column
// widths and styles, each existing cell's style below the header, and
// the conditional fills; with fit, every row's height as well.
func formatSheet(src partSource, t *tabFormat, styles *styleBook, fit *rowFitter) (*deflatedPart, error) {
	sf := &sheetFormatter{t: t, styles: styles, kept: make([]bool, len(t.cols)), fit: fit}
	sf.rr.colStyle = func(col int) int { return styleIn(sf.fitCols, col) }
	sf.edits.sf = sf
	for i, cf := range t.cols {
		if cf.Wrap || cf.Date {
			sf.edits.all = append(sf.edits.all, i)
		}
	}
	// A date column keeps its style when a cell below keeps its number
	// format, and its <col> comes before the cells: a first pass reads them.
	if slices.ContainsFunc(t.cols, func(cf sheet.ColumnFormat) bool { return cf.Date }) {
		if err := sf.learnKept(src); err != nil {
			return nil, err
		}
	}
	return deflate(src, func(dst io.Writer) error { return sf.write(dst, src) })
}

// learnKept reads the cells once, writing nothing: which date columns
// keep their style (kept), as formatEdits.write decides it for a cell.
func (sf *sheetFormatter) learnKept(src partSource) error {
	rc, err := src.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	defer func() { sf.cols = nil }() // read again as the part is written
	dateCol := map[int]int{}         // a date column → its index in t.cols
	for i, cf := range sf.t.cols {
		if cf.Date {
			dateCol[cf.Col] = i
		}
	}
	s := newXMLScanner(rc)
	row, rowStyle, col, inData := 0, 0, 0, false
	for s.next() {
		switch {
		case !inData && s.is(tokStart, "cols"):
			if err := sf.readCols(io.Discard, s); err != nil {
				return err
			}
		case !inData:
			inData = s.is(tokStart, "sheetData") && !s.self
		case s.is(tokEnd, "sheetData"):
			return nil
		case s.is(tokStart, "row"):
			n := attrInt(s.attrs, "r")
			if n <= 0 {
				n = row + 1
			}
			row, rowStyle, col = n, attrInt(s.attrs, "s"), 0
		case s.is(tokStart, "c"):
			col++
			if ref, ok := attr(s.attrs, "r"); ok && len(ref) > 0 {
				col = refCol(ref)
			}
			i, ok := dateCol[col]
			if !ok || row == 1 {
				continue
			}
			old := cmp.Or(attrInt(s.attrs, "s"), rowStyle, sf.colStyleOf(col))
			valued, _, err := copyCell(io.Discard, s)
			if err != nil {
				return err
			}
			if valued && !sf.styles.isDate(old) {
				sf.kept[i] = true
			}
		}
	}
	return s.err
}

// write writes the formatted worksheet to dst.
func (sf *sheetFormatter) write(dst io.Writer, src partSource) error {
	rc, err := src.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sf.defaultWidth, sf.viewsDone, sf.cfDone = "9.140625", !sf.t.freeze, !sf.hasColours()
	s := newXMLScanner(rc)
	for depth := 0; s.next(); {
		switch {
		case depth == 0:
			if s.is(tokStart, "worksheet") {
				sf.prefix = prefixOf(s)
				depth = b2i(!s.self)
			}
			dst.Write(s.raw)
		case s.kind == tokEnd: // </worksheet>
			sf.before(dst, len(worksheetOrder)+1)
			dst.Write(s.raw)
			depth = 0
		case s.kind != tokStart:
			dst.Write(s.raw)
		default:
			if err := sf.element(dst, s); err != nil {
				return err
			}
		}
	}
	if s.err == nil && !sf.sawData {
		return fmt.Errorf("the worksheet has no sheetData")
	}
	return s.err
}

// before writes what goes before a child of the worksheet ranked rank:
// the frozen view, the cols, the conditional fills.
func (sf *sheetFormatter) before(out io.Writer, rank int) {
	if !sf.viewsDone && rank > worksheetOrder["sheetViews"] {
		sf.writeViews(out, nil)
		sf.viewsDone = true
	}
	if !sf.colsDone && rank > worksheetOrder["cols"] {
		sf.writeCols(out)
	}
	if !sf.cfDone && rank > worksheetOrder["conditionalFormatting"] {
		sf.writeRules(out)
		sf.cfDone = true
	}
}

// element rewrites a child of the worksheet, s at its start tag.
func (sf *sheetFormatter) element(out io.Writer, s *xmlScanner) error {
	name := string(s.name)
	if rank, known := worksheetOrder[name]; known {
		sf.before(out, rank)
	}
	switch {
	case name == "sheetViews" && sf.t.freeze:
		sf.viewsDone = true
		return sf.replaceViews(out, s)
	case name == "sheetFormatPr":
		if v, ok := attr(s.attrs, "defaultColWidth"); ok {
			sf.defaultWidth = string(v)
		}
		if sf.fit != nil {
			sf.fit.sheetFormat(s.attrs)
		}
	case name == "cols" && !sf.colsDone:
		// Without columns to format (a fit only) the element stays as it is.
		keep := io.Discard
		if len(sf.t.cols) == 0 {
			keep = out
		}
		if err := sf.readCols(keep, s); err != nil {
			return err
		}
		sf.writeCols(out)
		return nil
	case name == "sheetData" && !sf.sawData:
		sf.sawData = true
		return sf.rows(out, s)
	case name == "conditionalFormatting":
		return copyElement(out, s, func(s *xmlScanner) {
			if s.is(tokStart, "cfRule") {
				sf.maxPriority = max(sf.maxPriority, attrInt(s.attrs, "priority"))
			}
		})
	}
	return copyElement(out, s, nil)
}

func (sf *sheetFormatter) hasColours() bool {
	for _, ids := range sf.t.dxfs {
		if len(ids) > 0 {
			return true
		}
	}
	return false
}

// The frozen header, as excelize's SetPanes writes it.
const (
	frozenPane = `pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`
	frozenSel  = `selection pane="bottomLeft" activeCell="A2" sqref="A2"/>`
)

// writeViews writes a sheetViews element whose view freezes the header;
// tag is the existing view's start tag, nil for a new one.
func (sf *sheetFormatter) writeViews(out io.Writer, tag []byte) {
	p := sf.prefix
	fmt.Fprintf(out, `<%ssheetViews>`, p)
	sf.writeView(out, tag)
	fmt.Fprintf(out, `</%ssheetViews>`, p)
}

func (sf *sheetFormatter) writeView(out io.Writer, tag []byte) {
	p := sf.prefix
	if tag == nil {
		tag = fmt.Appendf(nil, `<%ssheetView workbookViewId="0">`, p)
	} else {
		tag = openTag(tag)
	}
	out.Write(tag)
	fmt.Fprintf(out, `<%s%s<%s%s</%ssheetView>`, p, frozenPane, p, frozenSel, p)
}

// replaceViews copies a sheetViews element with its first view frozen at
// the header (its panes and selections replaced, its attributes kept).
func (sf *sheetFormatter) replaceViews(out io.Writer, s *xmlScanner) error {
	if s.self {
		// <sheetViews/> holds no view: give it one.
		sf.writeViews(out, nil)
		return nil
	}
	out.Write(s.raw)
	done := false
	for depth := 1; depth > 0; {
		if !s.next() {
			if s.err != nil {
				return s.err
			}
			return errTruncatedXML
		}
		if depth == 1 && !done && s.is(tokStart, "sheetView") {
			sf.writeView(out, append([]byte(nil), s.raw...))
			done = true
			if !s.self {
				if err := copyElement(io.Discard, s, nil); err != nil {
					return err
				}
			}
			continue
		}
		switch {
		case s.kind == tokStart && !s.self:
			depth++
		case s.kind == tokEnd:
			depth--
			if depth == 0 && !done {
				sf.writeView(out, nil)
			}
		}
		out.Write(s.raw)
	}
	return nil
}

// readCols reads the cols element into sf.cols, copying it to out.
func (sf *sheetFormatter) readCols(out io.Writer, s *xmlScanner) error {
	return copyElement(out, s, func(s *xmlScanner) {
		if s.is(tokStart, "col") {
			tag := append([]byte(nil), s.raw...)
			if !s.self { // <col ...></col>: no content is allowed
				tag = append(tag[:len(tag)-1], "/>"...)
			}
			sf.cols = append(sf.cols, colRange{attrInt(s.attrs, "min"), attrInt(s.attrs, "max"), tag})
		}
	})
}

// colStyleOf is the style a column's cells without one of their own show.
func (sf *sheetFormatter) colStyleOf(col int) int {
	for _, c := range sf.cols {
		if c.min <= col && col <= c.max {
			if st := attrInt(c.tag[1:len(c.tag)-2], "style"); st != 0 {
				return st
			}
		}
	}
	return 0
}

// finalCols is the cols element as formatting writes it: each formatted
// column split out of its range with its width and style(i), the style
// of sf.t.cols[i] (0: the column's own), equal neighbours merged again.
func (sf *sheetFormatter) finalCols(style func(i int) int) []colRange {
	cols := slices.Clone(sf.cols)
	for i, cf := range sf.t.cols {
		style := style(i)
		if cf.Width <= 0 && style == 0 {
			continue
		}
		var tag []byte
		j := slices.IndexFunc(cols, func(c colRange) bool { return c.min <= cf.Col && cf.Col <= c.max })
		if j >= 0 {
			c := cols[j]
			var split []colRange
			if c.min < cf.Col {
				split = append(split, colRange{c.min, cf.Col - 1, c.tag})
			}
			split = append(split, colRange{cf.Col, cf.Col, c.tag})
			if cf.Col < c.max {
				split = append(split, colRange{cf.Col + 1, c.max, c.tag})
			}
			cols = slices.Replace(cols, j, j+1, split...)
			j += slices.IndexFunc(split, func(c colRange) bool { return c.min == cf.Col })
			tag = c.tag
		} else {
			tag = fmt.Appendf(nil, `<%scol min="%d" max="%d" width="%s"/>`, sf.prefix, cf.Col, cf.Col, sf.defaultWidth)
			j = 0
			for j < len(cols) && cols[j].min < cf.Col {
				j++
			}
			cols = slices.Insert(cols, j, colRange{cf.Col, cf.Col, tag})
		}
		if cf.Width > 0 {
			tag = setAttr(setAttr(tag, "width", strconv.FormatFloat(cf.Width, 'f', -1, 64)), "customWidth", "1")
		}
		if style != 0 {
			tag = setAttr(tag, "style", strconv.Itoa(style))
		}
		cols[j].tag = tag
	}
	if len(cols) == 0 {
		return nil
	}
	// Neighbours alike but for min and max are one range.
	merged := cols[:1]
	for _, c := range cols[1:] {
		last := &merged[len(merged)-1]
		if last.max+1 == c.min && bytes.Equal(withoutRange(last.tag), withoutRange(c.tag)) {
			last.max = c.max
			continue
		}
		merged = append(merged, c)
	}
	return merged
}

// colStyle is the style formatting gives sf.t.cols[i]'s column, 0 when
// it keeps its own: a date column where a cell keeps its number format
// keeps it too.
func (sf *sheetFormatter) colStyle(i int) int {
	cf := sf.t.cols[i]
	if (cf.Wrap || cf.Date) && !sf.kept[i] {
		return sf.styles.derive(sf.colStyleOf(cf.Col), cf.Wrap, cf.Date)
	}
	return 0
}

// writeCols writes the cols element as formatting makes it, unless no
// column is formatted (readCols kept it), and gives the fitter its columns.
func (sf *sheetFormatter) writeCols(out io.Writer) {
	sf.colsDone = true
	cols := sf.finalCols(sf.colStyle)
	if sf.fit != nil {
		sf.fitColumns(cols)
	}
	if len(cols) == 0 || len(sf.t.cols) == 0 {
		return
	}
	fmt.Fprintf(out, `<%scols>`, sf.prefix)
	for _, c := range cols {
		out.Write(setAttr(setAttr(c.tag, "min", strconv.Itoa(c.min)), "max", strconv.Itoa(c.max)))
	}
	fmt.Fprintf(out, `</%scols>`, sf.prefix)
}

// fitColumns gives the row fitter the widths and styles of the columns.
func (sf *sheetFormatter) fitColumns(cols []colRange) {
	sf.fit.widths, sf.fitCols = sf.fit.widths[:0], sf.fitCols[:0]
	for _, c := range cols {
		attrs := c.tag[1 : len(c.tag)-2]
		sf.fit.colRange(c.min, c.max, attrs)
		if st := attrInt(attrs, "style"); st > 0 {
			sf.fitCols = append(sf.fitCols, colStyle{c.min, c.max, st})
		}
	}
}

func withoutRange(tag []byte) []byte {
	return setAttr(setAttr(tag, "min", ""), "max", "")
}

// writeRules writes one conditionalFormatting element per coloured
// column: a cellIs rule per value, priorities after the sheet's own.
func (sf *sheetFormatter) writeRules(out io.Writer) {
	p := sf.prefix
	for i, cf := range sf.t.cols {
		if len(cf.ColorOrder) == 0 {
			continue
		}
		col := sheet.ColumnName(cf.Col)
		fmt.Fprintf(out, `<%sconditionalFormatting sqref="%s2:%s%d">`, p, col, col, excelize.TotalRows)
		for j, v := range cf.ColorOrder {
			sf.maxPriority++
			formula := `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			fmt.Fprintf(out, `<%scfRule type="cellIs" dxfId="%d" priority="%d" operator="equal"><%sformula>%s</%sformula></%scfRule>`,
				p, sf.t.dxfs[i][j], sf.maxPriority, p, escapeText(formula), p, p)
		}
		fmt.Fprintf(out, `</%sconditionalFormatting>`, p)
	}
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeText(s string) string { return textEscaper.Replace(s) }

// rows copies sheetData through the row rewriter: below the header each
// cell of a formatted column gets its own style with the format merged in.
func (sf *sheetFormatter) rows(out io.Writer, s *xmlScanner) error {
	e := &sf.edits
	e.colStyles = e.colStyles[:0]
	for _, cf := range sf.t.cols {
		e.colStyles = append(e.colStyles, sf.colStyleOf(cf.Col))
	}
	sf.rr.fit = sf.fit
	return sf.rr.sheetData(out, s, e)
}

// copyCell copies a cell element, s at its start tag: valued when a <v>
// or <t> holds text (a value as GetRows reads it), value when a value or
// formula starts (row fitting).
func copyCell(out io.Writer, s *xmlScanner) (valued, value bool, err error) {
	inText := false
	err = copyElement(out, s, func(s *xmlScanner) {
		value = value || valueStart(s)
		switch {
		case s.kind == tokStart && !s.self:
			inText = string(s.name) == "v" || string(s.name) == "t"
		case s.kind == tokEnd:
			inText = false
		case s.kind == tokText && inText && len(s.text) > 0:
			valued = true
		}
	})
	return valued, value, err
}

// formatEdits are the styled cells of each row below the header.
type formatEdits struct {
	sf        *sheetFormatter
	all       []int // indexes into sf.t.cols of the columns to style
	styled    []int // those of the current row
	colStyles []int // their styles as read, by index into sf.t.cols
	cell      bytes.Buffer
}

func (e *formatEdits) pending() int  { return 0 }
func (e *formatEdits) len() int      { return len(e.styled) }
func (e *formatEdits) col(k int) int { return e.sf.t.cols[e.styled[k]].Col }

// take styles the rows below the header; a row is copied as it is unless
// it has a cell to style or is fitted.
func (e *formatEdits) take(n int) cellEdits {
	if e.styled = e.all; n == 1 {
		e.styled = nil
	}
	if e.sf.fit == nil && len(e.styled) == 0 {
		return nil
	}
	return e
}

// write gives a cell of a styled column its style with the format merged
// in; a row without one gets one, as excelize's SetCellStyle makes it.
func (e *formatEdits) write(b []byte, k int, row rowAt, s *xmlScanner) ([]byte, float64, error) {
	sf, i := e.sf, e.styled[k]
	cf := sf.t.cols[i]
	if s == nil {
		old := cmp.Or(row.style, e.colStyles[i])
		return fmt.Appendf(b, `<%sc r="%s%d" s="%d"/>`, sf.prefix, sheet.ColumnName(cf.Col), row.n, sf.styles.derive(old, cf.Wrap, cf.Date)), 0, nil
	}
	old := cmp.Or(attrInt(s.attrs, "s"), row.style, e.colStyles[i])
	tag := append([]byte(nil), s.raw...)
	e.cell.Reset()
	valued, value, err := copyCell(&e.cell, s)
	if err != nil {
		return nil, 0, err
	}
	date := cf.Date
	if date && valued && !sf.styles.isDate(old) {
		date, sf.kept[i] = false, true // a manager's number keeps its format
	}
	id := sf.styles.derive(old, cf.Wrap, date)
	b = append(append(b, setAttr(tag, "s", strconv.Itoa(id))...), e.cell.Bytes()[len(tag):]...)
	need := 0.0
	if sf.fit != nil {
		need = sf.fit.cellNeed(cf.Col, id, value, e.cell.Bytes())
	}
	return b, need, nil
}
