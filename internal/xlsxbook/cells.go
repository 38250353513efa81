package xlsxbook

import (
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Cells counts the used range of every tab, from its cells (a sheet's
// <dimension> cannot be trusted: stream writers leave it at A1): the size
// Google's cell limit would count were the workbook uploaded, for the
// job's warning, which asks at most once a day.
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
			if s.is(tokStart, "c") {
				if ref, ok := attrString(s.attrs, "r"); ok {
					if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
						rows, cols = max(rows, r), max(cols, c)
					}
				}
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("workbook %s tab %q: %w", w.path, t.name, err)
		}
		total += rows * cols
	}
	return total, nil
}
