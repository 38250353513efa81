package xlsxbook

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file the job cannot patch safely is refused by name, whatever its
// extension says, and left byte-identical.
func TestRefusesPackagesItCannotPatch(t *testing.T) {
	compound := append(append([]byte{}, compoundMagic...), make([]byte, 504)...)
	rootRels := func(typ, target string) []byte {
		return []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + typ + `" Target="` + target + `"/></Relationships>`)
	}
	zipOf := func(typ, target string) []byte {
		return packParts(t, []string{"_rels/.rels", target}, map[string][]byte{"_rels/.rels": rootRels(typ, target), target: []byte("<workbook/>")})
	}
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"encrypted", append(append(append([]byte{}, compound...), encryptionInfo...), make([]byte, 64)...), "is encrypted (password to open)"},
		{"xls", compound, "an Excel 97-2003 (.xls) file"},
		{"xlsb", zipOf("http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "xl/workbook.bin"), "Excel binary workbook (.xlsb)"},
		{"strict", zipOf("http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument", "xl/workbook.xml"), "Strict Open XML"},
		{"not a workbook", []byte("name,email\n"), "is not an .xlsx file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "book.xlsx")
			if err := os.WriteFile(path, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path).Read(context.Background(), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "\n") > 0 {
				t.Fatalf("Read = %v, want one line with %q", err, c.want)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, c.file) {
				t.Error("the refused file changed")
			}
		})
	}
}

// init makes a new workbook as .xlsx: an .xlsm is only ever an existing file.
func TestCreateRefusesNewXLSM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsm")
	err := Open(path).CreateTabs(context.Background(), []string{"申込"})
	if err == nil || !strings.Contains(err.Error(), ".xlsx only") {
		t.Fatalf("CreateTabs = %v, want the .xlsx-only refusal", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("a refused create left a file")
	}
}
