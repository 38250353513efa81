package fakesheets

import (
	"math/rand/v2"
	"strings"
	"sync"
)

// store holds the spreadsheets and applies the API's operations to them;
// the HTTP layer decodes requests into its arguments and encodes what it
// returns. All methods lock mu; helpers named on *spreadsheet or *sheet
// expect the caller to hold it.
type store struct {
	mu           sync.Mutex
	spreadsheets map[string]*spreadsheet
	rng          *rand.Rand
	// caller is the account the fake treats as the caller; Google adds it
	// as an editor of protected ranges it creates.
	caller string
	// formulas maps formula text to the value it shows (WithFormulaValue).
	formulas map[string]cell
}

func newStore(rng *rand.Rand, caller string, formulas map[string]cell) *store {
	return &store{spreadsheets: map[string]*spreadsheet{}, rng: rng, caller: caller, formulas: formulas}
}

// lookup returns the spreadsheet or Google's 404/403. Callers hold mu.
func (st *store) lookup(id string) (*spreadsheet, *apiError) {
	ss, ok := st.spreadsheets[id]
	if !ok {
		return nil, errNotFound
	}
	if ss.denied {
		return nil, errDenied
	}
	return ss, nil
}

// viewerOnly reports a spreadsheet shared with the caller as Viewer.
func (st *store) viewerOnly(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, ok := st.spreadsheets[id]
	return ok && ss.viewer
}

// newSpreadsheetID generates a 44-character ID shaped like Google's.
func (st *store) newSpreadsheetID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for {
		b := make([]byte, 44)
		b[0] = '1'
		for i := 1; i < len(b); i++ {
			b[i] = alphabet[st.rng.IntN(len(alphabet))]
		}
		id := string(b)
		if _, taken := st.spreadsheets[id]; !taken {
			return id
		}
	}
}

// typed resolves a formula cell of a USER_ENTERED write to the value a
// test declared for it; the fake does not evaluate formulas.
func (st *store) typed(c cell) (cell, *apiError) {
	if c.formula == "" {
		return c, nil
	}
	v, ok := st.formulas[c.formula]
	if !ok {
		return cell{}, &apiError{code: 501, status: "UNIMPLEMENTED",
			message: "fakesheets does not evaluate formulas: declare the value of " + c.formula + " with WithFormulaValue, or seed it with SetFormula"}
	}
	v.formula = c.formula
	return v, nil
}

// Default grid of a new sheet, as Google creates it.
const (
	defaultRows = 1000
	defaultCols = 26
)

// cellKind says what a cell holds.
type cellKind uint8

const (
	kindEmpty cellKind = iota
	kindText
	kindNumber
	kindBool
	// kindError is an error value such as "#DIV/0!", the result of a
	// formula.
	kindError
)

// cell is one stored cell: its effective value, and for a formula cell
// the formula's text. Numbers carry the number format Google would have
// inferred from the typed input (e.g. "2,000,000.01" or "2020-01-01"),
// which drives FORMATTED_VALUE rendering.
type cell struct {
	kind    cellKind
	text    string // kindText: the text; kindError: the code
	num     float64
	bool    bool
	fmt     numFormat
	formula string // "=…" for a formula cell, whose value the fields above hold
}

func (c cell) empty() bool { return c.kind == kindEmpty && c.formula == "" }

// sheet is one tab. rows holds data only up to the last touched row and each
// row only up to its last touched column; rowCount/colCount is the grid size
// that Google enforces.
type sheet struct {
	id            int64
	title         string
	rowCount      int
	colCount      int
	frozenRows    int
	frozenCols    int
	hideGridlines bool
	hidden        bool
	rightToLeft   bool
	tabColor      *rgbColor
	rows          [][]cell
	protected     []*protectedRange
	validations   []validationRule
	looks         *sheetLooks // formats, see format.go
}

// rgbColor keeps colour channels as float32 because Google stores them so
// and echoes 0.4980392156862745 back as 0.49803922.
type rgbColor struct {
	red, green, blue, alpha float32
	hasAlpha                bool
}

type protectedRange struct {
	id            int64
	rng           gridRange
	description   string
	warningOnly   bool
	editorsUsers  []string
	editorsGroups []string
	domainUsers   bool
	// byOther: set by another user (a manager), so the caller is an
	// editor only when listed; a range the caller adds lists it.
	byOther bool
}

// gridRange mirrors Google's GridRange: nil bounds are unbounded.
type gridRange struct {
	sheetID                int64
	startRow, endRow       *int64
	startColumn, endColumn *int64
}

// validationRule is kept as the raw rule JSON: the fake stores data
// validation so get can be extended, but does not enforce it on writes.
type validationRule struct {
	rng  gridRange
	rule []byte
}

// spreadsheet is one document.
type spreadsheet struct {
	id       string
	title    string
	locale   string
	timeZone string
	sheets   []*sheet
	// denied models a spreadsheet that exists but is not shared with the
	// caller: every call answers 403 PERMISSION_DENIED.
	denied bool
	// viewer models a spreadsheet shared with the caller as Viewer: reads
	// work, every write answers 403 PERMISSION_DENIED.
	viewer bool
}

func (ss *spreadsheet) sheetByTitle(title string) *sheet {
	for _, sh := range ss.sheets {
		if sh.title == title {
			return sh
		}
	}
	// Google matches titles case-insensitively when nothing matches exactly.
	for _, sh := range ss.sheets {
		if strings.EqualFold(sh.title, title) {
			return sh
		}
	}
	return nil
}

func (ss *spreadsheet) sheetByID(id int64) *sheet {
	for _, sh := range ss.sheets {
		if sh.id == id {
			return sh
		}
	}
	return nil
}

func (ss *spreadsheet) sheetIndex(sh *sheet) int {
	for i, s := range ss.sheets {
		if s == sh {
			return i
		}
	}
	return -1
}

// newSheetID picks a random positive int32 like Google, unique in ss.
func (ss *spreadsheet) newSheetID(rng *rand.Rand) int64 {
	for {
		id := rng.Int64N(1<<31-2) + 1
		if ss.sheetByID(id) == nil {
			return id
		}
	}
}

// clone deep-copies the spreadsheet so a batchUpdate can be applied
// atomically: work on the copy, swap it in only if every request succeeded.
func (ss *spreadsheet) clone() *spreadsheet {
	cp := *ss
	cp.sheets = make([]*sheet, len(ss.sheets))
	for i, sh := range ss.sheets {
		cp.sheets[i] = sh.clone()
	}
	return &cp
}

func (sh *sheet) clone() *sheet {
	cp := *sh
	cp.rows = make([][]cell, len(sh.rows))
	for i, row := range sh.rows {
		cp.rows[i] = append([]cell(nil), row...)
	}
	if sh.tabColor != nil {
		c := *sh.tabColor
		cp.tabColor = &c
	}
	cp.protected = make([]*protectedRange, len(sh.protected))
	for i, p := range sh.protected {
		pc := *p
		cp.protected[i] = &pc
	}
	cp.validations = append([]validationRule(nil), sh.validations...)
	cp.looks = sh.looks.clone()
	return &cp
}

func newSheet(id int64, title string, rows, cols int) *sheet {
	return &sheet{id: id, title: title, rowCount: rows, colCount: cols}
}

// get returns the cell at 0-based (r, c), empty outside stored data.
func (sh *sheet) get(r, c int) cell {
	if r < 0 || r >= len(sh.rows) || c < 0 || c >= len(sh.rows[r]) {
		return cell{}
	}
	return sh.rows[r][c]
}

// set stores v at 0-based (r, c); the caller has checked the grid bounds
// and calls compact once its whole operation is done.
func (sh *sheet) set(r, c int, v cell) {
	if v.empty() {
		if r < len(sh.rows) && c < len(sh.rows[r]) {
			sh.rows[r][c] = cell{}
		}
		return
	}
	for len(sh.rows) <= r {
		sh.rows = append(sh.rows, nil)
	}
	row := sh.rows[r]
	for len(row) <= c {
		row = append(row, cell{})
	}
	row[c] = v
	sh.rows[r] = row
}

// compact drops trailing empty cells of each row and trailing empty rows, so
// len(sh.rows) is the last row holding data.
func (sh *sheet) compact() {
	for r, row := range sh.rows {
		n := len(row)
		for n > 0 && row[n-1].empty() {
			n--
		}
		sh.rows[r] = row[:n]
	}
	m := len(sh.rows)
	for m > 0 && len(sh.rows[m-1]) == 0 {
		m--
	}
	sh.rows = sh.rows[:m]
}

// compactRows is compact for a change confined to rows [r0, r1): only those
// rows and the trailing ones can have gained empty ends, and trimming just
// them keeps a batch of many small writes linear in its size.
func (sh *sheet) compactRows(r0, r1 int) {
	for r := max(r0, 0); r < r1 && r < len(sh.rows); r++ {
		row := sh.rows[r]
		n := len(row)
		for n > 0 && row[n-1].empty() {
			n--
		}
		sh.rows[r] = row[:n]
	}
	m := len(sh.rows)
	for m > 0 && len(sh.rows[m-1]) == 0 {
		m--
	}
	sh.rows = sh.rows[:m]
}

// clearRect empties every cell of the rectangle.
func (sh *sheet) clearRect(r0, c0, r1, c1 int) {
	for r := r0; r < r1 && r < len(sh.rows); r++ {
		row := sh.rows[r]
		for c := c0; c < c1 && c < len(row); c++ {
			row[c] = cell{}
		}
	}
	sh.compact()
}

// insertRows inserts n empty rows before 0-based row at and grows the grid.
func (sh *sheet) insertRows(at, n int) {
	sh.rowCount += n
	if at >= len(sh.rows) {
		return
	}
	ins := make([][]cell, n)
	sh.rows = append(sh.rows[:at], append(ins, sh.rows[at:]...)...)
}

// deleteRows removes rows [at, at+n) and shrinks the grid.
func (sh *sheet) deleteRows(at, n int) {
	sh.rowCount -= n
	if at < len(sh.rows) {
		end := min(at+n, len(sh.rows))
		sh.rows = append(sh.rows[:at], sh.rows[end:]...)
	}
	sh.compact()
	sh.shiftProtected()
}

// resize sets the grid size, dropping data that falls outside like Google
// does when rowCount/columnCount shrink.
func (sh *sheet) resize(rows, cols int) {
	if rows < sh.rowCount && rows < len(sh.rows) {
		sh.rows = sh.rows[:rows]
	}
	if cols < sh.colCount {
		for r, row := range sh.rows {
			if len(row) > cols {
				sh.rows[r] = row[:cols]
			}
		}
	}
	sh.rowCount, sh.colCount = rows, cols
	sh.compact()
}

// shiftProtected is a hook point for keeping protected ranges inside the
// grid after rows disappear; Google clips them, the fake only drops ranges
// that start beyond the new end.
func (sh *sheet) shiftProtected() {
	kept := sh.protected[:0]
	for _, p := range sh.protected {
		if p.rng.startRow != nil && int(*p.rng.startRow) >= sh.rowCount {
			continue
		}
		kept = append(kept, p)
	}
	sh.protected = kept
}

// callerCanEdit reports whether the caller may write inside p.
func (p *protectedRange) callerCanEdit(caller string) bool {
	return p.warningOnly || !p.byOther || contains(p.editorsUsers, caller)
}

// covers reports whether p's range meets the 0-based half-open rectangle.
func (p *protectedRange) covers(r0, c0, r1, c1 int) bool {
	in := func(start, end *int64, a0, a1 int) bool {
		lo, hi := int64(0), int64(1<<62)
		if start != nil {
			lo = *start
		}
		if end != nil {
			hi = *end
		}
		return int64(a0) < hi && lo < int64(a1)
	}
	return in(p.rng.startRow, p.rng.endRow, r0, r1) && in(p.rng.startColumn, p.rng.endColumn, c0, c1)
}
