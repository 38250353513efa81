package gsheets

import (
	"context"
	"sort"

	"google.golang.org/api/sheets/v4"

	"onboard/internal/sheet"
)

var _ sheet.Preparer = (*Spreadsheet)(nil)

// Inspect reads each tab's frozen rows and protected ranges (one
// spreadsheets.get of the properties) and the data validation of row 2
// (one spreadsheets.get with grid data of that row only).
func (s *Spreadsheet) Inspect(ctx context.Context, tabs []string) (map[string]sheet.TabSetup, error) {
	var doc *sheets.Spreadsheet
	err := s.call(ctx, "inspect", func(ctx context.Context) error {
		var err error
		doc, err = s.svc.Spreadsheets.Get(s.id).
			Fields("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount,frozenRowCount)),protectedRanges(description),developerMetadata(metadataKey))").
			Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, s.fail("inspect", err)
	}
	out := map[string]sheet.TabSetup{}
	want := map[string]bool{}
	for _, t := range tabs {
		want[t] = true
	}
	var ranges []string
	for _, sh := range doc.Sheets {
		p := sh.Properties
		if p == nil || !want[p.Title] {
			continue
		}
		ti := s.tab(p.Title)
		ti.sheetID, ti.hasID = p.SheetId, true
		st := sheet.TabSetup{Dropdowns: map[int]bool{}, Protected: map[string]bool{}}
		if g := p.GridProperties; g != nil {
			st.Frozen = g.FrozenRowCount >= 1
			ti.rows, ti.cols = int(g.RowCount), int(g.ColumnCount)
		}
		for _, pr := range sh.ProtectedRanges {
			st.Protected[pr.Description] = true
		}
		for _, dm := range sh.DeveloperMetadata {
			st.Formatted = st.Formatted || dm.MetadataKey == formattedKey
		}
		out[p.Title] = st
		ranges = append(ranges, sheet.QuoteTab(p.Title)+"!2:2")
	}
	if len(ranges) == 0 {
		return out, nil
	}
	err = s.call(ctx, "inspect dropdowns", func(ctx context.Context) error {
		var err error
		doc, err = s.svc.Spreadsheets.Get(s.id).Ranges(ranges...).IncludeGridData(true).
			Fields("sheets(properties(title),data(startColumn,rowData(values(dataValidation(condition(type))))))").
			Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, s.fail("inspect dropdowns", err)
	}
	for _, sh := range doc.Sheets {
		if sh.Properties == nil {
			continue
		}
		st, ok := out[sh.Properties.Title]
		if !ok {
			continue
		}
		for _, d := range sh.Data {
			for _, rd := range d.RowData {
				for i, v := range rd.Values {
					if v.DataValidation != nil && v.DataValidation.Condition != nil && v.DataValidation.Condition.Type == "ONE_OF_LIST" {
						st.Dropdowns[int(d.StartColumn)+i+1] = true
					}
				}
			}
		}
	}
	return out, nil
}

// Prepare sends the steps in one spreadsheets.batchUpdate: frozen header
// rows, dropdowns that warn on other values (the job accepts more words
// than the list shows), and warning-only protected ranges over the job's
// columns, one per run of adjacent columns.
func (s *Spreadsheet) Prepare(ctx context.Context, steps []sheet.SetupStep) error {
	if s.readOnly {
		return newError(sheet.ErrPermission, nil, "%s was opened read-only (check and report never write)", s.Describe())
	}
	if err := s.sheetIDs(ctx, steps); err != nil {
		return err
	}
	var reqs []*sheets.Request
	for _, st := range steps {
		id := s.tab(st.Tab).sheetID
		switch st.Kind {
		case sheet.FreezeHeader:
			reqs = append(reqs, &sheets.Request{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
				Properties: &sheets.SheetProperties{SheetId: id, GridProperties: &sheets.GridProperties{FrozenRowCount: 1}},
				Fields:     "gridProperties.frozenRowCount",
			}})
		case sheet.Dropdown:
			values := make([]*sheets.ConditionValue, len(st.Values))
			for i, v := range st.Values {
				values[i] = &sheets.ConditionValue{UserEnteredValue: v}
			}
			reqs = append(reqs, &sheets.Request{SetDataValidation: &sheets.SetDataValidationRequest{
				Range: &sheets.GridRange{SheetId: id, StartRowIndex: 1, StartColumnIndex: int64(st.Col - 1), EndColumnIndex: int64(st.Col),
					ForceSendFields: []string{"SheetId"}},
				Rule: &sheets.DataValidationRule{Condition: &sheets.BooleanCondition{Type: "ONE_OF_LIST", Values: values},
					Strict: false, ShowCustomUi: true},
			}})
		case sheet.Protect:
			for _, run := range adjacent(st.Cols) {
				reqs = append(reqs, &sheets.Request{AddProtectedRange: &sheets.AddProtectedRangeRequest{ProtectedRange: &sheets.ProtectedRange{
					Range:       &sheets.GridRange{SheetId: id, StartColumnIndex: int64(run[0] - 1), EndColumnIndex: int64(run[1]), ForceSendFields: []string{"SheetId"}},
					Description: st.Description,
					WarningOnly: true,
				}}})
			}
		case sheet.FormatColumns:
			reqs = append(reqs, formatRequests(id, st)...)
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	body := &sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}
	err := s.call(ctx, "set up", func(ctx context.Context) error {
		_, err := s.svc.Spreadsheets.BatchUpdate(s.id, body).Fields("spreadsheetId").Context(ctx).Do()
		return err
	})
	if err != nil {
		return s.fail("set up", err)
	}
	return nil
}

// sheetIDs learns the sheetId of every tab the steps name (one
// spreadsheets.get when any is unknown).
func (s *Spreadsheet) sheetIDs(ctx context.Context, steps []sheet.SetupStep) error {
	known := true
	for _, st := range steps {
		known = known && s.tab(st.Tab).hasID
	}
	if known {
		return nil
	}
	var doc *sheets.Spreadsheet
	err := s.call(ctx, "list tabs", func(ctx context.Context) error {
		var err error
		doc, err = s.svc.Spreadsheets.Get(s.id).Fields("sheets(properties(sheetId,title))").Context(ctx).Do()
		return err
	})
	if err != nil {
		return s.fail("list tabs", err)
	}
	for _, sh := range doc.Sheets {
		if sh.Properties != nil {
			ti := s.tab(sh.Properties.Title)
			ti.sheetID, ti.hasID = sh.Properties.SheetId, true
		}
	}
	for _, st := range steps {
		if !s.tab(st.Tab).hasID {
			return newError(sheet.ErrTabNotFound, nil, "%s has no tab %q", s.Describe(), st.Tab)
		}
	}
	return nil
}

// adjacent groups sorted columns into runs [first, last].
func adjacent(cols []int) [][2]int {
	c := append([]int(nil), cols...)
	sort.Ints(c)
	var runs [][2]int
	for _, col := range c {
		if n := len(runs); n > 0 && runs[n-1][1] == col-1 {
			runs[n-1][1] = col
			continue
		}
		runs = append(runs, [2]int{col, col})
	}
	return runs
}
