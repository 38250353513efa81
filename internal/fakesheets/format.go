package fakesheets

import (
	"encoding/json"
	"fmt"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// This file models what the formatting requests change, as Google reports
// it back through spreadsheets.get: repeatCell's userEnteredFormat (number
// format, wrap strategy, background), updateDimensionProperties' column
// pixel sizes, addConditionalFormatRule's rules (applied to effectiveFormat
// like Google does), and createDeveloperMetadata on a sheet. Formats are
// kept per range in request order, like data validation, and do not move
// with inserted or deleted rows and columns.

// defaultPixelSize is a new column's width in Google Sheets.
const defaultPixelSize = 100

// sheetLooks is one sheet's formatting. Nil until a request sets some.
type sheetLooks struct {
	cellFormats []rangeFormat
	colPixels   map[int]int // 0-based column → pixel size
	conditional []json.RawMessage
	condRanges  [][]gridRange // each rule's ranges, for effectiveFormat
	condRules   []sheets.ConditionalFormatRule
	metadata    []developerMetadataJSON
}

// rangeFormat is one repeatCell: the fields it set over a range.
type rangeFormat struct {
	rng    gridRange
	fields []string // userEnteredFormat sub-fields, e.g. "numberFormat"
	format sheets.CellFormat
}

type developerMetadataJSON struct {
	MetadataID    int64          `json:"metadataId"`
	MetadataKey   string         `json:"metadataKey"`
	MetadataValue string         `json:"metadataValue,omitempty"`
	Location      map[string]any `json:"location"`
	Visibility    string         `json:"visibility"`
}

type columnMetadataJSON struct {
	PixelSize int `json:"pixelSize"`
}

func (l *sheetLooks) clone() *sheetLooks {
	if l == nil {
		return nil
	}
	cp := *l
	cp.cellFormats = append([]rangeFormat(nil), l.cellFormats...)
	cp.colPixels = make(map[int]int, len(l.colPixels))
	for k, v := range l.colPixels {
		cp.colPixels[k] = v
	}
	cp.conditional = append([]json.RawMessage(nil), l.conditional...)
	cp.condRanges = append([][]gridRange(nil), l.condRanges...)
	cp.condRules = append([]sheets.ConditionalFormatRule(nil), l.condRules...)
	cp.metadata = append([]developerMetadataJSON(nil), l.metadata...)
	return &cp
}

func (sh *sheet) looksForWrite() *sheetLooks {
	if sh.looks == nil {
		sh.looks = &sheetLooks{colPixels: map[int]int{}}
	}
	return sh.looks
}

// The formatting request kinds join the batchUpdate dispatch here.
func init() {
	requestKinds["repeatCell"] = func(_ *store, ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
		return nil, repeatCell(ss, raw, fail)
	}
	requestKinds["updateDimensionProperties"] = func(_ *store, ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
		return nil, updateDimensionProperties(ss, raw, fail)
	}
	requestKinds["addConditionalFormatRule"] = func(_ *store, ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
		return nil, addConditionalFormatRule(ss, raw, fail)
	}
	requestKinds["createDeveloperMetadata"] = (*store).createDeveloperMetadata
}

// cellFormatFields are the userEnteredFormat fields the fake models.
var cellFormatFields = map[string]bool{"numberFormat": true, "wrapStrategy": true, "backgroundColor": true}

func repeatCell(ss *spreadsheet, raw json.RawMessage, fail func(string, ...any) *apiError) *apiError {
	var in sheets.RepeatCellRequest
	if apiErr := strictDecode(raw, &in); apiErr != nil {
		return apiErr
	}
	if in.Range == nil {
		return fail("range is required")
	}
	sh := ss.sheetByID(in.Range.SheetId)
	if sh == nil {
		return fail("No grid with id: %d", in.Range.SheetId)
	}
	if in.Fields == "" {
		return fail("At least one field must be updated, but none were specified.")
	}
	var fields []string
	for _, f := range splitFields(in.Fields) {
		sub, ok := strings.CutPrefix(f, "userEnteredFormat.")
		if !ok || !cellFormatFields[sub] {
			return fail("fakesheets models only userEnteredFormat.numberFormat, .wrapStrategy and .backgroundColor, not %q", f)
		}
		fields = append(fields, sub)
	}
	var format sheets.CellFormat
	if in.Cell != nil && in.Cell.UserEnteredFormat != nil {
		format = *in.Cell.UserEnteredFormat
	}
	if nf := format.NumberFormat; nf != nil && nf.Type != "" && !validNumberFormatTypes[nf.Type] {
		return fail("Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.number_format.type' (type.googleapis.com/google.apps.sheets.v4.NumberFormat.Type), %q", nf.Type)
	}
	if w := format.WrapStrategy; w != "" && w != "OVERFLOW_CELL" && w != "LEGACY_WRAP" && w != "CLIP" && w != "WRAP" {
		return fail("Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.wrap_strategy' (type.googleapis.com/google.apps.sheets.v4.WrapStrategy), %q", w)
	}
	l := sh.looksForWrite()
	l.cellFormats = append(l.cellFormats, rangeFormat{rng: gridRangeIn(in.Range, rawField(raw, "range")), fields: fields, format: format})
	return nil
}

var validNumberFormatTypes = map[string]bool{"TEXT": true, "NUMBER": true, "PERCENT": true, "CURRENCY": true, "DATE": true, "TIME": true, "DATE_TIME": true, "SCIENTIFIC": true}

// splitFields splits a FieldMask such as "userEnteredFormat(numberFormat,
// wrapStrategy)" into dotted paths.
func splitFields(mask string) []string {
	var out []string
	var walk func(prefix, s string)
	walk = func(prefix, s string) {
		depth, start := 0, 0
		emit := func(part string) {
			part = strings.TrimSpace(part)
			if part == "" {
				return
			}
			if i := strings.IndexByte(part, '('); i >= 0 && strings.HasSuffix(part, ")") {
				walk(prefix+part[:i]+".", part[i+1:len(part)-1])
				return
			}
			out = append(out, prefix+part)
		}
		for i, r := range s {
			switch r {
			case '(':
				depth++
			case ')':
				depth--
			case ',':
				if depth == 0 {
					emit(s[start:i])
					start = i + 1
				}
			}
		}
		emit(s[start:])
	}
	walk("", mask)
	return out
}

func updateDimensionProperties(ss *spreadsheet, raw json.RawMessage, fail func(string, ...any) *apiError) *apiError {
	var in sheets.UpdateDimensionPropertiesRequest
	if apiErr := strictDecode(raw, &in); apiErr != nil {
		return apiErr
	}
	if in.Range == nil {
		return fail("range is required (fakesheets does not model dataSourceSheetRange)")
	}
	sh := ss.sheetByID(in.Range.SheetId)
	if sh == nil {
		return fail("No grid with id: %d", in.Range.SheetId)
	}
	if in.Fields != "pixelSize" {
		return fail("fakesheets models only the pixelSize field, not %q", in.Fields)
	}
	if in.Range.Dimension != "COLUMNS" {
		return fail("fakesheets models only COLUMNS pixel sizes, not %q", in.Range.Dimension)
	}
	start, end := int(in.Range.StartIndex), int(in.Range.EndIndex)
	if start < 0 || end <= start || end > sh.colCount {
		return fail("range [%d, %d) is outside the sheet's %d columns", start, end, sh.colCount)
	}
	px := 0
	if in.Properties != nil {
		px = int(in.Properties.PixelSize)
	}
	if px < 0 {
		return fail("pixelSize must not be negative")
	}
	l := sh.looksForWrite()
	for c := start; c < end; c++ {
		l.colPixels[c] = px
	}
	return nil
}

func addConditionalFormatRule(ss *spreadsheet, raw json.RawMessage, fail func(string, ...any) *apiError) *apiError {
	var in sheets.AddConditionalFormatRuleRequest
	if apiErr := strictDecode(raw, &in); apiErr != nil {
		return apiErr
	}
	if in.Rule == nil || len(in.Rule.Ranges) == 0 {
		return fail("rule.ranges is required")
	}
	if (in.Rule.BooleanRule == nil) == (in.Rule.GradientRule == nil) {
		return fail("exactly one of booleanRule and gradientRule must be set")
	}
	var sh *sheet
	rawRanges := rawField(rawField(raw, "rule"), "ranges")
	var rangesRaw []json.RawMessage
	_ = json.Unmarshal(rawRanges, &rangesRaw)
	var rngs []gridRange
	for i, g := range in.Rule.Ranges {
		s := ss.sheetByID(g.SheetId)
		if s == nil {
			return fail("No grid with id: %d", g.SheetId)
		}
		if sh != nil && s != sh {
			return fail("All ranges of a conditional format rule must be on the same sheet")
		}
		sh = s
		var r json.RawMessage
		if i < len(rangesRaw) {
			r = rangesRaw[i]
		}
		rngs = append(rngs, gridRangeIn(g, r))
	}
	rule := rawField(raw, "rule")
	idx := int(in.Index)
	l := sh.looksForWrite()
	if idx < 0 || idx > len(l.conditional) {
		return fail("index %d is out of range [0, %d]", idx, len(l.conditional))
	}
	// Google echoes the rule with its ranges normalised; the raw rule is
	// close enough for a reader that checks ranges and conditions.
	l.conditional = insertAt(l.conditional, idx, rule)
	l.condRanges = insertAt(l.condRanges, idx, rngs)
	l.condRules = insertAt(l.condRules, idx, *in.Rule)
	return nil
}

func insertAt[T any](s []T, i int, v T) []T {
	s = append(s, v)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func (st *store) createDeveloperMetadata(ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
	var in sheets.CreateDeveloperMetadataRequest
	if apiErr := strictDecode(raw, &in); apiErr != nil {
		return nil, apiErr
	}
	dm := in.DeveloperMetadata
	if dm == nil || dm.MetadataKey == "" {
		return nil, fail("developerMetadata.metadataKey is required")
	}
	if dm.Location == nil || dm.Location.SheetId == 0 && !strings.Contains(string(raw), `"sheetId"`) {
		return nil, fail("fakesheets models only metadata located on a sheet (location.sheetId)")
	}
	if dm.Visibility != "DOCUMENT" && dm.Visibility != "PROJECT" {
		return nil, fail("developerMetadata.visibility must be DOCUMENT or PROJECT")
	}
	sh := ss.sheetByID(dm.Location.SheetId)
	if sh == nil {
		return nil, fail("No grid with id: %d", dm.Location.SheetId)
	}
	out := developerMetadataJSON{
		MetadataID: st.rng.Int64N(1<<31-2) + 1, MetadataKey: dm.MetadataKey, MetadataValue: dm.MetadataValue,
		Location:   map[string]any{"locationType": "SHEET", "sheetId": sh.id},
		Visibility: dm.Visibility,
	}
	l := sh.looksForWrite()
	l.metadata = append(l.metadata, out)
	return map[string]any{"createDeveloperMetadata": map[string]any{"developerMetadata": out}}, nil
}

// sheetLooksJSON adds a sheet's conditional formats and developer metadata
// to its rendering.
func (sh *sheet) sheetLooksJSON(sj *sheetJSON) {
	if sh.looks == nil {
		return
	}
	sj.ConditionalFormats = append(sj.ConditionalFormats, sh.looks.conditional...)
	sj.DeveloperMetadata = append(sj.DeveloperMetadata, sh.looks.metadata...)
}

// columnMetadata renders the pixel sizes of a grid rectangle's columns.
func (sh *sheet) columnMetadata(g gridRect) []columnMetadataJSON {
	out := make([]columnMetadataJSON, 0, g.c1-g.c0)
	for c := g.c0; c < g.c1; c++ {
		px := defaultPixelSize
		if sh.looks != nil {
			if v, ok := sh.looks.colPixels[c]; ok {
				px = v
			}
		}
		out = append(out, columnMetadataJSON{PixelSize: px})
	}
	return out
}

// cellLooks sets a grid cell's userEnteredFormat and effectiveFormat, and
// its formattedValue under a date format; it reports whether the cell has
// a format of its own (so an empty cell is still rendered).
func (sh *sheet) cellLooks(cd *cellDataJSON, r, c int, cv cell) bool {
	if sh.looks == nil {
		return false
	}
	var user sheets.CellFormat
	set := false
	for _, f := range sh.looks.cellFormats {
		if !f.rng.contains(sh.id, r, c) {
			continue
		}
		for _, field := range f.fields {
			set = true
			switch field {
			case "numberFormat":
				user.NumberFormat = f.format.NumberFormat
			case "wrapStrategy":
				user.WrapStrategy = f.format.WrapStrategy
			case "backgroundColor":
				user.BackgroundColor = f.format.BackgroundColor
			}
		}
	}
	effective := defaultCellFormat()
	if user.NumberFormat != nil {
		effective.NumberFormat = user.NumberFormat
	}
	if user.WrapStrategy != "" {
		effective.WrapStrategy = user.WrapStrategy
	}
	if user.BackgroundColor != nil {
		effective.BackgroundColor = user.BackgroundColor
	}
	// The first matching conditional rule wins, as in Google Sheets.
	for i, rule := range sh.looks.condRules {
		in := false
		for _, g := range sh.looks.condRanges[i] {
			in = in || g.contains(sh.id, r, c)
		}
		if in && rule.BooleanRule != nil && conditionHolds(rule.BooleanRule.Condition, cv) {
			if f := rule.BooleanRule.Format; f != nil && f.BackgroundColor != nil {
				effective.BackgroundColor = f.BackgroundColor
			}
			break
		}
	}
	if set {
		cd.UserEnteredFormat = &user
	}
	if set || !cv.empty() {
		cd.EffectiveFormat = effective
	}
	if nf := effective.NumberFormat; nf != nil && cv.kind == kindNumber && (nf.Type == "DATE" || nf.Type == "DATE_TIME") {
		cd.FormattedValue = formatDatePattern(cv.num, nf.Pattern)
	}
	return set
}

// defaultCellFormat is the effectiveFormat of an unformatted cell, as the
// cassettes show a new spreadsheet's defaultFormat.
func defaultCellFormat() *sheets.CellFormat {
	return &sheets.CellFormat{
		BackgroundColor:     &sheets.Color{Red: 1, Green: 1, Blue: 1},
		VerticalAlignment:   "BOTTOM",
		WrapStrategy:        "OVERFLOW_CELL",
		HorizontalAlignment: "",
	}
}

// conditionHolds evaluates the conditions the fake models on a cell.
func conditionHolds(cond *sheets.BooleanCondition, cv cell) bool {
	if cond == nil {
		return false
	}
	text := cv.text
	if cv.kind == kindNumber {
		text = formatGeneral(cv.num)
	}
	arg := ""
	if len(cond.Values) > 0 {
		arg = cond.Values[0].UserEnteredValue
	}
	switch cond.Type {
	case "TEXT_EQ":
		return cv.kind != kindEmpty && strings.EqualFold(text, arg)
	case "TEXT_CONTAINS":
		return cv.kind != kindEmpty && strings.Contains(strings.ToLower(text), strings.ToLower(arg))
	case "BLANK":
		return cv.empty()
	case "NOT_BLANK":
		return !cv.empty()
	}
	return false
}

// formatDatePattern renders a serial with the yyyy, mm, dd (and m, d)
// tokens of a Sheets date pattern; other characters are copied.
func formatDatePattern(serial float64, pattern string) string {
	if pattern == "" {
		return formatSerial(serial, numFormat{kind: fmtDate, layout: layoutYMDSlash})
	}
	t := sheetsEpoch.AddDate(0, 0, int(serial))
	var b strings.Builder
	for i := 0; i < len(pattern); {
		rest := pattern[i:]
		switch {
		case strings.HasPrefix(rest, "yyyy"):
			fmt.Fprintf(&b, "%04d", t.Year())
			i += 4
		case strings.HasPrefix(rest, "yy"):
			fmt.Fprintf(&b, "%02d", t.Year()%100)
			i += 2
		case strings.HasPrefix(rest, "mm"):
			fmt.Fprintf(&b, "%02d", int(t.Month()))
			i += 2
		case strings.HasPrefix(rest, "dd"):
			fmt.Fprintf(&b, "%02d", t.Day())
			i += 2
		case rest[0] == 'm':
			fmt.Fprintf(&b, "%d", int(t.Month()))
			i++
		case rest[0] == 'd':
			fmt.Fprintf(&b, "%d", t.Day())
			i++
		default:
			b.WriteByte(rest[0])
			i++
		}
	}
	return b.String()
}

// contains reports whether a 0-based cell of sheet id lies in the range.
func (g gridRange) contains(id int64, r, c int) bool {
	in := func(v int, start, end *int64) bool {
		return (start == nil || int64(v) >= *start) && (end == nil || int64(v) < *end)
	}
	return g.sheetID == id && in(r, g.startRow, g.endRow) && in(c, g.startColumn, g.endColumn)
}
