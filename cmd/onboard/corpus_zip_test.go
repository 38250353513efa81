package main_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"path"
	"strings"
)

// zipParts reads every entry of an .xlsx.
func zipParts(b []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		parts[f.Name] = data
	}
	return parts, nil
}

type opcRels struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// relsOf parses the relationships of a part (nil when it has none).
func relsOf(parts map[string][]byte, part string) opcRels {
	var r opcRels
	dir, base := path.Split(part)
	xml.Unmarshal(parts[dir+"_rels/"+base+".rels"], &r)
	return r
}

// resolve is where a relationship of part points inside the package.
func resolve(part, target string) string {
	target, _, _ = strings.Cut(target, "#")
	if t, err := url.PathUnescape(target); err == nil {
		target = t
	}
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return strings.TrimPrefix(path.Join(path.Dir(part), target), "/")
}

// ownedParts are the entries the job may change: the workbook, its
// relationships, shared strings, styles, content types, and the sheet
// parts (with their relationships) of the tabs it owns.
func ownedParts(parts map[string][]byte) map[string]bool {
	owned := map[string]bool{"[Content_Types].xml": true}
	wb := ""
	for _, r := range relsOf(parts, "").Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wb = resolve("", r.Target)
		}
	}
	dir, base := path.Split(wb)
	owned[wb], owned[dir+"_rels/"+base+".rels"] = true, true
	targets := map[string]string{}
	for _, r := range relsOf(parts, wb).Rels {
		targets[r.ID] = resolve(wb, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") || strings.HasSuffix(r.Type, "/styles") {
			owned[targets[r.ID]] = true
		}
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	xml.Unmarshal(parts[wb], &book)
	for _, s := range book.Sheets {
		if contains(ownedTabs(), s.Name) {
			p := targets[s.RID]
			d, b := path.Split(p)
			owned[p], owned[d+"_rels/"+b+".rels"] = true, true
		}
	}
	return owned
}

func isXMLPart(name string) bool {
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels")
}

// wellFormed reads every token of an XML part.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		_, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// danglingRels lists the internal relationships whose target is not in
// the package, as "source -> target".
func danglingRels(parts map[string][]byte) []string {
	lower := map[string]bool{}
	for name := range parts {
		lower[strings.ToLower(name)] = true
	}
	var out []string
	for name := range parts {
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		dir, base := path.Split(name)
		source := path.Join(path.Dir(strings.TrimSuffix(dir, "/")), strings.TrimSuffix(base, ".rels"))
		if path.Base(dir) == "_rels" && path.Dir(strings.TrimSuffix(dir, "/")) == "." {
			source = strings.TrimSuffix(base, ".rels")
		}
		var r opcRels
		xml.Unmarshal(parts[name], &r)
		for _, rel := range r.Rels {
			if rel.TargetMode == "External" || rel.Target == "" {
				continue
			}
			if t := resolve(source, rel.Target); !lower[strings.ToLower(t)] {
				out = append(out, source+" -> "+t)
			}
		}
	}
	return out
}
