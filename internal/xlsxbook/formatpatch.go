package xlsxbook

import (
	"context"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// init's steps patch only the parts they change (sheets, styles, workbook);
// TestFormatPatchOracle checks them against the same steps through excelize.

// tabFormat is what the steps of one Prepare call do to one tab.
type tabFormat struct {
	name   string
	index  int // in the workbook's tab order: a defined name's localSheetId
	part   string
	freeze bool
	mark   bool
	cols   []sheet.ColumnFormat // by column, one each
	dxfs   [][]int              // dxfs[i][j]: the fill of cols[i].ColorOrder[j]
	// fit: a step made columns wrap, so every row gets the height its cells
	// need, and text written before shows whole.
	fit         bool
	validations []validation // dropdowns and marks, in step order
	header      []int        // the job columns, whose header cells turn grey
}

// merge adds a step's column formats; what a later step sets wins.
func (t *tabFormat) merge(formats []sheet.ColumnFormat) {
	for _, cf := range formats {
		t.fit = t.fit || cf.Wrap
		if cf.Col < 1 || cf.Col > excelize.MaxColumns {
			continue
		}
		i := slices.IndexFunc(t.cols, func(c sheet.ColumnFormat) bool { return c.Col == cf.Col })
		if i < 0 {
			t.cols = append(t.cols, cf)
			continue
		}
		c := &t.cols[i]
		if cf.Width > 0 {
			c.Width = cf.Width
		}
		c.Wrap, c.Date = c.Wrap || cf.Wrap, c.Date || cf.Date
		if len(cf.ColorOrder) > 0 {
			c.Colors, c.ColorOrder = cf.Colors, cf.ColorOrder
		}
	}
	slices.SortFunc(t.cols, func(a, b sheet.ColumnFormat) int { return a.Col - b.Col })
}

// tabFormats gathers the steps by tab, with the fills their colours take.
func (w *Workbook) tabFormats(p *xlsxPackage, steps []sheet.SetupStep, styles *styleBook) ([]*tabFormat, error) {
	var tabs []*tabFormat
	for _, s := range steps {
		k := slices.IndexFunc(tabs, func(t *tabFormat) bool { return t.name == s.Tab })
		if k < 0 {
			i := slices.IndexFunc(p.tabs, func(tp tabPart) bool { return tp.name == s.Tab })
			if i < 0 || p.parts[p.tabs[i].part] == nil {
				return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, s.Tab, sheet.ErrTabNotFound)
			}
			k, tabs = len(tabs), append(tabs, &tabFormat{name: s.Tab, index: i, part: p.tabs[i].part})
		}
		t := tabs[k]
		switch s.Kind {
		case sheet.FreezeHeader:
			t.freeze = true
		case sheet.FormatColumns:
			t.merge(s.Formats)
			t.mark = t.mark || s.Mark
		default:
			if err := t.addSetup(s); err != nil {
				return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, s.Tab, err)
			}
		}
	}
	for _, t := range tabs {
		if len(t.header) > 0 && (styles.fonts == nil || styles.fills == nil || styles.fills.self || len(styles.fonts.kids) == 0) {
			return nil, fmt.Errorf("workbook %s styles: the styles part has no list of fonts or fills to add the job columns' header style to", w.path)
		}
		for _, cf := range t.cols {
			var ids []int
			for _, v := range cf.ColorOrder {
				ids = append(ids, styles.addFill(cf.Colors[v]))
			}
			t.dxfs = append(t.dxfs, ids)
		}
	}
	return tabs, nil
}

// Prepare makes the steps in one rewrite of the tabs' sheet parts, styles.xml
// and workbook.xml; every other part is copied.
func (w *Workbook) Prepare(ctx context.Context, steps []sheet.SetupStep) error {
	p, err := w.changing()
	if err != nil {
		return err
	}
	defer p.done()
	if err := ctx.Err(); err != nil || len(steps) == 0 {
		return err
	}
	styles, err := p.openStyles()
	if err == nil {
		err = styles.usable()
	}
	if err != nil {
		return fmt.Errorf("read workbook %s styles: %w", w.path, err)
	}
	tabs, err := w.tabFormats(p, steps, styles)
	var newWorkbook []byte
	if err == nil {
		newWorkbook, err = w.markFormatted(p, tabs)
	}
	if err != nil {
		return err
	}
	// A wrapped cell's shared string is read to fit its row, the table
	// loaded once for every tab the first time one is.
	sharedText, errSST := p.lazySharedStrings()
	var rewrites []partRewrite
	for _, t := range tabs {
		var fit *rowFitter // every row's height too
		if t.fit {
			fit = newRowFitter(styles, sharedText)
		}
		// A date column keeps its style when a cell below keeps its number format (kept), but its
		// <col> comes before the cells: the part is written again when a cell says so.
		sf := newSheetFormatter(t, styles, fit)
		rewrites = append(rewrites, partRewrite{part: t.part, tab: t.name, write: sf.write, again: func() bool { return sf.again }})
	}
	// The styles the sheets derive are known once they are rewritten.
	return w.saveRewritten(ctx, p, rewrites, errSST, func() map[string][]byte {
		return map[string][]byte{p.styles: styles.bytes(), p.workbook: newWorkbook}
	})
}

// formattedName is a defined name scoped to a tab that says onboard formatted
// it (a workbook has no developer metadata), so init formats it only once.
const formattedName = "onboard_formatted"

// markFormatted returns the workbook part with the marker on each marked tab
// that lacks it (have: those that carry it); nil when none is new.
func (w *Workbook) markFormatted(p *xlsxPackage, tabs []*tabFormat) ([]byte, error) {
	if !slices.ContainsFunc(tabs, func(t *tabFormat) bool { return t.mark }) {
		return nil, nil
	}
	have, err := formattedTabs(p)
	var wb []byte
	if err == nil {
		wb, err = p.editPart(p.workbook, 1, func(root *node) ([]splice, error) {
			if root.kid("sheets") == nil {
				return nil, fmt.Errorf("the workbook part lists no sheets")
			}
			prefix := root.prefix
			var names []byte
			for _, t := range tabs {
				if !t.mark || have[t.index] {
					continue
				}
				names = fmt.Appendf(names, `<%sdefinedName name="%s" comment="%s" localSheetId="%d">&quot;1&quot;</%sdefinedName>`,
					prefix, formattedName, "onboard formatted this tab's columns (init does not format it again)", t.index, prefix)
			}
			if names == nil {
				return nil, nil
			}
			if dn := root.kid("definedNames"); dn != nil {
				return appendTo(dn, dn.tag, names), nil
			}
			// A new list goes after the sheets and what the schema puts after them.
			at := 0
			for _, k := range root.kids {
				if k.name == "sheets" || k.name == "functionGroups" || k.name == "externalReferences" {
					at = max(at, k.end)
				}
			}
			whole := fmt.Appendf(nil, `<%sdefinedNames>%s</%sdefinedNames>`, prefix, names, prefix)
			return []splice{{at, at, whole}}, nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("workbook %s part %s: %w", w.path, p.workbook, err)
	}
	return wb, nil
}
