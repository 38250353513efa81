// Package templates embeds the defaults a team can override from a folder:
// the condition matrix, the report layout and the mail texts.
package templates

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Default holds the embedded templates.
//
//go:embed *.csv report.json mail/*.tmpl
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
