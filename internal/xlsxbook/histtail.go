package xlsxbook

import (
	"context"
	"strings"

	"onboard/internal/sheet"
)

// ReadTail is ReadKeeping with tail.Tab read as its head and tail only
// (sheet.TailReader): one pass finds the anchor candidates in the mark
// column, the next builds the head and the rows from the last candidate,
// skipping the others' cells (and with tail.Rows those past the tail);
// an earlier anchor costs one pass more.
func (w *Workbook) ReadTail(ctx context.Context, names []string, keep sheet.KeepColumns, tail sheet.Tail) (*sheet.Book, error) {
	return w.readTabs(ctx, names, keep, &tail)
}

// readTabPart reads one tab: whole, or as head and tail for ReadTail.
func (p *xlsxPackage) readTabPart(t tabPart, sst []string, styles *styleBook, keepCols func([]sheet.Value) []bool) (sheetRead, error) {
	if p.tail == nil || p.tail.Tab != t.name {
		return p.readSheet(t.part, sst, styles, keepCols, nil)
	}
	tail := *p.tail
	candidate, err := p.markRows(t.part, sst, styles, tail)
	if err != nil {
		return sheetRead{}, err
	}
	from := 0
	for r := range candidate {
		from = max(from, r)
	}
	for {
		end := tail.End(from)
		read, err := p.readSheet(t.part, sst, styles, nil, func(r int) bool {
			return r > tail.Head && (r < from && !candidate[r] || from > 0 && end > 0 && r > end)
		})
		if err != nil || from == 0 {
			return read, err
		}
		switch anchor := tail.LastAnchor(read.rows); {
		case anchor >= from:
			tab := &sheet.Tab{Rows: read.rows}
			tail.Cut(tab) // the candidates between, the rows past the end
			read.rows = tab.Rows
			return read, nil
		default:
			from = anchor // 0: no anchor, read whole
		}
	}
}

// markRows finds the rows below the head whose mark column holds the
// mark as text (as an anchor's must), keeping no other column.
func (p *xlsxPackage) markRows(part string, sst []string, styles *styleBook, tail sheet.Tail) (map[int]bool, error) {
	marked := map[int]bool{}
	if tail.MarkCol < 1 {
		return marked, nil
	}
	keep := make([]bool, tail.MarkCol+1)
	keep[tail.MarkCol] = true
	read, err := p.readSheet(part, sst, styles, func([]sheet.Value) []bool { return keep }, nil)
	for i, row := range read.rows {
		if i+1 > tail.Head && tail.MarkCol <= len(row) {
			if v := row[tail.MarkCol-1]; v.Kind == sheet.Text && strings.TrimSpace(v.Str) == tail.Mark {
				marked[i+1] = true
			}
		}
	}
	return marked, err
}
