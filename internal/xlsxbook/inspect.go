package xlsxbook

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/sheet"
)

var _ sheet.Preparer = (*Workbook)(nil)

// markTitle titles the input message that marks the job's columns (an .xlsx
// has no warning-only protected ranges); older versions wrote notes by it.
const markTitle = "onboard"

// Inspect reports, from the tabs as they are on disk, the frozen header, the
// list validations, onboard's marks and its formatted marker.
func (w *Workbook) Inspect(ctx context.Context, tabs []string) (map[string]sheet.TabSetup, error) {
	p, err := w.changing()
	if err != nil {
		return nil, err
	}
	defer p.done()
	marked, err := formattedTabs(p)
	if err != nil {
		return nil, fmt.Errorf("workbook %s part %s: %w", w.path, p.workbook, err)
	}
	out := map[string]sheet.TabSetup{}
	for i, t := range p.tabs {
		if !slices.Contains(tabs, t.name) || p.parts[t.part] == nil {
			continue
		}
		st, err := inspectSheet(p, t.part)
		if err == nil {
			err = readNotes(p, t.part, st.Protected)
		}
		if err != nil {
			return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, t.name, err)
		}
		st.Formatted = marked[i]
		out[t.name] = st
	}
	return out, ctx.Err()
}

// inspectSheet reads a worksheet's first view's pane and its validations.
func inspectSheet(p *xlsxPackage, part string) (sheet.TabSetup, error) {
	st := sheet.TabSetup{Dropdowns: map[int]bool{}, Protected: map[string]bool{}}
	views, ext, inSqref, extList := 0, 0, false, false
	err := p.scan(part, func(s *xmlScanner) {
		switch {
		case s.kind != tokText && string(s.name) == "extLst":
			ext += b2i(s.kind == tokStart && !s.self) - b2i(s.kind == tokEnd)
		case ext > 0 && s.is(tokStart, "dataValidation"): // x14's, its range in <xm:sqref>
			typ, _ := attrString(s.attrs, "type")
			extList = typ == "list"
		case ext > 0 && s.kind != tokText && string(s.name) == "sqref":
			inSqref = s.kind == tokStart && !s.self
		case ext > 0 && inSqref && extList && s.kind == tokText:
			listColumns(string(s.textAppend(nil)), st.Dropdowns)
		case ext > 0:
		case s.is(tokStart, "sheetView"):
			views++
		case s.is(tokStart, "pane") && views == 1:
			state, _ := attrString(s.attrs, "state")
			split, _ := attrString(s.attrs, "ySplit")
			n, _ := strconv.ParseFloat(split, 64)
			st.Frozen = state == "frozen" && n >= 1
		case s.is(tokStart, "dataValidation"): // a list's columns, onboard's mark on job columns
			if title, _ := attrString(s.attrs, "promptTitle"); title == markTitle {
				prompt, _ := attrString(s.attrs, "prompt")
				st.Protected[prompt] = true
			}
			if typ, _ := attrString(s.attrs, "type"); typ == "list" {
				sqref, _ := attrString(s.attrs, "sqref")
				listColumns(sqref, st.Dropdowns)
			}
		}
	})
	return st, err
}

// listColumns adds to cols the columns of a list validation's ranges that
// start on row 1 or 2.
func listColumns(sqref string, cols map[int]bool) {
	for _, ref := range strings.Fields(sqref) {
		first, _, _ := strings.Cut(ref, ":")
		row, _ := strconv.Atoi(strings.TrimLeft(first, "ABCDEFGHIJKLMNOPQRSTUVWXYZ$"))
		if col := refCol([]byte(first)); col > 0 && row >= 1 && row <= 2 {
			cols[col] = true
		}
	}
}

// readNotes adds the notes older versions wrote to protected; one holding its
// text twice (plain and as a run) is not counted, so init marks again.
func readNotes(p *xlsxPackage, part string, protected map[string]bool) error {
	dir := path.Dir(part)
	rels, err := p.rels(path.Join(dir, "_rels", path.Base(part)+".rels"), dir)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if !strings.HasSuffix(r.typ, "/comments") {
			continue
		}
		var authors []string // the part's, and the notes by onboard
		inAuthor, inText, author := false, false, 0
		var text richText
		err := p.scan(r.target, func(s *xmlScanner) {
			switch {
			case inText:
				if inText = text.token(s); !inText && author < len(authors) && authors[author] == markTitle &&
					(len(text.top) == 0 || len(text.runs) == 0) {
					protected[strings.TrimPrefix(text.String(), markTitle+":")] = true
				}
			case s.is(tokStart, "author") && !s.self:
				authors, inAuthor = append(authors, ""), true
			case s.is(tokEnd, "author"):
				inAuthor = false
			case s.kind == tokText && inAuthor:
				authors[len(authors)-1] += string(s.textAppend(nil))
			case s.is(tokStart, "comment"):
				author = attrInt(s.attrs, "authorId")
			case s.is(tokStart, "text") && !s.self:
				text.reset()
				inText = true
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// formattedTabs reads which tabs (by index) carry the formatted marker.
func formattedTabs(p *xlsxPackage) (map[int]bool, error) {
	marked := map[int]bool{}
	err := p.scan(p.workbook, func(s *xmlScanner) {
		if s.is(tokStart, "definedName") {
			name, _ := attrString(s.attrs, "name")
			if id, ok := attr(s.attrs, "localSheetId"); ok && name == formattedName {
				n, _ := strconv.Atoi(string(id))
				marked[n] = true
			}
		}
	})
	return marked, err
}
