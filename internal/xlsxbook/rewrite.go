package xlsxbook

import (
	"archive/zip"
	"bufio"
	"cmp"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"

	"onboard/internal/atomicfile"
)

// A save rewrites its parts side by side, each deflated into a scratch file,
// then writes the package in order: deflating is most of a save.

// partRewrite is one part to rewrite (tab names it in errors); when again,
// asked after the first pass, says so, the part is written once more.
type partRewrite struct {
	part, tab string
	write     func(dst io.Writer, src io.Reader) error
	again     func() bool // nil: one pass
}

// rewriteParts runs the rewrites side by side and returns the new parts by
// name, for the caller to close (closeParts).
func (w *Workbook) rewriteParts(ctx context.Context, p *xlsxPackage, rewrites []partRewrite) (map[string]*deflatedPart, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	parts := make([]*deflatedPart, len(rewrites))
	errs := make([]error, len(rewrites))
	var wg sync.WaitGroup
	for i, r := range rewrites {
		wg.Go(func() {
			for pass := 0; ; pass++ {
				part, err := w.deflate(ctx, p.parts[r.part], r.write)
				if err != nil || r.again == nil || !r.again() || pass > 0 {
					if parts[i] = part; err != nil {
						errs[i] = fmt.Errorf("workbook %s tab %q: %w", w.path, r.tab, err)
					}
					return
				}
				part.body.Close()
			}
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
	for _, e := range errs {
		err = cmp.Or(err, e)
	}
	if err != nil {
		closeParts(out)
		return nil, err
	}
	return out, nil
}

// saveRewritten saves the package with the rewritten parts and those replaced
// returns once they are done; sharedErr is lazySharedStrings' error.
func (w *Workbook) saveRewritten(ctx context.Context, p *xlsxPackage, rewrites []partRewrite, sharedErr func() error, replaced func() map[string][]byte) error {
	sheets, err := w.rewriteParts(ctx, p, rewrites)
	if err != nil {
		return err
	}
	defer closeParts(sheets)
	if err := sharedErr(); err != nil {
		return fmt.Errorf("read workbook %s shared strings: %w", w.path, err)
	}
	return w.savePackage(p, sheets, replaced(), nil)
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

// deflate returns the part write writes from f (its reads fail once ctx
// is done), deflated fastest in segments (segment.go) into a scratch file,
// its size and checksum counted.
func (w *Workbook) deflate(ctx context.Context, f *zip.File, write func(dst io.Writer, src io.Reader) error) (*deflatedPart, error) {
	scratch, err := atomicfile.Scratch(w.path)
	if err != nil {
		return nil, fmt.Errorf("make a scratch file: %w", err)
	}
	part := &deflatedPart{body: scratch}
	bw := bufio.NewWriterSize(scratch, 256<<10)
	z := &segmenter{packed: countingWriter{w: bw}, part: part}
	z.z, _ = flate.NewWriter(&z.packed, flate.BestSpeed)
	rc, err := f.Open()
	if err == nil {
		err = write(z, ctxReader{ctx, rc})
		rc.Close()
	}
	if err == nil {
		err = z.close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		part.bodyLen, err = scratch.Seek(0, io.SeekCurrent)
	}
	if err != nil {
		scratch.Close()
		return nil, err
	}
	return part, nil
}

// deflatedPart is a rewritten part, deflated into a scratch file.
type deflatedPart struct {
	body    *os.File // closed by closeParts
	bodyLen int64
	crc     uint32
	size    uint64
	segs    []segment
}

// Write counts and checksums the part's uncompressed bytes.
func (d *deflatedPart) Write(b []byte) (int, error) {
	d.size += uint64(len(b))
	d.crc = crc32.Update(d.crc, crc32.IEEETable, b)
	return len(b), nil
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
