package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"onboard/internal/sheet"
)

// segmentedLog writes a workbook whose log tab (rows, the header
// included) was rewritten by a patch in segments of a few KB, and checks
// the part has them.
func segmentedLog(t *testing.T, rows [][]sheet.Value) *Workbook {
	t.Helper()
	old := segmentBytes
	segmentBytes = 4 << 10
	t.Cleanup(func() { segmentBytes = old })
	path := filepath.Join(t.TempDir(), "book.xlsx")
	must(t, Create(path, &sheet.Book{Tabs: []*sheet.Tab{{Name: "ログ", Rows: rows[:len(rows)-1]}}}))
	w := Open(path)
	ctx := context.Background()
	if _, err := w.Read(ctx, []string{"ログ"}); err != nil {
		t.Fatal(err)
	}
	var add []sheet.Update
	for c, v := range rows[len(rows)-1] {
		add = append(add, sheet.Update{Tab: "ログ", Row: len(rows), Col: c + 1, Value: v})
	}
	must(t, w.Write(ctx, add))
	zr, err := zip.OpenReader(path)
	must(t, err)
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" && len(segmentsOf(f)) < 10 {
			t.Fatalf("the log part has %d segments", len(segmentsOf(f)))
		}
	}
	return w
}

func logOf(n int, anchors ...int) [][]sheet.Value {
	rows := [][]sheet.Value{{sheet.TextValue("日時"), sheet.TextValue("種別")}}
	for r := 2; r <= n; r++ {
		rows = append(rows, []sheet.Value{sheet.TextValue("行" + strconv.Itoa(r)), sheet.TextValue("変更")})
	}
	for _, r := range anchors {
		rows[r-1][1] = sheet.TextValue("集計")
	}
	return rows
}

// TestReadTailFromSegments: a tail read of a segmented part holds what a
// whole read cut to its tail does, whether the last anchor is in the last
// segment, far before it (read again from earlier segments), or missing;
// and with Rows, only that many from it.
func TestReadTailFromSegments(t *testing.T) {
	for _, tc := range []struct {
		name    string
		anchors []int
		rows    int
	}{
		{"anchor near the end", []int{300, 5990}, 0},
		{"anchor far back", []int{120, 800}, 0},
		{"no anchor", nil, 0},
		{"rows from the anchor", []int{2500, 4000}, 5},
		{"rows from an anchor far back", []int{120, 800}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := segmentedLog(t, logOf(6000, tc.anchors...))
			tail := sheet.Tail{Tab: "ログ", Head: 3, MarkCol: 2, Mark: "集計", Rows: tc.rows}
			got, err := w.ReadTail(context.Background(), []string{"ログ"}, nil, tail)
			must(t, err)
			want, err := w.Read(context.Background(), []string{"ログ"})
			must(t, err)
			tail.Cut(want.Tab("ログ"))
			if g, w := got.Tab("ログ").Rows, want.Tab("ログ").Rows; !reflect.DeepEqual(g, w) {
				t.Errorf("tail read: %d rows, want %d", len(g), len(w))
			}
		})
	}
}

// TestSegmentsOutdated: an extra field that no longer describes its entry
// (another program rewrote the part and kept the field) is not used.
func TestSegmentsOutdated(t *testing.T) {
	segs := []segment{{row: 10, packed: 100, raw: 4000}, {row: 20, packed: 200, raw: 8000}}
	extra := segmentsExtra(segs, 0xabcd, 300, 9000)
	f := &zip.File{FileHeader: zip.FileHeader{Method: zip.Deflate, CRC32: 0xabcd, CompressedSize64: 300, UncompressedSize64: 9000, Extra: extra}}
	if got := segmentsOf(f); !reflect.DeepEqual(got, segs) {
		t.Fatalf("segments read back as %v, want %v", got, segs)
	}
	for name, edit := range map[string]func(*zip.FileHeader){
		"crc":        func(h *zip.FileHeader) { h.CRC32++ },
		"size":       func(h *zip.FileHeader) { h.UncompressedSize64++ },
		"compressed": func(h *zip.FileHeader) { h.CompressedSize64-- },
		"stored":     func(h *zip.FileHeader) { h.Method = zip.Store },
		"cut":        func(h *zip.FileHeader) { h.Extra = h.Extra[:len(h.Extra)-1] },
	} {
		g := &zip.File{FileHeader: f.FileHeader}
		g.Extra = append([]byte(nil), extra...)
		edit(&g.FileHeader)
		if got := segmentsOf(g); got != nil {
			t.Errorf("%s changed: segments %v used", name, got)
		}
	}
}

// TestSegmentedPartInflatesWhole: the segmented part is one deflate
// stream any reader inflates whole, openpyxl included.
func TestSegmentedPartInflatesWhole(t *testing.T) {
	rows := logOf(6000, 100)
	w := segmentedLog(t, rows)
	zr, err := zip.OpenReader(w.path)
	must(t, err)
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		rc.Close()
	}
	cells := openpyxlCells(t, w.path)["ログ"]
	if v := cells["B6000"]; v[1] != "変更" {
		t.Errorf("openpyxl reads B6000 as %v", v)
	}
}

// TestReadTailSkipsTheMiddle: the segments between the head and the tail
// are not inflated: garbled, the whole read fails and the tail read does not.
func TestReadTailSkipsTheMiddle(t *testing.T) {
	w := segmentedLog(t, logOf(6000, 5990))
	data, err := os.ReadFile(w.path)
	must(t, err)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	f := zr.File[slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == "xl/worksheets/sheet1.xml" })]
	segs := segmentsOf(f)
	start, err := f.DataOffset()
	must(t, err)
	for i := start + segs[len(segs)/2].packed; i < start+segs[len(segs)/2+1].packed; i++ {
		data[i] ^= 0x5a
	}
	path := filepath.Join(t.TempDir(), "garbled.xlsx")
	must(t, os.WriteFile(path, data, 0o644))
	tail := sheet.Tail{Tab: "ログ", Head: 3, MarkCol: 2, Mark: "集計"}
	if _, err := Open(path).ReadTail(context.Background(), []string{"ログ"}, nil, tail); err != nil {
		t.Errorf("tail read: %v", err)
	}
	if _, err := Open(path).Read(context.Background(), []string{"ログ"}); err == nil {
		t.Error("the whole read of the garbled part succeeded")
	}
}

// TestReadTailWrongSegments: a segments record that matches its entry's
// checksum and sizes but not where its segments start is not trusted: the
// tail read falls back to the part from its start.
func TestReadTailWrongSegments(t *testing.T) {
	rows := logOf(6000, 300, 5990)
	w := segmentedLog(t, rows)
	zr, err := zip.OpenReader(w.path)
	must(t, err)
	path := filepath.Join(t.TempDir(), "moved.xlsx")
	out, err := os.Create(path)
	must(t, err)
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		h := f.FileHeader
		if segs := segmentsOf(f); segs != nil {
			for i := range segs {
				segs[i].packed += 7
			}
			h.Extra = segmentsExtra(segs, h.CRC32, h.CompressedSize64, h.UncompressedSize64)
		}
		raw, err := f.OpenRaw()
		must(t, err)
		dst, err := zw.CreateRaw(&h)
		must(t, err)
		_, err = io.Copy(dst, raw)
		must(t, err)
	}
	must(t, zw.Close())
	must(t, out.Close())
	zr.Close()
	tail := sheet.Tail{Tab: "ログ", Head: 3, MarkCol: 2, Mark: "集計"}
	got, err := Open(path).ReadTail(context.Background(), []string{"ログ"}, nil, tail)
	must(t, err)
	want := &sheet.Tab{Rows: rows}
	tail.Cut(want)
	if g := got.Tab("ログ").Rows; !reflect.DeepEqual(g, want.Rows) {
		t.Errorf("tail read of the moved segments: %d rows, want %d", len(g), len(want.Rows))
	}
}

// A segmented part's expected rows are its rows or a few more, told to a
// reader that hands the rows on before they come; a part without
// segments tells none.
func TestReadExpectsTheRowsOfASegmentedPart(t *testing.T) {
	for _, n := range []int{600, 2500} {
		w := segmentedLog(t, logOf(n))
		var told int
		keep := func(tab string, header []sheet.Value) sheet.Keep {
			return sheet.Keep{Rows: func(int, []sheet.Value) {}, Expect: func(rows int) { told = rows }}
		}
		if _, err := w.ReadKeeping(context.Background(), []string{"ログ"}, keep); err != nil {
			t.Fatal(err)
		}
		if told < n || told > n+n/20 {
			t.Errorf("%d rows: expected %d", n, told)
		}
	}
	path := filepath.Join(t.TempDir(), "plain.xlsx")
	must(t, Create(path, &sheet.Book{Tabs: []*sheet.Tab{{Name: "ログ", Rows: logOf(600)}}}))
	told := -1
	keep := func(tab string, header []sheet.Value) sheet.Keep {
		return sheet.Keep{Rows: func(int, []sheet.Value) {}, Expect: func(rows int) { told = rows }}
	}
	if _, err := Open(path).ReadKeeping(context.Background(), []string{"ログ"}, keep); err != nil {
		t.Fatal(err)
	}
	if told != -1 {
		t.Errorf("a part without segments: expected %d rows", told)
	}
}
