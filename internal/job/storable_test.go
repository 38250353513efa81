package job_test

import (
	"strings"
	"testing"

	"onboard/internal/example"
	"onboard/internal/sheet"
)

// TestControlCharactersSettle: a manager cell holding a control character
// (every one that an .xlsx cannot store, DEL, U+FFFE, U+FFFF) is quoted
// into チェック in a visible form, the same on both backends, and the
// second sync writes nothing: what the job plans is what it reads back.
func TestControlCharactersSettle(t *testing.T) {
	var bad []string
	for c := rune(0); c < 0x20; c++ {
		if c != '\t' && c != '\n' && c != '\r' {
			bad = append(bad, "た"+string(c)+"ぶん")
		}
	}
	bad = append(bad, "た\x7fぶん", "た\ufffeぶん", "た\uffffぶん", "_x0001_", "た_x0041_ぶん")
	book := example.Generate(example.Config{Clients: len(bad) + 5, Seed: 7, Today: example.ExampleToday})
	apps := book.Tab("申込")
	col := colOf(t, apps, "LINE公式アカウント")
	for i, s := range bad {
		apps.Rows[2+i][col-1] = sheet.TextValue(s)
	}
	cfg := config(t)
	var checks []map[int]string
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			open, stored := b.create(t, book)
			if run := syncOn(t, open(), cfg); run.Outcome.Written == 0 {
				t.Fatal("first sync wrote nothing")
			}
			run := syncOn(t, open(), cfg)
			if len(run.Changes) != 0 {
				for _, ch := range run.Changes[:min(5, len(run.Changes))] {
					t.Errorf("second sync rewrites %s!%s: %q → %q", ch.Tab, sheet.CellName(ch.Row, ch.Col), ch.Old.String(), ch.New.String())
				}
				t.Fatalf("second sync plans %d changes, want 0", len(run.Changes))
			}
			got := stored().Tab("申込")
			check := colOf(t, got, "チェック")
			texts := map[int]string{}
			for i := range bad {
				s := got.Cell(3+i, check).String()
				texts[i] = s
				if sheet.StorableText(s) != s || !strings.Contains(s, "LINE公式アカウント") {
					t.Errorf("row %d チェック %q", 3+i, s)
				}
			}
			if s := texts[1]; !strings.Contains(s, "た␁ぶん") {
				t.Errorf("U+0001 is not shown as ␁: %q", s)
			}
			checks = append(checks, texts)
		})
	}
	if len(checks) == 2 {
		for i := range bad {
			if checks[0][i] != checks[1][i] {
				t.Errorf("%q: チェック differs: xlsx %q, google %q", bad[i], checks[0][i], checks[1][i])
			}
		}
	}
}
