package fakesheets

import (
	"fmt"
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

type batchGetJSON struct {
	SpreadsheetID string           `json:"spreadsheetId"`
	ValueRanges   []valueRangeJSON `json:"valueRanges,omitempty"`
}

type batchUpdateValuesJSON struct {
	SpreadsheetID       string             `json:"spreadsheetId"`
	TotalUpdatedRows    int                `json:"totalUpdatedRows,omitempty"`
	TotalUpdatedColumns int                `json:"totalUpdatedColumns,omitempty"`
	TotalUpdatedCells   int                `json:"totalUpdatedCells,omitempty"`
	TotalUpdatedSheets  int                `json:"totalUpdatedSheets,omitempty"`
	Responses           []updateValuesJSON `json:"responses,omitempty"`
}

// readRect renders a rectangle as Google's ValueRange, trimming trailing
// empty cells per major-dimension line and trailing empty lines.
func readRect(g gridRect, dim string, opts renderOpts) valueRangeJSON {
	vr := valueRangeJSON{Range: g.a1(), MajorDimension: dim}
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
			} else if r < len(g.sheet.rows) && c >= len(g.sheet.rows[r]) {
				break
			}
			cv := g.sheet.get(r, c)
			if cv.empty() {
				line = append(line, "")
				continue
			}
			line = append(line, renderCell(cv, opts))
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

// batchGet is values.batchGet: each range read as it is now.
func (st *store) batchGet(id string, ranges []string, dim string, opts renderOpts) (batchGetJSON, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, apiErr := st.lookup(id)
	if apiErr != nil {
		return batchGetJSON{}, apiErr
	}
	out := batchGetJSON{SpreadsheetID: ss.id}
	for _, raw := range ranges {
		g, err := ss.resolve(raw)
		if err != nil {
			return batchGetJSON{}, badRequest("%s", err.Error())
		}
		out.ValueRanges = append(out.ValueRanges, readRect(g, dim, opts))
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

// toCell converts an input value under valueInputOption; a typed formula
// still needs its value (store.typed).
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

// writeResult reports what a write touched: the rectangle, the 0-based
// rows and columns holding at least one given cell, and the count of given
// cells (null skipped).
type writeResult struct {
	rect       gridRect
	rows, cols []int
	cells      int
}

// writeAt stores values with their top-left corner at (r0, c0), assuming
// the grid fits.
func (st *store) writeAt(sh *sheet, r0, c0 int, vals [][]inCell, userEntered bool) (writeResult, *apiError) {
	rowsTouched, colsTouched := map[int]bool{}, map[int]bool{}
	res := writeResult{}
	for i, row := range vals {
		for j, v := range row {
			if !v.set {
				continue
			}
			c, apiErr := st.typed(v.toCell(userEntered))
			if apiErr != nil {
				return writeResult{}, apiErr
			}
			sh.set(r0+i, c0+j, c)
			if !rowsTouched[r0+i] {
				rowsTouched[r0+i] = true
				res.rows = append(res.rows, r0+i)
			}
			if !colsTouched[c0+j] {
				colsTouched[c0+j] = true
				res.cols = append(res.cols, c0+j)
			}
			res.cells++
		}
	}
	sh.compactRows(r0, r0+len(vals))
	rows, cols := extent(vals)
	res.rect = gridRect{sheet: sh, r0: r0, c0: c0, r1: r0 + rows, c1: c0 + cols}
	return res, nil
}

// update applies one range of a values.batchUpdate: the values start at
// the range's top-left corner and, unless the range is a single cell, must
// stay inside it.
func (st *store) update(ss *spreadsheet, w writeReq, userEntered bool) (writeResult, *apiError) {
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
	return st.writeAt(g.sheet, g.r0, g.c0, vals, userEntered)
}

func updateResponse(ss *spreadsheet, res writeResult, includeValues bool, opts renderOpts) updateValuesJSON {
	out := updateValuesJSON{SpreadsheetID: ss.id,
		UpdatedRows: len(res.rows), UpdatedColumns: len(res.cols), UpdatedCells: res.cells}
	if res.rect.rows() <= 0 || res.rect.cols() <= 0 {
		return out
	}
	out.UpdatedRange = res.rect.a1()
	if includeValues {
		vr := readRect(res.rect, "ROWS", opts)
		out.UpdatedData = &vr
	}
	return out
}

// protectedMessage is Google's refusal of a write into a protected range
// the caller may not edit. The recordings hold none; the text and the 400
// INVALID_ARGUMENT follow public reports of values.batchUpdate answers.
const protectedMessage = "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit."

// batchUpdateValues is values.batchUpdate. Google applies all ranges or
// none, so the writes go to a copy swapped in on success. A refused range
// answers 400 with Google's "Invalid data[i]: " before the reason. The
// totals count distinct rows and columns over all ranges (two writes to
// A1:D1 and A4:D4 update 2 rows and 4 columns, as recorded), cells summed.
func (st *store) batchUpdateValues(id string, writes []writeReq, userEntered, include bool, respOpts renderOpts) (batchUpdateValuesJSON, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, apiErr := st.lookup(id)
	if apiErr != nil {
		return batchUpdateValuesJSON{}, apiErr
	}
	work := ss.clone()
	out := batchUpdateValuesJSON{SpreadsheetID: ss.id}
	type line struct {
		sheet *sheet
		i     int
	}
	rows, cols, sheets := map[line]bool{}, map[line]bool{}, map[*sheet]bool{}
	var results []writeResult
	for i, w := range writes {
		invalid := func(e *apiError) *apiError {
			if e.code != 400 {
				return e
			}
			p := *e
			p.message = fmt.Sprintf("Invalid data[%d]: %s", i, e.message)
			return &p
		}
		if w.rng == "" {
			return batchUpdateValuesJSON{}, invalid(badRequest("Unable to parse range: "))
		}
		res, apiErr := st.update(work, w, userEntered)
		if apiErr != nil {
			return batchUpdateValuesJSON{}, invalid(apiErr)
		}
		if res.cells > 0 {
			for _, p := range res.rect.sheet.protected {
				if !p.callerCanEdit(st.caller) && p.covers(res.rect.r0, res.rect.c0, res.rect.r1, res.rect.c1) {
					return batchUpdateValuesJSON{}, invalid(badRequest("%s", protectedMessage))
				}
			}
			sheets[res.rect.sheet] = true
		}
		for _, r := range res.rows {
			rows[line{res.rect.sheet, r}] = true
		}
		for _, c := range res.cols {
			cols[line{res.rect.sheet, c}] = true
		}
		out.TotalUpdatedCells += res.cells
		results = append(results, res)
	}
	st.spreadsheets[ss.id] = work
	out.TotalUpdatedRows, out.TotalUpdatedColumns, out.TotalUpdatedSheets = len(rows), len(cols), len(sheets)
	for _, res := range results {
		out.Responses = append(out.Responses, updateResponse(work, res, include, respOpts))
	}
	return out, nil
}
