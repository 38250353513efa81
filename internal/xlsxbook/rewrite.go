package xlsxbook

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"

	"onboard/internal/atomicfile"
)

// A save rewrites the parts it changes beside one another, each deflated
// into a scratch file beside the workbook, then writes the package in
// order, copying them as they are: re-encoding and deflating a large sheet
// is most of a save's time (issue 13), and the zip writer takes one entry
// at a time. Scratch files, not memory: a sheet's size is the columns a
// team keeps as much as the clients.

// partRewrite is one part to rewrite: tab names it in errors.
type partRewrite struct {
	part, tab string
	rewrite   func(src partSource) (*deflatedPart, error)
}

// partSource is the part a rewrite reads: open opens it (its reads fail
// once the save's context is done); scratch makes the file its new part's
// body is deflated into.
type partSource struct {
	open    func() (io.ReadCloser, error)
	scratch func() (*os.File, error)
}

// rewriteParts runs the rewrites, each in its own goroutine, and returns
// the new parts by name; the caller closes them (closeParts). A cancelled
// ctx stops them at their next read.
func (w *Workbook) rewriteParts(ctx context.Context, p *xlsxPackage, rewrites []partRewrite) (map[string]*deflatedPart, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	parts := make([]*deflatedPart, len(rewrites))
	errs := make([]error, len(rewrites))
	var wg sync.WaitGroup
	for i, r := range rewrites {
		wg.Go(func() {
			f := p.parts[r.part]
			open := func() (io.ReadCloser, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, err
				}
				return ctxReader{ctx, rc}, nil
			}
			scratch := func() (*os.File, error) { return atomicfile.Scratch(w.path) }
			part, err := r.rewrite(partSource{open, scratch})
			if err != nil {
				errs[i] = fmt.Errorf("workbook %s tab %q: %w", w.path, r.tab, err)
				return
			}
			parts[i] = part
		})
	}
	wg.Wait()
	out := map[string]*deflatedPart{}
	for i, r := range rewrites {
		if parts[i] != nil {
			out[r.part] = parts[i]
		}
	}
	err := ctx.Err()
	for i := range rewrites {
		if err == nil {
			err = errs[i]
		}
	}
	if err != nil {
		closeParts(out)
		return nil, err
	}
	return out, nil
}

// saveRewritten rewrites the parts, then saves the package with them, the
// parts replaced returns once they are rewritten (by name; a nil one is
// left) written anew, and every other part copied. sharedErr reports a
// failure to load the shared strings the rewrites read (lazySharedStrings).
func (w *Workbook) saveRewritten(ctx context.Context, p *xlsxPackage, rewrites []partRewrite, sharedErr func() error, replaced func() map[string][]byte) error {
	sheets, err := w.rewriteParts(ctx, p, rewrites)
	if err != nil {
		return err
	}
	defer closeParts(sheets)
	if err := sharedErr(); err != nil {
		return fmt.Errorf("read workbook %s shared strings: %w", w.path, err)
	}
	parts := replaced()
	return w.savePackage(p, func(name string) partWriter {
		if sheets[name] != nil {
			return sheets[name].write
		}
		if b := parts[name]; b != nil {
			return p.replaced(b)
		}
		return nil
	}, nil)
}

// ctxReader reads until its context is done.
type ctxReader struct {
	ctx context.Context
	io.ReadCloser
}

func (r ctxReader) Read(b []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.ReadCloser.Read(b)
}

// deflater compresses what is written to it at deflate's fastest level,
// counting and checksumming it, into memory or a scratch file.
type deflater struct {
	buf  bytes.Buffer
	file *os.File // nil: the bytes are in buf
	bw   *bufio.Writer
	z    *flate.Writer
	crc  uint32
	n    uint64
}

// newDeflater makes a deflater into memory, for a small head.
func newDeflater() *deflater {
	d := &deflater{}
	d.z, _ = flate.NewWriter(&d.buf, flate.BestSpeed) // the level is valid
	return d
}

// spillDeflater makes a deflater into the source's scratch file.
func spillDeflater(src partSource) (*deflater, error) {
	f, err := src.scratch()
	if err != nil {
		return nil, fmt.Errorf("make a scratch file: %w", err)
	}
	d := &deflater{file: f, bw: bufio.NewWriterSize(f, 256<<10)}
	d.z, _ = flate.NewWriter(d.bw, flate.BestSpeed)
	return d, nil
}

func (d *deflater) Write(b []byte) (int, error) {
	d.n += uint64(len(b))
	d.crc = crc32.Update(d.crc, crc32.IEEETable, b)
	return d.z.Write(b)
}

// discard drops what was deflated (a rewrite that failed).
func (d *deflater) discard() {
	if d.file != nil {
		d.file.Close()
	}
}

// deflate returns the part write writes, deflated into a scratch file.
func deflate(src partSource, write func(io.Writer) error) (*deflatedPart, error) {
	d, err := spillDeflater(src)
	if err != nil {
		return nil, err
	}
	if err := write(d); err != nil {
		d.discard()
		return nil, err
	}
	return joinDeflated(nil, d)
}

// joinDeflated ends head's stream without closing it, then body's: the
// two make one deflate stream, the part of head's bytes and body's. head
// may be nil; body spills to its scratch file.
func joinDeflated(head, body *deflater) (*deflatedPart, error) {
	part := &deflatedPart{crc: body.crc, size: body.n, body: body.file}
	fail := func(err error) (*deflatedPart, error) {
		body.discard()
		return nil, err
	}
	if head != nil {
		if err := head.z.Flush(); err != nil {
			return fail(err)
		}
		part.head = head.buf.Bytes()
		part.crc = crc32Combine(head.crc, body.crc, body.n)
		part.size += head.n
	}
	if err := body.z.Close(); err != nil {
		return fail(err)
	}
	if err := body.bw.Flush(); err != nil {
		return fail(err)
	}
	n, err := body.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return fail(err)
	}
	part.bodyLen = n
	return part, nil
}

// deflatedPart is a rewritten part, compressed: a head flushed at a byte
// boundary, then a body deflated to its end, one deflate stream. A sheet
// formatted has a head: what comes before its rows, known only once they
// were read (a column's style depends on its cells).
type deflatedPart struct {
	head    []byte
	body    *os.File // a scratch file, closed by close
	bodyLen int64
	crc     uint32
	size    uint64
}

func (d *deflatedPart) write(zw *zip.Writer, f *zip.File) error {
	dst, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified,
		CRC32: d.crc, CompressedSize64: uint64(int64(len(d.head)) + d.bodyLen), UncompressedSize64: d.size})
	if err != nil {
		return err
	}
	if _, err := dst.Write(d.head); err != nil {
		return err
	}
	_, err = io.Copy(dst, io.NewSectionReader(d.body, 0, d.bodyLen))
	return err
}

// closeParts closes the scratch files of rewritten parts.
func closeParts(parts map[string]*deflatedPart) {
	for _, p := range parts {
		if p != nil && p.body != nil {
			p.body.Close()
		}
	}
}

// crc32Combine returns the CRC-32 of a||b from those of a and b and b's
// length (zlib's crc32_combine).
func crc32Combine(crcA, crcB uint32, lenB uint64) uint32 {
	if lenB == 0 {
		return crcA
	}
	var even, odd [32]uint32
	times := func(mat *[32]uint32, vec uint32) uint32 {
		var sum uint32
		for i := 0; vec != 0; i, vec = i+1, vec>>1 {
			if vec&1 != 0 {
				sum ^= mat[i]
			}
		}
		return sum
	}
	square := func(sq, mat *[32]uint32) {
		for n := range 32 {
			sq[n] = times(mat, mat[n])
		}
	}
	odd[0] = 0xedb88320 // the CRC-32 polynomial: one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n], row = row, row<<1
	}
	square(&even, &odd) // two zero bits
	square(&odd, &even) // four
	for {
		square(&even, &odd)
		if lenB&1 != 0 {
			crcA = times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		square(&odd, &even)
		if lenB&1 != 0 {
			crcA = times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}
