package contract

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onboard/internal/matrix"
)

// TestDomainSpeaksKeys: no text in internal/onboarding spells a tab's name
// or a column's header (as a message's "header:" prefix or a "header欄"):
// the domain names them by key (keys.Name) and the contract writes the
// names in. セッション is also the word for a session, and is allowed.
func TestDomainSpeaksKeys(t *testing.T) {
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	var forbidden []string
	for _, spec := range Tabs(m) {
		if spec.Name != "セッション" {
			forbidden = append(forbidden, spec.Name)
		}
		for _, c := range spec.Columns {
			forbidden = append(forbidden, c.Name+":", c.Name+"欄")
		}
	}
	files, err := filepath.Glob("../onboarding/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	fset := token.NewFileSet()
	literals := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			literals++
			for _, w := range forbidden {
				if strings.Contains(s, w) {
					t.Errorf("%s: %q spells %q", fset.Position(lit.Pos()), s, w)
				}
			}
			return true
		})
	}
	if literals < 20 {
		t.Fatalf("only %d string literals read", literals)
	}
}
