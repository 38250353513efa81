package xlsxbook

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// A rewritten sheet part is deflated in segments (the compressor reset at a
// row every segmentBytes), listed in the entry's extra field with its CRC and
// sizes, so a sync inflates a long log's tail only; another program's save
// drops or outdates the list, and the part is then read from its start.

// segmentsTag is a private extra field ("ob"), which other readers skip.
const segmentsTag = 0x626f

var segmentBytes uint64 = 1 << 20 // a variable for the tests' small parts

// segment is where one starts: first row, deflated and inflated offsets.
type segment struct {
	row         int
	packed, raw int64
}

// countingWriter counts the deflated bytes, for segment offsets.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// segmenter deflates what is written to it into packed, counted into
// its part, and starts a segment where rowStarts says a row starts.
type segmenter struct {
	z      *flate.Writer
	packed countingWriter
	part   *deflatedPart
	start  uint64 // the part's size where the segment began
	err    error
}

func (s *segmenter) Write(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.part.Write(b)
	return s.z.Write(b)
}

func (s *segmenter) close() error {
	if s.err != nil {
		return s.err
	}
	return s.z.Close()
}

// segmentRows is the row rewriter's rowStarts; nothing unless dst is a
// segmenter.
func segmentRows(dst io.Writer, buf *bufio.Writer) func(n int) {
	s, ok := dst.(*segmenter)
	return func(n int) {
		if !ok || s.err != nil || s.part.size+uint64(buf.Buffered())-s.start < segmentBytes {
			return
		}
		if s.err = buf.Flush(); s.err == nil {
			s.err = s.z.Flush()
		}
		s.part.segs = append(s.part.segs, segment{row: n, packed: s.packed.n, raw: int64(s.part.size)})
		s.start = s.part.size
		s.z.Reset(&s.packed)
	}
}

// segmentsExtra is the extra field recording segs of a part; nil when
// there are none or too many for one field.
func segmentsExtra(segs []segment, crc uint32, packed, raw uint64) []byte {
	if len(segs) == 0 {
		return nil
	}
	b := binary.LittleEndian.AppendUint32(make([]byte, 4, 64), crc)
	b = binary.LittleEndian.AppendUint64(b, packed)
	b = binary.LittleEndian.AppendUint64(b, raw)
	var prev segment
	for _, s := range segs {
		b = binary.AppendUvarint(b, uint64(s.row-prev.row))
		b = binary.AppendUvarint(b, uint64(s.packed-prev.packed))
		b = binary.AppendUvarint(b, uint64(s.raw-prev.raw))
		prev = s
	}
	if len(b)-4 > 0xffff {
		return nil
	}
	binary.LittleEndian.PutUint16(b, segmentsTag)
	binary.LittleEndian.PutUint16(b[2:], uint16(len(b)-4))
	return b
}

// segmentsOf reads the segments of a part from its extra field; nil when
// it has none, or they do not describe the entry as it is.
func segmentsOf(f *zip.File) []segment {
	var data []byte // the extra field's, when the entry has one
	for extra := f.Extra; len(extra) >= 4 && data == nil; {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+size {
			break
		} else if id == segmentsTag {
			data = extra[4 : 4+size]
		}
		extra = extra[4+size:]
	}
	if f.Method != zip.Deflate || len(data) < 20 ||
		binary.LittleEndian.Uint32(data) != f.CRC32 ||
		binary.LittleEndian.Uint64(data[4:]) != f.CompressedSize64 ||
		binary.LittleEndian.Uint64(data[12:]) != f.UncompressedSize64 {
		return nil
	}
	var segs []segment
	var s segment
	for r := bytes.NewReader(data[20:]); r.Len() > 0; {
		var d [3]uint64
		for i := range d {
			v, err := binary.ReadUvarint(r)
			if err != nil || v == 0 || v > f.UncompressedSize64 {
				return nil
			}
			d[i] = v
		}
		s = segment{row: s.row + int(d[0]), packed: s.packed + int64(d[1]), raw: s.raw + int64(d[2])}
		if uint64(s.packed) >= f.CompressedSize64 || uint64(s.raw) >= f.UncompressedSize64 {
			return nil
		}
		segs = append(segs, s)
	}
	return segs
}

// inflatedFrom is f inflated up to segment head, then segments from..to (to
// the end past the last, else closed by </sheetData>); nothing to close.
func inflatedFrom(base io.ReaderAt, f *zip.File, segs []segment, head, from, to int) (io.Reader, error) {
	start, err := f.DataOffset()
	if err != nil {
		return nil, err
	}
	size := int64(f.CompressedSize64)
	first := flate.NewReader(io.NewSectionReader(base, start, segs[head].packed))
	rest := flate.NewReader(io.NewSectionReader(base, start+segs[from].packed, size-segs[from].packed))
	r := io.MultiReader(io.LimitReader(first, segs[head].raw), rest)
	if to < len(segs) {
		rows := bufio.NewReader(io.LimitReader(rest, segs[to].raw-segs[from].raw))
		// A segment starts at a row's start tag, "<row" or "<x:row".
		tag, _ := rows.Peek(16)
		i := bytes.Index(tag, []byte("row"))
		if len(tag) == 0 || tag[0] != '<' || i < 1 {
			return nil, fmt.Errorf("part %s: a segment does not start at a row", f.Name)
		}
		end := strings.NewReader("</" + string(tag[1:i]) + "sheetData>")
		r = io.MultiReader(io.LimitReader(first, segs[head].raw), rows, end)
	}
	return r, nil
}
