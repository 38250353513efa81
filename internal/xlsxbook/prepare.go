package xlsxbook

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

var _ sheet.Preparer = (*Workbook)(nil)

// noteAuthor marks the header notes onboard writes: an .xlsx has no
// warning-only protected ranges, so job columns get a note on the header
// and a grey header fill instead.
const noteAuthor = "onboard"

// Inspect reports frozen panes, list validations and onboard's header notes.
func (w *Workbook) Inspect(ctx context.Context, tabs []string) (map[string]sheet.TabSetup, error) {
	if w.file == nil || w.broken {
		if err := w.load(); err != nil {
			return nil, err
		}
	}
	out := map[string]sheet.TabSetup{}
	for _, name := range tabs {
		if idx, err := w.file.GetSheetIndex(name); err != nil || idx < 0 {
			continue
		}
		st := sheet.TabSetup{Dropdowns: map[int]bool{}, Protected: map[string]bool{}}
		panes, err := w.file.GetPanes(name)
		if err != nil {
			return nil, fmt.Errorf("tab %q panes: %w", name, err)
		}
		st.Frozen = panes.Freeze && panes.YSplit >= 1
		dvs, err := w.file.GetDataValidations(name)
		if err != nil {
			return nil, fmt.Errorf("tab %q validations: %w", name, err)
		}
		for _, dv := range dvs {
			if dv.Type != "list" {
				continue
			}
			for _, ref := range strings.Fields(dv.Sqref) {
				first := strings.Split(ref, ":")[0]
				col, row, err := excelize.CellNameToCoordinates(first)
				if err == nil && row <= 2 {
					st.Dropdowns[col] = true
				}
			}
		}
		comments, err := w.file.GetComments(name)
		if err != nil {
			return nil, fmt.Errorf("tab %q notes: %w", name, err)
		}
		for _, c := range comments {
			// A note written with its text twice (as init did before) is
			// not counted, so init writes it again, once.
			if c.Author == noteAuthor && !doubledNote(c) {
				st.Protected[noteText(c)] = true
			}
		}
		st.Formatted = w.formatted(name)
		out[name] = st
	}
	return out, nil
}

// doubledNote reports a note holding its text both as plain text and as
// a run: Excel and LibreOffice show both, so the note reads twice.
func doubledNote(c excelize.Comment) bool {
	return c.Text != "" && len(c.Paragraph) > 0
}

func noteText(c excelize.Comment) string {
	if c.Text != "" {
		return c.Text
	}
	var b strings.Builder
	for _, p := range c.Paragraph {
		b.WriteString(p.Text)
	}
	return strings.TrimPrefix(b.String(), noteAuthor+":")
}

// Prepare applies the steps and saves the workbook atomically: freezing
// and formatting patch the package; dropdowns and notes (init) go through
// excelize first, on the workbook's skeleton (skeleton.go).
func (w *Workbook) Prepare(ctx context.Context, steps []sheet.SetupStep) error {
	var patched, modeled []sheet.SetupStep
	for _, s := range steps {
		if patchable(s) {
			patched = append(patched, s)
		} else {
			modeled = append(modeled, s)
		}
	}
	if len(modeled) > 0 {
		if err := w.prepareModel(ctx, modeled); err != nil {
			return err
		}
	}
	if len(patched) == 0 {
		return nil
	}
	return w.preparePackage(ctx, patched)
}

// prepareModel makes steps through excelize's model and saves it.
func (w *Workbook) prepareModel(ctx context.Context, steps []sheet.SetupStep) error {
	if w.file == nil || w.broken {
		if err := w.load(); err != nil {
			return err
		}
	}
	if err := w.checkUnchanged(); err != nil {
		return err
	}
	w.broken = true
	for _, s := range steps {
		if err := w.prepare(s); err != nil {
			return fmt.Errorf("tab %q: %w", s.Tab, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.save(); err != nil {
		return err
	}
	w.broken = false
	return nil
}

func (w *Workbook) prepare(s sheet.SetupStep) error {
	switch s.Kind {
	case sheet.Dropdown:
		dv := excelize.NewDataValidation(true)
		col := sheet.ColumnName(s.Col)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows))
		if err := dv.SetDropList(s.Values); err != nil {
			return err
		}
		// Warn, but let people type the other accepted words (済, ○, ...).
		style := "warning"
		dv.ErrorStyle = &style
		dv.SetError(excelize.DataValidationErrorStyleWarning, "onboard", "一覧にない値です。onboard が読めない値はチェック欄に表示されます。")
		return w.file.AddDataValidation(s.Tab, dv)
	case sheet.Protect:
		grey, err := w.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "595959"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}})
		if err != nil {
			return err
		}
		for i, c := range s.Cols {
			cell := sheet.CellName(1, c)
			if err := w.file.SetCellStyle(s.Tab, cell, cell, grey); err != nil {
				return err
			}
			if i == 0 {
				if err := w.replaceNote(s.Tab, cell, s.Description); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return fmt.Errorf("unknown setup step %d: %w", s.Kind, sheet.ErrInvalid)
}

// replaceNote writes onboard's note on a header cell, once: the text as a
// single run (excelize writes Text and Paragraph both, and a reader shows
// both), over any note onboard left there before.
func (w *Workbook) replaceNote(tab, cell, text string) error {
	comments, err := w.file.GetComments(tab)
	if err != nil {
		return err
	}
	for _, c := range comments {
		if c.Cell == cell && c.Author == noteAuthor {
			if err := w.file.DeleteComment(tab, cell); err != nil {
				return err
			}
		}
	}
	return w.file.AddComment(tab, excelize.Comment{Author: noteAuthor, Cell: cell, Paragraph: []excelize.RichTextRun{{Text: text}}})
}
