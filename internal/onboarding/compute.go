package onboarding

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"onboard/internal/civil"
	"onboard/internal/keys"
	"onboard/internal/matrix"
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

	for i := range in.Applications {
		a := &in.Applications[i]
		c := &out.Clients[i]
		c.App = a
		c.Column = -1
		c.SupportAccount = a.SupportAccount
		c.Problems = append(c.Problems, a.Problems...)
	}
	byID := indexRows(len(in.Applications), func(i int) string { return in.Applications[i].ClientID })
	flagDuplicates(in.Applications, out, byID)

	// Sessions, oldest first: by date, then by row; ties keep the input
	// order, as a stable sort would. The index makes the order total, so
	// an unstable sort gives the same result, faster; and sorting compact
	// keys rather than indices into the sessions keeps it in the cache.
	type sessionKey struct {
		held   civil.Date
		row, i int
	}
	order := make([]sessionKey, len(in.Sessions))
	for i := range in.Sessions {
		order[i] = sessionKey{in.Sessions[i].HeldOn, in.Sessions[i].Row, i}
	}
	slices.SortFunc(order, func(a, b sessionKey) int {
		return cmp.Or(cmp.Compare(a.held, b.held), cmp.Compare(a.row, b.row), cmp.Compare(a.i, b.i))
	})
	for _, key := range order {
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
			out.SessionProblems[si] = append(out.SessionProblems[si],
				s.problem(keys.HeldOn, false, "「%s」は未来の日付です: その日までこの行の結果は数えません（予定は"+keys.Name(keys.Applications)+"の"+keys.Name(keys.ScheduledOn)+"へ）", s.HeldOn))
			if _, ok := byID.first[s.ClientID]; ok {
				continue
			}
		}
		first, ok := byID.first[s.ClientID]
		if !ok {
			out.SessionProblems[si] = append(out.SessionProblems[si], s.problem(keys.ClientID, false, "「%s」は"+keys.Name(keys.Applications)+"にありません", s.ClientID))
			continue
		}
		for r := first; r >= 0; r = byID.next[r] {
			c := &out.Clients[r]
			c.Sessions = append(c.Sessions, s)
			c.sessionIdx = append(c.sessionIdx, si)
			for _, p := range s.Problems {
				if p.Blocking {
					// The field is the session's, so none is named on the
					// application: the problem repeats the session's.
					c.Problems = append(c.Problems, Problem{
						Record: ApplicationRecord, Row: c.App.Row, Via: &p, Blocking: true, ClientID: c.App.ClientID,
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
					out.SessionProblems[idx] = append(out.SessionProblems[idx],
						s.problem(keys.Work(w), false, "このクライアントの条件では不要な作業に「%s」が記録されています", r))
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

// rowsByKey finds the rows (clients, pool rows) of a key: first is the
// first row of each key, and next, by row, the next of the same key, -1
// after the last. A map to each key's list of rows would make a list a
// row: 100,000 of them at 100,000 clients.
type rowsByKey struct {
	first map[string]int
	next  []int
}

// indexRows finds rows 0 to n-1 by key(i); rows whose key is "" are in
// none.
func indexRows(n int, key func(int) string) rowsByKey {
	by := rowsByKey{first: make(map[string]int, n), next: make([]int, n)}
	for i := n - 1; i >= 0; i-- {
		by.next[i] = -1
		k := key(i)
		if k == "" {
			continue
		}
		if j, ok := by.first[k]; ok {
			by.next[i] = j
		}
		by.first[k] = i
	}
	return by
}

// rows lists the rows of key k in order.
func (by rowsByKey) rows(k string) []int {
	var rows []int
	if i, ok := by.first[k]; ok {
		for ; i >= 0; i = by.next[i] {
			rows = append(rows, i)
		}
	}
	return rows
}

// flagDuplicates marks the clients whose ID another holds too.
func flagDuplicates(apps []Application, out *Output, by rowsByKey) {
	for i := range apps {
		id := apps[i].ClientID
		if by.next[i] < 0 || by.first[id] != i {
			continue // a single ID, or a later row of an ID flagged already
		}
		var list []string
		for r := i; r >= 0; r = by.next[r] {
			list = append(list, strconv.Itoa(apps[r].Row)+"行目")
		}
		for r := i; r >= 0; r = by.next[r] {
			c := &out.Clients[r]
			c.Duplicate = true
			c.Problems = append(c.Problems, c.App.problem(keys.ClientID, true, "「%s」が %s で重複しています", id, strings.Join(list, "・")))
		}
	}
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
		c.Problems = append(c.Problems, a.problem(keys.Cond(k), false, "セッション（%s）で「%s」と確認（"+keys.Name(keys.Applications)+"は「%s」）",
			s.HeldOn, yesNo(c.Effective[k].Value), yesNo(a.Conditions[k].Value)))
	}

	res := m.Resolve(c.Effective)
	switch {
	case res.Column >= 0:
		c.Column = res.Column
		c.Needs = m.Columns[res.Column].Needs
	case res.Contradiction != "":
		c.Problems = append(c.Problems, a.problem("", true, "条件の矛盾: %s", res.Contradiction))
	default:
		// Conditions already reported as unreadable are not repeated.
		var names []string
		first := -1
		for _, k := range res.Missing {
			if c.Effective[k].Bad {
				continue
			}
			names = append(names, m.Conditions[k].Name)
			if first < 0 {
				first = k
			}
		}
		if len(names) > 0 {
			// Placed on the first missing condition; the message names them all.
			p := a.problem(keys.Cond(first), true, "条件が未入力: %s を入力してください", strings.Join(names, "・"))
			p.Bare = true
			c.Problems = append(c.Problems, p)
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
			c.Problems = append(c.Problems, a.problem(keys.HandoverOn, true, "残作業（%s）があるのに入力されています", strings.Join(open, " ")))
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

// problem is a problem on a field of the application.
func (a *Application) problem(field string, blocking bool, format string, args ...any) Problem {
	return Problem{Record: ApplicationRecord, Row: a.Row, Field: field, Message: fmt.Sprintf(format, args...),
		Blocking: blocking, ClientID: a.ClientID}
}

// problem is a problem on a field of the session.
func (s *Session) problem(field string, blocking bool, format string, args ...any) Problem {
	return Problem{Record: SessionRecord, Row: s.Row, Field: field, Message: fmt.Sprintf(format, args...),
		Blocking: blocking, ClientID: s.ClientID}
}

// problem is a problem on a field of the pool row.
func (p *PoolAccount) problem(field string, blocking bool, format string, args ...any) Problem {
	return Problem{Record: PoolRecord, Row: p.Row, Field: field, Message: fmt.Sprintf(format, args...), Blocking: blocking}
}

// has reports whether some row has key k.
func (by rowsByKey) has(k string) bool {
	_, ok := by.first[k]
	return ok
}
