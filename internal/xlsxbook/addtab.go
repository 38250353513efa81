package xlsxbook

import (
	"archive/zip"
	"cmp"
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"

	"onboard/internal/sheet"
)

// AddTab adds a tab holding a header row: a new worksheet part, listed in the
// workbook, its relationships and the content types; every other part is copied.
func (w *Workbook) AddTab(ctx context.Context, name string, header []string) error {
	if err := tabNameOK(name); err != nil {
		return fmt.Errorf("workbook %s: add tab %q: %w", w.path, name, err)
	}
	p, err := w.changing()
	if err != nil {
		return err
	}
	defer p.done()
	if _, ok := p.tab(name); ok {
		return fmt.Errorf("workbook %s tab %q: %w", w.path, name, sheet.ErrTabExists)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := path.Dir(p.workbook)
	part := ""
	for n := len(p.tabs) + 1; p.parts[part] != nil || part == ""; n++ {
		part = path.Join(dir, "worksheets", "sheet"+strconv.Itoa(n)+".xml")
	}
	edits := map[string][]byte{}
	// edit puts in edits the part with what add splices into its root.
	edit := func(name string, add func(root *node) ([]splice, error)) (err error) {
		if edits[name], err = p.editPart(name, 2, add); err != nil {
			return fmt.Errorf("workbook %s part %s: %w", w.path, name, err)
		}
		return nil
	}
	rid := ""
	err = cmp.Or(edit(path.Join(dir, "_rels", path.Base(p.workbook)+".rels"), func(root *node) ([]splice, error) {
		rid = "rId" + strconv.Itoa(maxAttr(root.kids, "Id", "rId")+1)
		rel := fmt.Sprintf(`<%sRelationship Id="%s" Type="%s" Target="%s"/>`, root.prefix, rid, worksheetType, strings.TrimPrefix(part, dir+"/"))
		return appendTo(root, root.tag, []byte(rel)), nil
	}), edit("[Content_Types].xml", func(root *node) ([]splice, error) {
		return appendTo(root, root.tag, fmt.Appendf(nil, `<%sOverride PartName="/%s" ContentType="%s"/>`, root.prefix, part, worksheetContentType)), nil
	}), edit(p.workbook, func(root *node) ([]splice, error) {
		sheets := root.kid("sheets")
		if sheets == nil {
			return nil, fmt.Errorf("the workbook part lists no sheets")
		}
		// The relationships prefix is declared on the element itself: openpyxl
		// declares it on each <sheet>, not on the root.
		tag := fmt.Sprintf(`<%ssheet xmlns:r="%s" name="%s" sheetId="%d" r:id="%s"/>`,
			sheets.prefix, relationshipsNS, attrEscaper.Replace(name), maxAttr(sheets.kids, "sheetId", "")+1, rid)
		return appendTo(sheets, sheets.tag, []byte(tag)), nil
	}))
	if err != nil {
		return err
	}
	return w.savePackage(p, nil, edits, func(zw *zip.Writer) error {
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: part, Method: zip.Deflate})
		if err == nil {
			_, err = dst.Write(headerSheet(header))
		}
		return err
	})
}

// tabNameOK applies Excel's rules for a tab name.
func tabNameOK(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("a tab needs a name")
	case len(utf16.Encode([]rune(name))) > 31:
		return fmt.Errorf("a tab name has at most 31 characters")
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return fmt.Errorf("a tab name cannot start or end with '")
	case strings.ContainsAny(name, ":\\/?*[]"):
		return fmt.Errorf("a tab name cannot hold any of : \\ / ? * [ ]")
	}
	return nil
}

const (
	worksheetType        = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
	worksheetContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
	relationshipsNS      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// maxAttr is the largest number an attribute of the nodes holds after
// prefix, 0 for none.
func maxAttr(nodes []*node, name, prefix string) int {
	n := 0
	for _, k := range nodes {
		v, _ := attrString(k.attrs, name)
		if d, ok := strings.CutPrefix(v, prefix); ok {
			if i, err := strconv.Atoi(d); err == nil {
				n = max(n, i)
			}
		}
	}
	return n
}

// headerSheet is a worksheet holding one row of text.
func headerSheet(header []string) []byte {
	b := []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(header) == 0 {
		return append(b, `<sheetData></sheetData></worksheet>`...)
	}
	b = fmt.Appendf(b, `<dimension ref="A1:%s"/><sheetData><row r="1">`, sheet.CellName(1, len(header)))
	for i, h := range header {
		b, _ = appendCell(b, "", sheet.Update{Row: 1, Col: i + 1, Value: sheet.TextValue(h)}, 0, nil, nil)
	}
	return append(b, `</row></sheetData></worksheet>`...)
}
