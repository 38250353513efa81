package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/mailer/smtptest"
	"onboard/internal/vocab"
	"onboard/templates"
)

// TestOneVocabulary reads everything a person reads about problems — sync's
// summary, check (text and JSON), explain, the チェック cells, the report,
// the weekly mail, the embedded templates and the sheet guide — and fails
// on a retired word, or on a problem kind other than 要確認 and お知らせ.
func TestOneVocabulary(t *testing.T) {
	e := newMailEnv(t)
	const at = "--now=2026-11-25T09:00:00+09:00"
	outputs := map[string]string{}
	r := run(t, e.baseEnv, e.args("2026-11-25T09:00:00+09:00")...)
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	outputs["run"] = r.stdout
	for i, m := range e.srv.Messages() {
		p, err := smtptest.Parse(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		outputs["mail "+string(rune('0'+i))] = p.Subject + "\n" + p.Body
	}
	outputs["sync"] = run(t, nil, "sync", "--sheet", e.sheet, at, "--dry-run").stdout
	text := run(t, nil, "check", "--sheet", e.sheet, at)
	js := run(t, nil, "check", "--sheet", e.sheet, at, "--format", "json")
	outputs["check"], outputs["check json"] = text.stdout, js.stdout
	outputs["explain"] = run(t, nil, "explain", "10013", "--sheet", e.sheet, at).stdout
	outputs["explain json"] = run(t, nil, "explain", "10013", "--sheet", e.sheet, at, "--format", "json").stdout
	guide, err := os.ReadFile("../../docs/sheet-guide.ja.md")
	if err != nil {
		t.Fatal(err)
	}
	outputs["sheet guide"] = string(guide)
	for _, name := range templates.Names() {
		b, _, err := templates.Open("", name)
		if err != nil {
			t.Fatal(err)
		}
		outputs["template "+name] = string(b)
	}

	// check: every line names its kind with the two words.
	line := regexp.MustCompile(`^\S.* \[(\S+)\] `)
	lines := strings.Split(strings.TrimSpace(text.stdout), "\n")
	for _, l := range lines[:len(lines)-1] {
		m := line.FindStringSubmatch(l)
		if m == nil || (m[1] != vocab.Blocking && m[1] != vocab.Note) {
			t.Errorf("check line without 要確認/お知らせ: %q", l)
		}
	}
	var out struct{ Problems []struct{ Kind string } }
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil || len(out.Problems) == 0 {
		t.Fatalf("check json: %v", err)
	}
	for _, p := range out.Problems {
		if p.Kind != vocab.Blocking && p.Kind != vocab.Note {
			t.Errorf("check json kind %q", p.Kind)
		}
	}

	// The チェック cells of the synced sheet and of the report's
	// クライアント一覧: each entry starts with its kind; the report's 種別
	// says one of the two words.
	report := filepath.Join(e.dir, "out", "onboard-weekly-2026-W47.xlsx")
	cells := 0
	for _, book := range []string{e.sheet, report} {
		f, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, tab := range f.GetSheetList() {
			rows, err := f.GetRows(tab)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				all.WriteString(strings.Join(row, "\t") + "\n")
			}
			if len(rows) == 0 {
				continue
			}
			for c, h := range rows[0] {
				if h != "チェック" && (h != "種別" || tab != "データの問題") {
					continue
				}
				for _, row := range rows[1:] {
					if c >= len(row) || row[c] == "" {
						continue
					}
					cells++
					if h == "種別" {
						if row[c] != vocab.Blocking && row[c] != vocab.Note {
							t.Errorf("%s %s 種別 %q", filepath.Base(book), tab, row[c])
						}
						continue
					}
					for _, entry := range strings.Split(row[c], "; ") {
						if !strings.HasPrefix(entry, vocab.Tag(true, "")) && !strings.HasPrefix(entry, vocab.Tag(false, "")) {
							t.Errorf("%s %s チェック entry without its kind: %q", filepath.Base(book), tab, entry)
						}
					}
				}
			}
		}
		f.Close()
		// The report whole; of the sheet, the チェック cells above (its
		// セッション準備 tab's 注意 is the operators' caution before a
		// session, not a kind of problem).
		if book == report {
			outputs[filepath.Base(book)] = all.String()
		}
	}
	if cells < 20 {
		t.Errorf("only %d チェック/種別 cells read", cells)
	}

	for name, o := range outputs {
		if o == "" {
			t.Errorf("%s: no output", name)
		}
		for _, word := range vocab.Retired {
			if i := strings.Index(o, word); i >= 0 {
				t.Errorf("%s says %q: …%s…", name, word, o[max(0, i-60):min(len(o), i+60)])
			}
		}
	}
}
