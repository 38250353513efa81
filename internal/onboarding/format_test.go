package onboarding

import (
	"strings"
	"testing"
	"unicode/utf8"

	"onboard/internal/matrix"
)

func TestWorkTagsAndProgress(t *testing.T) {
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	X, D, C := matrix.NotNeeded, matrix.Do, matrix.Check
	for _, tc := range []struct {
		name      string
		needs     []matrix.Need
		states    []Result
		all, open string
		progress  string
	}{
		{"unresolved", nil, nil, "", "", ""},
		{"existing OA", []matrix.Need{X, X, C, C, D}, []Result{0, 0, Done, 0, 0}, "③(確認) ④(確認) ⑤", "④(確認) ⑤", "1/3"},
		{"everything", []matrix.Need{D, D, D, D, D}, []Result{Done, Existing, NotRequired, OnHold, NotDone}, "① ② ③ ④ ⑤", "④ ⑤", "3/5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{Needs: tc.needs, States: tc.states}
			if c.States == nil {
				c.States = make([]Result, len(m.Works))
			}
			if got := strings.Join(c.WorkTags(m, false), " "); got != tc.all {
				t.Errorf("required %q, want %q", got, tc.all)
			}
			if got := strings.Join(c.WorkTags(m, true), " "); got != tc.open {
				t.Errorf("remaining %q, want %q", got, tc.open)
			}
			if got := c.Progress(); got != tc.progress {
				t.Errorf("progress %q, want %q", got, tc.progress)
			}
		})
	}
}

func TestProblemText(t *testing.T) {
	p := func(msg string) Problem { return Problem{Message: msg} }
	long := strings.Repeat("長い問題", 600) // 2,400 runes
	for _, tc := range []struct {
		name string
		in   []Problem
		want string
	}{
		{"none", nil, ""},
		{"one", []Problem{p("a")}, "【お知らせ】a"},
		{"each once, in order", []Problem{p("b"), p("a"), p("b")}, "【お知らせ】b; 【お知らせ】a"},
		{"cut", []Problem{p(long)}, string([]rune("【お知らせ】" + long)[:MaxProblemRunes-1]) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ProblemText(tc.in)
			if got != tc.want {
				t.Errorf("got %q…, want %q…", got[:min(len(got), 40)], tc.want[:min(len(tc.want), 40)])
			}
			if n := utf8.RuneCountInString(got); n > MaxProblemRunes {
				t.Errorf("%d runes", n)
			}
		})
	}
}
