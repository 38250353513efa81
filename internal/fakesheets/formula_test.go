package fakesheets

import "testing"

// FuzzUserEntered checks that typed input of any shape parses, evaluates
// and renders without panicking, whatever formula it holds.
func FuzzUserEntered(f *testing.F) {
	for _, seed := range []string{
		"=SUM(A1:B3)", "=1/0", "='申込'!A1&\"x\"", "=IF(A1>2,1,0)", "=((1)", "=A1:", "=\"unterminated",
		"2,000,000.01", "12.5%", "$-5", "2020-02-30", "1/2/2020 10:61", "'quoted", "=ROUND(1e308*10, -400)",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ss := testBook()
		sh := ss.sheets[0]
		sh.set(0, 0, parseUserEntered(s))
		sh.set(1, 1, parseUserEntered("=A1+1"))
		sh.compact()
		ev := ss.newEval()
		for _, opts := range []renderOpts{{}, {value: renderUnformatted, dateTime: dateFormatted}, {value: renderFormula}} {
			renderCell(sh.get(0, 0), opts, ev.at(sh, 0, 0))
			renderCell(sh.get(1, 1), opts, ev.at(sh, 1, 1))
		}
	})
}
