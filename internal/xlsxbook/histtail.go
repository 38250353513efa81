package xlsxbook

import (
	"archive/zip"
	"context"

	"onboard/internal/sheet"
)

// ReadTail is ReadKeeping with tail.Tab read as head and tail only
// (sheet.TailReader), in one pass: an anchor is known from its own cells.
func (w *Workbook) ReadTail(ctx context.Context, names []string, keep sheet.KeepColumns, tail sheet.Tail) (*sheet.Book, error) {
	return w.readTabs(ctx, names, keep, &tail)
}

// readTabPart reads a tab whole, or for ReadTail as head and tail: from its
// last segment (segment.go), going back while no anchor is read.
func (p *xlsxPackage) readTabPart(t tabPart, sst []string, styles *styleBook, keep sheet.KeepColumns) (*sheet.Tab, sheetRead, error) {
	f := p.parts[t.part]
	var segs []segment
	if f != nil && p.file != nil {
		segs = segmentsOf(f)
	}
	if p.tail == nil || p.tail.Tab != t.name {
		b := sheet.NewTabBuilder(t.name, keep)
		b.Expect(expectedRows(segs, f))
		read, err := p.readSheet(t.part, sst, styles, func() []bool { return b.Keep().Cols }, b.Kept)
		b.Tab().Elsewhere = read.elsewhere
		return b.Tab(), read, err
	}
	head := 0 // the first segment past the head rows
	for head < len(segs) && segs[head].row <= p.tail.Head {
		head++
	}
	// Each pass inflates the segments the passes after it did not, from
	// one twice as far back; once one holds the anchor, what lies after
	// it is read too, unless the tail's Rows end within the pass.
	for from, to := len(segs)-1, len(segs); ; {
		k := tailKeeper{tail: *p.tail, rows: make([][]sheet.Value, 0, expectedRows(segs, f))}
		if from <= head {
			read, err := p.readSheet(t.part, sst, styles, nil, k.row)
			return &sheet.Tab{Name: t.name, Rows: k.rows}, read, err
		}
		start := segs[from].row
		src, err := inflatedFrom(p.file, f, segs, head, from, to)
		var read sheetRead
		if err == nil {
			read, err = readSheetFrom(src, sst, styles, nil, func(n int, row []sheet.Value) {
				if n <= k.tail.Head || n >= start {
					k.row(n, row)
				}
			})
		}
		switch {
		case err != nil:
			// Segments that do not read as rows (a record that matches the
			// entry but not its data): the part is read from its start.
			from = head
		case k.anchor >= start && (to == len(segs) || k.tail.Rows > 0 && k.anchor+k.tail.Rows <= segs[to].row):
			return &sheet.Tab{Name: t.name, Rows: k.rows}, read, nil
		case k.anchor >= start:
			to = len(segs)
		default:
			from, to = from-2*(len(segs)-from), from
		}
	}
}

// expectedRows estimates a segmented part's rows, erring high, from the
// last two segments' rows per byte; 0 without two segments.
func expectedRows(segs []segment, f *zip.File) int {
	if len(segs) < 2 {
		return 0
	}
	prev, last := segs[len(segs)-2], segs[len(segs)-1]
	if last.row <= prev.row || last.raw <= prev.raw {
		return 0
	}
	perByte := float64(last.row-prev.row) / float64(last.raw-prev.raw)
	return last.row + int(1.1*perByte*float64(int64(f.UncompressedSize64)-last.raw)) + 1
}

// tailKeeper keeps, of the rows read in order, the head and the rows from
// the latest anchor so far (with tail.Rows, that many); before the first
// anchor every row, since without one the tab is read whole.
type tailKeeper struct {
	tail   sheet.Tail
	rows   [][]sheet.Value
	anchor int
	// since holds in chunks the rows kept since the latest anchor, reused at
	// each anchor: a year of history makes no garbage row a row, and at most
	// one chunk goes unused.
	since [][]sheet.Value
	at    int // the chunk being filled
}

func (k *tailKeeper) row(n int, row []sheet.Value) {
	t := k.tail
	if n > t.Head && t.Anchor(row) {
		// The rows kept between the head and it are not needed: those
		// from the anchor before (or the head) on.
		clear(k.rows[min(len(k.rows), max(t.Head, k.anchor-1)):])
		for i := range k.since {
			k.since[i] = k.since[i][:0]
		}
		k.anchor, k.at = n, 0
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
	for k.at < len(k.since) && cap(k.since[k.at])-len(k.since[k.at]) < len(row) {
		k.at++
	}
	if k.at == len(k.since) {
		k.since = append(k.since, make([]sheet.Value, 0, max(1<<14, len(row))))
	}
	c := k.since[k.at]
	i := len(c)
	c = append(c, row...)
	k.since[k.at] = c
	return c[i:len(c):len(c)]
}
