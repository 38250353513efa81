package xlsxbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// refusal is a file the job will not read or patch, named for the manager
// with what to do; the file is left as it is.
type refusal struct{ what, fix string }

func (r *refusal) Error() string { return r.what }

var (
	// An OLE compound file: Excel 97-2003's .xls, or an encrypted OOXML
	// package, which Excel wraps in one.
	compoundMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	// The stream an encrypted package keeps its key data in, as the
	// compound file's directory spells it (UTF-16LE).
	encryptionInfo = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")

	refuseEncrypted = &refusal{"encrypted (password to open)",
		"remove the password in Excel (File > Info > Protect Workbook > Encrypt with Password, clear it) and save"}
	refuseXLS = &refusal{"an Excel 97-2003 (.xls) file, not an .xlsx",
		"open it in Excel and save it as Excel Workbook (.xlsx)"}
	refuseXLSB = &refusal{"an Excel binary workbook (.xlsb), not an .xlsx",
		"open it in Excel and save it as Excel Workbook (.xlsx)"}
	refuseStrict = &refusal{"saved as Strict Open XML, which onboard does not patch",
		"open it in Excel and save it as Excel Workbook (.xlsx), not Strict Open XML Spreadsheet"}
)

// sniffCompound tells an encrypted package or an .xls by its bytes, for a
// file that is not a zip; nil for anything else.
func sniffCompound(r io.ReaderAt, size int64) error {
	head := make([]byte, len(compoundMagic))
	if _, err := r.ReadAt(head, 0); err != nil || !bytes.Equal(head, compoundMagic) {
		return nil
	}
	all, err := io.ReadAll(io.NewSectionReader(r, 0, size))
	if err == nil && bytes.Contains(all, encryptionInfo) {
		return refuseEncrypted
	}
	return refuseXLS
}

// packageKind refuses the packages that are zips but not a transitional
// SpreadsheetML workbook: officeDocType is the root relationship's type.
func packageKind(workbookPart, officeDocType string) error {
	switch {
	case strings.HasSuffix(strings.ToLower(workbookPart), ".bin"):
		return refuseXLSB
	case strings.Contains(officeDocType, "purl.oclc.org"):
		return refuseStrict
	}
	return nil
}

// notXLSX is the error for a file that is not an .xlsx package.
func (w *Workbook) notXLSX(err error) error {
	var r *refusal
	if errors.As(err, &r) {
		return fmt.Errorf("workbook %s is %s: onboard left it unchanged; %s", w.path, r.what, r.fix)
	}
	return fmt.Errorf("workbook %s is not an .xlsx file (%v): save it from Excel as an Excel workbook (.xlsx), or check --sheet", w.path, err)
}
