// Package matrix holds the condition matrix: which setup works a client
// needs for each combination of conditions. It is data, loaded from a table
// (the embedded templates/matrix.csv, a --matrix file, or a sheet tab) and
// validated so that every combination of conditions lands in exactly one
// column.
package matrix

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"onboard/internal/parse"
	"onboard/internal/sheet"
	"onboard/templates"
)

// Need says what a column asks of one work.
type Need uint8

const (
	NotNeeded Need = iota // ×: not part of the setup
	Do                    // ○: done in the session
	Check                 // 確認: check what exists, grant or create
)

func (n Need) String() string {
	switch n {
	case Do:
		return "○"
	case Check:
		return "確認"
	}
	return "×"
}

// Required reports whether the work is part of the setup.
func (n Need) Required() bool { return n != NotNeeded }

// Cond is a column's requirement on one condition.
type Cond uint8

const (
	Any Cond = iota // -: either value
	Yes
	No
)

// Condition is one yes/no fact about a client. Name is the 申込 header;
// sessions confirm it in the column "確認:"+Name.
type Condition struct {
	Name  string
	Alias string
	// Origin says where the condition is defined, for error messages.
	Origin string
}

// SessionHeader is the セッション column that confirms the condition.
func (c Condition) SessionHeader() string { return "確認:" + c.Name }

// SessionAlias is the English alias of the confirming column.
func (c Condition) SessionAlias() string { return "confirmed_" + c.Alias }

// Work is one setup work; Name is its セッション column header.
type Work struct {
	Symbol string
	Name   string
	Alias  string
	// Origin says where the work is defined, for error messages.
	Origin string
}

// Label is how a work is shown to people: "③ Messaging API".
func (w Work) Label() string {
	if w.Symbol == "" {
		return w.Name
	}
	return w.Symbol + " " + w.Name
}

// Short is the work's symbol, or its name when it has none.
func (w Work) Short() string {
	if w.Symbol == "" {
		return w.Name
	}
	return w.Symbol
}

// Column is one combination of conditions and the works it needs. A
// contradiction column names a combination that is a data problem instead.
type Column struct {
	Name          string
	Conds         []Cond
	Needs         []Need
	Contradiction string // the problem text; empty for a normal column
}

// Matrix is a validated condition matrix.
type Matrix struct {
	Source     string
	Conditions []Condition
	Works      []Work
	Columns    []Column
}

// Default returns the embedded matrix, or the one in dir when it holds a
// matrix.csv.
func Default(dir string) (*Matrix, error) {
	b, src, err := templates.Open(dir, "matrix.csv")
	if err != nil {
		return nil, fmt.Errorf("read matrix %s: %w", src, err)
	}
	return ParseCSV(b, src)
}

// TabName is the sheet tab that holds a team's own matrix.
const TabName = "条件マトリクス"

// FromTab reads a matrix from the 条件マトリクス tab, laid out like
// matrix.csv; errors name the tab and cell.
func FromTab(t *sheet.Tab) (*Matrix, error) {
	rows := make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		rows[r] = make([]string, len(row))
		for c, v := range row {
			rows[r][c] = v.String()
		}
	}
	return Parse(rows, "tab "+t.Name)
}

// Table renders the matrix as the table Parse reads: the header row, then
// one row per condition and per work. init writes it into the sheet.
func (m *Matrix) Table() [][]string {
	header := []string{"種別", "記号", "項目", "英語名"}
	for _, c := range m.Columns {
		if c.Contradiction != "" {
			header = append(header, "矛盾:"+c.Contradiction)
		} else {
			header = append(header, c.Name)
		}
	}
	rows := [][]string{header}
	for i, c := range m.Conditions {
		row := []string{"条件", "", c.Name, c.Alias}
		for _, col := range m.Columns {
			row = append(row, map[Cond]string{Any: "-", Yes: "あり", No: "なし"}[col.Conds[i]])
		}
		rows = append(rows, row)
	}
	for i, w := range m.Works {
		row := []string{"作業", w.Symbol, w.Name, w.Alias}
		for _, col := range m.Columns {
			if col.Contradiction != "" {
				row = append(row, "")
			} else {
				row = append(row, col.Needs[i].String())
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// ParseCSV reads a matrix from CSV text (UTF-8, an optional BOM).
func ParseCSV(b []byte, source string) (*Matrix, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("matrix %s: %w", source, err)
	}
	return Parse(rows, source)
}

// Cell positions of the table: four label columns, then one per matrix
// column.
const (
	colKind = iota
	colSymbol
	colName
	colAlias
	firstColumn
)

// Parse reads a matrix from a table of text cells: a header row naming the
// columns, then one row per condition (種別 条件) and per work (種別 作業).
// Errors name the cell in A1 notation.
func Parse(rows [][]string, source string) (*Matrix, error) {
	m := &Matrix{Source: source}
	fail := func(row, col int, format string, args ...any) error {
		return fmt.Errorf("matrix %s cell %s: %s", source, sheet.CellName(row+1, col+1), fmt.Sprintf(format, args...))
	}
	cell := func(row, col int) string {
		if col < len(rows[row]) {
			return strings.TrimSpace(rows[row][col])
		}
		return ""
	}
	origin := func(row int) string {
		return fmt.Sprintf("matrix %s cell %s", source, sheet.CellName(row+1, colName+1))
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("matrix %s: empty table", source)
	}
	width := 0
	for c := firstColumn; c < len(rows[0]); c++ {
		if cell(0, c) != "" {
			width = c + 1
		}
	}
	if width <= firstColumn {
		return nil, fail(0, firstColumn, "no matrix columns in the header row")
	}
	seenCol := map[string]int{}
	for c := firstColumn; c < width; c++ {
		name := cell(0, c)
		if name == "" {
			return nil, fail(0, c, "matrix column without a name")
		}
		if prev, dup := seenCol[name]; dup {
			return nil, fail(0, c, "column %q repeats %s", name, sheet.CellName(1, prev+1))
		}
		seenCol[name] = c
		col := Column{Name: name}
		if msg, ok := contradiction(name); ok {
			col.Contradiction = msg
		}
		m.Columns = append(m.Columns, col)
	}
	seenName := map[string]int{}
	for r := 1; r < len(rows); r++ {
		kind := parse.Word(cell(r, colKind))
		name := cell(r, colName)
		if kind == "" && name == "" {
			continue
		}
		if name == "" {
			return nil, fail(r, colName, "a %s row needs a name", kind)
		}
		key := string(kindOf(kind)) + parse.Header(name)
		if prev, dup := seenName[key]; dup {
			return nil, fail(r, colName, "%q is already defined in row %d", name, prev+1)
		}
		seenName[key] = r
		switch kind {
		case "条件", "condition":
			m.Conditions = append(m.Conditions, Condition{Name: name, Alias: cell(r, colAlias), Origin: origin(r)})
			for i := range m.Columns {
				c := firstColumn + i
				v, ok := parseCond(cell(r, c))
				if !ok {
					return nil, fail(r, c, "%q is not a condition value (あり, なし or -)", cell(r, c))
				}
				m.Columns[i].Conds = append(m.Columns[i].Conds, v)
			}
		case "作業", "work":
			m.Works = append(m.Works, Work{Symbol: cell(r, colSymbol), Name: name, Alias: cell(r, colAlias), Origin: origin(r)})
			for i := range m.Columns {
				c := firstColumn + i
				text := cell(r, c)
				if m.Columns[i].Contradiction != "" {
					if text != "" {
						return nil, fail(r, c, "a contradiction column names no works; leave the cell empty")
					}
					m.Columns[i].Needs = append(m.Columns[i].Needs, NotNeeded)
					continue
				}
				v, ok := parseNeed(text)
				if !ok {
					return nil, fail(r, c, "%q is not one of ○ × 確認", text)
				}
				m.Columns[i].Needs = append(m.Columns[i].Needs, v)
			}
		default:
			return nil, fail(r, colKind, "%q is neither 条件 nor 作業", cell(r, colKind))
		}
		for c := width; c < len(rows[r]); c++ {
			if cell(r, c) != "" {
				return nil, fail(r, c, "value outside the matrix columns (no column name in %s)", sheet.CellName(1, c+1))
			}
		}
	}
	if len(m.Conditions) == 0 {
		return nil, fmt.Errorf("matrix %s: no 条件 rows", source)
	}
	if len(m.Conditions) > maxConditions {
		return nil, fmt.Errorf("matrix %s: %d conditions; at most %d are supported", source, len(m.Conditions), maxConditions)
	}
	if len(m.Works) == 0 {
		return nil, fmt.Errorf("matrix %s: no 作業 rows", source)
	}
	if err := m.checkCoverage(); err != nil {
		return nil, err
	}
	return m, nil
}

// maxConditions bounds the 2^n combinations the coverage check walks.
const maxConditions = 12

func kindOf(w string) byte {
	if w == "条件" || w == "condition" {
		return 'c'
	}
	return 'w'
}

func contradiction(name string) (string, bool) {
	for _, p := range []string{"矛盾:", "矛盾：", "矛盾"} {
		if strings.HasPrefix(name, p) {
			msg := strings.TrimSpace(strings.TrimPrefix(name, p))
			if msg == "" {
				msg = "条件の組み合わせが矛盾しています"
			}
			return msg, true
		}
	}
	return "", false
}

func parseCond(s string) (Cond, bool) {
	switch parse.Word(s) {
	case "-", "ー", "－", "*", "any", "":
		return Any, true
	}
	yes, set, ok := parse.YesNo(sheet.TextValue(s))
	if !ok || !set {
		return Any, false
	}
	if yes {
		return Yes, true
	}
	return No, true
}

func parseNeed(s string) (Need, bool) {
	switch parse.Word(s) {
	case "○", "〇", "◯", "o":
		return Do, true
	case "×", "✕", "x", "✖":
		return NotNeeded, true
	case "確認", "check":
		return Check, true
	}
	return NotNeeded, false
}

// checkCoverage proves every combination of condition values hits exactly
// one column.
func (m *Matrix) checkCoverage() error {
	n := len(m.Conditions)
	values := make([]bool, n)
	for combo := 0; combo < 1<<n; combo++ {
		for i := range values {
			values[i] = combo&(1<<i) != 0
		}
		hits := m.columnsFor(values)
		switch len(hits) {
		case 1:
			continue
		case 0:
			return fmt.Errorf("matrix %s: no column covers %s; add a column or widen one with -", m.Source, m.describe(values))
		default:
			return fmt.Errorf("matrix %s: columns %s (%s) and %s (%s) both cover %s",
				m.Source, m.Columns[hits[0]].Name, sheet.CellName(1, firstColumn+hits[0]+1),
				m.Columns[hits[1]].Name, sheet.CellName(1, firstColumn+hits[1]+1), m.describe(values))
		}
	}
	return nil
}

func (m *Matrix) columnsFor(values []bool) []int {
	var hits []int
	for i, col := range m.Columns {
		if col.matches(values) {
			hits = append(hits, i)
		}
	}
	return hits
}

func (c Column) matches(values []bool) bool {
	for i, want := range c.Conds {
		if (want == Yes && !values[i]) || (want == No && values[i]) {
			return false
		}
	}
	return true
}

func (m *Matrix) describe(values []bool) string {
	parts := make([]string, len(values))
	for i, v := range values {
		word := "なし"
		if v {
			word = "あり"
		}
		parts[i] = m.Conditions[i].Name + "=" + word
	}
	return strings.Join(parts, ", ")
}

// Known is a condition value that may be unknown (not entered).
type Known struct {
	Value bool
	Set   bool
	// Bad: the cell held something unreadable (already reported), so
	// the value is unknown.
	Bad bool
}

// Resolution is the outcome of matching a client's conditions.
type Resolution struct {
	Column        int    // index into Columns; -1 when unresolved
	Contradiction string // set when the known values contradict each other
	Missing       []int  // conditions that must be entered to decide
}

// Resolve finds the column for a client's conditions. Unknown conditions
// are tried both ways; completions that would be a contradiction are not
// held against the client (an OA-less client need not say it will not use
// an existing OA). The column is decided when every remaining completion
// lands in the same one.
func (m *Matrix) Resolve(known []Known) Resolution {
	var unknown []int
	values := make([]bool, len(m.Conditions))
	for i := range m.Conditions {
		if i < len(known) && known[i].Set {
			values[i] = known[i].Value
		} else {
			unknown = append(unknown, i)
		}
	}
	target := -1
	decided := true
	contra := ""
	outcome := make(map[int]int) // completion bits → column
	for combo := 0; combo < 1<<len(unknown); combo++ {
		for j, idx := range unknown {
			values[idx] = combo&(1<<j) != 0
		}
		col := m.columnsFor(values)[0] // coverage is validated: exactly one
		if m.Columns[col].Contradiction != "" {
			if contra == "" {
				contra = m.Columns[col].Contradiction
			}
			continue
		}
		outcome[combo] = col
		if target == -1 {
			target = col
		} else if target != col {
			decided = false
		}
	}
	switch {
	case target == -1:
		return Resolution{Column: -1, Contradiction: contra}
	case decided:
		return Resolution{Column: target}
	}
	// Name the unknown conditions whose value changes the column.
	var missing []int
	for j, idx := range unknown {
		for combo, col := range outcome {
			other, ok := outcome[combo^(1<<j)]
			if ok && other != col {
				missing = append(missing, idx)
				break
			}
		}
	}
	return Resolution{Column: -1, Missing: missing}
}

// WorkIndex finds a work by its symbol, name or alias.
func (m *Matrix) WorkIndex(s string) int {
	h := parse.Header(s)
	for i, w := range m.Works {
		if h == parse.Header(w.Name) || (w.Alias != "" && h == parse.Header(w.Alias)) || (w.Symbol != "" && h == parse.Header(w.Symbol)) {
			return i
		}
	}
	return -1
}
