package writeback

import "onboard/internal/sheet"

// PlanTab lists the changes that make a job-owned tab (one the job
// rewrites whole, such as セッション準備) hold want: only the cells that
// differ, and blanks for cells beyond want. current is the tab as read;
// nil when it does not exist yet. Its changes are Owned: they go to the
// cell as planned, with no key to follow.
func PlanTab(name string, current *sheet.Tab, want [][]sheet.Value) []Change {
	var changes []Change
	rows := len(want)
	if current != nil {
		rows = max(rows, len(current.Rows))
	}
	for r := 1; r <= rows; r++ {
		cols := 0
		if r <= len(want) {
			cols = len(want[r-1])
		}
		if current != nil && r <= len(current.Rows) {
			cols = max(cols, len(current.Rows[r-1]))
		}
		for c := 1; c <= cols; c++ {
			var v sheet.Value
			if r <= len(want) && c <= len(want[r-1]) {
				v = sheet.Storable(want[r-1][c-1])
			}
			var old sheet.Value
			if current != nil {
				old = current.Cell(r, c)
			}
			if same(old, v) {
				continue
			}
			header := ""
			if len(want) > 0 && c <= len(want[0]) {
				header = want[0][c-1].String()
			}
			changes = append(changes, Change{Tab: name, Row: r, Col: c, Header: header, Old: old, New: v, Owned: true})
		}
	}
	return changes
}

// PlanAppend lists the changes that add rows to an append-only job-owned
// tab (ステータス履歴): the header where the tab lacks it (current nil:
// the tab does not exist yet), then rows, starting below the last row
// holding anything at read time. Existing rows are never rewritten. The
// row cells are Owned and BlankOnly: Apply writes them only into rows
// still blank when it re-reads the tab, moving the block below a row a
// person or another run added meanwhile.
func PlanAppend(name string, current *sheet.Tab, header []string, rows [][]sheet.Value) []Change {
	if len(rows) == 0 {
		return nil
	}
	changes := make([]Change, 0, len(header)*(len(rows)+1))
	last := 1
	if current != nil {
		for r := len(current.Rows); r > 1; r-- {
			if !blankRow(current.Rows[r-1]) {
				last = r
				break
			}
		}
	}
	for c, h := range header {
		var old sheet.Value
		if current != nil {
			old = current.Cell(1, c+1)
		}
		if v := sheet.TextValue(h); !same(old, v) {
			changes = append(changes, Change{Tab: name, Row: 1, Col: c + 1, Header: h, Old: old, New: v, Owned: true})
		}
	}
	for i, row := range rows {
		for c, v := range row {
			if v.IsEmpty() {
				continue
			}
			h := ""
			if c < len(header) {
				h = header[c]
			}
			changes = append(changes, Change{Tab: name, Row: last + 1 + i, Col: c + 1, Header: h,
				New: sheet.Storable(v), Owned: true, BlankOnly: true})
		}
	}
	return changes
}

func blankRow(row []sheet.Value) bool {
	for _, v := range row {
		if !v.IsEmpty() {
			return false
		}
	}
	return true
}
