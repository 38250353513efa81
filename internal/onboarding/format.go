package onboarding

import (
	"strconv"

	"onboard/internal/matrix"
)

// The texts below are how a client's state reads wherever a person sees
// it: the sheet's status columns, check, explain and the weekly report.
// One formatter, so that they never drift apart.

// WorkTag is work w as a work list shows it: its symbol, with (確認) when
// the client's column asks to check what exists first.
func WorkTag(m *matrix.Matrix, need matrix.Need, w int) string {
	if need == matrix.Check {
		return m.Works[w].Short() + "(確認)"
	}
	return m.Works[w].Short()
}

// WorkTags lists the client's required works in matrix order, all of them
// or only those still open: ③(確認) ④(確認) ⑤. Nil when the works are
// unknown (unresolved conditions).
func (c *Client) WorkTags(m *matrix.Matrix, openOnly bool) []string {
	var tags []string
	for w := range c.Needs {
		if c.Required(w) && (!openOnly || !c.States[w].IsDone()) {
			tags = append(tags, WorkTag(m, c.Needs[w], w))
		}
	}
	return tags
}

// Progress is done/required ("2/4"), or "" when the works are unknown.
func (c *Client) Progress() string {
	if c.Needs == nil {
		return ""
	}
	done, req := c.Counts()
	return strconv.Itoa(done) + "/" + strconv.Itoa(req)
}
