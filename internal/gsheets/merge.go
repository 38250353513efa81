package gsheets

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"onboard/internal/sheet"
)

// block is a rectangle of cells written as one range of a
// values.batchUpdate. A nil in vals is a cell inside the rectangle that is
// not written: Google skips JSON null, so small gaps cost four bytes instead
// of a range of their own.
type block struct {
	tab      string
	row, col int // top-left corner, 1-based
	cols     int
	vals     [][]any
	size     int // estimated bytes of this block in the request body
}

func (b *block) rangeName() string {
	return sheet.RangeName(b.tab, b.row, b.col, b.row+len(b.vals)-1, b.col+b.cols-1)
}

// maxGap is the longest run of unwritten cells bridged inside a row: five
// bytes per null against about fifty for another range.
const maxGap = 3

// cellJSON is the value a cell is written as under valueInputOption RAW:
// text stays text (so "=1+1" is not a formula), dates go as serial
// numbers, and "" clears a cell.
func cellJSON(v sheet.Value) any {
	switch v.Kind {
	case sheet.Text:
		return v.Str
	case sheet.Number, sheet.Date:
		return v.Num
	case sheet.Bool:
		return v.Bool()
	}
	return ""
}

// merge turns updates into blocks: per tab and row, cells a short gap apart
// form a run; runs with the same columns on consecutive rows stack into one
// rectangle. A later update of the same cell wins. No block grows past
// maxBlock bytes, so every block fits in a request.
func merge(updates []sheet.Update, maxBlock int) []*block {
	us := make([]sheet.Update, len(updates))
	copy(us, updates)
	sort.SliceStable(us, func(i, j int) bool {
		a, b := us[i], us[j]
		if a.Tab != b.Tab {
			return a.Tab < b.Tab
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Col < b.Col
	})
	// Keep the last of equal cells (the stable sort kept input order).
	out := us[:0]
	for i, u := range us {
		if i+1 < len(us) && us[i+1].Tab == u.Tab && us[i+1].Row == u.Row && us[i+1].Col == u.Col {
			continue
		}
		out = append(out, u)
	}
	us = out

	var blocks []*block
	type key struct{ c0, c1 int }
	open := map[key]*block{}
	lastTab, lastRow := "", 0
	for i := 0; i < len(us); {
		tab, row := us[i].Tab, us[i].Row
		j := i
		for j < len(us) && us[j].Tab == tab && us[j].Row == row {
			j++
		}
		if tab != lastTab || row != lastRow+1 {
			clear(open)
		}
		next := map[key]*block{}
		for _, run := range runs(us[i:j]) {
			k := key{run[0].Col, run[len(run)-1].Col}
			vals, size := rowJSON(run)
			b := open[k]
			if b == nil || b.size+size > maxBlock {
				b = &block{tab: tab, row: row, col: k.c0, cols: k.c1 - k.c0 + 1, size: len(sheet.RangeName(tab, row, k.c0, row, k.c1)) + 40}
				blocks = append(blocks, b)
			}
			b.vals = append(b.vals, vals)
			b.size += size
			next[k] = b
		}
		open = next
		lastTab, lastRow = tab, row
		i = j
	}
	return blocks
}

// runs splits one row's updates (sorted by column) where the gap between
// two cells is longer than maxGap.
func runs(row []sheet.Update) [][]sheet.Update {
	var out [][]sheet.Update
	start := 0
	for i := 1; i <= len(row); i++ {
		if i == len(row) || row[i].Col-row[i-1].Col-1 > maxGap {
			out = append(out, row[start:i])
			start = i
		}
	}
	return out
}

// rowJSON lays a run out as one row of values with nulls in its gaps, and
// estimates its encoded size.
func rowJSON(run []sheet.Update) ([]any, int) {
	c0 := run[0].Col
	vals := make([]any, run[len(run)-1].Col-c0+1)
	size := 3 // brackets and a comma
	for _, u := range run {
		v := cellJSON(u.Value)
		vals[u.Col-c0] = v
		size += jsonSize(v)
	}
	size += 5 * (len(vals) - len(run)) // "null,"
	return vals, size
}

// jsonSize estimates the bytes of v in encoding/json's output plus a comma,
// erring high.
func jsonSize(v any) int {
	switch t := v.(type) {
	case string:
		n := 3
		for i := 0; i < len(t); {
			c := t[i]
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				n += 2
				i++
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
				i++
			case c < utf8.RuneSelf:
				n++
				i++
			default:
				r, w := utf8.DecodeRuneInString(t[i:])
				if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
					n += 6
				} else {
					n += w
				}
				i += w
			}
		}
		return n
	case float64:
		if math.Abs(t) >= 1e21 || (t != 0 && math.Abs(t) < 1e-6) {
			return 25
		}
		return len(strconv.FormatFloat(t, 'f', -1, 64)) + 1
	case bool:
		return 6
	}
	return 5
}

// batches groups blocks into requests of at most maxBody estimated bytes.
func batches(blocks []*block, maxBody int) [][]*block {
	var out [][]*block
	var cur []*block
	size := 0
	for _, b := range blocks {
		if len(cur) > 0 && size+b.size > maxBody {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, b)
		size += b.size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
