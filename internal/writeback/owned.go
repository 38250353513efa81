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
