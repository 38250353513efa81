package writeback

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"onboard/internal/contract"
	"onboard/internal/sheet"
)

// ErrHeaderChanged means a header row changed between the read and the
// write: the columns may have moved, so the run must start over.
var ErrHeaderChanged = errors.New("a header row changed while the job ran")

// Outcome counts what Apply did.
type Outcome struct {
	Written int // cells written
	// Moved counts changes that went to another row than at read time
	// (rows inserted, deleted or sorted meanwhile).
	Moved int
	// Gone counts changes skipped because their row disappeared.
	Gone int
	// Filled counts blank-only changes skipped because a manager filled
	// the cell meanwhile.
	Filled int
	// Withheld counts changes not written because another change of their
	// group was refused (Gone or Filled): an assignment lands whole or
	// not at all.
	Withheld int
}

// Apply re-reads the key columns and the must-still-be-blank cells, sends
// every change to the row where its key is now, and writes them in one call.
func Apply(ctx context.Context, ss sheet.Spreadsheet, s *contract.Sheet, changes []Change) (Outcome, error) {
	var out Outcome
	if len(changes) == 0 {
		return out, nil
	}
	layouts := map[string]*contract.Layout{}
	for _, l := range s.Layouts() {
		layouts[l.Name] = l
	}
	cols := map[string]map[int]bool{}
	for _, c := range changes {
		if cols[c.Tab] == nil {
			cols[c.Tab] = map[int]bool{}
			for _, k := range layouts[c.Tab].KeyCols() {
				cols[c.Tab][k] = true
			}
		}
		if c.BlankOnly && c.Row > 1 {
			cols[c.Tab][c.Col] = true
		}
	}
	var reqs []sheet.ColumnsRequest
	for tab, set := range cols {
		req := sheet.ColumnsRequest{Tab: tab}
		for c := range set {
			req.Cols = append(req.Cols, c)
		}
		sort.Ints(req.Cols)
		reqs = append(reqs, req)
	}
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].Tab < reqs[j].Tab })
	now, err := ss.ReadColumns(ctx, reqs)
	if err != nil {
		return out, fmt.Errorf("re-read key columns: %w", err)
	}

	// Google answers a column read only down to the last row with a value
	// in those columns, so rows at the end whose key cells are blank (a
	// row with only a stray note) are not in the answer: they are blank-key
	// rows still, and are counted as such up to the last row planned.
	lastRow := map[string]int{}
	for _, c := range changes {
		lastRow[c.Tab] = max(lastRow[c.Tab], c.Row)
	}
	rowsByKey := map[string]map[string][]int{}
	for _, req := range reqs {
		tab := now.Tab(req.Tab)
		l := layouts[req.Tab]
		var header []sheet.Value
		if tab != nil && len(tab.Rows) > 0 {
			header = tab.Rows[0]
		}
		if tab == nil || !l.SameHeader(header) {
			return out, fmt.Errorf("tab %q: %w", req.Tab, ErrHeaderChanged)
		}
		index := map[string][]int{}
		for r := 2; r <= max(len(tab.Rows), lastRow[req.Tab]); r++ {
			var k string
			if r <= len(tab.Rows) {
				k = l.RowKey(tab.Rows[r-1])
			} else {
				k = l.RowKey(nil)
			}
			index[k] = append(index[k], r)
		}
		rowsByKey[req.Tab] = index
	}

	updates := make([]sheet.Update, 0, len(changes))
	group := make([]int, 0, len(changes)) // each update's Group
	refused := map[int]bool{}             // groups with a change refused
	for _, c := range changes {
		row := c.Row
		if row > 1 {
			rows := rowsByKey[c.Tab][c.Key]
			if c.Occurrence >= len(rows) {
				out.Gone++
				refused[c.Group] = true
				continue
			}
			row = rows[c.Occurrence]
			if row != c.Row {
				out.Moved++
			}
		}
		if c.BlankOnly && !now.Tab(c.Tab).Cell(row, c.Col).IsEmpty() {
			out.Filled++
			refused[c.Group] = true
			continue
		}
		updates = append(updates, sheet.Update{Tab: c.Tab, Row: row, Col: c.Col, Value: c.New})
		group = append(group, c.Group)
	}
	if len(refused) > 0 {
		kept := updates[:0]
		for i, u := range updates {
			if g := group[i]; g != 0 && refused[g] {
				out.Withheld++
				continue
			}
			kept = append(kept, u)
		}
		updates = kept
	}
	if len(updates) == 0 {
		return out, nil
	}
	if err := ss.Write(ctx, updates); err != nil {
		return out, fmt.Errorf("write %d cells: %w", len(updates), err)
	}
	out.Written = len(updates)
	return out, nil
}
