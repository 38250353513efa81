package xlsxbook

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// TestScannerRules: what the scanner refuses, and what it reads, of the
// XML other writers produce.
func TestScannerRules(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		want      string // the tokens' local names and texts, or the error
	}{
		{"a tag without a name", `<a><></a>`, "error: " + errNoName.Error()},
		{"an end tag without a name", `<a></></a>`, "error: " + errNoName.Error()},
		{"a prefix without a name", `<a><x:/></a>`, "error: " + errNoName.Error()},
		{"prefixed elements by their local name", `<x:row r="1"><x:c/></x:row>`, "<row <c/ </row"},
		{"CDATA is text, not escaped", `<t><![CDATA[a&amp;<b>]]></t>`, "<t a&amp;<b> </t"},
		{"comments and instructions are skipped", `<?xml version="1.0"?><!-- c --><a/>`, "<a/"},
		{"a quoted > inside a tag", `<a b="x>y"/>`, "<a/"},
		{"the XML ends inside a tag", `<a><b`, "error: " + errTruncatedXML.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newBytesScanner([]byte(tc.xml))
			var got []string
			for s.next() {
				switch {
				case s.kind == tokText:
					got = append(got, string(s.textAppend(nil)))
				case s.kind == tokEnd:
					got = append(got, "</"+string(s.name))
				case s.self:
					got = append(got, "<"+string(s.name)+"/")
				default:
					got = append(got, "<"+string(s.name))
				}
			}
			g := strings.Join(got, " ")
			if s.err != nil {
				g = "error: " + s.err.Error()
			}
			if g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

// TestSharedStringsRules: texts are appended to the table whatever form
// its root takes, and a part without one is refused.
func TestSharedStringsRules(t *testing.T) {
	for _, tc := range []struct {
		name, part, want string // want: the part after, or the error
	}{
		{"a table", `<sst count="1" uniqueCount="1"><si><t>a</t></si></sst>`,
			`<sst count="2" uniqueCount="2"><si><t>a</t></si><si><t xml:space="preserve">_x005F_x0041_</t></si></sst>`},
		{"an empty table closing itself", `<sst count="0" uniqueCount="0"/>`,
			`<sst count="1" uniqueCount="1"><si><t xml:space="preserve">_x005F_x0041_</t></si></sst>`},
		{"a prefixed table, single quotes", `<x:sst xmlns:x="m" count='0' uniqueCount='0'></x:sst>`,
			`<x:sst xmlns:x="m" count="1" uniqueCount="1"><x:si><x:t xml:space="preserve">_x005F_x0041_</x:t></x:si></x:sst>`},
		{"no sst element", `</sst>`, "error"},
		{"no end", `<sst count="0">`, "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := packageOf(t, map[string]string{"xl/sharedStrings.xml": tc.part})
			p.sharedStrings = "xl/sharedStrings.xml"
			idx, out, err := p.appendSharedStrings([]string{"_x0041_"})
			got := string(out)
			if err != nil {
				got = "error"
			} else if idx["_x0041_"] != strings.Count(tc.part, "<si>") {
				t.Errorf("index %d", idx["_x0041_"])
			}
			if got != tc.want {
				t.Errorf("got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// packageOf is a package of the given parts.
func packageOf(t *testing.T, parts map[string]string) *xlsxPackage {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(data))
		must(t, err)
	}
	must(t, zw.Close())
	p, err := openPackage(buf.Bytes())
	must(t, err)
	return p
}
