package xlsxbook

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"

	"onboard/internal/atomicfile"
)

// A save rewrites the parts it changes side by side, each deflated into a
// scratch file (a sheet can be large), then writes the package in order:
// deflating a large sheet is most of a save, and a zip takes one entry at
// a time.

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

// deflater compresses what is written to it at deflate's fastest level
// into a scratch file, counting and checksumming it.
type deflater struct {
	file     *os.File
	bw       *bufio.Writer
	packed   countingWriter // into bw
	z        *flate.Writer
	crc      uint32
	n        uint64
	segs     []segment // segment.go
	segStart int64
	err      error
}

// spillDeflater makes a deflater into the source's scratch file.
func spillDeflater(src partSource) (*deflater, error) {
	f, err := src.scratch()
	if err != nil {
		return nil, fmt.Errorf("make a scratch file: %w", err)
	}
	d := &deflater{file: f, bw: bufio.NewWriterSize(f, 256<<10)}
	d.packed.w = d.bw
	d.z, _ = flate.NewWriter(&d.packed, flate.BestSpeed)
	return d, nil
}

func (d *deflater) Write(b []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	d.n += uint64(len(b))
	d.crc = crc32.Update(d.crc, crc32.IEEETable, b)
	return d.z.Write(b)
}

// discard drops what was deflated (a rewrite that failed).
func (d *deflater) discard() { d.file.Close() }

// deflate returns the part write writes, deflated into a scratch file.
func deflate(src partSource, write func(io.Writer) error) (*deflatedPart, error) {
	d, err := spillDeflater(src)
	if err != nil {
		return nil, err
	}
	err = write(d)
	if err == nil {
		err = d.err
	}
	if err == nil {
		err = d.z.Close()
	}
	if err == nil {
		err = d.bw.Flush()
	}
	var n int64
	if err == nil {
		n, err = d.file.Seek(0, io.SeekCurrent)
	}
	if err != nil {
		d.discard()
		return nil, err
	}
	return &deflatedPart{body: d.file, bodyLen: n, crc: d.crc, size: d.n, segs: d.segs}, nil
}

// deflatedPart is a rewritten part, deflated into a scratch file.
type deflatedPart struct {
	body    *os.File // closed by closeParts
	bodyLen int64
	crc     uint32
	size    uint64
	segs    []segment
}

func (d *deflatedPart) write(zw *zip.Writer, f *zip.File) error {
	dst, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified,
		CRC32: d.crc, CompressedSize64: uint64(d.bodyLen), UncompressedSize64: d.size,
		Extra: segmentsExtra(d.segs, d.crc, uint64(d.bodyLen), d.size)})
	if err != nil {
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
