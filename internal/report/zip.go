package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"sync"

	"github.com/xuri/excelize/v2"
)

// zipBlock is how much of an entry one worker deflates at a time.
const zipBlock = 1 << 20

// parallelZip is the zip writer excelize saves through: it deflates each
// entry in 1 MiB blocks on every core, as pigz does. Each block is
// compressed on its own and ends with a sync flush (a byte-aligned, non-final
// empty stored block), the last with a final block, so the blocks laid end
// to end form one valid deflate stream; back-references just do not cross
// blocks. A 100,000-client sheet is ~100 MB of XML: deflating it on one core
// is a large part of writing the report.
//
// It also writes the data tabs' rows (see sheetRows): an entry named in
// rows gets them inserted before its </sheetData>, generated straight into
// the deflate blocks, so the rows' XML never exists whole in memory.
type parallelZip struct {
	zw  *zip.Writer
	cur *zipEntry
	// sem bounds the blocks being deflated at once, and so the memory.
	sem chan struct{}
	// free holds raw blocks for reuse once deflated.
	free chan []byte
	rows map[string]sheetRows
	done map[string]bool // the entries of rows written
	err  error
}

// sheetRows writes a worksheet's rows, as <row> elements, to w.
type sheetRows func(w io.Writer) error

func newParallelZip(w io.Writer) excelize.ZipWriter { return newSplicingZip(w, nil) }

// newSplicingZip is newParallelZip that also inserts rows into the
// worksheets named in rows.
func newSplicingZip(w io.Writer, rows map[string]sheetRows) *parallelZip {
	n := runtime.GOMAXPROCS(0)
	return &parallelZip{zw: zip.NewWriter(w), sem: make(chan struct{}, n), free: make(chan []byte, n+1),
		rows: rows, done: map[string]bool{}}
}

// Create starts an entry, finishing the previous one.
func (z *parallelZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	z.cur = &zipEntry{z: z, name: name}
	if rows, ok := z.rows[name]; ok {
		if z.done[name] {
			return nil, fmt.Errorf("zip entry %s written twice", name)
		}
		z.done[name] = true
		z.cur.splice = &splice{e: z.cur, rows: rows}
		return z.cur.splice, nil
	}
	return z.cur, nil
}

// AddFS is not used by excelize; it is here for the interface.
func (z *parallelZip) AddFS(fsys fs.FS) error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close finishes the last entry and the archive. Rows whose worksheet
// never came are an error, not a workbook quietly missing its data.
func (z *parallelZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	var missing []string
	for name := range z.rows {
		if !z.done[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the workbook has no %v for the data tabs' rows", missing)
	}
	return z.zw.Close()
}

// finish waits for the current entry's blocks and writes them, in order,
// as one raw deflate entry.
func (z *parallelZip) finish() error {
	e := z.cur
	if e == nil || z.err != nil {
		return z.err
	}
	z.cur = nil
	if e.splice != nil {
		if err := e.splice.finish(); err != nil {
			e.dispatch(true)
			e.wg.Wait()
			z.err = err
			return err
		}
	}
	e.dispatch(true)
	e.wg.Wait()
	for _, b := range e.out {
		if b.err != nil {
			z.err = b.err
			return z.err
		}
	}
	var size uint64
	for _, b := range e.out {
		size += uint64(b.buf.Len())
	}
	w, err := z.zw.CreateRaw(&zip.FileHeader{
		Name: e.name, Method: zip.Deflate, // no time stamp, as excelize's own writer
		CRC32: e.crc, CompressedSize64: size, UncompressedSize64: e.size,
	})
	if err != nil {
		z.err = err
		return err
	}
	for _, b := range e.out {
		if _, err := b.buf.WriteTo(w); err != nil {
			z.err = err
			return err
		}
	}
	return nil
}

// zipEntry collects an entry's bytes into blocks and hands full blocks to
// workers.
type zipEntry struct {
	z      *parallelZip
	name   string
	raw    []byte // the block being filled
	crc    uint32
	size   uint64
	out    []*zipOut // compressed blocks, in order
	wg     sync.WaitGroup
	splice *splice
}

type zipOut struct {
	buf bytes.Buffer
	err error
}

func (e *zipEntry) Write(p []byte) (int, error) {
	n := len(p)
	e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
	e.size += uint64(n)
	for len(p) > 0 {
		if e.raw == nil {
			select {
			case e.raw = <-e.z.free:
			default:
				e.raw = make([]byte, 0, zipBlock)
			}
		}
		k := min(len(p), zipBlock-len(e.raw))
		e.raw = append(e.raw, p[:k]...)
		p = p[k:]
		if len(e.raw) == zipBlock {
			e.dispatch(false)
		}
	}
	return n, nil
}

// dispatch deflates the filled block on a worker; last ends the stream.
func (e *zipEntry) dispatch(last bool) {
	raw := e.raw
	e.raw = nil
	if len(raw) == 0 && !last {
		return
	}
	out := &zipOut{}
	e.out = append(e.out, out)
	e.z.sem <- struct{}{}
	e.wg.Add(1)
	go func() {
		defer func() { <-e.z.sem; e.wg.Done() }()
		fw := flaters.Get().(*flate.Writer)
		defer flaters.Put(fw)
		fw.Reset(&out.buf)
		_, err := fw.Write(raw)
		if err == nil && last {
			err = fw.Close()
		} else if err == nil {
			err = fw.Flush()
		}
		out.err = err
		if cap(raw) == zipBlock {
			select {
			case e.z.free <- raw[:0]:
			default:
			}
		}
	}()
}

// flaters reuses deflate writers: each holds about a megabyte of tables.
var flaters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed) // errors only for a bad level
	return fw
}}

// splice is the writer of a worksheet that gets rows: it keeps what
// excelize writes (the sheet without its data rows, a few kilobytes) and,
// when the entry ends, writes it with the rows inserted before
// </sheetData>.
type splice struct {
	e    *zipEntry
	rows sheetRows
	buf  []byte
}

func (s *splice) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	return len(p), nil
}

var endSheetData = []byte("</sheetData>")

func (s *splice) finish() error {
	at := bytes.Index(s.buf, endSheetData)
	if at < 0 {
		return fmt.Errorf("zip entry %s: no </sheetData> to put the rows before", s.e.name)
	}
	if _, err := s.e.Write(s.buf[:at]); err != nil {
		return err
	}
	if err := s.rows(s.e); err != nil {
		return fmt.Errorf("zip entry %s: %w", s.e.name, err)
	}
	_, err := s.e.Write(s.buf[at:])
	return err
}
