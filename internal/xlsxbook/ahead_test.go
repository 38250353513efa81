package xlsxbook

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// A reader ahead hands on r's bytes as they are, and its error after them;
// stopped early, it lets go of r (the race detector sees a use after).
func TestReadAhead(t *testing.T) {
	data := bytes.Repeat([]byte("<row><c><v>1</v></c></row>"), 100_000)
	got, err := io.ReadAll(iotest.OneByteReader(readAhead(bytes.NewReader(data))))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes of %d, %v", len(got), len(data), err)
	}
	broken := errors.New("bad deflate data")
	a := readAhead(io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(broken)))
	got, err = io.ReadAll(a)
	if !errors.Is(err, broken) || !bytes.Equal(got, data[:1000]) {
		t.Fatalf("read %d bytes, %v; want 1000 and %v", len(got), err, broken)
	}
	a.stop()
	r := bytes.NewReader(data)
	a = readAhead(r)
	if _, err := a.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	a.stop()
	if _, err := r.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
}
