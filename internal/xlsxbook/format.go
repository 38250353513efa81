package xlsxbook

// formattedName is a defined name scoped to a tab that says onboard
// formatted its columns (a workbook has no developer metadata); init reads
// it and formats a tab only once.
const formattedName = "onboard_formatted"

// formatted reports whether the tab carries the marker.
func (w *Workbook) formatted(tab string) bool {
	for _, dn := range w.file.GetDefinedName() {
		if dn.Name == formattedName && dn.Scope == tab {
			return true
		}
	}
	return false
}
