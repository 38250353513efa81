package xlsxbook

import (
	"fmt"
	"slices"
)

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
