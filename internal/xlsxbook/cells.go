package xlsxbook

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Cells counts every tab's used range as Google's cell limit would; a tab
// read and unchanged since is counted from that read.
func (w *Workbook) Cells(ctx context.Context) (int, error) {
	p, snap, err := w.openFile(false)
	if err != nil {
		return 0, err
	}
	defer snap.Close()
	total := 0
	for _, t := range p.tabs {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if n, ok := w.used[p.partID(t.part)]; ok {
			total += n
			continue
		}
		if p.parts[t.part] == nil {
			continue
		}
		read, err := p.readSheet(t.part, nil, nil, nil, nil)
		if err != nil {
			return 0, fmt.Errorf("workbook %s tab %q: part %s: %w", w.path, t.name, t.part, err)
		}
		total += read.used.cells()
	}
	return total, nil
}

// usedRange is a sheet's size as Google's cell limit would count it: its
// <dimension> when that spans more than one cell, else the last row and
// column holding a cell (stream writers leave the dimension at A1).
type usedRange struct{ dimRows, dimCols, rows, cols int }

// dimension reads a <dimension> element; false when it is a single cell.
func (u *usedRange) dimension(attrs []byte) bool {
	ref, _ := attrString(attrs, "ref")
	if first, last, ok := strings.Cut(ref, ":"); ok && first != last {
		if c, r, err := excelize.CellNameToCoordinates(last); err == nil {
			u.dimRows, u.dimCols = r, c
			return true
		}
	}
	return false
}

func (u *usedRange) cell(row, col int) { u.rows, u.cols = max(u.rows, row), max(u.cols, col) }

func (u usedRange) cells() int {
	if u.dimRows > 0 {
		return u.dimRows * u.dimCols
	}
	return u.rows * u.cols
}

// partID names a part's content: a save that copies a part keeps it.
type partID struct {
	name string
	crc  uint32
	size uint64
}

func (p *xlsxPackage) partID(name string) partID {
	f := p.parts[name]
	if f == nil {
		return partID{name: name}
	}
	return partID{name, f.CRC32, f.UncompressedSize64}
}
