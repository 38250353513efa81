package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"onboard/internal/sheet"
)

// AddTab adds a tab holding a header row: one new worksheet part, named in
// the workbook, its relationships and the content types; every other part
// is copied as it is. (excelize would decode every sheet to add one: 430
// MB for 100,000 clients, whose first sync adds the セッション準備 tab.)
func (w *Workbook) AddTab(ctx context.Context, name string, header []string) error {
	if err := tabNameOK(name); err != nil {
		return fmt.Errorf("workbook %s: add tab %q: %w", w.path, name, err)
	}
	p, err := w.changing()
	if err != nil {
		return err
	}
	defer p.done()
	for _, t := range p.tabs {
		if t.name == name {
			return fmt.Errorf("workbook %s tab %q: %w", w.path, name, sheet.ErrTabExists)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := path.Dir(p.workbook)
	relsName := path.Join(dir, "_rels", path.Base(p.workbook)+".rels")
	part := ""
	for n := len(p.tabs) + 1; ; n++ {
		if part = path.Join(dir, "worksheets", "sheet"+strconv.Itoa(n)+".xml"); p.parts[part] == nil {
			break
		}
	}
	edits := map[string][]byte{}
	read := func(name string) []byte {
		if err == nil {
			var b []byte
			if b, err = p.readAll(name); err != nil {
				err = fmt.Errorf("workbook %s part %s: %w", w.path, name, err)
			}
			return b
		}
		return nil
	}
	rels, types, wb := read(relsName), read("[Content_Types].xml"), read(p.workbook)
	if err != nil {
		return err
	}
	var rid string
	if edits[relsName], rid, err = addRelationship(rels, part, dir); err != nil {
		return fmt.Errorf("workbook %s part %s: %w", w.path, relsName, err)
	}
	if edits["[Content_Types].xml"], err = addContentType(types, part); err != nil {
		return fmt.Errorf("workbook %s part [Content_Types].xml: %w", w.path, err)
	}
	if edits[p.workbook], err = addSheet(wb, name, rid); err != nil {
		return fmt.Errorf("workbook %s part %s: %w", w.path, p.workbook, err)
	}

	return w.savePackage(p, func(name string) partWriter {
		if b, ok := edits[name]; ok {
			return p.replaced(b)
		}
		return nil
	}, func(zw *zip.Writer) error {
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
)

var relIDs = regexp.MustCompile(`Id="rId(\d+)"`)

// addRelationship names the new worksheet part in the workbook's
// relationships, with the next free rIdN, which it returns.
func addRelationship(b []byte, part, dir string) ([]byte, string, error) {
	n := 0
	for _, m := range relIDs.FindAllSubmatch(b, -1) {
		if k, err := strconv.Atoi(string(m[1])); err == nil {
			n = max(n, k)
		}
	}
	id := "rId" + strconv.Itoa(n+1)
	target := strings.TrimPrefix(part, dir+"/")
	out, err := insertBefore(b, "</Relationships>", fmt.Sprintf(`<Relationship Id="%s" Type="%s" Target="%s"/>`, id, worksheetType, target))
	return out, id, err
}

func addContentType(b []byte, part string) ([]byte, error) {
	return insertBefore(b, "</Types>", fmt.Sprintf(`<Override PartName="/%s" ContentType="%s"/>`, part, worksheetContentType))
}

var sheetIDs = regexp.MustCompile(`<(?:\w+:)?sheet [^>]*sheetId="(\d+)"`)

const relationshipsNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

// addSheet lists the new tab last in the workbook's <sheets>, with the
// next sheetId and the relationship prefix the other tabs use.
func addSheet(b []byte, name, rid string) ([]byte, error) {
	n := 0
	for _, m := range sheetIDs.FindAllSubmatch(b, -1) {
		if k, err := strconv.Atoi(string(m[1])); err == nil {
			n = max(n, k)
		}
	}
	// The relationships prefix is declared on the element itself: openpyxl
	// declares it on each <sheet>, not on the root.
	tag := fmt.Sprintf(`<sheet xmlns:r="%s" name="%s" sheetId="%d" r:id="%s"/>`, relationshipsNS, attrEscaper.Replace(name), n+1, rid)
	end := "</sheets>"
	if m := regexp.MustCompile(`</(\w+:)?sheets>`).Find(b); m != nil {
		end = string(m)
		if i := strings.Index(end, ":"); i > 0 {
			tag = "<" + end[2:i+1] + tag[1:]
		}
	}
	return insertBefore(b, end, tag)
}

func insertBefore(b []byte, end, s string) ([]byte, error) {
	i := bytes.LastIndex(b, []byte(end))
	if i < 0 {
		return nil, fmt.Errorf("no %s", end)
	}
	return spliced(b, []splice{{i, i, []byte(s)}}), nil
}

// headerSheet is a worksheet holding one row of text.
func headerSheet(header []string) []byte {
	var b []byte
	b = append(b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`...)
	if len(header) > 0 {
		b = fmt.Appendf(b, `<dimension ref="A1:%s"/>`, sheet.CellName(1, len(header)))
	}
	b = append(b, `<sheetData>`...)
	if len(header) > 0 {
		b = append(b, `<row r="1">`...)
		for i, h := range header {
			b = fmt.Appendf(b, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">`, sheet.CellName(1, i+1))
			b = appendEscapedText(b, h)
			b = append(b, `</t></is></c>`...)
		}
		b = append(b, `</row>`...)
	}
	return append(b, `</sheetData></worksheet>`...)
}
