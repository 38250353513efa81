package xlsxbook

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// init's dropdowns and notes go through excelize, which decodes a whole
// worksheet to change any of it: 8 GB and 100 s for a workbook of 100,000
// clients. It works on a skeleton instead: the package with each sheet's
// rows below the header left out. When the result is saved, each sheet is
// excelize's with the rows below its header put back as they were in the
// file: init changes nothing below the header that excelize would write.

// errPrefixed: a sheet whose rows carry a namespace prefix; they could not
// be put back into excelize's sheet, which declares none.
var errPrefixed = errors.New("the sheet's elements carry a namespace prefix")

// sheetParts are the package's worksheet parts.
func (p *xlsxPackage) sheetParts() map[string]bool {
	parts := map[string]bool{}
	for _, t := range p.tabs {
		parts[t.part] = true
	}
	return parts
}

// skeleton returns the package with each sheet's rows below the header
// left out.
func (p *xlsxPackage) skeleton() ([]byte, error) {
	sheets := p.sheetParts()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range p.order {
		name := strings.TrimPrefix(f.Name, "/")
		if !sheets[name] {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		src, err := f.Open()
		if err != nil {
			return nil, err
		}
		err = copyRows(dst, src, false)
		src.Close()
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// copyRows copies a worksheet: with below false, all of it but the rows
// below the header; with below true, only those rows. Either refuses a
// prefixed sheet (errPrefixed).
func copyRows(dst io.Writer, src io.Reader, below bool) error {
	s := newXMLScanner(src)
	inData, row := false, 0
	write := func(b []byte) error {
		_, err := dst.Write(b)
		return err
	}
	for s.next() {
		switch {
		case (s.is(tokStart, "sheetData") || s.is(tokStart, "row")) && !bytes.Equal(s.name, s.qname):
			return errPrefixed
		case s.is(tokStart, "sheetData") && !s.self:
			inData = true
			if !below {
				if err := write(s.raw); err != nil {
					return err
				}
			}
		case s.is(tokEnd, "sheetData"):
			inData = false
			if !below {
				if err := write(s.raw); err != nil {
					return err
				}
			}
		case inData && s.is(tokStart, "row"):
			row = rowNumber(s.attrs, row)
			out := io.Discard
			if (row > 1) == below {
				out = dst
			}
			if err := copyElement(out, s, nil); err != nil {
				return err
			}
		case !below:
			if err := write(s.raw); err != nil {
				return err
			}
		}
	}
	return s.err
}

// fleshOut writes excelize's save of the skeleton (skel) with each sheet's
// rows below the header taken from the package the skeleton was made of
// (p): a sheet is excelize's up to the end of its header row, p's rows,
// and excelize's from the end of its rows on.
func (w *Workbook) fleshOut(p *xlsxPackage, skel []byte) error {
	out, err := openPackage(skel)
	if err != nil {
		return fmt.Errorf("excelize's save of workbook %s: %w", w.path, err)
	}
	sheets := out.sheetParts()
	return w.savePackage(out, func(name string) partWriter {
		if !sheets[name] {
			return nil
		}
		return func(zw *zip.Writer, f *zip.File) error {
			dst, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return err
			}
			head, err := f.Open()
			if err != nil {
				return err
			}
			defer head.Close()
			return joinRows(dst, head, p.parts[name])
		}
	}, nil)
}

// joinRows writes the skeleton's sheet (from head) with the rows below
// its header read from the original part rows (none when it is nil).
func joinRows(dst io.Writer, head io.Reader, rows *zip.File) error {
	putRows := func() error {
		src, err := rows.Open()
		if err != nil {
			return err
		}
		defer src.Close()
		return copyRows(dst, src, true)
	}
	s := newXMLScanner(head)
	for s.next() {
		var err error
		switch {
		case rows == nil:
			_, err = dst.Write(s.raw)
		case s.is(tokEnd, "sheetData"):
			if err = putRows(); err == nil {
				_, err = dst.Write(s.raw)
			}
		case s.is(tokStart, "sheetData") && s.self:
			// excelize wrote no rows at all: open the element for them.
			if _, err = io.WriteString(dst, "<sheetData>"); err == nil {
				if err = putRows(); err == nil {
					_, err = io.WriteString(dst, "</sheetData>")
				}
			}
		default:
			_, err = dst.Write(s.raw)
		}
		if err != nil {
			return err
		}
	}
	return s.err
}
