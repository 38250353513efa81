// Package templates embeds the defaults a team can override from a folder:
// the condition matrix, the report layout and the mail texts.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/template"
)

// Default holds the embedded templates.
//
//go:embed *.csv report.json prep.json mail/*.tmpl
var Default embed.FS

// Open returns the named template from dir when dir is set and holds it,
// else the embedded default. The second result names where it came from.
func Open(dir, name string) ([]byte, string, error) {
	if dir != "" {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err == nil {
			return b, path, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, path, err
		}
	}
	b, err := Default.ReadFile(name)
	return b, "embedded " + name, err
}

// Render executes the named text template (from dir, else embedded) with
// data; a field the data lacks is an error, not an empty string.
func Render(dir, name string, data any) (string, error) {
	b, src, err := Open(dir, name)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", src, err)
	}
	t, err := template.New(name).Option("missingkey=error").Parse(string(b))
	if err != nil {
		return "", fmt.Errorf("template %s: %w", src, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("template %s: %w", src, err)
	}
	return buf.String(), nil
}

// CheckDir checks a --templates folder: it must exist and hold at least one
// of the embedded templates' names, so a mistyped path is an error rather
// than silently the embedded defaults. unknown lists the files in it that
// look like templates but override nothing (a misspelt name).
func CheckDir(dir string) (unknown []string, err error) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, fmt.Errorf("--templates %s: no such folder; give a folder holding some of %s, or leave --templates out for the embedded ones", dir, Names())
	}
	known := map[string]bool{}
	for _, n := range Names() {
		known[n] = true
	}
	found := false
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch ext := filepath.Ext(rel); {
		case known[rel]:
			found = true
		case ext == ".csv" || ext == ".json" || ext == ".tmpl":
			unknown = append(unknown, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--templates %s: %w", dir, err)
	}
	if !found {
		return unknown, fmt.Errorf("--templates %s holds none of %s: nothing would be overridden; check the folder", dir, Names())
	}
	return unknown, nil
}

// Names lists the embedded templates by path: matrix.csv, mail/alert_body.tmpl, ...
func Names() []string {
	var names []string
	_ = fs.WalkDir(Default, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return err
	})
	return names
}
