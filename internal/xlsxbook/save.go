package xlsxbook

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"

	"onboard/internal/atomicfile"
)

// changing opens the package a change starts from: the file as last read
// (sheet.ErrConflict when it changed since), or as it is when never read.
func (w *Workbook) changing() (*xlsxPackage, error) {
	p, snap, err := w.openFile(true)
	if err != nil {
		return nil, err
	}
	if !w.haveSum {
		w.sum, w.haveSum = snap.sum, true
	} else if snap.sum != w.sum {
		snap.Close()
		return nil, w.conflict()
	}
	p.close = snap.Close
	return p, nil
}

// testHookSave, when set, is told the parts each save rewrote.
var testHookSave func(rewritten []string)

// savePackage saves p atomically: each part as rewritten, as replaced (nil
// keeps it) or copied, then finish; the last look for a change on disk is
// just before the rename.
func (w *Workbook) savePackage(p *xlsxPackage, rewritten map[string]*deflatedPart, replaced map[string][]byte, finish func(*zip.Writer) error) error {
	h := sha256.New()
	fill := func(out io.Writer) error {
		zw := zip.NewWriter(io.MultiWriter(out, h))
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		if err := zw.SetComment(p.comment); err != nil {
			return err
		}
		var written []string
		for _, f := range p.order {
			name := strings.TrimPrefix(f.Name, "/")
			d, b := rewritten[name], replaced[name]
			if d != nil || b != nil {
				written = append(written, name)
			}
			var err error
			switch {
			case d != nil:
				err = d.write(zw, f)
			case b != nil:
				var dst io.Writer
				if dst, err = zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified}); err == nil {
					_, err = dst.Write(b)
				}
			default:
				err = zw.Copy(f)
			}
			if err != nil {
				return fmt.Errorf("save workbook %s part %s: %w", w.path, name, err)
			}
		}
		if finish != nil {
			if err := finish(zw); err != nil {
				return err
			}
		}
		if testHookSave != nil {
			testHookSave(written)
		}
		return zw.Close()
	}
	if err := atomicfile.Write(w.path, 0o644, fill, w.checkUnchanged); err != nil {
		return err
	}
	copy(w.sum[:], h.Sum(nil))
	return nil
}

// Checkpoint keeps the workbook as it is, for a command that saves it several
// times (init): saves rename over the path, so the file held open stays.
func (w *Workbook) Checkpoint() (restore func() error, release func(), err error) {
	f, err := os.Open(w.path)
	if err != nil {
		return nil, nil, fmt.Errorf("keep workbook %s before changing it: %w", w.path, err)
	}
	restore = func() error {
		err := atomicfile.Write(w.path, 0o644, func(out io.Writer) error {
			_, err := io.Copy(out, io.NewSectionReader(f, 0, 1<<62))
			return err
		}, nil)
		if err != nil {
			return fmt.Errorf("put workbook %s back as it was: %w", w.path, err)
		}
		return nil
	}
	return restore, func() { f.Close() }, nil
}
