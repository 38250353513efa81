package fakesheets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// valueRangeJSON is Google's ValueRange. Values is omitted when nothing is
// left after trimming trailing empty cells and rows.
type valueRangeJSON struct {
	Range          string  `json:"range,omitempty"`
	MajorDimension string  `json:"majorDimension,omitempty"`
	Values         [][]any `json:"values,omitempty"`
}

type updateValuesJSON struct {
	SpreadsheetID  string          `json:"spreadsheetId"`
	UpdatedRange   string          `json:"updatedRange,omitempty"`
	UpdatedRows    int             `json:"updatedRows,omitempty"`
	UpdatedColumns int             `json:"updatedColumns,omitempty"`
	UpdatedCells   int             `json:"updatedCells,omitempty"`
	UpdatedData    *valueRangeJSON `json:"updatedData,omitempty"`
}

// enumParam reads an enum query parameter, answering Google's 400 for a
// value outside the enum.
func enumParam(q url.Values, name, protoField, protoType, def string, allowed ...string) (string, *apiError) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	msg := fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.%s), %q", protoField, protoType, v)
	return "", fieldViolation(protoField, msg)
}

// boolParam reads a boolean query parameter; Google accepts any case
// ("False" from Python clients included).
func boolParam(q url.Values, name, protoField string) (bool, *apiError) {
	v := q.Get(name)
	switch strings.ToLower(v) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	msg := fmt.Sprintf("Invalid value at '%s' (TYPE_BOOL), %q", protoField, v)
	return false, fieldViolation(protoField, msg)
}

// readOpts gathers majorDimension and render options for reads. prefix is
// "" for values.get/batchGet and "response" for includeValuesInResponse.
func readOpts(q url.Values, prefix string) (string, renderOpts, *apiError) {
	dim, err := enumParam(q, "majorDimension", "major_dimension", "Dimension", "ROWS",
		"ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
	if err != nil {
		return "", renderOpts{}, err
	}
	if dim == "DIMENSION_UNSPECIFIED" {
		dim = "ROWS"
	}
	vName, dName := "valueRenderOption", "dateTimeRenderOption"
	vField, dField := "value_render_option", "date_time_render_option"
	if prefix != "" {
		vName, dName = prefix+"ValueRenderOption", prefix+"DateTimeRenderOption"
		vField, dField = "response_value_render_option", "response_date_time_render_option"
	}
	opts, err := renderParams(q.Get(vName), q.Get(dName), vField, dField)
	return dim, opts, err
}

func renderParams(value, dateTime, vField, dField string) (renderOpts, *apiError) {
	var o renderOpts
	switch value {
	case "", "FORMATTED_VALUE":
	case "UNFORMATTED_VALUE":
		o.value = renderUnformatted
	case "FORMULA":
		o.value = renderFormula
	default:
		return o, fieldViolation(vField, fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), %q", vField, value))
	}
	switch dateTime {
	case "", "SERIAL_NUMBER":
	case "FORMATTED_STRING":
		o.dateTime = dateFormatted
	default:
		return o, fieldViolation(dField, fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.DateTimeRenderOption), %q", dField, dateTime))
	}
	return o, nil
}

// readRect renders a rectangle as Google's ValueRange, trimming trailing
// empty cells per major-dimension line and trailing empty lines.
func (ss *spreadsheet) readRect(g gridRect, dim string, opts renderOpts) valueRangeJSON {
	vr := valueRangeJSON{Range: g.a1(), MajorDimension: dim}
	ev := ss.newEval()
	at := func(r, c int) any {
		cv := g.sheet.get(r, c)
		if cv.empty() {
			return nil
		}
		return renderCell(cv, opts, ev.at(g.sheet, r, c))
	}
	outer, inner := g.rows(), g.cols()
	if dim == "COLUMNS" {
		outer, inner = inner, outer
	}
	// Only stored rows can hold data, which keeps whole-sheet reads cheap.
	if dim == "ROWS" {
		outer = min(outer, max(0, len(g.sheet.rows)-g.r0))
	}
	var lines [][]any
	for i := 0; i < outer; i++ {
		line := make([]any, 0)
		last := -1
		for j := 0; j < inner; j++ {
			r, c := g.r0+i, g.c0+j
			if dim == "COLUMNS" {
				r, c = g.r0+j, g.c0+i
				if r >= len(g.sheet.rows) {
					break
				}
			} else if c-g.c0 >= 0 && r < len(g.sheet.rows) && c >= len(g.sheet.rows[r]) {
				break
			}
			v := at(r, c)
			if v == nil {
				line = append(line, "")
				continue
			}
			line = append(line, v)
			last = len(line) - 1
		}
		lines = append(lines, line[:last+1])
	}
	n := len(lines)
	for n > 0 && len(lines[n-1]) == 0 {
		n--
	}
	if n > 0 {
		vr.Values = lines[:n]
	}
	return vr
}

func (s *Server) handleValuesGet(req *apiRequest) (any, *apiError) {
	dim, opts, apiErr := readOpts(req.query, "")
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	g, err := ss.resolve(req.rng)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	return ss.readRect(g, dim, opts), nil
}

func (s *Server) handleValuesBatchGet(req *apiRequest) (any, *apiError) {
	dim, opts, apiErr := readOpts(req.query, "")
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	type batchGetJSON struct {
		SpreadsheetID string           `json:"spreadsheetId"`
		ValueRanges   []valueRangeJSON `json:"valueRanges,omitempty"`
	}
	out := batchGetJSON{SpreadsheetID: ss.id}
	for _, raw := range req.query["ranges"] {
		g, err := ss.resolve(raw)
		if err != nil {
			return nil, badRequest("%s", err.Error())
		}
		out.ValueRanges = append(out.ValueRanges, ss.readRect(g, dim, opts))
	}
	return out, nil
}

// inCell is one decoded input value; set is false for JSON null, which
// Google skips.
type inCell struct {
	set  bool
	str  *string
	num  *float64
	bool *bool
}

// decodeObject decodes a JSON object body into raw fields, answering
// Google's errors for malformed JSON and unknown field names.
func decodeObject(body []byte, known ...string) (map[string]json.RawMessage, *apiError) {
	fields := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) == 0 {
		return fields, nil
	}
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, badRequest("Invalid JSON payload received. Unexpected token.\n%s", firstLine(body))
	}
	for k := range fields {
		if !contains(known, k) {
			return nil, badRequest("Invalid JSON payload received. Unknown name %q: Cannot find field.", k)
		}
	}
	return fields, nil
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// decodeString reads an optional string field.
func decodeString(raw json.RawMessage, field string) (string, *apiError) {
	if isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		msg := fmt.Sprintf("Invalid value at '%s' (TYPE_STRING), %s", field, bytes.TrimSpace(raw))
		return "", fieldViolation(field, msg)
	}
	return s, nil
}

// decodeValues parses the "values" list-of-lists. field is the proto path
// Google names in its errors ("data.values", "data[0].values").
func decodeValues(raw json.RawMessage, field string) ([][]inCell, *apiError) {
	if isNull(raw) {
		return nil, nil
	}
	listErr := func(f string, v json.RawMessage) *apiError {
		msg := fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.protobuf.ListValue), %s", f, bytes.TrimSpace(v))
		return fieldViolation(f, msg)
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, listErr(field, raw)
	}
	out := make([][]inCell, len(rows))
	for i, rowRaw := range rows {
		if isNull(rowRaw) {
			continue
		}
		var cells []json.RawMessage
		if err := json.Unmarshal(rowRaw, &cells); err != nil {
			return nil, listErr(fmt.Sprintf("%s[%d]", field, i), rowRaw)
		}
		row := make([]inCell, len(cells))
		for j, cellRaw := range cells {
			c, err := decodeInCell(cellRaw)
			var tooLong *rangeError
			if errors.As(err, &tooLong) {
				return nil, badRequest("%s", tooLong.msg)
			}
			if err != nil {
				return nil, badRequest("Invalid values[%d][%d]: %s", i, j, err.Error())
			}
			row[j] = c
		}
		out[i] = row
	}
	return out, nil
}

func decodeInCell(raw json.RawMessage) (inCell, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return inCell{}, err
	}
	switch t := v.(type) {
	case nil:
		return inCell{}, nil
	case string:
		if len([]rune(t)) > maxCellChars {
			// Google's message, verbatim.
			return inCell{}, &rangeError{fmt.Sprintf("Your input contains more than the maximum of %d characters in a single cell.", maxCellChars)}
		}
		return inCell{set: true, str: &t}, nil
	case json.Number:
		f, err := strconv.ParseFloat(t.String(), 64)
		if err != nil {
			return inCell{}, fmt.Errorf("number_value %s", t)
		}
		return inCell{set: true, num: &f}, nil
	case bool:
		return inCell{set: true, bool: &t}, nil
	case []any:
		return inCell{}, fmt.Errorf("list_value %s", bytes.TrimSpace(raw))
	default:
		return inCell{}, fmt.Errorf("struct_value %s", bytes.TrimSpace(raw))
	}
}

// toCell converts an input value under valueInputOption.
func (c inCell) toCell(userEntered bool) cell {
	switch {
	case c.str != nil:
		if userEntered {
			return parseUserEntered(*c.str)
		}
		if *c.str == "" {
			return cell{}
		}
		return cell{kind: kindText, text: *c.str}
	case c.num != nil:
		return cell{kind: kindNumber, num: *c.num}
	case c.bool != nil:
		return cell{kind: kindBool, bool: *c.bool}
	}
	return cell{}
}

// valueInput parses valueInputOption; required reports Google's error for a
// missing one.
func valueInput(v string, field string) (bool, *apiError) {
	switch v {
	case "RAW":
		return false, nil
	case "USER_ENTERED":
		return true, nil
	case "", "INPUT_VALUE_OPTION_UNSPECIFIED":
		return false, badRequest("'valueInputOption' is required but not specified")
	}
	msg := fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), %q", field, v)
	return false, fieldViolation(field, msg)
}

// writeReq is one range write, decoded and not yet applied.
type writeReq struct {
	rng    string
	dim    string
	values [][]inCell
}

// gridValues lays the input out as rows of the grid, honouring COLUMNS.
func (w writeReq) gridValues() [][]inCell {
	if w.dim != "COLUMNS" {
		return w.values
	}
	var out [][]inCell
	for c, col := range w.values {
		for r, v := range col {
			for len(out) <= r {
				out = append(out, nil)
			}
			for len(out[r]) <= c {
				out[r] = append(out[r], inCell{})
			}
			out[r][c] = v
		}
	}
	return out
}

// extent returns the rows and columns spanned by the values.
func extent(vals [][]inCell) (rows, cols int) {
	for _, row := range vals {
		cols = max(cols, len(row))
	}
	return len(vals), cols
}

// writeResult reports what a write touched.
type writeResult struct {
	rect              gridRect
	rows, cols, cells int
}

// writeAt stores values with their top-left corner at (r0, c0), assuming the
// grid fits, and counts like Google: cells that were given (null skipped),
// rows and columns holding at least one of them.
func (ss *spreadsheet) writeAt(sh *sheet, r0, c0 int, vals [][]inCell, userEntered bool) writeResult {
	rowsTouched, colsTouched := map[int]bool{}, map[int]bool{}
	n := 0
	for i, row := range vals {
		for j, v := range row {
			if !v.set {
				continue
			}
			sh.set(r0+i, c0+j, v.toCell(userEntered))
			rowsTouched[i], colsTouched[j] = true, true
			n++
		}
	}
	sh.compactRows(r0, r0+len(vals))
	rows, cols := extent(vals)
	return writeResult{
		rect: gridRect{sheet: sh, r0: r0, c0: c0, r1: r0 + rows, c1: c0 + cols},
		rows: len(rowsTouched), cols: len(colsTouched), cells: n,
	}
}

// update applies a values.update-style write: the values start at the
// range's top-left corner and, unless the range is a single cell, must stay
// inside it.
func (ss *spreadsheet) update(w writeReq, userEntered bool) (writeResult, *apiError) {
	ref, err := parseA1(w.rng)
	if err != nil {
		return writeResult{}, badRequest("%s", err.Error())
	}
	g, err := ss.resolveRef(w.rng, ref)
	if err != nil {
		return writeResult{}, badRequest("%s", err.Error())
	}
	vals := w.gridValues()
	rows, cols := extent(vals)
	if rows == 0 || cols == 0 {
		return writeResult{rect: g}, nil
	}
	single := !ref.wholeSheet && ref.startRow >= 0 && ref.startRow == ref.endRow && ref.startCol == ref.endCol && !strings.Contains(ref.cells, ":")
	if !single {
		quoted := "'" + strings.ReplaceAll(g.sheet.title, "'", "''") + "'!" + cellsA1(g.r0, g.c0, g.r1, g.c1)
		if rows > g.rows() {
			return writeResult{}, badRequest("Requested writing within range [%s], but tried writing to row [%d]", quoted, g.r0+rows)
		}
		if cols > g.cols() {
			return writeResult{}, badRequest("Requested writing within range [%s], but tried writing to column [%s]", quoted, columnName(g.c0+cols-1))
		}
	}
	target := gridRect{sheet: g.sheet, r0: g.r0, c0: g.c0, r1: g.r0 + rows, c1: g.c0 + cols}
	if err := checkGrid(target); err != nil {
		return writeResult{}, badRequest("%s", err.Error())
	}
	return ss.writeAt(g.sheet, g.r0, g.c0, vals, userEntered), nil
}

func (ss *spreadsheet) updateResponse(res writeResult, includeValues bool, q url.Values) (updateValuesJSON, *apiError) {
	out := updateValuesJSON{SpreadsheetID: ss.id,
		UpdatedRows: res.rows, UpdatedColumns: res.cols, UpdatedCells: res.cells}
	if res.rect.rows() <= 0 || res.rect.cols() <= 0 {
		return out, nil
	}
	out.UpdatedRange = res.rect.a1()
	if includeValues {
		_, opts, apiErr := readOpts(url.Values{
			"valueRenderOption":    q["responseValueRenderOption"],
			"dateTimeRenderOption": q["responseDateTimeRenderOption"],
		}, "")
		if apiErr != nil {
			return out, apiErr
		}
		vr := ss.readRect(res.rect, "ROWS", opts)
		out.UpdatedData = &vr
	}
	return out, nil
}

func (s *Server) handleValuesUpdate(req *apiRequest) (any, *apiError) {
	userEntered, apiErr := valueInput(req.query.Get("valueInputOption"), "value_input_option")
	if apiErr != nil {
		return nil, apiErr
	}
	include, apiErr := boolParam(req.query, "includeValuesInResponse", "include_values_in_response")
	if apiErr != nil {
		return nil, apiErr
	}
	w, apiErr := decodeValueRange(req.body, "data")
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := ss.checkBodyRange(req.rng, w.rng); apiErr != nil {
		return nil, apiErr
	}
	w.rng = req.rng
	res, apiErr := ss.update(w, userEntered)
	if apiErr != nil {
		return nil, apiErr
	}
	return ss.updateResponse(res, include, req.query)
}

// checkBodyRange rejects a body range that names other cells than the URL.
func (ss *spreadsheet) checkBodyRange(urlRange, bodyRange string) *apiError {
	if bodyRange == "" || bodyRange == urlRange {
		return nil
	}
	a, errA := ss.resolve(urlRange)
	b, errB := ss.resolve(bodyRange)
	if errA == nil && errB == nil && a == b {
		return nil
	}
	return badRequest("Requested range [%s] and range in the request body [%s] do not match.", urlRange, bodyRange)
}

// decodeValueRange decodes a ValueRange body; field names the proto message
// in errors ("data" for update/append, "data[0]" in batchUpdate).
func decodeValueRange(body []byte, field string) (writeReq, *apiError) {
	fields, apiErr := decodeObject(body, "range", "majorDimension", "values")
	if apiErr != nil {
		return writeReq{}, apiErr
	}
	return valueRangeFromFields(fields, field)
}

func valueRangeFromFields(fields map[string]json.RawMessage, field string) (writeReq, *apiError) {
	var w writeReq
	var apiErr *apiError
	if w.rng, apiErr = decodeString(fields["range"], field+".range"); apiErr != nil {
		return w, apiErr
	}
	if w.dim, apiErr = decodeString(fields["majorDimension"], field+".major_dimension"); apiErr != nil {
		return w, apiErr
	}
	switch w.dim {
	case "", "DIMENSION_UNSPECIFIED":
		w.dim = "ROWS"
	case "ROWS", "COLUMNS":
	default:
		msg := fmt.Sprintf("Invalid value at '%s.major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), %q", field, w.dim)
		return w, fieldViolation(field+".major_dimension", msg)
	}
	w.values, apiErr = decodeValues(fields["values"], field+".values")
	return w, apiErr
}

// protectedMessage is Google's refusal of a write into a protected range
// the caller may not edit. The recordings hold none; the text and the 400
// INVALID_ARGUMENT follow public reports of values.batchUpdate answers.
const protectedMessage = "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit."

func (s *Server) handleValuesBatchUpdate(req *apiRequest) (any, *apiError) {
	fields, apiErr := decodeObject(req.body, "valueInputOption", "data", "includeValuesInResponse",
		"responseValueRenderOption", "responseDateTimeRenderOption")
	if apiErr != nil {
		return nil, apiErr
	}
	input, apiErr := decodeString(fields["valueInputOption"], "value_input_option")
	if apiErr != nil {
		return nil, apiErr
	}
	userEntered, apiErr := valueInput(input, "value_input_option")
	if apiErr != nil {
		if input == "" {
			apiErr = badRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
		}
		return nil, apiErr
	}
	var include bool
	if !isNull(fields["includeValuesInResponse"]) {
		if err := json.Unmarshal(fields["includeValuesInResponse"], &include); err != nil {
			return nil, fieldViolation("include_values_in_response", "Invalid value at 'include_values_in_response' (TYPE_BOOL), "+string(fields["includeValuesInResponse"]))
		}
	}
	respValue, apiErr := decodeString(fields["responseValueRenderOption"], "response_value_render_option")
	if apiErr != nil {
		return nil, apiErr
	}
	respDate, apiErr := decodeString(fields["responseDateTimeRenderOption"], "response_date_time_render_option")
	if apiErr != nil {
		return nil, apiErr
	}
	if _, apiErr := renderParams(respValue, respDate, "response_value_render_option", "response_date_time_render_option"); apiErr != nil {
		return nil, apiErr
	}
	var data []map[string]json.RawMessage
	if !isNull(fields["data"]) {
		if err := json.Unmarshal(fields["data"], &data); err != nil {
			return nil, fieldViolation("data", "Invalid value at 'data' (type.googleapis.com/google.apps.sheets.v4.ValueRange), "+firstLine(fields["data"]))
		}
	}
	writes := make([]writeReq, len(data))
	for i, d := range data {
		for k := range d {
			if !contains([]string{"range", "majorDimension", "values"}, k) {
				return nil, badRequest("Invalid JSON payload received. Unknown name %q at 'data[%d]': Cannot find field.", k, i)
			}
		}
		w, apiErr := valueRangeFromFields(d, fmt.Sprintf("data[%d]", i))
		if apiErr != nil {
			return nil, apiErr
		}
		writes[i] = w
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	// Google applies all ranges or none: write on a copy, swap on success.
	work := ss.clone()
	type batchUpdateValuesJSON struct {
		SpreadsheetID       string             `json:"spreadsheetId"`
		TotalUpdatedRows    int                `json:"totalUpdatedRows,omitempty"`
		TotalUpdatedColumns int                `json:"totalUpdatedColumns,omitempty"`
		TotalUpdatedCells   int                `json:"totalUpdatedCells,omitempty"`
		TotalUpdatedSheets  int                `json:"totalUpdatedSheets,omitempty"`
		Responses           []updateValuesJSON `json:"responses,omitempty"`
	}
	out := batchUpdateValuesJSON{SpreadsheetID: ss.id}
	var results []writeResult
	sheetsTouched := map[*sheet]bool{}
	for i, w := range writes {
		if w.rng == "" {
			return nil, badRequest("Invalid data[%d]: Unable to parse range: ", i)
		}
		res, apiErr := work.update(w, userEntered)
		if apiErr != nil {
			return nil, apiErr
		}
		if res.cells > 0 {
			for _, p := range res.rect.sheet.protected {
				if !p.callerCanEdit(s.cfg.callerEmail) && p.covers(res.rect.r0, res.rect.c0, res.rect.r1, res.rect.c1) {
					return nil, badRequest("Invalid data[%d]: %s", i, protectedMessage)
				}
			}
		}
		results = append(results, res)
		if res.cells > 0 {
			sheetsTouched[res.rect.sheet] = true
		}
		out.TotalUpdatedRows += res.rows
		out.TotalUpdatedColumns += res.cols
		out.TotalUpdatedCells += res.cells
	}
	s.spreadsheets[ss.id] = work
	out.TotalUpdatedSheets = len(sheetsTouched)
	q := url.Values{"responseValueRenderOption": {respValue}, "responseDateTimeRenderOption": {respDate}}
	for _, res := range results {
		r, apiErr := work.updateResponse(res, include, q)
		if apiErr != nil {
			return nil, apiErr
		}
		out.Responses = append(out.Responses, r)
	}
	return out, nil
}

// findTable locates the table values.append appends to: the last non-empty
// cell inside the search rectangle (scanning rows bottom-up, each row
// right-to-left) grown to its contiguous region of non-empty cells, diagonals
// included. Recordings show Google picking the region of the last cell: a
// row "x,,y" makes "C1" the table, not "A1".
func findTable(g gridRect) (gridRect, bool) {
	sh := g.sheet
	for r := min(g.r1, len(sh.rows)) - 1; r >= g.r0; r-- {
		row := sh.rows[r]
		for c := min(g.c1, len(row)) - 1; c >= g.c0; c-- {
			if !row[c].empty() {
				return currentRegion(sh, r, c), true
			}
		}
	}
	return gridRect{}, false
}

// currentRegion grows a one-cell rectangle while any cell bordering it
// (including the corners) holds data.
func currentRegion(sh *sheet, r, c int) gridRect {
	g := gridRect{sheet: sh, r0: r, c0: c, r1: r + 1, c1: c + 1}
	nonEmptyRow := func(row, c0, c1 int) bool {
		for x := max(c0, 0); x < min(c1, sh.colCount); x++ {
			if !sh.get(row, x).empty() {
				return true
			}
		}
		return false
	}
	nonEmptyCol := func(col, r0, r1 int) bool {
		for y := max(r0, 0); y < min(r1, sh.rowCount); y++ {
			if !sh.get(y, col).empty() {
				return true
			}
		}
		return false
	}
	for grown := true; grown; {
		grown = false
		if g.r0 > 0 && nonEmptyRow(g.r0-1, g.c0-1, g.c1+1) {
			g.r0--
			grown = true
		}
		if g.r1 < sh.rowCount && nonEmptyRow(g.r1, g.c0-1, g.c1+1) {
			g.r1++
			grown = true
		}
		if g.c0 > 0 && nonEmptyCol(g.c0-1, g.r0-1, g.r1+1) {
			g.c0--
			grown = true
		}
		if g.c1 < sh.colCount && nonEmptyCol(g.c1, g.r0-1, g.r1+1) {
			g.c1++
			grown = true
		}
	}
	return g
}

func (s *Server) handleValuesAppend(req *apiRequest) (any, *apiError) {
	userEntered, apiErr := valueInput(req.query.Get("valueInputOption"), "value_input_option")
	if apiErr != nil {
		return nil, apiErr
	}
	insertMode, apiErr := enumParam(req.query, "insertDataOption", "insert_data_option", "InsertDataOption",
		"OVERWRITE", "OVERWRITE", "INSERT_ROWS")
	if apiErr != nil {
		return nil, apiErr
	}
	include, apiErr := boolParam(req.query, "includeValuesInResponse", "include_values_in_response")
	if apiErr != nil {
		return nil, apiErr
	}
	w, apiErr := decodeValueRange(req.body, "data")
	if apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := ss.checkBodyRange(req.rng, w.rng); apiErr != nil {
		return nil, apiErr
	}
	g, err := ss.resolve(req.rng)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	type appendJSON struct {
		SpreadsheetID string           `json:"spreadsheetId"`
		TableRange    string           `json:"tableRange,omitempty"`
		Updates       updateValuesJSON `json:"updates"`
	}
	out := appendJSON{SpreadsheetID: ss.id}
	sh := g.sheet
	r0, c0 := g.r0, g.c0
	if table, ok := findTable(g); ok {
		out.TableRange = table.a1()
		r0, c0 = table.r1, table.c0
	}
	vals := w.gridValues()
	rows, cols := extent(vals)
	// Append grows the grid instead of failing, as Google does.
	if rows > 0 && cols > 0 {
		if insertMode == "INSERT_ROWS" && r0 < sh.rowCount {
			sh.insertRows(r0, rows)
		}
		if r0+rows > sh.rowCount {
			sh.rowCount = r0 + rows
		}
		if c0+cols > sh.colCount {
			sh.colCount = c0 + cols
		}
	}
	res := ss.writeAt(sh, r0, c0, vals, userEntered)
	up, apiErr := ss.updateResponse(res, include, req.query)
	if apiErr != nil {
		return nil, apiErr
	}
	out.Updates = up
	return out, nil
}

func (s *Server) handleValuesClear(req *apiRequest) (any, *apiError) {
	if _, apiErr := decodeObject(req.body); apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	g, err := ss.resolve(req.rng)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	g.sheet.clearRect(g.r0, g.c0, g.r1, g.c1)
	return map[string]string{"spreadsheetId": ss.id, "clearedRange": g.a1()}, nil
}

func (s *Server) handleValuesBatchClear(req *apiRequest) (any, *apiError) {
	fields, apiErr := decodeObject(req.body, "ranges")
	if apiErr != nil {
		return nil, apiErr
	}
	var ranges []string
	if !isNull(fields["ranges"]) {
		if err := json.Unmarshal(fields["ranges"], &ranges); err != nil {
			return nil, fieldViolation("ranges", "Invalid value at 'ranges' (TYPE_STRING), "+firstLine(fields["ranges"]))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, apiErr := s.lookup(req.id)
	if apiErr != nil {
		return nil, apiErr
	}
	rects := make([]gridRect, len(ranges))
	for i, raw := range ranges {
		g, err := ss.resolve(raw)
		if err != nil {
			return nil, badRequest("%s", err.Error())
		}
		rects[i] = g
	}
	type batchClearJSON struct {
		SpreadsheetID string   `json:"spreadsheetId"`
		ClearedRanges []string `json:"clearedRanges,omitempty"`
	}
	out := batchClearJSON{SpreadsheetID: ss.id}
	for _, g := range rects {
		g.sheet.clearRect(g.r0, g.c0, g.r1, g.c1)
		out.ClearedRanges = append(out.ClearedRanges, g.a1())
	}
	return out, nil
}
