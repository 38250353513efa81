package xlsxbook

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// errDimension stops a scan once the sheet's <dimension> gave its size.
var errDimension = errors.New("dimension found")

// Cells counts the used range of every tab: the size Google's cell limit
// would count were the workbook uploaded, for the job's warning, which
// asks at most once a day. A sheet's <dimension> gives it, but stream
// writers leave that at A1: a single-cell dimension (or none) is checked
// against the cells.
func (w *Workbook) Cells(ctx context.Context) (int, error) {
	data, err := w.readFile()
	if err != nil {
		return 0, err
	}
	p, err := openPackage(data)
	if err != nil {
		return 0, w.notXLSX(err)
	}
	total := 0
	for _, t := range p.tabs {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		rows, cols := 0, 0
		err := p.scan(t.part, func(s *xmlScanner) error {
			if s.is(tokStart, "dimension") {
				ref, _ := attrString(s.attrs, "ref")
				if first, last, ok := strings.Cut(ref, ":"); ok && first != last {
					if c, r, err := excelize.CellNameToCoordinates(last); err == nil {
						rows, cols = r, c
						return errDimension
					}
				}
			}
			if s.is(tokStart, "c") {
				if ref, ok := attrString(s.attrs, "r"); ok {
					if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
						rows, cols = max(rows, r), max(cols, c)
					}
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, errDimension) {
			return 0, fmt.Errorf("workbook %s tab %q: %w", w.path, t.name, err)
		}
		total += rows * cols
	}
	return total, nil
}
