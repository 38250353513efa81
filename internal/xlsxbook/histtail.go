package xlsxbook

import (
	"context"

	"onboard/internal/sheet"
)

// ReadTail is ReadKeeping with tail.Tab read as its head and tail only
// (sheet.TailReader), in one pass that keeps the rows it needs and no
// others: an anchor is known from its own cells as it is read.
func (w *Workbook) ReadTail(ctx context.Context, names []string, keep sheet.KeepColumns, tail sheet.Tail) (*sheet.Book, error) {
	return w.readTabs(ctx, names, keep, &tail)
}

// readTabPart reads one tab: whole, its rows handed to a
// sheet.TabBuilder keeping what keep says, or as head and tail for
// ReadTail: from its last segment when it has them (segment.go), from
// earlier ones while the part read holds no anchor.
func (p *xlsxPackage) readTabPart(t tabPart, sst []string, styles *styleBook, keep sheet.KeepColumns) (*sheet.Tab, sheetRead, error) {
	if p.tail == nil || p.tail.Tab != t.name {
		b := sheet.NewTabBuilder(t.name, keep)
		read, err := p.readSheet(t.part, sst, styles, func() []bool { return b.Keep().Cols }, b.Kept)
		b.Tab().Elsewhere = read.elsewhere
		return b.Tab(), read, err
	}
	f := p.parts[t.part]
	var segs []segment
	if f != nil && p.file != nil {
		segs = segmentsOf(f)
	}
	head := 0 // the first segment past the head rows
	for head < len(segs) && segs[head].row <= p.tail.Head {
		head++
	}
	for from := len(segs) - 1; ; from -= 2 * (len(segs) - from) {
		k := tailKeeper{tail: *p.tail}
		if from <= head {
			read, err := p.readSheet(t.part, sst, styles, nil, k.row)
			return &sheet.Tab{Name: t.name, Rows: k.rows}, read, err
		}
		rc, err := inflatedFrom(p.file, f, segs, head, from)
		if err != nil {
			return nil, sheetRead{}, err
		}
		start := segs[from].row
		read, err := readSheetFrom(rc, sst, styles, nil, func(n int, row []sheet.Value) {
			if n <= k.tail.Head || n >= start {
				k.row(n, row)
			}
		})
		if err != nil || k.anchor >= start {
			return &sheet.Tab{Name: t.name, Rows: k.rows}, read, err
		}
	}
}

// tailKeeper keeps, of the rows read in order, the head and the rows from
// the latest anchor so far (with tail.Rows, that many); before the first
// anchor every row, since without one the tab is read whole.
type tailKeeper struct {
	tail   sheet.Tail
	rows   [][]sheet.Value
	anchor int
	// since holds the cells of the rows kept since the latest anchor,
	// reused from its start at each anchor, when they are dropped: a year
	// of history is read without a garbage row a row.
	since []sheet.Value
}

func (k *tailKeeper) row(n int, row []sheet.Value) {
	t := k.tail
	if n > t.Head && t.Anchor(row) {
		// The rows kept between the head and it are not needed: those
		// from the anchor before (or the head) on.
		clear(k.rows[min(len(k.rows), max(t.Head, k.anchor-1)):])
		k.anchor, k.since = n, k.since[:0]
	} else if end := t.End(k.anchor); n > t.Head && k.anchor > 0 && end > 0 && n > end {
		return
	}
	k.rows = growRows(k.rows, n)
	k.rows = append(k.rows, k.copyOf(n, row))
}

// copyOf is a copy of sheet row n: in since below the head, capped at its
// length.
func (k *tailKeeper) copyOf(n int, row []sheet.Value) []sheet.Value {
	if n <= k.tail.Head {
		return append([]sheet.Value(nil), row...)
	}
	if len(k.since)+len(row) > cap(k.since) {
		// The rows kept so far keep the old array; new ones fill a larger.
		k.since = make([]sheet.Value, 0, max(2*cap(k.since), 1024, len(row)))
	}
	i := len(k.since)
	k.since = append(k.since, row...)
	return k.since[i:len(k.since):len(k.since)]
}
