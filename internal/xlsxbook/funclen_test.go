package xlsxbook

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is the longest function the package's code may hold: one
// that fits a screen.
const maxFuncLines = 80

// TestFunctionsFitAScreen keeps every function of the package's code (not
// its tests) within maxFuncLines lines.
func TestFunctionsFitAScreen(t *testing.T) {
	files, err := filepath.Glob("*.go")
	must(t, err)
	fs := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fs, path, nil, 0)
		must(t, err)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				checked++
				if n := fs.Position(fd.End()).Line - fs.Position(fd.Pos()).Line + 1; n > maxFuncLines {
					t.Errorf("%s: %s is %d lines, more than %d", path, fd.Name.Name, n, maxFuncLines)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no function found")
	}
}
