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

// The handlers decode a request into the store's arguments, answering
// Google's 400s for malformed input, and return the store's answer for
// server.go to encode. They hold no spreadsheet logic.

func (s *Server) handleValuesBatchGet(req *apiRequest) (any, *apiError) {
	dim, opts, apiErr := readOpts(req.query)
	if apiErr != nil {
		return nil, apiErr
	}
	return s.batchGet(req.id, req.query["ranges"], dim, opts)
}

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
	respOpts, apiErr := renderParams(respValue, respDate, "response_value_render_option", "response_date_time_render_option")
	if apiErr != nil {
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
	return s.batchUpdateValues(req.id, writes, userEntered, include, respOpts)
}

func (s *Server) handleGet(req *apiRequest) (any, *apiError) {
	include, apiErr := boolParam(req.query, "includeGridData", "include_grid_data")
	if apiErr != nil {
		return nil, apiErr
	}
	return s.get(req.id, req.query["ranges"], include)
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
	for i, r := range requests {
		if len(r) != 1 {
			return nil, badRequest("Invalid requests[%d]: exactly one kind of request must be set, found %d", i, len(r))
		}
	}
	return s.batchUpdate(req.id, requests, includeSS, respRanges, includeGrid)
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

// readOpts gathers majorDimension and the render options of a read.
func readOpts(q url.Values) (string, renderOpts, *apiError) {
	dim, err := enumParam(q, "majorDimension", "major_dimension", "Dimension", "ROWS",
		"ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
	if err != nil {
		return "", renderOpts{}, err
	}
	if dim == "DIMENSION_UNSPECIFIED" {
		dim = "ROWS"
	}
	opts, err := renderParams(q.Get("valueRenderOption"), q.Get("dateTimeRenderOption"), "value_render_option", "date_time_render_option")
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

// valueInput parses valueInputOption.
func valueInput(v string, field string) (bool, *apiError) {
	switch v {
	case "RAW":
		return false, nil
	case "USER_ENTERED":
		return true, nil
	case "", "INPUT_VALUE_OPTION_UNSPECIFIED":
		return false, badRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
	}
	msg := fmt.Sprintf("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), %q", field, v)
	return false, fieldViolation(field, msg)
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

// valueRangeFromFields decodes one ValueRange of a batchUpdate; field
// names it in errors ("data[0]").
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

// decodeValues parses the "values" list-of-lists. field is the proto path
// Google names in its errors ("data[0].values").
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
