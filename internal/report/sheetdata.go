package report

import (
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// rowsFlush is how much row XML is gathered before it goes to the zip
// entry.
const rowsFlush = 64 << 10

// rowsWriter returns the writer of a data tab's rows, from the second
// sheet row on. The XML is what excelize's stream writer writes for the
// same cells (TestSheetRowsMatchExcelize holds it to that), without its
// allocations per cell and without holding the tab's XML: a 100,000-client
// list is about 60 MB of it. colStyle is each column's style (0: none),
// which cells without a style of their own take, as the stream writer
// takes it from <cols>.
func rowsWriter(t *table, colStyle []int) sheetRows {
	return func(w io.Writer) error {
		names := make([]string, len(t.cols)) // column letters
		for c := range names {
			name, err := excelize.ColumnNumberToName(c + 1)
			if err != nil {
				return err
			}
			names[c] = name
		}
		buf := make([]byte, 0, rowsFlush+4<<10)
		var num []byte
		for row := 0; row < t.rows; row++ {
			num = strconv.AppendInt(num[:0], int64(row+2), 10)
			buf = append(buf, `<row r="`...)
			buf = append(buf, num...)
			buf = append(buf, `">`...)
			for c, cell := range t.cols {
				v := cell(row)
				if v.kind == blankCell && v.style == 0 {
					continue // the stream writer skips a nil value
				}
				style := v.style
				if style == 0 {
					style = colStyle[c]
				}
				buf = append(buf, `<c r="`...)
				buf = append(buf, names[c]...)
				buf = append(buf, num...)
				buf = append(buf, '"')
				if style != 0 {
					buf = append(buf, ` s="`...)
					buf = strconv.AppendInt(buf, int64(style), 10)
					buf = append(buf, '"')
				}
				switch v.kind {
				case textCell:
					buf = appendInlineString(buf, v.s)
				case intCell, dateCell:
					buf = append(buf, `><v>`...)
					buf = strconv.AppendInt(buf, int64(v.n), 10)
					buf = append(buf, `</v></c>`...)
				default:
					buf = append(buf, `></c>`...)
				}
			}
			buf = append(buf, `</row>`...)
			if len(buf) >= rowsFlush {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		_, err := w.Write(buf)
		return err
	}
}

// appendInlineString appends the rest of a text cell: its type and the
// text as an inline string, escaped as excelize escapes it.
func appendInlineString(buf []byte, s string) []byte {
	preserve := false
	if !plainText(s) {
		s, preserve = excelText(s)
	}
	buf = append(buf, ` t="inlineStr"><is><t`...)
	if preserve {
		buf = append(buf, ` xml:space="preserve"`...)
	}
	buf = append(buf, '>')
	buf = append(buf, s...)
	return append(buf, `</t></is></c>`...)
}

// plainText reports whether excelize would write s as it is: valid UTF-8
// of characters XML allows, nothing to escape (& < > " ' or a control
// character), no _xHHHH_ look-alike, no space at either end, and short
// enough not to be cut. Nearly every cell is; the others take excelText.
func plainText(s string) bool {
	if len(s) == 0 || len(s) > excelize.TotalCellChars || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			switch {
			case b < 0x20, b == '&', b == '<', b == '>', b == '"', b == '\'':
				return false
			case b == '_' && i+1 < len(s) && s[i+1] == 'x':
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// excelText is excelize's treatment of an inline string (trimCellValue
// with escaping, excelize v2.11.1): cut to Excel's 32,767 characters,
// XML-escaped with line feeds kept, _xHHHH_ look-alikes escaped; and
// whether it needs xml:space="preserve".
func excelText(value string) (string, bool) {
	if countUTF16(value) > excelize.TotalCellChars {
		value = truncateUTF16(value, excelize.TotalCellChars)
	}
	preserve := false
	if value != "" {
		prefix, suffix := value[0], value[len(value)-1]
		for _, ascii := range []byte{9, 10, 13, 32} {
			if prefix == ascii || suffix == ascii {
				preserve = true
				break
			}
		}
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(value))
		value = strings.ReplaceAll(b.String(), "&#xA;", "\n")
	}
	return bstrMarshal(value), preserve
}

func countUTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func truncateUTF16(s string, length int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > length {
			return s[:i]
		}
	}
	return s
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes text that Excel would read as an _xHHHH_ escape, as
// excelize v2.11.1 does (lib.go, BSD-3-Clause, the excelize authors).
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}
