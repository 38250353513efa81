package onboarding

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/civil"
	"onboard/internal/matrix"
)

// Tab names used in problem references.
const (
	TabApplications = "申込"
	TabSessions     = "セッション"
	TabPool         = "サポートアカウント"
)

// Compute works out every client's state. It never fails: what it cannot
// decide becomes a problem on the row concerned.
func Compute(in Input) *Output {
	m := in.Matrix
	out := &Output{
		Clients:         make([]Client, len(in.Applications)),
		SessionProblems: map[int][]Problem{},
		PoolProblems:    map[int][]Problem{},
	}

	byID := make(map[string][]int, len(in.Applications))
	for i := range in.Applications {
		a := &in.Applications[i]
		c := &out.Clients[i]
		c.App = a
		c.Column = -1
		c.SupportAccount = a.SupportAccount
		c.Problems = append(c.Problems, a.Problems...)
		if a.ClientID != "" {
			byID[a.ClientID] = append(byID[a.ClientID], i)
		}
	}
	for id, rows := range byID {
		if len(rows) < 2 {
			continue
		}
		list := make([]string, len(rows))
		for j, r := range rows {
			list[j] = strconv.Itoa(in.Applications[r].Row) + "行目"
		}
		for _, r := range rows {
			c := &out.Clients[r]
			c.Duplicate = true
			c.Problems = append(c.Problems, Problem{
				Tab: TabApplications, Row: c.App.Row, Column: "クライアントID",
				Message:  fmt.Sprintf("クライアントID: 「%s」が %s で重複しています", id, strings.Join(list, "・")),
				Blocking: true,
			})
		}
	}

	// Sessions, oldest first: by date, then by row; ties keep the input
	// order, as a stable sort would. The index makes the order total, so
	// an unstable sort gives the same result, faster; and sorting compact
	// keys rather than indices into the sessions keeps it in the cache.
	type sessionKey struct {
		held   civil.Date
		row, i int
	}
	keys := make([]sessionKey, len(in.Sessions))
	for i := range in.Sessions {
		keys[i] = sessionKey{in.Sessions[i].HeldOn, in.Sessions[i].Row, i}
	}
	slices.SortFunc(keys, func(a, b sessionKey) int {
		return cmp.Or(cmp.Compare(a.held, b.held), cmp.Compare(a.row, b.row), cmp.Compare(a.i, b.i))
	})
	for _, key := range keys {
		si := key.i
		s := &in.Sessions[si]
		if len(s.Problems) > 0 {
			out.SessionProblems[si] = append(out.SessionProblems[si], s.Problems...)
		}
		if s.ClientID == "" {
			continue
		}
		if s.HeldOn > in.Today {
			// The sheet guide: セッション records what was held. A session
			// dated ahead counts from its day on, not before.
			out.SessionProblems[si] = append(out.SessionProblems[si], Problem{
				Tab: TabSessions, Row: s.Row, Column: "実施日",
				Message: fmt.Sprintf("実施日: 「%s」は未来の日付です: その日までこの行の結果は数えません（予定は申込のセッション予定日へ）", s.HeldOn),
			})
			if _, ok := byID[s.ClientID]; ok {
				continue
			}
		}
		rows, ok := byID[s.ClientID]
		if !ok {
			out.SessionProblems[si] = append(out.SessionProblems[si], Problem{
				Tab: TabSessions, Row: s.Row, Column: "クライアントID",
				Message: fmt.Sprintf("クライアントID: 「%s」は申込にありません", s.ClientID),
			})
			continue
		}
		for _, r := range rows {
			c := &out.Clients[r]
			c.Sessions = append(c.Sessions, s)
			c.sessionIdx = append(c.sessionIdx, si)
			for _, p := range s.Problems {
				if p.Blocking {
					c.Problems = append(c.Problems, Problem{
						// The column is the session's, so none is named on 申込.
						Tab: TabApplications, Row: c.App.Row,
						Message:  fmt.Sprintf("セッション %d行目 %s", s.Row, p.Message),
						Blocking: true,
					})
				}
			}
		}
	}

	for i := range out.Clients {
		computeClient(m, &out.Clients[i])
	}
	for i := range out.Clients {
		c := &out.Clients[i]
		if c.Needs == nil || c.Duplicate {
			continue
		}
		for j, s := range c.Sessions {
			for w, r := range s.Results {
				if r != NoResult && !c.Needs[w].Required() && r != NotRequired {
					idx := c.sessionIdx[j]
					out.SessionProblems[idx] = append(out.SessionProblems[idx], Problem{
						Tab: TabSessions, Row: s.Row, Column: m.Works[w].Name,
						Message: fmt.Sprintf("%s: このクライアントの条件では不要な作業に「%s」が記録されています", m.Works[w].Name, r),
					})
				}
			}
		}
	}
	assignPool(in, out)
	for i := range out.Clients {
		decideStatus(m, &out.Clients[i], in.Today, in.StallDays)
	}
	return out
}

func computeClient(m *matrix.Matrix, c *Client) {
	a := c.App
	c.Effective = make([]matrix.Known, len(m.Conditions))
	copy(c.Effective, a.Conditions)
	confirmedOn := make([]*Session, len(m.Conditions))
	for _, s := range c.Sessions { // oldest first: later ones win
		for k, v := range s.Confirmed {
			if v.Set {
				c.Effective[k] = v
				confirmedOn[k] = s
			}
		}
	}
	for k, s := range confirmedOn {
		if s == nil || k >= len(a.Conditions) || !a.Conditions[k].Set || a.Conditions[k].Value == c.Effective[k].Value {
			continue
		}
		c.Problems = append(c.Problems, Problem{
			Tab: TabApplications, Row: a.Row, Column: m.Conditions[k].Name,
			Message: fmt.Sprintf("%s: セッション（%s）で「%s」と確認（申込は「%s」）",
				m.Conditions[k].Name, s.HeldOn, yesNo(c.Effective[k].Value), yesNo(a.Conditions[k].Value)),
		})
	}

	res := m.Resolve(c.Effective)
	switch {
	case res.Column >= 0:
		c.Column = res.Column
		c.Needs = m.Columns[res.Column].Needs
	case res.Contradiction != "":
		c.Problems = append(c.Problems, Problem{
			Tab: TabApplications, Row: a.Row, Message: "条件の矛盾: " + res.Contradiction, Blocking: true,
		})
	default:
		// Conditions already reported as unreadable are not repeated.
		var names []string
		col := ""
		for _, k := range res.Missing {
			if c.Effective[k].Bad {
				continue
			}
			names = append(names, m.Conditions[k].Name)
			if col == "" {
				col = m.Conditions[k].Name
			}
		}
		if len(names) > 0 {
			c.Problems = append(c.Problems, Problem{
				Tab: TabApplications, Row: a.Row, Column: col,
				Message:  "条件が未入力: " + strings.Join(names, "・") + " を入力してください",
				Blocking: true,
			})
		}
	}

	c.States = make([]Result, len(m.Works))
	for _, s := range c.Sessions {
		for w, r := range s.Results {
			if r != NoResult {
				c.States[w] = r
			}
		}
	}

	last := a.AppliedOn
	for _, s := range c.Sessions {
		last = max(last, s.HeldOn)
	}
	last = max(last, a.HandoverOn)
	c.LastActivity = last

	if c.Needs != nil && !a.HandoverOn.IsZero() {
		if open := remaining(m, c); len(open) > 0 {
			c.Problems = append(c.Problems, Problem{
				Tab: TabApplications, Row: a.Row, Column: "担当作業完了日",
				Message:  "担当作業完了日: 残作業（" + strings.Join(open, " ") + "）があるのに入力されています",
				Blocking: true,
			})
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "あり"
	}
	return "なし"
}

// remaining lists the short labels of required works not done.
func remaining(m *matrix.Matrix, c *Client) []string {
	return c.WorkTags(m, true)
}

func decideStatus(m *matrix.Matrix, c *Client, today civil.Date, stallDays int) {
	done, required := c.Counts()
	switch {
	case c.Blocking():
		c.Status = NeedsReview
	case done == required && !c.App.HandoverOn.IsZero():
		c.Status = Completed
	case done == required: // results come only from sessions, so one was held
		c.Status = AwaitHandover
	case len(c.Sessions) > 0:
		c.Status = InProgress
	case !c.App.ScheduledOn.IsZero():
		c.Status = Scheduled
	default:
		c.Status = NotStarted
	}
	c.Stalled = c.Status != Completed && !c.LastActivity.IsZero() && stallDays > 0 &&
		int(today-c.LastActivity) >= stallDays
	c.Next = nextAction(m, c, today)
}
