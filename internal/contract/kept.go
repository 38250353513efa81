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
	cells []keptColumn    // by index in cols
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
	k.cells = make([]keptColumn, len(k.cols))
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

// expect makes room for rows rows, the header included.
func (k *kept) expect(rows int) {
	k.keys.reserve(rows)
	for i := range k.cells {
		k.cells[i].indices.reserve(rows)
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
	for i, col := range k.cols {
		var v sheet.Value
		if col <= len(row) {
			v = row[col-1]
		}
		k.cells[i].add(v)
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
	return k.cells[k.at[col]-1].at(row - 1), true
}

// keptColumn is a kept column's cells by row: as indices into its
// distinct values while these repeat (a few statuses, dates and work
// lists fill most job columns), as they are once most differ (an e-mail
// address or a client ID a row).
type keptColumn struct {
	indices chunked[uint32]
	values  []sheet.Value // the distinct cells, the empty one first
	index   map[sheet.Value]uint32
	plain   bool // the cells are in cells, not indices
	cells   chunked[sheet.Value]
}

// distinctMax is how many distinct cells a column holds as indices
// before it may be held as it is: when more than a quarter of its rows
// differ.
const distinctMax = 1 << 12

func (c *keptColumn) add(v sheet.Value) {
	if c.plain {
		c.cells.add(v)
		return
	}
	if c.index == nil {
		c.values, c.index = []sheet.Value{{}}, map[sheet.Value]uint32{{}: 0}
	}
	i, ok := c.index[v]
	if !ok {
		if len(c.values) >= distinctMax && 4*len(c.values) > c.indices.n {
			c.toPlain()
			c.cells.add(v)
			return
		}
		i = uint32(len(c.values))
		c.values = append(c.values, v)
		c.index[v] = i
	}
	c.indices.add(i)
}

// toPlain holds the cells as they are from now on.
func (c *keptColumn) toPlain() {
	c.cells.reserve(c.indices.first)
	for i := range c.indices.n {
		c.cells.add(c.values[c.indices.at(i)])
	}
	*c = keptColumn{plain: true, cells: c.cells}
}

// at is the cell of data row i (0 for the first below the header).
func (c *keptColumn) at(i int) sheet.Value {
	switch {
	case c.plain && i < c.cells.n:
		return c.cells.at(i)
	case !c.plain && i < c.indices.n:
		return c.values[c.indices.at(i)]
	}
	return sheet.Value{}
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
