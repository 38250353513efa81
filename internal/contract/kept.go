package contract

import "onboard/internal/sheet"

// kept is what the write-back plan needs of a contract tab once its
// records are read: each row's key, and the cells of the columns the job
// may write (its own and those it fills), to compare with. The other cells
// are in the records already; letting the tab go keeps a sync's memory
// growing with the clients, not with the columns a team adds (issue 13).
type kept struct {
	rows int   // rows read, the header included
	cols []int // the columns kept, 1-based, ascending
	// at is, by sheet column, its index in cols plus one; addedCol for a
	// column the job adds (blank in every row: nothing to keep); 0 when
	// not kept.
	at    []int
	cells []sheet.Value
	keys  []string // by row; "" for the header
}

const addedCol = -1

func keep(l *Layout, tab *sheet.Tab) *kept {
	k := &kept{rows: len(tab.Rows)}
	mark := func(col, v int) {
		k.at = append(k.at, make([]int, max(0, col+1-len(k.at)))...)
		k.at[col] = v
	}
	for _, c := range l.Spec.Columns {
		if col := l.Col(c.Key); col > 0 && c.Owner != Manager {
			mark(col, 1) // set below, once the columns are in order
		}
	}
	for _, a := range l.Added {
		mark(a.Col, addedCol)
	}
	for col, v := range k.at {
		if v > 0 {
			k.cols = append(k.cols, col)
			k.at[col] = len(k.cols)
		}
	}
	k.cells = make([]sheet.Value, k.rows*len(k.cols))
	k.keys = make([]string, k.rows+1)
	for r := 1; r <= k.rows; r++ {
		row := tab.Rows[r-1]
		if r > 1 {
			k.keys[r] = l.RowKey(row)
		}
		for i, col := range k.cols {
			if col <= len(row) {
				k.cells[(r-1)*len(k.cols)+i] = row[col-1]
			}
		}
	}
	return k
}

// cell is a kept cell; ok is false for a column not kept.
func (k *kept) cell(row, col int) (v sheet.Value, ok bool) {
	if col < 1 || col >= len(k.at) || k.at[col] == 0 {
		return sheet.Value{}, false
	}
	if row < 1 || row > k.rows || k.at[col] == addedCol {
		return sheet.Value{}, true
	}
	return k.cells[(row-1)*len(k.cols)+k.at[col]-1], true
}

// Rows is the number of rows read from the contract tab (key: TabApplications…),
// the header included; 0 for a tab the sheet lacks.
func (s *Sheet) Rows(tab string) int {
	if k := s.kept[tab]; k != nil {
		return k.rows
	}
	return 0
}

// RowKey is a data row's key as read (Layout.RowKey).
func (s *Sheet) RowKey(tab string, row int) string {
	if k := s.kept[tab]; k != nil && row >= 2 && row <= k.rows {
		return k.keys[row]
	}
	return ""
}

// Cell is a cell as read of a column the job writes or fills (Owner Job or
// Fill); ok is false for any other column, whose cells are not kept.
func (s *Sheet) Cell(tab string, row, col int) (v sheet.Value, ok bool) {
	if k := s.kept[tab]; k != nil {
		return k.cell(row, col)
	}
	return sheet.Value{}, false
}

// ReleaseCells lets the kept cells go once the plan is made: Cell then
// reports every column as not kept, and RowKey and Rows are empty.
func (s *Sheet) ReleaseCells() { s.kept = nil }
