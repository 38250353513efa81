package xlsxbook

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

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

// sheetFormatter is the one rewriter of a worksheet part: it writes what a
// tabFormat adds at its schema place and sends the rows through the rowRewriter.
type sheetFormatter struct {
	t            *tabFormat
	styles       *styleBook
	prefix       string
	cols         []colStyle // the <col> elements as read (rr.cols: as written)
	kept         []bool     // date columns keeping their style: a cell keeps its own number format
	maxPriority  int
	defaultWidth string     // the width excelize gives a new col: the sheet's, else Excel's default
	fit          *rowFitter // sizes the rows written (nil: none) from the final columns
	rr           rowRewriter
	plan         rowPlan // the formatter itself, or the value patch's edits
	// styled are the indexes into t.cols of the columns whose cells below
	// the header are styled; their columns, never nil; their styles as read.
	styled, styledCols, colStyles []int
	header                        bool   // the current row is the header, whose job columns turn grey
	dimension                     [2]int // when set, the row and column the dimension grows to cover

	sawData, colsDone, viewsDone, cfDone, dvDone bool
	again                                        bool // a cell changed kept: write the part again
}

func newSheetFormatter(t *tabFormat, styles *styleBook, fit *rowFitter) *sheetFormatter {
	sf := &sheetFormatter{t: t, styles: styles, kept: make([]bool, len(t.cols)), fit: fit}
	sf.rr.fit, sf.plan = fit, sf
	sf.styledCols = []int{}
	for i, cf := range t.cols {
		if cf.Wrap || cf.Date {
			sf.styled, sf.styledCols = append(sf.styled, i), append(sf.styledCols, cf.Col)
		}
	}
	return sf
}

func (sf *sheetFormatter) write(dst io.Writer, src io.Reader) error {
	out := bufio.NewWriterSize(dst, 256<<10)
	sf.rr.rowStarts = segmentRows(dst, out)
	sf.defaultWidth, sf.viewsDone, sf.cfDone = strconv.FormatFloat(defaultColWidth, 'f', -1, 64), !sf.t.freeze, !slices.ContainsFunc(sf.t.dxfs, func(ids []int) bool { return len(ids) > 0 })
	sf.dvDone = len(sf.t.validations) == 0
	sf.cols, sf.maxPriority, sf.sawData, sf.colsDone, sf.again = nil, 0, false, false, false
	s := newXMLScanner(src)
	for depth := 0; s.next(); {
		switch {
		case depth == 0:
			if s.is(tokStart, "worksheet") {
				sf.prefix = prefixOf(s)
				depth = b2i(!s.self)
			}
			out.Write(s.raw)
		case s.kind == tokEnd: // </worksheet>
			sf.before(out, len(worksheetOrder)+1)
			out.Write(s.raw)
			depth = 0
		case s.kind != tokStart:
			out.Write(s.raw)
		default:
			if err := sf.element(out, s); err != nil {
				return err
			}
		}
	}
	if s.err != nil {
		return s.err
	}
	if !sf.sawData {
		return fmt.Errorf("the worksheet has no sheetData")
	}
	return out.Flush()
}

// before writes what goes before a child of the worksheet ranked rank:
// the frozen view, the cols, the conditional fills.
func (sf *sheetFormatter) before(out io.Writer, rank int) {
	if !sf.viewsDone && rank > worksheetOrder["sheetViews"] {
		fmt.Fprintf(out, `<%ssheetViews>%s</%ssheetViews>`, sf.prefix, sf.view(nil), sf.prefix)
		sf.viewsDone = true
	}
	if !sf.colsDone && rank > worksheetOrder["cols"] {
		sf.writeCols(out)
	}
	if !sf.cfDone && rank > worksheetOrder["conditionalFormatting"] {
		sf.writeRules(out)
		sf.cfDone = true
	}
	if !sf.dvDone && rank > worksheetOrder["dataValidations"] {
		sf.dvDone = true
		fmt.Fprintf(out, `<%sdataValidations count="%d">%s</%sdataValidations>`, sf.prefix, len(sf.t.validations), sf.validationsXML(), sf.prefix)
	}
}

// element rewrites a worksheet child, s at its start tag.
func (sf *sheetFormatter) element(out io.Writer, s *xmlScanner) error {
	name := string(s.name)
	if rank, known := worksheetOrder[name]; known {
		sf.before(out, rank)
	}
	switch {
	case name == "sheetViews" && sf.t.freeze:
		// The first view freezes the header (its panes and selections
		// replaced, its attributes kept); a list without one gets one.
		sf.viewsDone = true
		return editElement(out, s, 1, func(root *node) []splice {
			if v := root.kid("sheetView"); v != nil {
				return []splice{{v.start, v.end, sf.view(v.tag)}}
			}
			return appendTo(root, root.tag, sf.view(nil))
		})
	case name == "dimension" && sf.dimension[0] > 0:
		return editElement(out, s, 0, func(root *node) []splice {
			return []splice{{root.start, root.open, widenDimension(root.tag, sf.dimension[0], sf.dimension[1])}}
		})
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
	case name == "dataValidations" && !sf.dvDone:
		// The tab's new validations go at the end of the sheet's own, counted.
		sf.dvDone = true
		return editElement(out, s, 0, func(root *node) []splice {
			return appendTo(root, setAttrInt(root.tag, "count", len(sf.t.validations)), sf.validationsXML())
		})
	case name == "sheetData" && !sf.sawData:
		// Below the header each cell of a formatted column gets its own
		// style with the format merged in.
		sf.sawData, sf.colStyles = true, sf.colStyles[:0]
		for _, cf := range sf.t.cols {
			sf.colStyles = append(sf.colStyles, styleIn(sf.cols, cf.Col))
		}
		return sf.rr.sheetData(out, s, sf.plan)
	case name == "conditionalFormatting":
		return copyElement(out, s, func(s *xmlScanner) {
			if s.is(tokStart, "cfRule") {
				sf.maxPriority = max(sf.maxPriority, attrInt(s.attrs, "priority"))
			}
		})
	}
	return copyElement(out, s, nil)
}

// view is a sheetView that freezes the header as excelize's SetPanes does: tag
// is the existing view's start tag, nil for a new one.
func (sf *sheetFormatter) view(tag []byte) []byte {
	p := sf.prefix
	if tag == nil {
		tag = fmt.Appendf(nil, `<%ssheetView workbookViewId="0">`, p)
	}
	return fmt.Appendf(slices.Clone(openTag(tag)), `<%spane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<%sselection pane="bottomLeft" activeCell="A2" sqref="A2"/></%ssheetView>`, p, p, p)
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
			fmt.Fprintf(out, `<%scfRule type="cellIs" dxfId="%d" priority="%d" operator="equal"><%sformula>%s</%sformula></%scfRule>`,
				p, sf.t.dxfs[i][j], sf.maxPriority, p, stringFormula(v), p, p)
		}
		fmt.Fprintf(out, `</%sconditionalFormatting>`, p)
	}
}

// stringFormula is a formula of the text s, as an element's text.
func stringFormula(s string) string {
	return textEscaper.Replace(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;", "\r", "&#13;", "\t", "&#9;")
)

// copyCell copies a cell element: valued when a <v> or <t> holds text (as
// GetRows reads it), value when a value or formula starts (row fitting).
func copyCell(out io.Writer, s *xmlScanner) (valued, value bool, err error) {
	inText := false
	err = copyElement(out, s, func(s *xmlScanner) {
		value = value || (s.kind == tokStart && !s.self && (string(s.name) == "v" || string(s.name) == "is" || string(s.name) == "f"))
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

func (sf *sheetFormatter) pending() int { return 0 }

// take styles the rows below the header; a row is copied as it is unless
// it has a cell to style or is fitted.
func (sf *sheetFormatter) take(n int) []int {
	cols := sf.styledCols
	if sf.header = n == 1 && len(sf.t.header) > 0; sf.header {
		return sf.t.header
	} else if n == 1 {
		cols = cols[:0]
	}
	if sf.fit == nil && len(cols) == 0 {
		return nil
	}
	return cols
}

// writeCell gives a header cell its grey style, and a cell of a styled column
// its style with the format merged in; a row without the cell gets one.
func (sf *sheetFormatter) writeCell(b []byte, k int, row rowAt, s *xmlScanner) ([]byte, float64, error) {
	if sf.header {
		col := sf.t.header[k]
		return sf.restyle(b, col, row, s, styleIn(sf.cols, col), func(old int, _ bool) int { return sf.styles.grey(old) })
	}
	i := sf.styled[k]
	cf := sf.t.cols[i]
	return sf.restyle(b, cf.Col, row, s, sf.colStyles[i], func(old int, valued bool) int {
		date := cf.Date
		if date && valued && !sf.styles.isDate(old) {
			date = false // a manager's number keeps its format
			sf.again = sf.again || !sf.kept[i]
			sf.kept[i] = true
		}
		return sf.styles.derive(old, cf.Wrap, date)
	})
}

// restyle writes a cell of column col (s nil: a new one, as SetCellStyle adds
// it) with the style that style gives for the one it shows and its value.
func (sf *sheetFormatter) restyle(b []byte, col int, row rowAt, s *xmlScanner, base int, style func(old int, valued bool) int) ([]byte, float64, error) {
	if s == nil {
		id := style(cmp.Or(row.style, base), false)
		return fmt.Appendf(b, `<%sc r="%s%d" s="%d"/>`, sf.prefix, sheet.ColumnName(col), row.n, id), 0, nil
	}
	old, tag, cell := cmp.Or(attrInt(s.attrs, "s"), row.style, base), slices.Clone(s.raw), &sf.rr.cell
	cell.Reset()
	valued, value, err := copyCell(cell, s)
	if err != nil {
		return nil, 0, err
	}
	id := style(old, valued)
	b = append(append(b, setAttr(tag, "s", strconv.Itoa(id))...), cell.Bytes()[len(tag):]...)
	need := 0.0
	if sf.fit != nil {
		need = sf.fit.need(col, id, value, func() string { return sf.fit.cellText(cell.Bytes()) })
	}
	return b, need, nil
}
