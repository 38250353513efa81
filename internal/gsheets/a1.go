package gsheets

import (
	"strconv"
	"strings"
)

// parseRange splits a range Google echoes, such as 'My tab'!A1:Z1000,
// Sheet1!B2 or 'tab'!A1:A1000, into its title and 1-based corners. Only the
// shapes Google echoes are needed: a title, then A1 or A1:B2.
func parseRange(s string) (title string, r0, c0, r1, c1 int, ok bool) {
	rest := s
	if strings.HasPrefix(s, "'") {
		var b strings.Builder
		i := 1
		for ; i < len(s); i++ {
			if s[i] != '\'' {
				b.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			break
		}
		if i >= len(s) {
			return "", 0, 0, 0, 0, false
		}
		title, rest = b.String(), s[i+1:]
	} else {
		j := strings.LastIndexByte(s, '!')
		if j < 0 {
			return "", 0, 0, 0, 0, false
		}
		title, rest = s[:j], s[j:]
	}
	cells, found := strings.CutPrefix(rest, "!")
	if !found {
		return "", 0, 0, 0, 0, false
	}
	a, b, isRange := strings.Cut(cells, ":")
	if !isRange {
		b = a
	}
	if r0, c0, ok = parseCell(a); !ok {
		return "", 0, 0, 0, 0, false
	}
	if r1, c1, ok = parseCell(b); !ok {
		return "", 0, 0, 0, 0, false
	}
	return title, r0, c0, r1, c1, true
}

// parseCell reads "AB12" as row 12, column 28.
func parseCell(s string) (row, col int, ok bool) {
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		col = col*26 + int(s[i]-'A'+1)
		i++
		if col > maxCols {
			return 0, 0, false
		}
	}
	if i == 0 || i == len(s) {
		return 0, 0, false
	}
	row, err := strconv.Atoi(s[i:])
	if err != nil || row < 1 {
		return 0, 0, false
	}
	return row, col, true
}

// Google's limits: columns up to ZZZ; ten million cells per spreadsheet
// bounds rows well below this.
const (
	maxCols = 18278
	maxRows = 10_000_000
)
