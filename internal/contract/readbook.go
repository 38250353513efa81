package contract

import (
	"context"
	"fmt"
	"slices"

	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

// ReadBook reads the contract's tabs and the matrix tab from ss, each found
// by ResolveTab whatever the backend, so an aliased tab ("Applications ")
// is found on Google as on a local workbook. The tabs are asked for by
// their contract names first (on Google one values.batchGet when they all
// exist); only when one is missing is the tab list consulted (on Google
// the list that read fetched already), and the tabs found under other
// titles are read with one more call. owned names job-owned tabs to read
// in the same call (by their exact names: the job made them).
func ReadBook(ctx context.Context, ss sheet.Spreadsheet, m *matrix.Matrix, owned ...string) (*sheet.Book, error) {
	specs := Tabs(m)
	names := append(append(TabNames(m), matrix.TabName), owned...)
	book, err := ss.Read(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ss.Describe(), err)
	}
	complete := true
	for _, n := range names {
		complete = complete && book.Tab(n) != nil
	}
	if complete {
		// Every exact name is there, and ResolveTab prefers the exact name.
		return book, nil
	}
	titles, err := ss.Titles(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the tabs of %s: %w", ss.Describe(), err)
	}
	var more []string
	for i := range specs {
		title, err := ResolveTab(titles, &specs[i])
		if err != nil {
			return nil, err
		}
		if title != "" && book.Tab(title) == nil && !slices.Contains(more, title) {
			more = append(more, title)
		}
	}
	if len(more) == 0 {
		return book, nil
	}
	extra, err := ss.Read(ctx, more)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ss.Describe(), err)
	}
	for _, t := range extra.Tabs {
		if book.Tab(t.Name) == nil {
			book.Tabs = append(book.Tabs, t)
		}
	}
	return book, nil
}
