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
	cells chunked[sheet.Value]
	keys  chunked[string] // by row; "" for the header
	blank string          // the key of a row holding nothing
}

const addedCol = -1

// newKept keeps the layout's job and fill columns, the rows to come.
func newKept(l *Layout) *kept {
	k := &kept{blank: l.RowKey(nil)}
	k.keys.add("")
	for _, c := range l.Spec.Columns {
		if col := l.Col(c.Key); col > 0 && c.Owner != Manager {
			k.mark(col, 1) // set below, once the columns are in order
		}
	}
	k.added(l.Added)
	for col, v := range k.at {
		if v > 0 {
			k.cols = append(k.cols, col)
			k.at[col] = len(k.cols)
		}
	}
	return k
}

func (k *kept) mark(col, v int) {
	k.at = append(k.at, make([]int, max(0, col+1-len(k.at)))...)
	k.at[col] = v
}

// added marks the columns the job adds: blank in every row, as read.
func (k *kept) added(cols []Placed) {
	for _, a := range cols {
		k.mark(a.Col, addedCol)
	}
}

// add keeps sheet row n's key ("" for the header) and cells, after the
// rows before it; rows left out between hold nothing.
func (k *kept) add(n int, row []sheet.Value, key string) {
	for k.rows < n-1 {
		k.append(nil, k.blank)
	}
	k.append(row, key)
}

func (k *kept) append(row []sheet.Value, key string) {
	k.rows++
	k.keys.add(key)
	for _, col := range k.cols {
		var v sheet.Value
		if col <= len(row) {
			v = row[col-1]
		}
		k.cells.add(v)
	}
}

// cell is a kept cell; ok is false for a column not kept.
func (k *kept) cell(row, col int) (v sheet.Value, ok bool) {
	if col < 1 || col >= len(k.at) || k.at[col] == 0 {
		return sheet.Value{}, false
	}
	if row < 1 || row > k.rows || k.at[col] == addedCol {
		return sheet.Value{}, true
	}
	return k.cells.at((row-1)*len(k.cols) + k.at[col] - 1), true
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
		return k.keys.at(row)
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
