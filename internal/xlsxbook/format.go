package xlsxbook

import (
	"bytes"
	"fmt"
	"slices"
)

// formattedName is a defined name scoped to a tab that says onboard
// formatted its columns (a workbook has no developer metadata); init reads
// it and formats a tab only once.
const formattedName = "onboard_formatted"

// markFormatted returns the workbook part with onboard's marker, a defined
// name scoped to the tab, on each marked tab that does not carry it; nil
// when none is new.
func (w *Workbook) markFormatted(p *xlsxPackage, tabs []*tabFormat) ([]byte, error) {
	if !slices.ContainsFunc(tabs, func(t *tabFormat) bool { return t.mark }) {
		return nil, nil
	}
	have, err := formattedTabs(p)
	var wb []byte
	if err == nil {
		wb, err = p.readAll(p.workbook)
	}
	if err == nil {
		wb, err = addMarks(wb, tabs, have)
	}
	if err != nil {
		return nil, fmt.Errorf("workbook %s part %s: %w", w.path, p.workbook, err)
	}
	return wb, nil
}

// addMarks adds the marker to the workbook part wb on the tabs that lack
// it (have: those that carry it).
func addMarks(wb []byte, tabs []*tabFormat, have map[int]bool) ([]byte, error) {
	s := newPartScanner(wb)
	prefix := ""
	namesEnd, sheetsEnd, refsEnd := -1, -1, -1
	for s.next() {
		end := s.pos
		start := end - len(s.raw)
		switch {
		case s.is(tokStart, "workbook"):
			prefix = string(s.qname[:len(s.qname)-len(s.name)])
		case s.is(tokStart, "definedNames") && s.self:
			namesEnd = start // <definedNames/>: replaced below
		case s.is(tokEnd, "definedNames"):
			namesEnd = start
		case s.is(tokEnd, "sheets"):
			sheetsEnd = end
		case s.is(tokEnd, "functionGroups"), s.is(tokEnd, "externalReferences"):
			refsEnd = end
		case s.is(tokStart, "functionGroups") && s.self:
			refsEnd = end
		}
	}
	if s.err != nil {
		return nil, s.err
	}
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
	whole := fmt.Appendf(nil, `<%sdefinedNames>%s</%sdefinedNames>`, prefix, names, prefix)
	switch {
	case namesEnd >= 0 && bytes.HasPrefix(wb[namesEnd:], []byte("</")):
		return spliced(wb, []splice{{namesEnd, namesEnd, names}}), nil
	case namesEnd >= 0: // a self-closing <definedNames/>
		return spliced(wb, []splice{{namesEnd, namesEnd + bytes.IndexByte(wb[namesEnd:], '>') + 1, whole}}), nil
	}
	at := max(sheetsEnd, refsEnd)
	if at < 0 {
		return nil, fmt.Errorf("the workbook part lists no sheets")
	}
	return spliced(wb, []splice{{at, at, whole}}), nil
}
