package onboarding

import (
	"strings"
	"testing"

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
