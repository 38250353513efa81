package report

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"testing"
)

// TestParallelDeflateInflatesToItsInput: a part written to parallelDeflate
// in pieces of any size, empty, within one block or across many, inflates
// back to what was written, as one deflate stream.
func TestParallelDeflateInflatesToItsInput(t *testing.T) {
	var text bytes.Buffer
	for i := 0; text.Len() < 3*deflateBlock+12345; i++ {
		fmt.Fprintf(&text, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>顧客%d</t></is></c></row>`, i, i, i*7919%1000)
	}
	for _, size := range []int{0, 1, 1000, deflateBlock, deflateBlock + 1, text.Len()} {
		for _, piece := range []int{1 << 10, 32 << 10, 3 << 20} {
			want := text.Bytes()[:size]
			var out bytes.Buffer
			d := newParallelDeflate(&out)
			for p := want; len(p) > 0; {
				n := min(piece, len(p))
				if _, err := d.Write(p[:n]); err != nil {
					t.Fatal(err)
				}
				p = p[n:]
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(flate.NewReader(&out))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%d bytes in pieces of %d: inflated %d bytes (%v)", size, piece, len(got), err)
			}
			if size > 2*deflateBlock && out.Len() > size/4 {
				t.Errorf("%d bytes deflated to %d", size, out.Len())
			}
		}
	}
}
