package report

import (
	"encoding/json"
	"os"
)

// DumpTables writes the data tabs' rows as the peer reads them: each cell
// null, ["s", text], ["n", number] or ["d", serial day].
func DumpTables(path string, m *Model, l *Layout) error {
	type tab struct {
		Title   string   `json:"title"`
		Headers []string `json:"headers"`
		Rows    [][]any  `json:"rows"`
	}
	r := &renderer{m: m, l: l}
	var tabs []tab
	for _, t := range r.tables() {
		out := tab{Title: t.title, Headers: t.headers, Rows: [][]any{}}
		for row := range t.rows {
			cells := make([]any, len(t.cols))
			for c, col := range t.cols {
				switch v := col(row); v.kind {
				case textCell:
					cells[c] = []any{"s", v.s}
				case intCell:
					cells[c] = []any{"n", v.n}
				case dateCell:
					cells[c] = []any{"d", v.n}
				}
			}
			out.Rows = append(out.Rows, cells)
		}
		tabs = append(tabs, out)
	}
	data, err := json.Marshal(tabs)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
