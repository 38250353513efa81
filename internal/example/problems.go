package example

import (
	"onboard/internal/sheet"
)

// injectProblems puts into the example the data problems a real sheet has:
// each one a manager's plausible slip, each one reported on its own row
// while every other row still syncs.
func injectProblems(cfg Config, clients []*client, apps, sessions *sheet.Tab) {
	used := map[int]bool{}
	find := func(want ...stage) *client {
		for i, c := range clients {
			if used[i] {
				continue
			}
			for _, s := range want {
				if c.stage == s {
					used[i] = true
					return c
				}
			}
		}
		return nil
	}
	sessionOf := func(c *client) []sheet.Value {
		for _, r := range sessions.Rows[1:] {
			if r[0].Str == c.id {
				return r
			}
		}
		return nil
	}

	// A word the job does not know for a yes/no column.
	if c := find(notStarted, scheduled); c != nil {
		c.row[5] = sheet.TextValue("たぶん")
	}
	// A date typed as words.
	if c := find(scheduled); c != nil {
		c.row[9] = sheet.TextValue("来週の火曜")
	}
	// Contradictory conditions: no OA, but verify with the existing one.
	if c := find(notStarted, scheduled); c != nil {
		c.row[5], c.row[6] = sheet.TextValue("なし"), sheet.TextValue("あり")
	}
	// A condition left blank.
	if c := find(scheduled, notStarted); c != nil {
		c.row[5], c.row[6], c.row[7] = sheet.TextValue("なし"), sheet.Value{}, sheet.Value{}
	}
	// The handover date entered although works remain.
	if c := find(inProgress); c != nil {
		c.row[10] = sheet.DayValue(cfg.Today.AddDays(-2))
	}
	// A session result in the team's shorthand that is not a result word.
	if c := find(inProgress); c != nil {
		if r := sessionOf(c); r != nil {
			for k := 10; k >= 6; k-- {
				if !r[k].IsEmpty() {
					r[k] = sheet.TextValue("済み?")
					break
				}
			}
		}
	}
	// The session found an OA the application did not mention: the
	// session's answer wins and the difference is noted.
	for _, c := range clients {
		if c.column == 2 && c.stage >= inProgress {
			if r := sessionOf(c); r != nil {
				r[3], r[4] = sheet.TextValue("あり"), sheet.TextValue("なし")
				break
			}
		}
	}
	// A client who said "use the existing OA" changed their mind in the
	// session: the works change with it.
	for _, c := range clients {
		if c.column == 0 && c.stage == inProgress {
			if r := sessionOf(c); r != nil {
				r[4] = sheet.TextValue("なし")
				break
			}
		}
	}
	// The same application entered twice.
	if c := find(notStarted, scheduled); c != nil {
		dup := append([]sheet.Value(nil), c.row...)
		dup[11] = sheet.Value{}
		apps.Rows = append(apps.Rows, dup)
	}
	// A company name pasted with a formula; it must stay text.
	if c := find(awaiting, completed); c != nil {
		c.row[2] = sheet.TextValue(`=HYPERLINK("https://example.jp","みなと商店")`)
	}
	// A session for a client ID that is not in 申込 (a typo).
	sessions.Rows = append(sessions.Rows, []sheet.Value{
		sheet.TextValue("10999"), sheet.DayValue(cfg.Today.AddDays(-6)), sheet.TextValue(operators[0]),
		{}, {}, {}, {}, {}, {}, {}, sheet.TextValue("完了"),
	})
	// A full-width client ID in a session: the same client, not a problem.
	if c := find(inProgress, awaiting); c != nil {
		if r := sessionOf(c); r != nil {
			r[0] = sheet.TextValue(fullWidth(c.id))
		}
	}
	// A blank row between the data, as managers leave them.
	apps.Rows = append(apps.Rows[:6], append([][]sheet.Value{{}}, apps.Rows[6:]...)...)
}

func fullWidth(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r >= '0' && r <= '9' {
			out[i] = r - '0' + '０'
		}
	}
	return string(out)
}
