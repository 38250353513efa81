package sheet

// TabBuilder makes a tab of its rows as a backend reads them, in order:
// every whole-tab read of every backend hands its rows to one. Below the
// header it leaves out the columns Keep.Cols does not keep (noting where
// they hold values in Elsewhere), and holds the rows or, with Keep.Rows,
// hands them on.
type TabBuilder struct {
	tab     *Tab
	keep    KeepColumns
	k       Keep
	decided bool
	row     []Value // a row with the columns left out blanked
	noted   []bool  // by column: in Elsewhere
	free    []Value // cells for the rows held, handed out in chunks
	expect  int     // the rows the backend expects; 0 for no idea
}

// NewTabBuilder starts the tab name; keep nil keeps every row and column.
func NewTabBuilder(name string, keep KeepColumns) *TabBuilder {
	return &TabBuilder{tab: &Tab{Name: name}, keep: keep}
}

// Expect tells the builder, before the rows come, how many the tab is
// expected to hold, its header included; Keep.Expect is told.
func (b *TabBuilder) Expect(rows int) { b.expect = rows }

// Tab is the tab as built so far.
func (b *TabBuilder) Tab() *Tab { return b.tab }

// Keep is what is kept below the header, decided once from the header row
// read so far: a backend that leaves cells out as it decodes them asks it
// before the first row below the header.
func (b *TabBuilder) Keep() Keep {
	if b.decided {
		return b.k
	}
	b.decided = true
	if b.keep != nil {
		var header []Value
		if len(b.tab.Rows) > 0 {
			header = b.tab.Rows[0]
		}
		b.k = b.keep(b.tab.Name, header)
	}
	if b.k.Rows != nil && b.k.Expect != nil && b.expect > 0 {
		b.k.Expect(b.expect)
	}
	if b.k.Rows != nil {
		b.tab.height, b.tab.width = b.tab.Size()
		b.tab.streamed = true
		if len(b.tab.Rows) == 0 {
			b.tab.Rows = [][]Value{nil}
		}
	}
	return b.k
}

// Row takes sheet row n, after the rows before it; rows holding nothing
// may be left out. cells is the caller's again once Row returns.
func (b *TabBuilder) Row(n int, cells []Value) {
	if n > 1 && b.Keep().Cols != nil {
		if cells = b.filter(n, cells, b.k.Cols); len(cells) == 0 {
			return
		}
	}
	b.Kept(n, cells)
}

// Kept is Row for a backend that left out the columns Keep does not keep
// itself, as it decoded the row: the row is taken as it is.
func (b *TabBuilder) Kept(n int, cells []Value) {
	if n <= 1 || b.Keep().Rows == nil {
		b.hold(n, cells)
		return
	}
	k := b.k
	b.tab.height, b.tab.width = max(b.tab.height, n), max(b.tab.width, len(cells))
	k.Rows(n, cells)
}

// filter blanks the cells of the columns not kept, notes where they hold
// values, and ends the row at its last kept cell holding one.
func (b *TabBuilder) filter(n int, cells []Value, cols []bool) []Value {
	out, end := b.row[:0], 0
	for i, v := range cells {
		switch c := i + 1; {
		case c < len(cols) && cols[c]:
			if v.Kind != Empty {
				end = c
			}
		default:
			if !v.IsEmpty() && !b.seen(c) {
				if b.tab.Elsewhere == nil {
					b.tab.Elsewhere = map[int]int{}
				}
				b.tab.Elsewhere[c] = n
			}
			v = Value{}
		}
		out = append(out, v)
	}
	b.row = out
	return out[:end]
}

// seen reports whether column c is in Elsewhere already, and notes it
// will be: most cells left out are in a column seen before.
func (b *TabBuilder) seen(c int) bool {
	if c >= len(b.noted) {
		b.noted = append(b.noted, make([]bool, c+1-len(b.noted))...)
	}
	seen := b.noted[c]
	b.noted[c] = true
	return seen
}

// hold keeps a copy of row n at its place.
func (b *TabBuilder) hold(n int, cells []Value) {
	for len(b.tab.Rows) < n-1 {
		b.tab.Rows = append(b.tab.Rows, nil)
	}
	var row []Value
	if len(cells) > 0 {
		row = b.copyOf(cells)
	}
	b.tab.Rows = append(b.tab.Rows, row)
}

// chunk is how many cells one allocation holds for the rows kept: one
// for many rows instead of one a row.
const chunk = 1 << 14

// copyOf is a copy of row, capped at its length so an append to it cannot
// spill into the next row.
func (b *TabBuilder) copyOf(row []Value) []Value {
	if len(row) > chunk/4 {
		return append([]Value(nil), row...)
	}
	if len(b.free) < len(row) {
		b.free = make([]Value, chunk)
	}
	n := len(row)
	out := b.free[:n:n]
	copy(out, row)
	b.free = b.free[n:]
	return out
}
