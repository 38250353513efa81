package fakesheets

import (
	"fmt"
	"strconv"
	"strings"
)

// maxColumns bounds column letters to Google's hard limit (column ZZZ is
// 18278); anything longer cannot be a column reference.
const maxColumns = 18278

// maxRowNumber keeps row numbers inside int32 like Google's proto fields, so
// arithmetic on parsed ranges cannot overflow.
const maxRowNumber = 1<<31 - 1

// a1Ref is a parsed A1 reference before it is resolved against a sheet. Row
// and column numbers are 0-based; -1 marks an unbounded side (e.g. "A:A" has
// no rows, "A5:A" has no end row).
type a1Ref struct {
	// sheet is the title named before '!', already unquoted; empty when the
	// reference names no sheet.
	sheet    string
	hasSheet bool
	// wholeSheet is true when the reference is only a sheet title.
	wholeSheet bool
	// ambiguous is true for a bare word with no '!': it may be a sheet
	// title or a cell range on the first sheet, decided at resolution.
	ambiguous bool
	// cells is the cell part as written after '!', kept for error messages.
	cells                              string
	startRow, startCol, endRow, endCol int
}

// parseA1 parses Google's A1 notation: "Sheet1", "Sheet1!A1:B2",
// "'My tab'!A:A", "'It”s'!1:1", "A1" (first sheet), "Sheet1!A5:A". It never
// panics; a malformed input yields an error whose text is Google's.
func parseA1(s string) (a1Ref, error) {
	// Google's message text is kept verbatim, capital letter included.
	bad := &rangeError{"Unable to parse range: " + s}
	if s == "" {
		return a1Ref{}, bad
	}
	var ref a1Ref
	rest := s
	if strings.HasPrefix(s, "'") {
		title, n, ok := unquoteTitle(s)
		if !ok {
			return a1Ref{}, bad
		}
		ref.sheet, ref.hasSheet = title, true
		rest = s[n:]
		if rest == "" {
			ref.wholeSheet = true
			return ref, nil
		}
		if rest[0] != '!' {
			return a1Ref{}, bad
		}
		rest = rest[1:]
	} else if i := strings.LastIndexByte(s, '!'); i >= 0 {
		ref.sheet, ref.hasSheet = s[:i], true
		if ref.sheet == "" {
			return a1Ref{}, bad
		}
		rest = s[i+1:]
	} else {
		// A bare word: a cell range on the first sheet if it parses as one,
		// otherwise a sheet title; resolution decides.
		var cells a1Ref
		if err := cells.parseCells(s); err != nil {
			return a1Ref{sheet: s, hasSheet: true, wholeSheet: true}, nil
		}
		cells.sheet, cells.ambiguous = s, true
		return cells, nil
	}
	if rest == "" {
		return a1Ref{}, bad
	}
	if err := ref.parseCells(rest); err != nil {
		return a1Ref{}, bad
	}
	return ref, nil
}

// unquoteTitle reads a single-quoted title at the start of s, where a doubled
// quote stands for one quote. It returns the title and the bytes consumed.
func unquoteTitle(s string) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		if b.Len() == 0 {
			return "", 0, false
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

// parseCells parses "A1", "A1:B2", "A:B", "1:2", "A5:A", "A2:2" and friends.
func (r *a1Ref) parseCells(s string) error {
	r.cells = s
	first, second, two := strings.Cut(s, ":")
	c1, r1, err := parseEndpoint(first)
	if err != nil {
		return err
	}
	if !two {
		// A single endpoint must be a full cell; "A" or "5" alone is not a
		// range in Google's grammar.
		if c1 < 0 || r1 < 0 {
			return fmt.Errorf("incomplete cell %q", s)
		}
		r.startCol, r.startRow, r.endCol, r.endRow = c1, r1, c1, r1
		return nil
	}
	c2, r2, err := parseEndpoint(second)
	if err != nil {
		return err
	}
	switch {
	case c1 >= 0 && r1 >= 0: // A1:B2, A5:A, A2:2
		if c2 < 0 && r2 < 0 {
			return fmt.Errorf("empty end in %q", s)
		}
	case c1 >= 0: // A:B or A:B5
		if c2 < 0 {
			return fmt.Errorf("column range mixed with row in %q", s)
		}
	case r1 >= 0: // 1:2 or 1:B5
		if r2 < 0 {
			return fmt.Errorf("row range mixed with column in %q", s)
		}
	}
	r.startCol, r.startRow, r.endCol, r.endRow = c1, r1, c2, r2
	// "A:B5" starts at row 1 and "2:B5" at column A, as Google reads them.
	if r.startRow < 0 && r.endRow >= 0 {
		r.startRow = 0
	}
	if r.startCol < 0 && r.endCol >= 0 {
		r.startCol = 0
	}
	return nil
}

// parseEndpoint parses one side of a range: optional "$", column letters,
// optional "$", row digits. Missing parts come back as -1.
func parseEndpoint(s string) (col, row int, err error) {
	col, row = -1, -1
	i := 0
	if i < len(s) && s[i] == '$' {
		i++
	}
	start := i
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	if i > start {
		if i-start > 3 {
			return 0, 0, fmt.Errorf("column too long in %q", s)
		}
		col = columnIndex(s[start:i])
		if col >= maxColumns {
			return 0, 0, fmt.Errorf("column out of range in %q", s)
		}
	}
	if i < len(s) && s[i] == '$' {
		if col < 0 {
			return 0, 0, fmt.Errorf("misplaced $ in %q", s)
		}
		i++
	}
	start = i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > start {
		n, convErr := strconv.Atoi(s[start:i])
		if convErr != nil || n < 1 || n > maxRowNumber {
			return 0, 0, fmt.Errorf("bad row in %q", s)
		}
		row = n - 1
	}
	if i != len(s) || (col < 0 && row < 0) {
		return 0, 0, fmt.Errorf("bad endpoint %q", s)
	}
	return col, row, nil
}

func isLetter(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') }

// columnIndex converts letters (case-insensitive) to a 0-based index.
func columnIndex(letters string) int {
	n := 0
	for i := 0; i < len(letters); i++ {
		c := letters[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		n = n*26 + int(c-'A'+1)
	}
	return n - 1
}

// columnName converts a 0-based index to letters: 0 → A, 26 → AA.
func columnName(i int) string {
	if i < 0 {
		return ""
	}
	var b [8]byte
	p := len(b)
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		p--
		b[p] = byte('A' + (n-1)%26)
	}
	return string(b[p:])
}

// quoteTitle renders a sheet title the way Google echoes it in ranges: bare
// when it is a plain identifier that cannot be mistaken for a cell, quoted
// (with inner quotes doubled) otherwise. "Sheet1" stays bare; "My tab",
// "I'm" and non-ASCII titles such as "申込" are quoted.
func quoteTitle(title string) string {
	if plainTitle(title) {
		return title
	}
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

func plainTitle(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(isLetter(c) || c == '_' || (c >= '0' && c <= '9')) {
			return false
		}
	}
	if t[0] >= '0' && t[0] <= '9' {
		return false
	}
	// Titles that read as a cell ("A1", "ab12") or an R1C1 reference
	// ("R1C1", "R2") would change meaning bare.
	if c, r, err := parseEndpoint(t); err == nil && c >= 0 && r >= 0 {
		return false
	}
	if looksLikeR1C1(t) {
		return false
	}
	return true
}

func looksLikeR1C1(t string) bool {
	u := strings.ToUpper(t)
	if !strings.HasPrefix(u, "R") && !strings.HasPrefix(u, "C") {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c != 'R' && c != 'C' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// gridRect is a resolved, bounded rectangle on one sheet; end fields are
// exclusive.
type gridRect struct {
	sheet          *sheet
	r0, c0, r1, c1 int
}

func (g gridRect) rows() int { return g.r1 - g.r0 }
func (g gridRect) cols() int { return g.c1 - g.c0 }

// a1 renders the rectangle like Google echoes it: "Sheet1!A1:B2", or a
// single cell "Sheet1!D4" when it covers one cell.
func (g gridRect) a1() string {
	return quoteTitle(g.sheet.title) + "!" + cellsA1(g.r0, g.c0, g.r1, g.c1)
}

func cellsA1(r0, c0, r1, c1 int) string {
	start := columnName(c0) + strconv.Itoa(r0+1)
	if r1-r0 == 1 && c1-c0 == 1 {
		return start
	}
	return start + ":" + columnName(c1-1) + strconv.Itoa(r1)
}

// rangeError carries a message Google answers verbatim with a 400
// INVALID_ARGUMENT (range and cell-content problems).
type rangeError struct{ msg string }

func (e *rangeError) Error() string { return e.msg }

// resolve turns a reference into a rectangle on a sheet of ss, clamping open
// sides to the grid and normalising reversed corners. It fails like Google
// for unknown sheets and for ranges beyond the grid.
func (ss *spreadsheet) resolve(raw string) (gridRect, error) {
	ref, err := parseA1(raw)
	if err != nil {
		return gridRect{}, &rangeError{err.Error()}
	}
	return ss.resolveRef(raw, ref)
}

func (ss *spreadsheet) resolveRef(raw string, ref a1Ref) (gridRect, error) {
	var sh *sheet
	switch {
	case ref.ambiguous:
		// A sheet whose title is exactly the bare word wins; otherwise the
		// word is a cell range on the first sheet.
		if sh = ss.sheetByTitle(ref.sheet); sh != nil {
			ref.wholeSheet = true
		} else if len(ss.sheets) > 0 {
			sh = ss.sheets[0]
		}
	case ref.hasSheet:
		sh = ss.sheetByTitle(ref.sheet)
	}
	if sh == nil {
		return gridRect{}, &rangeError{"Unable to parse range: " + raw}
	}
	if ref.wholeSheet {
		return gridRect{sheet: sh, r0: 0, c0: 0, r1: sh.rowCount, c1: sh.colCount}, nil
	}
	r0, c0, r1, c1 := ref.bounds(sh)
	g := gridRect{sheet: sh, r0: r0, c0: c0, r1: r1 + 1, c1: c1 + 1}
	if err := checkGrid(g); err != nil {
		return gridRect{}, err
	}
	return g, nil
}

// checkGrid reports Google's "exceeds grid limits" error for a rectangle that
// does not fit its sheet.
func checkGrid(g gridRect) error {
	if g.r1 <= g.sheet.rowCount && g.c1 <= g.sheet.colCount && g.r0 >= 0 && g.c0 >= 0 {
		return nil
	}
	return &rangeError{fmt.Sprintf("Range ('%s'!%s) exceeds grid limits. Max rows: %d, max columns: %d",
		strings.ReplaceAll(g.sheet.title, "'", "''"), cellsA1(g.r0, g.c0, g.r1, g.c1), g.sheet.rowCount, g.sheet.colCount)}
}

// bounds returns the 0-based inclusive rectangle the reference names on
// sh: open ends run to the grid's edge, and reversed corners are put in
// order, as Google does.
func (ref a1Ref) bounds(sh *sheet) (r0, c0, r1, c1 int) {
	r0, c0, r1, c1 = max(ref.startRow, 0), max(ref.startCol, 0), ref.endRow, ref.endCol
	if r1 < 0 {
		r1 = sh.rowCount - 1
	}
	if c1 < 0 {
		c1 = sh.colCount - 1
	}
	if r1 < r0 {
		r0, r1 = r1, r0
	}
	if c1 < c0 {
		c0, c1 = c1, c0
	}
	return r0, c0, r1, c1
}
