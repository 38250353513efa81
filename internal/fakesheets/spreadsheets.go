package fakesheets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// maxCells is Google's per-spreadsheet cell limit.
const maxCells = 10_000_000

type gridPropsJSON struct {
	RowCount          int  `json:"rowCount"`
	ColumnCount       int  `json:"columnCount"`
	FrozenRowCount    int  `json:"frozenRowCount,omitempty"`
	FrozenColumnCount int  `json:"frozenColumnCount,omitempty"`
	HideGridlines     bool `json:"hideGridlines,omitempty"`
}

// colorJSON uses float32 so values echo with Google's precision; zero
// channels are omitted as Google's proto JSON does.
type colorJSON struct {
	Red   float32  `json:"red,omitempty"`
	Green float32  `json:"green,omitempty"`
	Blue  float32  `json:"blue,omitempty"`
	Alpha *float32 `json:"alpha,omitempty"`
}

type colorStyleJSON struct {
	RgbColor *colorJSON `json:"rgbColor,omitempty"`
}

type sheetPropsJSON struct {
	SheetID        int64           `json:"sheetId"`
	Title          string          `json:"title"`
	Index          int             `json:"index"`
	SheetType      string          `json:"sheetType"`
	GridProperties gridPropsJSON   `json:"gridProperties"`
	Hidden         bool            `json:"hidden,omitempty"`
	TabColor       *colorJSON      `json:"tabColor,omitempty"`
	RightToLeft    bool            `json:"rightToLeft,omitempty"`
	TabColorStyle  *colorStyleJSON `json:"tabColorStyle,omitempty"`
}

type gridRangeJSON struct {
	SheetID          int64  `json:"sheetId,omitempty"`
	StartRowIndex    *int64 `json:"startRowIndex,omitempty"`
	EndRowIndex      *int64 `json:"endRowIndex,omitempty"`
	StartColumnIndex *int64 `json:"startColumnIndex,omitempty"`
	EndColumnIndex   *int64 `json:"endColumnIndex,omitempty"`
}

type editorsJSON struct {
	Users              []string `json:"users,omitempty"`
	Groups             []string `json:"groups,omitempty"`
	DomainUsersCanEdit bool     `json:"domainUsersCanEdit,omitempty"`
}

type protectedRangeJSON struct {
	ProtectedRangeID      int64         `json:"protectedRangeId"`
	Range                 gridRangeJSON `json:"range"`
	Description           string        `json:"description,omitempty"`
	WarningOnly           bool          `json:"warningOnly,omitempty"`
	RequestingUserCanEdit bool          `json:"requestingUserCanEdit,omitempty"`
	Editors               *editorsJSON  `json:"editors,omitempty"`
}

type cellDataJSON struct {
	UserEnteredValue map[string]any  `json:"userEnteredValue,omitempty"`
	EffectiveValue   map[string]any  `json:"effectiveValue,omitempty"`
	FormattedValue   string          `json:"formattedValue,omitempty"`
	DataValidation   json.RawMessage `json:"dataValidation,omitempty"`
	// Formats: see format.go.
	UserEnteredFormat *sheets.CellFormat `json:"userEnteredFormat,omitempty"`
	EffectiveFormat   *sheets.CellFormat `json:"effectiveFormat,omitempty"`
}

type rowDataJSON struct {
	Values []cellDataJSON `json:"values,omitempty"`
}

type gridDataJSON struct {
	StartRow    int           `json:"startRow,omitempty"`
	StartColumn int           `json:"startColumn,omitempty"`
	RowData     []rowDataJSON `json:"rowData,omitempty"`
	// ColumnMetadata: see format.go.
	ColumnMetadata []columnMetadataJSON `json:"columnMetadata,omitempty"`
}

type sheetJSON struct {
	Properties      sheetPropsJSON       `json:"properties"`
	Data            []gridDataJSON       `json:"data,omitempty"`
	ProtectedRanges []protectedRangeJSON `json:"protectedRanges,omitempty"`
	// ConditionalFormats and DeveloperMetadata: see format.go.
	ConditionalFormats []json.RawMessage       `json:"conditionalFormats,omitempty"`
	DeveloperMetadata  []developerMetadataJSON `json:"developerMetadata,omitempty"`
}

type spreadsheetPropsJSON struct {
	Title      string `json:"title"`
	Locale     string `json:"locale"`
	AutoRecalc string `json:"autoRecalc"`
	TimeZone   string `json:"timeZone"`
}

type spreadsheetJSON struct {
	SpreadsheetID  string               `json:"spreadsheetId"`
	Properties     spreadsheetPropsJSON `json:"properties"`
	Sheets         []sheetJSON          `json:"sheets"`
	SpreadsheetURL string               `json:"spreadsheetUrl"`
}

func colorOut(c *rgbColor) *colorJSON {
	if c == nil {
		return nil
	}
	out := &colorJSON{Red: c.red, Green: c.green, Blue: c.blue}
	if c.hasAlpha {
		a := c.alpha
		out.Alpha = &a
	}
	return out
}

func (ss *spreadsheet) sheetProps(sh *sheet) sheetPropsJSON {
	p := sheetPropsJSON{
		SheetID: sh.id, Title: sh.title, Index: ss.sheetIndex(sh), SheetType: "GRID",
		GridProperties: gridPropsJSON{
			RowCount: sh.rowCount, ColumnCount: sh.colCount,
			FrozenRowCount: sh.frozenRows, FrozenColumnCount: sh.frozenCols,
			HideGridlines: sh.hideGridlines,
		},
		Hidden: sh.hidden, RightToLeft: sh.rightToLeft,
	}
	if sh.tabColor != nil {
		// Google mirrors the deprecated tabColor next to tabColorStyle.
		p.TabColor = colorOut(sh.tabColor)
		p.TabColorStyle = &colorStyleJSON{RgbColor: colorOut(sh.tabColor)}
	}
	return p
}

func gridRangeOut(g gridRange) gridRangeJSON {
	return gridRangeJSON{SheetID: g.sheetID, StartRowIndex: g.startRow, EndRowIndex: g.endRow,
		StartColumnIndex: g.startColumn, EndColumnIndex: g.endColumn}
}

func (s *Server) protectedOut(p *protectedRange, withCaller bool) protectedRangeJSON {
	out := protectedRangeJSON{ProtectedRangeID: p.id, Range: gridRangeOut(p.rng),
		Description: p.description, WarningOnly: p.warningOnly, RequestingUserCanEdit: p.callerCanEdit(s.cfg.callerEmail)}
	if p.warningOnly || !out.RequestingUserCanEdit {
		// Google shows the editors only to those who may edit the range.
		return out
	}
	ed := &editorsJSON{Groups: p.editorsGroups, DomainUsersCanEdit: p.domainUsers}
	ed.Users = append(ed.Users, p.editorsUsers...)
	// The reply to addProtectedRange shows the editors as requested; a later
	// get shows Google having added the caller.
	if withCaller && !contains(ed.Users, s.cfg.callerEmail) {
		ed.Users = append([]string{s.cfg.callerEmail}, ed.Users...)
	}
	out.Editors = ed
	return out
}

// toJSON renders the spreadsheet. rects, when given, select the sheets (and
// grid data) like the "ranges" parameter of spreadsheets.get.
func (s *Server) toJSON(ss *spreadsheet, rects []gridRect, includeGrid bool) spreadsheetJSON {
	out := spreadsheetJSON{
		SpreadsheetID:  ss.id,
		Properties:     spreadsheetPropsJSON{Title: ss.title, Locale: ss.locale, AutoRecalc: "ON_CHANGE", TimeZone: ss.timeZone},
		Sheets:         []sheetJSON{},
		SpreadsheetURL: "https://docs.google.com/spreadsheets/d/" + ss.id + "/edit",
	}
	for _, sh := range ss.sheets {
		var mine []gridRect
		for _, g := range rects {
			if g.sheet == sh {
				mine = append(mine, g)
			}
		}
		if len(rects) > 0 && len(mine) == 0 {
			continue
		}
		sj := sheetJSON{Properties: ss.sheetProps(sh)}
		for _, p := range sh.protected {
			sj.ProtectedRanges = append(sj.ProtectedRanges, s.protectedOut(p, true))
		}
		sh.sheetLooksJSON(&sj)
		if includeGrid {
			if len(mine) == 0 {
				mine = []gridRect{{sheet: sh, r1: sh.rowCount, c1: sh.colCount}}
			}
			for _, g := range mine {
				sj.Data = append(sj.Data, ss.gridData(g))
			}
		}
		out.Sheets = append(out.Sheets, sj)
	}
	return out
}

// gridData renders cell values of a rectangle for includeGridData, with
// each cell's data validation as Google returns it (so a client can see
// its dropdowns). Formats and row/column metadata are not rendered.
func (ss *spreadsheet) gridData(g gridRect) gridDataJSON {
	gd := gridDataJSON{StartRow: g.r0, StartColumn: g.c0, ColumnMetadata: g.sheet.columnMetadata(g)}
	ev := ss.newEval()
	validated := len(g.sheet.validations) > 0 || g.sheet.looks != nil
	maxRow := min(g.r1, len(g.sheet.rows))
	if validated {
		maxRow = g.r1 // an empty cell can carry a dropdown
	}
	for r := g.r0; r < maxRow; r++ {
		var row []cell
		if r < len(g.sheet.rows) {
			row = g.sheet.rows[r]
		}
		var rd rowDataJSON
		last := -1
		maxCol := min(g.c1, len(row))
		if validated {
			maxCol = g.c1
		}
		for c := g.c0; c < maxCol; c++ {
			var cv cell
			if c < len(row) {
				cv = row[c]
			}
			var cd cellDataJSON
			if !cv.empty() {
				cd.UserEnteredValue = extendedValue(cv)
				at := ev.at(g.sheet, r, c)
				cd.EffectiveValue = extendedValue(at(cv))
				if f, ok := renderCell(cv, renderOpts{}, at).(string); ok {
					cd.FormattedValue = f
				}
				last = c - g.c0
			}
			if g.sheet.cellLooks(&cd, r, c, cv) {
				last = c - g.c0
			}
			if rule := g.sheet.validationAt(r, c); rule != nil {
				cd.DataValidation = rule
				last = c - g.c0
			}
			rd.Values = append(rd.Values, cd)
		}
		rd.Values = rd.Values[:last+1]
		gd.RowData = append(gd.RowData, rd)
	}
	return gd
}

// validationAt returns the rule covering a 0-based cell, the latest set.
func (sh *sheet) validationAt(r, c int) json.RawMessage {
	in := func(v int, start, end *int64) bool {
		return (start == nil || int64(v) >= *start) && (end == nil || int64(v) < *end)
	}
	for i := len(sh.validations) - 1; i >= 0; i-- {
		v := sh.validations[i]
		if v.rng.sheetID == sh.id && in(r, v.rng.startRow, v.rng.endRow) && in(c, v.rng.startColumn, v.rng.endColumn) {
			return v.rule
		}
	}
	return nil
}

func extendedValue(c cell) map[string]any {
	switch c.kind {
	case kindText:
		return map[string]any{"stringValue": c.text}
	case kindNumber:
		return map[string]any{"numberValue": c.num}
	case kindBool:
		return map[string]any{"boolValue": c.bool}
	case kindFormula:
		return map[string]any{"formulaValue": c.text}
	case kindError:
		return map[string]any{"errorValue": map[string]any{"type": "ERROR", "message": c.text}}
	}
	return nil
}

// strictDecode decodes JSON into a real sheets type, rejecting unknown field
// names like Google does.
func strictDecode(raw []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			return badRequest("Invalid JSON payload received. Unknown name %s: Cannot find field.", name)
		}
		return badRequest("Invalid JSON payload received. %s", msg)
	}
	return nil
}

func (s *Server) handleCreate(req *apiRequest) (any, *apiError) {
	var in sheets.Spreadsheet
	if len(bytes.TrimSpace(req.body)) > 0 {
		if apiErr := strictDecode(req.body, &in); apiErr != nil {
			return nil, apiErr
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	title := "Untitled spreadsheet"
	ss := &spreadsheet{id: s.newSpreadsheetID(), locale: "en_US", timeZone: "Etc/GMT"}
	if in.Properties != nil {
		if in.Properties.Title != "" {
			title = in.Properties.Title
		}
		if in.Properties.Locale != "" {
			ss.locale = in.Properties.Locale
		}
		if in.Properties.TimeZone != "" {
			ss.timeZone = in.Properties.TimeZone
		}
	}
	ss.title = title
	for i, sh := range in.Sheets {
		if sh == nil {
			continue
		}
		if len(sh.Data) > 0 {
			return nil, &apiError{code: http.StatusNotImplemented, status: "UNIMPLEMENTED",
				message: "fakesheets: initial grid data in spreadsheets.create is not implemented; write values after creating"}
		}
		p := sh.Properties
		if p == nil {
			p = &sheets.SheetProperties{}
		}
		rows, cols := defaultRows, defaultCols
		if p.GridProperties != nil {
			if p.GridProperties.RowCount > 0 {
				rows = int(p.GridProperties.RowCount)
			}
			if p.GridProperties.ColumnCount > 0 {
				cols = int(p.GridProperties.ColumnCount)
			}
		}
		id := p.SheetId
		if id == 0 && i > 0 || ss.sheetByID(id) != nil {
			id = ss.newSheetID(s.rng)
		}
		t := p.Title
		if t == "" {
			t = nextSheetTitle(ss)
		}
		if ss.sheetByTitle(t) != nil {
			return nil, badRequest("Invalid sheets[%d]: A sheet with the name %q already exists. Please enter another name.", i, t)
		}
		nsh := newSheet(id, t, rows, cols)
		nsh.hidden = p.Hidden
		if p.GridProperties != nil {
			nsh.frozenRows = int(p.GridProperties.FrozenRowCount)
			nsh.frozenCols = int(p.GridProperties.FrozenColumnCount)
			nsh.hideGridlines = p.GridProperties.HideGridlines
		}
		ss.sheets = append(ss.sheets, nsh)
	}
	if len(ss.sheets) == 0 {
		ss.sheets = []*sheet{newSheet(0, "Sheet1", defaultRows, defaultCols)}
	}
	s.spreadsheets[ss.id] = ss
	return s.toJSON(ss, nil, false), nil
}

// nextSheetTitle names an untitled sheet "SheetN" like Google.
func nextSheetTitle(ss *spreadsheet) string {
	for n := len(ss.sheets) + 1; ; n++ {
		t := "Sheet" + strconv.Itoa(n)
		if ss.sheetByTitle(t) == nil {
			return t
		}
	}
}

func (s *Server) handleGet(req *apiRequest) (any, *apiError) {
	include, apiErr := boolParam(req.query, "includeGridData", "include_grid_data")
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	var rects []gridRect
	for _, raw := range req.query["ranges"] {
		g, err := ss.resolve(raw)
		if err != nil {
			return nil, badRequest("%s", err.Error())
		}
		rects = append(rects, g)
	}
	return s.toJSON(ss, rects, include), nil
}

// googleRequestKinds lists every request kind of spreadsheets.batchUpdate,
// taken from the real client's Request type, so a kind Google knows but the
// fake lacks answers 501 instead of "unknown name".
var googleRequestKinds = func() map[string]bool {
	kinds := map[string]bool{}
	t := reflect.TypeOf(sheets.Request{})
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			kinds[name] = true
		}
	}
	return kinds
}()

type batchUpdateJSON struct {
	SpreadsheetID      string           `json:"spreadsheetId"`
	Replies            []map[string]any `json:"replies"`
	UpdatedSpreadsheet *spreadsheetJSON `json:"updatedSpreadsheet,omitempty"`
}

func (s *Server) handleBatchUpdate(req *apiRequest) (any, *apiError) {
	fields, apiErr := decodeObject(req.body, "requests", "includeSpreadsheetInResponse", "responseRanges", "responseIncludeGridData")
	if apiErr != nil {
		return nil, apiErr
	}
	var requests []map[string]json.RawMessage
	if !isNull(fields["requests"]) {
		if err := json.Unmarshal(fields["requests"], &requests); err != nil {
			return nil, fieldViolation("requests", "Invalid value at 'requests' (type.googleapis.com/google.apps.sheets.v4.Request), "+firstLine(fields["requests"]))
		}
	}
	var includeSS, includeGrid bool
	var respRanges []string
	if !isNull(fields["includeSpreadsheetInResponse"]) {
		if err := json.Unmarshal(fields["includeSpreadsheetInResponse"], &includeSS); err != nil {
			return nil, badRequest("Invalid value at 'include_spreadsheet_in_response' (TYPE_BOOL), %s", fields["includeSpreadsheetInResponse"])
		}
	}
	if !isNull(fields["responseIncludeGridData"]) {
		if err := json.Unmarshal(fields["responseIncludeGridData"], &includeGrid); err != nil {
			return nil, badRequest("Invalid value at 'response_include_grid_data' (TYPE_BOOL), %s", fields["responseIncludeGridData"])
		}
	}
	if !isNull(fields["responseRanges"]) {
		if err := json.Unmarshal(fields["responseRanges"], &respRanges); err != nil {
			return nil, badRequest("Invalid value at 'response_ranges' (TYPE_STRING), %s", fields["responseRanges"])
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(requests) == 0 {
		return nil, badRequest("Must specify at least one request.")
	}
	// Requests apply atomically: all on a copy, swapped in at the end.
	work := ss.clone()
	out := batchUpdateJSON{SpreadsheetID: ss.id, Replies: []map[string]any{}}
	for i, r := range requests {
		if len(r) != 1 {
			return nil, badRequest("Invalid requests[%d]: exactly one kind of request must be set, found %d", i, len(r))
		}
		for kind, raw := range r {
			reply, apiErr := s.applyRequest(work, i, kind, raw)
			if apiErr != nil {
				return nil, apiErr
			}
			if reply == nil {
				reply = map[string]any{}
			}
			out.Replies = append(out.Replies, reply)
		}
	}
	for _, sh := range work.sheets {
		if sh.colCount > maxColumns {
			return nil, badRequest("This action would increase the number of columns in the sheet above the limit of %d columns.", maxColumns)
		}
	}
	if total := totalCells(work); total > maxCells {
		return nil, badRequest("This action would increase the number of cells in the workbook above the limit of %d cells.", maxCells)
	}
	s.spreadsheets[ss.id] = work
	if includeSS {
		var rects []gridRect
		for _, raw := range respRanges {
			g, err := work.resolve(raw)
			if err != nil {
				return nil, badRequest("%s", err.Error())
			}
			rects = append(rects, g)
		}
		js := s.toJSON(work, rects, includeGrid)
		out.UpdatedSpreadsheet = &js
	}
	return out, nil
}

func totalCells(ss *spreadsheet) int {
	n := 0
	for _, sh := range ss.sheets {
		n += sh.rowCount * sh.colCount
	}
	return n
}

func (s *Server) applyRequest(ss *spreadsheet, i int, kind string, raw json.RawMessage) (map[string]any, *apiError) {
	fail := func(format string, args ...any) *apiError {
		return badRequest("Invalid requests[%d].%s: %s", i, kind, fmt.Sprintf(format, args...))
	}
	if reply, ok, apiErr := s.applyFormatRequest(ss, kind, raw, fail); ok {
		return reply, apiErr
	}
	switch kind {
	case "addSheet":
		return s.addSheet(ss, raw, fail)
	case "deleteSheet":
		var in sheets.DeleteSheetRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return nil, apiErr
		}
		sh := ss.sheetByID(in.SheetId)
		if sh == nil {
			return nil, fail("No grid with id: %d", in.SheetId)
		}
		if len(ss.sheets) == 1 {
			return nil, fail("You can't remove all the sheets in a document.")
		}
		ss.sheets = append(ss.sheets[:ss.sheetIndex(sh)], ss.sheets[ss.sheetIndex(sh)+1:]...)
		return nil, nil
	case "updateSheetProperties":
		return nil, updateSheetProperties(ss, raw, fail)
	case "updateSpreadsheetProperties":
		var in sheets.UpdateSpreadsheetPropertiesRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return nil, apiErr
		}
		if in.Fields == "" {
			return nil, fail("No fields specified.")
		}
		p := in.Properties
		if p == nil {
			p = &sheets.SpreadsheetProperties{}
		}
		for _, f := range strings.Split(in.Fields, ",") {
			switch strings.TrimSpace(f) {
			case "title":
				ss.title = p.Title
			case "locale":
				ss.locale = p.Locale
			case "timeZone":
				ss.timeZone = p.TimeZone
			case "*":
				ss.title, ss.locale, ss.timeZone = p.Title, p.Locale, p.TimeZone
			default:
				return nil, fail("fakesheets supports only title, locale and timeZone, not %q", f)
			}
		}
		return nil, nil
	case "setDataValidation":
		var in sheets.SetDataValidationRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return nil, apiErr
		}
		if in.Range == nil {
			return nil, fail("range is required")
		}
		sh := ss.sheetByID(in.Range.SheetId)
		if sh == nil {
			return nil, fail("No grid with id: %d", in.Range.SheetId)
		}
		rng := gridRangeIn(in.Range, rawField(raw, "range"))
		var kept []validationRule
		for _, v := range sh.validations {
			if !sameRange(v.rng, rng) {
				kept = append(kept, v)
			}
		}
		sh.validations = kept
		if in.Rule != nil {
			rule, err := json.Marshal(in.Rule)
			if err != nil {
				return nil, fail("encoding rule: %v", err)
			}
			sh.validations = append(sh.validations, validationRule{rng: rng, rule: rule})
		}
		return nil, nil
	case "addProtectedRange":
		var in sheets.AddProtectedRangeRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return nil, apiErr
		}
		if in.ProtectedRange == nil || in.ProtectedRange.Range == nil {
			return nil, fail("protectedRange.range is required")
		}
		pr := in.ProtectedRange
		sh := ss.sheetByID(pr.Range.SheetId)
		if sh == nil {
			return nil, fail("No grid with id: %d", pr.Range.SheetId)
		}
		p := &protectedRange{
			id:          s.rng.Int64N(1<<31-2) + 1,
			rng:         gridRangeIn(pr.Range, rawField(rawField(raw, "protectedRange"), "range")),
			description: pr.Description,
			warningOnly: pr.WarningOnly,
		}
		if pr.Editors != nil {
			p.editorsUsers = pr.Editors.Users
			p.editorsGroups = pr.Editors.Groups
			p.domainUsers = pr.Editors.DomainUsersCanEdit
		}
		sh.protected = append(sh.protected, p)
		return map[string]any{"addProtectedRange": map[string]any{"protectedRange": s.protectedOut(p, false)}}, nil
	case "appendDimension":
		var in sheets.AppendDimensionRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return nil, apiErr
		}
		sh := ss.sheetByID(in.SheetId)
		if sh == nil {
			return nil, fail("No grid with id: %d", in.SheetId)
		}
		if in.Length <= 0 {
			return nil, fail("length must be greater than 0.")
		}
		switch in.Dimension {
		case "ROWS":
			sh.rowCount += int(in.Length)
		case "COLUMNS":
			sh.colCount += int(in.Length)
		default:
			return nil, fail("dimension must be ROWS or COLUMNS")
		}
		return nil, nil
	case "insertDimension", "deleteDimension":
		return nil, changeDimension(ss, kind, raw, fail)
	}
	if googleRequestKinds[kind] {
		return nil, &apiError{code: http.StatusNotImplemented, status: "UNIMPLEMENTED",
			message: fmt.Sprintf("fakesheets: requests[%d].%s is not implemented", i, kind)}
	}
	return nil, badRequest("Invalid JSON payload received. Unknown name %q at 'requests[%d]': Cannot find field.", kind, i)
}

// rawField returns a member of a JSON object, or nil.
func rawField(raw json.RawMessage, name string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m[name]
}

// gridRangeIn converts a GridRange, using raw to tell an explicit 0 from an
// absent (unbounded) index, which the generated struct cannot.
func gridRangeIn(g *sheets.GridRange, raw json.RawMessage) gridRange {
	var present map[string]json.RawMessage
	_ = json.Unmarshal(raw, &present)
	opt := func(name string, v int64) *int64 {
		if _, ok := present[name]; !ok && v == 0 {
			return nil
		}
		return &v
	}
	return gridRange{
		sheetID:     g.SheetId,
		startRow:    opt("startRowIndex", g.StartRowIndex),
		endRow:      opt("endRowIndex", g.EndRowIndex),
		startColumn: opt("startColumnIndex", g.StartColumnIndex),
		endColumn:   opt("endColumnIndex", g.EndColumnIndex),
	}
}

func sameRange(a, b gridRange) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.sheetID == b.sheetID && eq(a.startRow, b.startRow) && eq(a.endRow, b.endRow) &&
		eq(a.startColumn, b.startColumn) && eq(a.endColumn, b.endColumn)
}

func (s *Server) addSheet(ss *spreadsheet, raw json.RawMessage, fail func(string, ...any) *apiError) (map[string]any, *apiError) {
	var in sheets.AddSheetRequest
	if apiErr := strictDecode(raw, &in); apiErr != nil {
		return nil, apiErr
	}
	p := in.Properties
	if p == nil {
		p = &sheets.SheetProperties{}
	}
	present := map[string]json.RawMessage{}
	_ = json.Unmarshal(rawField(raw, "properties"), &present)
	title := p.Title
	if title == "" {
		title = nextSheetTitle(ss)
	}
	if ss.sheetByTitle(title) != nil {
		return nil, fail("A sheet with the name %q already exists. Please enter another name.", title)
	}
	id := p.SheetId
	if _, given := present["sheetId"]; given {
		if ss.sheetByID(id) != nil {
			return nil, fail("Sheet with id %d already exists.", id)
		}
		if id < 0 {
			return nil, fail("sheetId must be non-negative.")
		}
	} else {
		id = ss.newSheetID(s.rng)
	}
	rows, cols := defaultRows, defaultCols
	if gp := p.GridProperties; gp != nil {
		if gp.RowCount < 0 || gp.ColumnCount < 0 {
			return nil, fail("Invalid grid properties: counts must be positive.")
		}
		if gp.RowCount > 0 {
			rows = int(gp.RowCount)
		}
		if gp.ColumnCount > 0 {
			cols = int(gp.ColumnCount)
		}
	}
	sh := newSheet(id, title, rows, cols)
	sh.hidden = p.Hidden
	sh.rightToLeft = p.RightToLeft
	if gp := p.GridProperties; gp != nil {
		sh.frozenRows, sh.frozenCols, sh.hideGridlines = int(gp.FrozenRowCount), int(gp.FrozenColumnCount), gp.HideGridlines
	}
	if c := colorIn(p.TabColorStyle, p.TabColor); c != nil {
		sh.tabColor = c
	}
	at := len(ss.sheets)
	if _, given := present["index"]; given && int(p.Index) < at && p.Index >= 0 {
		at = int(p.Index)
	}
	ss.sheets = append(ss.sheets, nil)
	copy(ss.sheets[at+1:], ss.sheets[at:])
	ss.sheets[at] = sh
	return map[string]any{"addSheet": map[string]any{"properties": ss.sheetProps(sh)}}, nil
}

func colorIn(style *sheets.ColorStyle, plain *sheets.Color) *rgbColor {
	c := plain
	if style != nil && style.RgbColor != nil {
		c = style.RgbColor
	}
	if c == nil {
		return nil
	}
	out := &rgbColor{red: float32(c.Red), green: float32(c.Green), blue: float32(c.Blue)}
	if c.Alpha != 0 {
		out.alpha, out.hasAlpha = float32(c.Alpha), true
	}
	return out
}

// updateSheetProperties applies the fields mask; paths may use '/' or '.'.
// "*" updates every field present in the request (Google would also reset
// absent ones to defaults).
func updateSheetProperties(ss *spreadsheet, raw json.RawMessage, fail func(string, ...any) *apiError) *apiError {
	var in sheets.UpdateSheetPropertiesRequest
	if apiErr := strictDecode(raw, &in); apiErr != nil {
		return apiErr
	}
	p := in.Properties
	if p == nil {
		return fail("properties is required")
	}
	sh := ss.sheetByID(p.SheetId)
	if sh == nil {
		return fail("No grid with id: %d", p.SheetId)
	}
	if strings.TrimSpace(in.Fields) == "" {
		return fail("No fields specified.")
	}
	gp := p.GridProperties
	if gp == nil {
		gp = &sheets.GridProperties{}
	}
	var paths []string
	for _, f := range strings.Split(in.Fields, ",") {
		f = strings.ReplaceAll(strings.TrimSpace(f), "/", ".")
		if f != "*" {
			paths = append(paths, f)
			continue
		}
		// Expand "*" to what the request carries.
		present := map[string]json.RawMessage{}
		_ = json.Unmarshal(rawField(raw, "properties"), &present)
		for k := range present {
			if k == "gridProperties" {
				gpPresent := map[string]json.RawMessage{}
				_ = json.Unmarshal(present[k], &gpPresent)
				for g := range gpPresent {
					paths = append(paths, "gridProperties."+g)
				}
				continue
			}
			if k != "sheetId" && k != "sheetType" {
				paths = append(paths, k)
			}
		}
	}
	rows, cols := sh.rowCount, sh.colCount
	for _, f := range paths {
		switch f {
		case "title":
			if p.Title == "" {
				return fail("Sheet name cannot be empty.")
			}
			if other := ss.sheetByTitle(p.Title); other != nil && other != sh && other.title == p.Title {
				return fail("A sheet with the name %q already exists. Please enter another name.", p.Title)
			}
			sh.title = p.Title
		case "index":
			moveSheet(ss, sh, int(p.Index))
		case "hidden":
			sh.hidden = p.Hidden
			visible := 0
			for _, o := range ss.sheets {
				if !o.hidden {
					visible++
				}
			}
			if visible == 0 {
				return fail("You can't hide all the sheets in a document.")
			}
		case "rightToLeft":
			sh.rightToLeft = p.RightToLeft
		case "tabColor", "tabColorStyle":
			sh.tabColor = colorIn(p.TabColorStyle, p.TabColor)
		case "gridProperties":
			rows, cols = int(gp.RowCount), int(gp.ColumnCount)
			sh.frozenRows, sh.frozenCols, sh.hideGridlines = int(gp.FrozenRowCount), int(gp.FrozenColumnCount), gp.HideGridlines
		case "gridProperties.rowCount":
			rows = int(gp.RowCount)
		case "gridProperties.columnCount":
			cols = int(gp.ColumnCount)
		case "gridProperties.frozenRowCount":
			sh.frozenRows = int(gp.FrozenRowCount)
		case "gridProperties.frozenColumnCount":
			sh.frozenCols = int(gp.FrozenColumnCount)
		case "gridProperties.hideGridlines":
			sh.hideGridlines = gp.HideGridlines
		case "gridProperties.rowGroupControlAfter", "gridProperties.columnGroupControlAfter":
			// Group controls have no effect on values; accepted and ignored.
		default:
			return fail("fakesheets does not support field mask path %q", f)
		}
	}
	if rows < 1 || cols < 1 {
		return fail("Invalid grid properties: rowCount and columnCount must be at least 1.")
	}
	if rows != sh.rowCount || cols != sh.colCount {
		sh.resize(rows, cols)
		sh.shiftProtected()
	}
	if sh.frozenRows >= sh.rowCount && sh.frozenRows > 0 {
		return fail("You can't freeze all visible rows on the sheet.")
	}
	if sh.frozenCols >= sh.colCount && sh.frozenCols > 0 {
		return fail("You can't freeze all visible columns on the sheet.")
	}
	return nil
}

// moveSheet places sh at index idx counted before the move, as Google
// documents: moving S1 of (S1,S2,S3) behind S2 takes index 2.
func moveSheet(ss *spreadsheet, sh *sheet, idx int) {
	from := ss.sheetIndex(sh)
	if idx > from {
		idx--
	}
	idx = max(0, min(idx, len(ss.sheets)-1))
	rest := append(append([]*sheet(nil), ss.sheets[:from]...), ss.sheets[from+1:]...)
	ss.sheets = append(append(append([]*sheet(nil), rest[:idx]...), sh), rest[idx:]...)
}

// changeDimension handles insertDimension and deleteDimension.
func changeDimension(ss *spreadsheet, kind string, raw json.RawMessage, fail func(string, ...any) *apiError) *apiError {
	var dr *sheets.DimensionRange
	if kind == "insertDimension" {
		var in sheets.InsertDimensionRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return apiErr
		}
		dr = in.Range
	} else {
		var in sheets.DeleteDimensionRequest
		if apiErr := strictDecode(raw, &in); apiErr != nil {
			return apiErr
		}
		dr = in.Range
	}
	if dr == nil {
		return fail("range is required")
	}
	sh := ss.sheetByID(dr.SheetId)
	if sh == nil {
		return fail("No grid with id: %d", dr.SheetId)
	}
	start, end := int(dr.StartIndex), int(dr.EndIndex)
	size := sh.rowCount
	if dr.Dimension == "COLUMNS" {
		size = sh.colCount
	} else if dr.Dimension != "ROWS" {
		return fail("range.dimension must be ROWS or COLUMNS")
	}
	if start < 0 || end <= start {
		return fail("range.startIndex must be less than range.endIndex")
	}
	n := end - start
	if kind == "insertDimension" {
		if start > size {
			return fail("range.startIndex (%d) must be less than or equal to the grid size (%d).", start, size)
		}
		if dr.Dimension == "ROWS" {
			sh.insertRows(start, n)
		} else {
			sh.insertCols(start, n)
		}
		return nil
	}
	if end > size {
		return fail("range.endIndex (%d) must be less than or equal to the grid size (%d).", end, size)
	}
	if n == size {
		if dr.Dimension == "ROWS" {
			return fail("You can't delete all the rows on the sheet.")
		}
		return fail("You can't delete all the columns on the sheet.")
	}
	if dr.Dimension == "ROWS" {
		sh.deleteRows(start, n)
	} else {
		sh.deleteCols(start, n)
	}
	return nil
}
