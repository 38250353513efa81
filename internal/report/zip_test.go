package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestParallelZipRoundTrip: entries of every size around the block edges
// read back byte for byte, their CRCs checked by archive/zip.
func TestParallelZipRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"<c r=\"A1\" t=\"inlineStr\"><is><t>", "株式会社さくら", "</t></is></c>", "<row r=\"", "\">", "10001"}
	data := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			if rng.IntN(10) == 0 {
				b.WriteByte(byte(rng.IntN(256))) // some noise
			} else {
				b.WriteString(words[rng.IntN(len(words))])
			}
		}
		return b.Bytes()[:n]
	}
	sizes := []int{0, 1, 100, zipBlock - 1, zipBlock, zipBlock + 1, 2 * zipBlock, 3*zipBlock + zipBlock/2}
	want := map[string][]byte{}
	var buf bytes.Buffer
	zw := newParallelZip(&buf)
	for i, n := range sizes {
		name := fmt.Sprintf("xl/part%d.xml", i)
		want[name] = data(n)
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		// Written in uneven pieces, as io.Copy and excelize do.
		for p := want[name]; len(p) > 0; {
			k := min(len(p), 1+rng.IntN(70_000))
			if _, err := w.Write(p[:k]); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(sizes) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(sizes))
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc) // checks the CRC at the end
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !bytes.Equal(got, want[f.Name]) {
			t.Errorf("%s: %d bytes back, want %d (content differs)", f.Name, len(got), len(want[f.Name]))
		}
	}
}

// TestSplicingZip: rows go before </sheetData> of their worksheet, other
// entries are untouched, and rows whose worksheet never comes are an
// error rather than a workbook without its data.
func TestSplicingZip(t *testing.T) {
	rows := map[string]sheetRows{
		"xl/worksheets/sheet2.xml": func(w io.Writer) error {
			for i := 2; i <= 40_000; i++ { // more than a zip block
				if _, err := fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, i, i, i); err != nil {
					return err
				}
			}
			return nil
		},
	}
	var buf bytes.Buffer
	zw := newSplicingZip(&buf, rows)
	for name, content := range map[string]string{
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData></sheetData></worksheet>`,
		"xl/worksheets/sheet2.xml": `<worksheet><sheetData><row r="1"/></sheetData><autoFilter/></worksheet>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		// In two pieces, cutting the end tag, as a copy from a file may.
		cut := strings.Index(content, "</sheetData>") + 5
		if _, err := io.WriteString(w, content[:cut]); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content[cut:]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		rc, err := zr.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("xl/worksheets/sheet1.xml"); got != `<worksheet><sheetData></sheetData></worksheet>` {
		t.Errorf("sheet1 changed: %.100s", got)
	}
	got := read("xl/worksheets/sheet2.xml")
	if !strings.HasPrefix(got, `<worksheet><sheetData><row r="1"/><row r="2"><c r="A2"><v>2</v></c></row>`) ||
		!strings.HasSuffix(got, `<row r="40000"><c r="A40000"><v>40000</v></c></row></sheetData><autoFilter/></worksheet>`) {
		t.Errorf("sheet2: %.120s … %.120s", got, got[max(0, len(got)-120):])
	}

	zw = newSplicingZip(io.Discard, rows)
	if _, err := zw.Create("xl/worksheets/sheet1.xml"); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err == nil || !strings.Contains(err.Error(), "sheet2.xml") {
		t.Errorf("rows without their worksheet: Close = %v", err)
	}
}
