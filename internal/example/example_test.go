package example_test

import (
	"context"
	"testing"

	"onboard/internal/example"
	"onboard/internal/xlsxbook"
)

// The committed example must be what the generator makes: regenerate it
// with `make example` after changing the generator.
func TestCommittedExampleIsUpToDate(t *testing.T) {
	got, err := xlsxbook.Open("../../examples/onboarding.xlsx").Read(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := example.Generate(example.ExampleConfig())
	if len(got.Tabs) != len(want.Tabs) {
		t.Fatalf("tabs: %d, want %d", len(got.Tabs), len(want.Tabs))
	}
	for i, wt := range want.Tabs {
		gt := got.Tabs[i]
		if gt.Name != wt.Name {
			t.Fatalf("tab %d: %q, want %q", i, gt.Name, wt.Name)
		}
		rows := max(len(gt.Rows), len(wt.Rows))
		for r := 1; r <= rows; r++ {
			width := 0
			if r <= len(gt.Rows) {
				width = len(gt.Rows[r-1])
			}
			if r <= len(wt.Rows) {
				width = max(width, len(wt.Rows[r-1]))
			}
			for c := 1; c <= width; c++ {
				g, w := gt.Cell(r, c), wt.Cell(r, c)
				if !g.Equal(w) || (!g.IsEmpty() && g.Kind != w.Kind) {
					t.Fatalf("%s row %d col %d: committed %v %q, generator %v %q (run make example)", wt.Name, r, c, g.Kind, g.String(), w.Kind, w.String())
				}
			}
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := example.Generate(example.Config{Clients: 200, Seed: 9, Today: example.ExampleToday, Problems: true})
	b := example.Generate(example.Config{Clients: 200, Seed: 9, Today: example.ExampleToday, Problems: true})
	for i := range a.Tabs {
		if len(a.Tabs[i].Rows) != len(b.Tabs[i].Rows) {
			t.Fatalf("tab %s differs in length", a.Tabs[i].Name)
		}
		for r := range a.Tabs[i].Rows {
			for c := range a.Tabs[i].Rows[r] {
				if a.Tabs[i].Rows[r][c] != b.Tabs[i].Rows[r][c] {
					t.Fatalf("%s row %d col %d differs", a.Tabs[i].Name, r+1, c+1)
				}
			}
		}
	}
}
