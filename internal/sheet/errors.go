package sheet

import "strings"

// errorCodes are the error values spreadsheets show in a cell whose
// formula failed: Excel's and Google's. Both backends read them as text
// (excelize gives an error cell's text, Google's UNFORMATTED_VALUE the
// code), so this is the one place they are told from data.
var errorCodes = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true,
	"#NUM!": true, "#N/A": true, "#GETTING_DATA": true, "#ERROR!": true, "#SPILL!": true,
	"#CALC!": true, "#FIELD!": true, "#BLOCKED!": true, "#CONNECT!": true, "#BUSY!": true,
	"#UNKNOWN!": true, "#LOADING...": true,
}

// ErrorValue reports whether a cell holds a spreadsheet error value such
// as #DIV/0! or #N/A (in any case, with spaces around), and returns it as
// the spreadsheet shows it. Such a cell holds no data: a reader treats it
// as a problem, whatever the column.
func ErrorValue(v Value) (code string, ok bool) {
	if v.Kind != Text || strings.IndexByte(v.Str, '#') < 0 { // most text: no trimming
		return "", false
	}
	s := strings.TrimSpace(v.Str)
	if len(s) < 3 || len(s) > 16 || s[0] != '#' {
		return "", false
	}
	s = strings.ToUpper(s)
	return s, errorCodes[s]
}
