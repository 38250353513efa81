package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
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
