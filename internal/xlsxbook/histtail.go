package xlsxbook

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/atomicfile"
	"onboard/internal/sheet"
)

// ReadTail is ReadKeeping with tail.Tab read as its head and tail only
// (sheet.TailReader). The worksheet part is still streamed, but rows left
// out are skipped as tokens, their cells never built: one pass keeps only
// the mark column to find the anchor candidates, the next builds the head,
// those candidates and the rows from the last one; an earlier anchor (the
// report's, by date) costs one pass more.
func (w *Workbook) ReadTail(ctx context.Context, names []string, keep sheet.KeepColumns, tail sheet.Tail) (*sheet.Book, error) {
	_, _ = atomicfile.CleanStale(w.path)
	p, snap, err := w.openFile(true)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.tail = &tail
	if w.used == nil {
		w.used = map[partID]int{}
	}
	book, err := p.readTabs(func(name string) bool { return slices.Contains(names, name) }, keep, w.used)
	if err != nil {
		return nil, fmt.Errorf("workbook %s: %w", w.path, err)
	}
	w.sum, w.haveSum = snap.sum, true
	w.closeFile()
	return book, nil
}

// readTabPart reads one tab: whole, or as head and tail for ReadTail.
func (p *xlsxPackage) readTabPart(t tabPart, sst []string, styles *styleBook, keepCols func([]sheet.Value) []bool) (sheetRead, error) {
	if p.tail == nil || p.tail.Tab != t.name {
		return p.readSheet(t.part, sst, styles, keepCols, nil)
	}
	tail := *p.tail
	candidate, err := p.markRows(t.part, sst, tail)
	if err != nil {
		return sheetRead{}, err
	}
	from := 0
	for r := range candidate {
		from = max(from, r)
	}
	for {
		read, err := p.readSheet(t.part, sst, styles, nil, func(r int) bool {
			return r > tail.Head && r < from && !candidate[r]
		})
		if err != nil || from == 0 {
			return read, err
		}
		switch anchor := tail.LastAnchor(read.rows); {
		case anchor >= from:
			tab := &sheet.Tab{Rows: read.rows}
			tail.Cut(tab) // the candidates between
			return read, nil
		default:
			from = anchor // 0: no anchor, read whole
		}
	}
}

// markRows finds the rows below the head whose mark column holds the
// mark, looking at that column's cells only: nothing else is built.
func (p *xlsxPackage) markRows(part string, sst []string, tail sheet.Tail) (map[int]bool, error) {
	marked := map[int]bool{}
	var row, col int
	var typ string
	var v []byte
	var rt richText
	inV, inIS, want := false, false, false
	err := p.scan(part, func(s *xmlScanner) error {
		switch {
		case inIS:
			if !rt.token(s) {
				inIS = false
			}
		case inV:
			if s.kind == tokText {
				v = s.textAppend(v)
			} else if s.kind == tokEnd {
				inV = false
			}
		case s.is(tokStart, "row"):
			if n := attrInt(s.attrs, "r"); n > 0 {
				row = n
			} else {
				row++
			}
			col = 0
		case s.is(tokStart, "c"):
			col++
			if ref, ok := attr(s.attrs, "r"); ok && len(ref) > 0 {
				col = refCol(ref)
			}
			t, _ := attr(s.attrs, "t")
			typ, v, want = cellType(t), v[:0], col == tail.MarkCol && row > tail.Head
			rt.reset()
		case want && s.is(tokStart, "v"):
			inV = !s.self
		case want && s.is(tokStart, "is"):
			inIS = !s.self
		case want && s.is(tokEnd, "c"):
			want = false
			text := ""
			switch typ {
			case "s":
				if i, err := strconv.Atoi(string(bytes.TrimSpace(v))); err == nil && i >= 0 && i < len(sst) {
					text = sst[i]
				}
			case "inlineStr":
				text = rt.String()
			default:
				text = unescapeXML(v)
			}
			if strings.TrimSpace(text) == tail.Mark {
				marked[row] = true
			}
		}
		return nil
	})
	return marked, err
}
