package fakesheets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// requestFunc applies one request of spreadsheets.batchUpdate to a working
// copy of the spreadsheet and returns its reply (nil for an empty one);
// fail words a refusal as Google does ("Invalid requests[i].kind: ...").
type requestFunc func(st *store, ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError)

type failFunc func(format string, args ...any) *apiError

// requestKinds are the batchUpdate requests the fake models: those init
// and the sync send. Another kind Google knows answers 501; add it here to
// model it.
var requestKinds = map[string]requestFunc{
	"addSheet": (*store).addSheet,
	"updateSheetProperties": func(st *store, ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
		return nil, updateSheetProperties(ss, raw, fail)
	},
	"setDataValidation": (*store).setDataValidation,
	"addProtectedRange": (*store).addProtectedRange,
	"appendDimension":   (*store).appendDimension,
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

// batchUpdate is spreadsheets.batchUpdate. Requests apply atomically: all
// on a copy, swapped in at the end.
func (st *store) batchUpdate(id string, requests []map[string]json.RawMessage, includeSS bool, respRanges []string, includeGrid bool) (batchUpdateJSON, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, apiErr := st.lookup(id)
	if apiErr != nil {
		return batchUpdateJSON{}, apiErr
	}
	if len(requests) == 0 {
		return batchUpdateJSON{}, badRequest("Must specify at least one request.")
	}
	work := ss.clone()
	out := batchUpdateJSON{SpreadsheetID: ss.id, Replies: []map[string]any{}}
	for i, r := range requests {
		for kind, raw := range r {
			reply, apiErr := st.applyRequest(work, i, kind, raw)
			if apiErr != nil {
				return batchUpdateJSON{}, apiErr
			}
			if reply == nil {
				reply = map[string]any{}
			}
			out.Replies = append(out.Replies, reply)
		}
	}
	for _, sh := range work.sheets {
		if sh.colCount > maxColumns {
			return batchUpdateJSON{}, badRequest("This action would increase the number of columns in the sheet above the limit of %d columns.", maxColumns)
		}
	}
	if total := totalCells(work); total > maxCells {
		return batchUpdateJSON{}, badRequest("This action would increase the number of cells in the workbook above the limit of %d cells.", maxCells)
	}
	st.spreadsheets[ss.id] = work
	if includeSS {
		var rects []gridRect
		for _, raw := range respRanges {
			g, err := work.resolve(raw)
			if err != nil {
				return batchUpdateJSON{}, badRequest("%s", err.Error())
			}
			rects = append(rects, g)
		}
		js := st.toJSON(work, rects, includeGrid)
		out.UpdatedSpreadsheet = &js
	}
	return out, nil
}

// maxCells is Google's per-spreadsheet cell limit.
const maxCells = 10_000_000

func totalCells(ss *spreadsheet) int {
	n := 0
	for _, sh := range ss.sheets {
		n += sh.rowCount * sh.colCount
	}
	return n
}

func (st *store) applyRequest(ss *spreadsheet, i int, kind string, raw json.RawMessage) (map[string]any, *apiError) {
	fail := func(format string, args ...any) *apiError {
		return badRequest("Invalid requests[%d].%s: %s", i, kind, fmt.Sprintf(format, args...))
	}
	if apply, ok := requestKinds[kind]; ok {
		return apply(st, ss, raw, fail)
	}
	if googleRequestKinds[kind] {
		return nil, &apiError{code: http.StatusNotImplemented, status: "UNIMPLEMENTED",
			message: fmt.Sprintf("fakesheets: requests[%d].%s is not implemented", i, kind)}
	}
	return nil, badRequest("Invalid JSON payload received. Unknown name %q at 'requests[%d]': Cannot find field.", kind, i)
}

func (st *store) setDataValidation(ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
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
}

func (st *store) addProtectedRange(ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
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
		id:          st.rng.Int64N(1<<31-2) + 1,
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
	return map[string]any{"addProtectedRange": map[string]any{"protectedRange": st.protectedOut(p, false)}}, nil
}

// appendDimension grows the grid, as the sync does before writing past it.
func (st *store) appendDimension(ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
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
}

func (st *store) addSheet(ss *spreadsheet, raw json.RawMessage, fail failFunc) (map[string]any, *apiError) {
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
		id = ss.newSheetID(st.rng)
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
func updateSheetProperties(ss *spreadsheet, raw json.RawMessage, fail failFunc) *apiError {
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
