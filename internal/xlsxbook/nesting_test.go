package xlsxbook

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnnestedPartRefused: a part whose tags do not nest is refused on
// read, naming the part, whichever part it is: the readers and the
// patchers would each guess differently what it holds.
func TestUnnestedPartRefused(t *testing.T) {
	for _, c := range []struct{ part, xml, want, names string }{
		{"xl/sharedStrings.xml", `<sst><si></sst>`, "</sst> where no <sst> is open", "sharedStrings.xml"},
		{"xl/sharedStrings.xml", `<sst><si><t>a</t></si>`, "<sst> still open", "sharedStrings.xml"},
		{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"></sheetData></worksheet>`, "</sheetData>", `tab "Sheet1"`},
		{"xl/styles.xml", `<styleSheet><cellXfs><xf/></styleSheet>`, "</styleSheet>", "styles"},
		{"xl/workbook.xml", `<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></workbook>`, "</workbook>", "workbook.xml"},
	} {
		t.Run(c.part+" "+c.xml, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "book.xlsx")
			data := withPart(t, c.part, []byte(c.xml))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path).Read(context.Background(), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.names) {
				t.Errorf("got %v, want an error naming %s and %q", err, c.names, c.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
				t.Error("the file changed")
			}
		})
	}
}
