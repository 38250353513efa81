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
