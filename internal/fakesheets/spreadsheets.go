package fakesheets

import (
	"encoding/json"
	"strconv"

	"google.golang.org/api/sheets/v4"
)

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

func (st *store) protectedOut(p *protectedRange, withCaller bool) protectedRangeJSON {
	out := protectedRangeJSON{ProtectedRangeID: p.id, Range: gridRangeOut(p.rng),
		Description: p.description, WarningOnly: p.warningOnly, RequestingUserCanEdit: p.callerCanEdit(st.caller)}
	if p.warningOnly || !out.RequestingUserCanEdit {
		// Google shows the editors only to those who may edit the range.
		return out
	}
	ed := &editorsJSON{Groups: p.editorsGroups, DomainUsersCanEdit: p.domainUsers}
	ed.Users = append(ed.Users, p.editorsUsers...)
	// The reply to addProtectedRange shows the editors as requested; a later
	// get shows Google having added the caller.
	if withCaller && !contains(ed.Users, st.caller) {
		ed.Users = append([]string{st.caller}, ed.Users...)
	}
	out.Editors = ed
	return out
}

// toJSON renders the spreadsheet. rects, when given, select the sheets (and
// grid data) like the "ranges" parameter of spreadsheets.get.
func (st *store) toJSON(ss *spreadsheet, rects []gridRect, includeGrid bool) spreadsheetJSON {
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
			sj.ProtectedRanges = append(sj.ProtectedRanges, st.protectedOut(p, true))
		}
		sh.sheetLooksJSON(&sj)
		if includeGrid {
			if len(mine) == 0 {
				mine = []gridRect{{sheet: sh, r1: sh.rowCount, c1: sh.colCount}}
			}
			for _, g := range mine {
				sj.Data = append(sj.Data, gridData(g))
			}
		}
		out.Sheets = append(out.Sheets, sj)
	}
	return out
}

// gridData renders cell values of a rectangle for includeGridData, with
// each cell's data validation as Google returns it (so a client can see
// its dropdowns). Formats and row/column metadata are not rendered.
func gridData(g gridRect) gridDataJSON {
	gd := gridDataJSON{StartRow: g.r0, StartColumn: g.c0, ColumnMetadata: g.sheet.columnMetadata(g)}
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
				cd.UserEnteredValue = extendedValue(cv, true)
				cd.EffectiveValue = extendedValue(cv, false)
				if f, ok := renderCell(cv, renderOpts{}).(string); ok {
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

// extendedValue is Google's ExtendedValue of a cell: as entered (a
// formula's text) or as effective (its value).
func extendedValue(c cell, entered bool) map[string]any {
	if entered && c.formula != "" {
		return map[string]any{"formulaValue": c.formula}
	}
	switch c.kind {
	case kindText:
		return map[string]any{"stringValue": c.text}
	case kindNumber:
		return map[string]any{"numberValue": c.num}
	case kindBool:
		return map[string]any{"boolValue": c.bool}
	case kindError:
		return map[string]any{"errorValue": map[string]any{"type": "ERROR", "message": c.text}}
	}
	return nil
}

// get is spreadsheets.get; ranges, when given, select the sheets (and grid
// data).
func (st *store) get(id string, ranges []string, includeGrid bool) (spreadsheetJSON, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, apiErr := st.lookup(id)
	if apiErr != nil {
		return spreadsheetJSON{}, apiErr
	}
	var rects []gridRect
	for _, raw := range ranges {
		g, err := ss.resolve(raw)
		if err != nil {
			return spreadsheetJSON{}, badRequest("%s", err.Error())
		}
		rects = append(rects, g)
	}
	return st.toJSON(ss, rects, includeGrid), nil
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
