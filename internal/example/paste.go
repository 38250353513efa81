package example

import (
	"fmt"

	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

// PasteUpdates are the writes that paste the bundled example's data rows
// into a set-up book below each tab's rows, each value under the header of
// the same name, as a team moving in would paste them.
func PasteUpdates(book *sheet.Book) ([]sheet.Update, error) {
	var updates []sheet.Update
	for _, from := range Generate(ExampleConfig()).Tabs {
		if from.Name == matrix.TabName {
			continue
		}
		to := book.Tab(from.Name)
		if to == nil || len(to.Rows) == 0 {
			return nil, fmt.Errorf("tab %s is missing or has no header row", from.Name)
		}
		where := map[string]int{}
		for c, h := range to.Rows[0] {
			where[h.String()] = c + 1
		}
		for r := 1; r < len(from.Rows); r++ {
			for c, v := range from.Rows[r] {
				if v.IsEmpty() {
					continue
				}
				col := where[from.Rows[0][c].String()]
				if col == 0 {
					return nil, fmt.Errorf("header %s not set up in %s", from.Rows[0][c].String(), from.Name)
				}
				updates = append(updates, sheet.Update{Tab: from.Name, Row: len(to.Rows) + r, Col: col, Value: v})
			}
		}
	}
	return updates, nil
}
