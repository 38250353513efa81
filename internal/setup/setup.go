// Package setup prepares a spreadsheet for the sheet contract: the tabs and
// headers, the condition matrix as a tab, dropdowns, warning-only
// protection over the job's columns and frozen header rows. It only adds
// what is missing, so running it again changes nothing.
package setup

import (
	"context"
	"fmt"
	"strings"

	"onboard/internal/contract"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
	"onboard/internal/statuslog"
)

// ProtectDescription names the protected range over a tab's job columns.
const ProtectDescription = "onboard が書き込む列です（手で書き換えないでください）"

// Action is one thing init does (or would do, in a dry run).
type Action struct {
	Tab  string
	What string // for people: "add tab", "add header ステータス (T1)", ...
	// exactly one of these is set
	addTab  []string
	write   []sheet.Update
	step    *sheet.SetupStep
	rowsFor [][]string // a new matrix tab's rows
}

// Plan works out what a spreadsheet lacks. m is the matrix the tabs are
// built from (the sheet's own 条件マトリクス tab wins when it exists); look
// colours the ステータス column.
func Plan(ctx context.Context, ss sheet.Spreadsheet, m *matrix.Matrix, look contract.Look) ([]Action, error) {
	book, err := contract.ReadBook(ctx, ss, m, contract.PrepTabName, statuslog.TabName)
	if err != nil {
		return nil, err
	}
	if t := book.Tab(matrix.TabName); t != nil {
		if m, err = matrix.FromTab(t); err != nil {
			return nil, contract.MatrixError(err)
		}
	}
	var actions []Action
	present := map[string]*sheet.Tab{} // contract tab key → tab in the sheet
	specs := contract.Tabs(m)
	for i := range specs {
		spec := &specs[i]
		tab, err := contract.FindTab(book, spec)
		if err != nil {
			return nil, err
		}
		if tab == nil {
			headers := make([]string, len(spec.Columns))
			for j, c := range spec.Columns {
				headers[j] = c.Name
			}
			actions = append(actions, Action{Tab: spec.Name, What: "add tab with " + fmt.Sprint(len(headers)) + " headers", addTab: headers})
			present[spec.Key] = &sheet.Tab{Name: spec.Name, Rows: [][]sheet.Value{texts(headers)}}
			continue
		}
		present[spec.Key] = tab
		cols := contract.Present(spec, tab)
		var missing []contract.Column
		for _, c := range spec.Columns {
			if cols[c.Key] == 0 {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			continue
		}
		first, err := contract.PlaceColumns(tab, len(missing))
		if err != nil {
			return nil, err
		}
		for i, c := range missing {
			next := first + i
			u := sheet.Update{Tab: tab.Name, Row: 1, Col: next, Value: sheet.TextValue(c.Name)}
			actions = append(actions, Action{Tab: tab.Name, What: fmt.Sprintf("add header %s (%s)", c.Name, sheet.CellName(1, next)), write: []sheet.Update{u}})
			if len(tab.Rows) == 0 {
				tab.Rows = [][]sheet.Value{{}}
			}
			for len(tab.Rows[0]) < next {
				tab.Rows[0] = append(tab.Rows[0], sheet.Value{})
			}
			tab.Rows[0][next-1] = u.Value
		}
	}
	if book.Tab(matrix.TabName) == nil {
		actions = append(actions, Action{Tab: matrix.TabName, What: "add tab with the condition matrix (" + m.Source + ")", rowsFor: m.Table()})
	}
	if book.Tab(contract.PrepTabName) == nil {
		actions = append(actions, Action{Tab: contract.PrepTabName, What: "add tab for the operators' session preparation (sync keeps it)", addTab: contract.PrepHeader})
	}
	if book.Tab(statuslog.TabName) == nil {
		actions = append(actions, Action{Tab: statuslog.TabName, What: "add tab for the status history (sync appends to it)", addTab: statuslog.Header})
	}

	prep, ok := ss.(sheet.Preparer)
	if !ok {
		return actions, nil
	}
	var tabNames []string
	for _, t := range present {
		tabNames = append(tabNames, t.Name)
	}
	tabNames = append(tabNames, matrix.TabName, contract.PrepTabName, statuslog.TabName)
	have, err := prep.Inspect(ctx, tabNames)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", ss.Describe(), err)
	}
	for i := range specs {
		spec := &specs[i]
		tab := present[spec.Key]
		st := have[tab.Name]
		cols := contract.Present(spec, tab)
		if !st.Frozen {
			actions = append(actions, step(sheet.SetupStep{Kind: sheet.FreezeHeader, Tab: tab.Name}, "freeze the header row"))
		}
		var jobCols []int
		for _, c := range spec.Columns {
			col := cols[c.Key]
			if col == 0 {
				continue
			}
			if c.Owner == contract.Job {
				jobCols = append(jobCols, col)
			}
			values := dropdown(spec, c)
			if values == nil || st.Dropdowns[col] {
				continue
			}
			actions = append(actions, step(sheet.SetupStep{Kind: sheet.Dropdown, Tab: tab.Name, Col: col, Values: values},
				fmt.Sprintf("dropdown on %s (%s): %s", c.Name, sheet.ColumnName(col), strings.Join(values, "/"))))
		}
		if len(jobCols) > 0 && !st.Protected[ProtectDescription] {
			actions = append(actions, step(sheet.SetupStep{Kind: sheet.Protect, Tab: tab.Name, Cols: jobCols, Description: ProtectDescription},
				fmt.Sprintf("warning-only protection over the job's columns %s", colList(jobCols))))
		}
		if formats := look.TabFormats(spec, cols, nil); len(formats) > 0 && !st.Formatted {
			actions = append(actions, FormatStep(tab.Name, formats, true))
		}
	}
	for _, name := range []string{matrix.TabName, contract.PrepTabName, statuslog.TabName} {
		if st := have[name]; !st.Frozen {
			actions = append(actions, step(sheet.SetupStep{Kind: sheet.FreezeHeader, Tab: name}, "freeze the header row"))
		}
	}
	if !have[statuslog.TabName].Formatted {
		actions = append(actions, FormatStep(statuslog.TabName, statuslog.Formats(), true))
	}
	if !have[contract.PrepTabName].Formatted {
		actions = append(actions, FormatStep(contract.PrepTabName, contract.PrepFormats(), true))
	}
	return actions, nil
}

// FormatStep is the action that formats columns of a tab to be read;
// mark records that the tab was formatted, so it is done once.
func FormatStep(tab string, formats []sheet.ColumnFormat, mark bool) Action {
	var what []string
	for _, f := range formats {
		var parts []string
		if f.Width > 0 {
			parts = append(parts, fmt.Sprintf("width %g", f.Width))
		}
		if f.Wrap {
			parts = append(parts, "wrap")
		}
		if f.Date {
			parts = append(parts, sheet.DateFormat)
		}
		if len(f.ColorOrder) > 0 {
			parts = append(parts, "status colours")
		}
		what = append(what, sheet.ColumnName(f.Col)+" "+strings.Join(parts, "+"))
	}
	return step(sheet.SetupStep{Kind: sheet.FormatColumns, Tab: tab, Formats: formats, Mark: mark}, "format columns to be read: "+strings.Join(what, ", "))
}

func step(s sheet.SetupStep, what string) Action {
	return Action{Tab: s.Tab, What: what, step: &s}
}

// dropdown lists the values offered for a column, nil for free text.
func dropdown(spec *contract.Tab, c contract.Column) []string {
	switch c.Type {
	case contract.YesNoCol:
		if spec.Key == contract.TabPool {
			return []string{"済", "未"}
		}
		return []string{"あり", "なし"}
	case contract.ResultCol:
		return []string{"完了", "既存あり", "不要", "保留", "未完了"}
	case contract.LiteracyCol:
		return []string{"高", "中", "低"}
	}
	return nil
}

func colList(cols []int) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = sheet.ColumnName(c)
	}
	return strings.Join(parts, ",")
}

func texts(ss []string) []sheet.Value {
	out := make([]sheet.Value, len(ss))
	for i, s := range ss {
		out[i] = sheet.TextValue(s)
	}
	return out
}

// Apply carries the actions out: new tabs, then header cells and the
// matrix rows in one write, then the set-up steps together.
func Apply(ctx context.Context, ss sheet.Spreadsheet, actions []Action) error {
	var writes []sheet.Update
	var steps []sheet.SetupStep
	for _, a := range actions {
		switch {
		case a.addTab != nil:
			if err := ss.AddTab(ctx, a.Tab, a.addTab); err != nil {
				return fmt.Errorf("add tab %q: %w", a.Tab, err)
			}
		case a.rowsFor != nil:
			if err := ss.AddTab(ctx, a.Tab, a.rowsFor[0]); err != nil {
				return fmt.Errorf("add tab %q: %w", a.Tab, err)
			}
			for r, row := range a.rowsFor[1:] {
				for c, v := range row {
					if v != "" {
						writes = append(writes, sheet.Update{Tab: a.Tab, Row: r + 2, Col: c + 1, Value: sheet.TextValue(v)})
					}
				}
			}
		case a.write != nil:
			writes = append(writes, a.write...)
		case a.step != nil:
			steps = append(steps, *a.step)
		}
	}
	if len(writes) > 0 {
		if err := ss.Write(ctx, writes); err != nil {
			return err
		}
	}
	if len(steps) > 0 {
		prep := ss.(sheet.Preparer) // steps are planned only for a Preparer
		if err := prep.Prepare(ctx, steps); err != nil {
			return fmt.Errorf("set up %s: %w", ss.Describe(), err)
		}
	}
	return nil
}
