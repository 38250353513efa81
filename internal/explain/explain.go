// Package explain says, in Japanese, why a client has its status: where
// each condition comes from, the matrix column chosen, every required
// work with its history across sessions, the problems with their cells,
// the support account, whether the client is stalled, and the next
// action. It reads a computed run and changes nothing.
package explain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// Client is the explanation of one application row.
type Client struct {
	ClientID   string      `json:"client_id"`
	Company    string      `json:"company"`
	Cell       string      `json:"cell"` // the row's client ID cell, 申込!A12
	AppliedOn  string      `json:"applied_on,omitempty"`
	Status     string      `json:"status"`
	Conditions []Condition `json:"conditions"`
	// Column is the matrix column the conditions select; empty when
	// they select none (Unresolved says why).
	Column     string    `json:"column,omitempty"`
	Unresolved string    `json:"unresolved,omitempty"`
	Works      []Work    `json:"works"`
	Done       int       `json:"done"`
	Required   int       `json:"required"`
	Remaining  []string  `json:"remaining"`
	Handover   string    `json:"handover_on,omitempty"`
	Support    Support   `json:"support_account"`
	Stalled    bool      `json:"stalled"`
	LastActive string    `json:"last_activity,omitempty"`
	IdleDays   int       `json:"idle_days"`
	StallDays  int       `json:"stall_days"`
	Problems   []Problem `json:"problems"`
	Next       string    `json:"next_action"`
	Duplicate  bool      `json:"duplicate_id"`
}

// Condition is one condition's effective value and where it comes from.
type Condition struct {
	Name string `json:"name"`
	// Value is あり, なし, or 未入力 / 読めない値 when unknown.
	Value string `json:"value"`
	// Source is 申込, or the session whose confirmation set the value
	// (the last one, when the application lacks it or says otherwise).
	Source string `json:"source"`
	Cell   string `json:"cell,omitempty"`
	// ConfirmedOn is the last session that confirmed the application's
	// value, when one did.
	ConfirmedOn string `json:"confirmed_on,omitempty"`
	// Application is the value on 申込 when a session changed it.
	Application string `json:"application,omitempty"`
}

// Work is one matrix work for the client.
type Work struct {
	Label string `json:"label"`
	// Need is ○ (do), 確認 (check first) or × (not part of the setup).
	Need    string  `json:"need"`
	State   string  `json:"state"` // the latest result, or 未実施
	Done    bool    `json:"done"`
	History []Entry `json:"history,omitempty"`
}

// Entry is one session's result for a work.
type Entry struct {
	Date     string `json:"date"`
	Result   string `json:"result"`
	Operator string `json:"operator,omitempty"`
	Memo     string `json:"memo,omitempty"`
	Cell     string `json:"cell"`
}

// Support is the client's support account.
type Support struct {
	Email string `json:"email,omitempty"`
	// Source: 申込 (typed there), このランで割当 (this run would assign
	// it), or empty when there is none.
	Source     string `json:"source,omitempty"`
	PoolCell   string `json:"pool_cell,omitempty"`
	AssignedOn string `json:"assigned_on,omitempty"`
}

// Problem is a data problem on the client's rows.
type Problem struct {
	Cell     string `json:"cell"`
	Column   string `json:"column,omitempty"`
	Message  string `json:"message"`
	Kind     string `json:"kind"` // 要確認 or お知らせ, as check says it
	Blocking bool   `json:"blocking"`
}

// NotFoundError is an ID no application row holds; Closest lists the IDs
// that look most like it.
type NotFoundError struct {
	ID      string
	Closest []string
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("no application row has client ID %q", e.ID)
	if len(e.Closest) > 0 {
		msg += "; closest: " + strings.Join(e.Closest, ", ")
	}
	return msg
}

// Explain explains every application row whose client ID matches id as
// the sheet reads IDs (full-width digits, spaces): one for a unique ID,
// more for a duplicated one.
func Explain(run *job.Run, id string, today civil.Date, stallDays int) ([]Client, error) {
	want := parse.ClientID(sheet.TextValue(id))
	var out []Client
	var ids []string
	for i := range run.Out.Clients {
		c := &run.Out.Clients[i]
		if c.App.ClientID == "" {
			continue
		}
		ids = append(ids, c.App.ClientID)
		if c.App.ClientID == want {
			out = append(out, explainClient(run, c, today, stallDays))
		}
	}
	if len(out) == 0 {
		return nil, &NotFoundError{ID: id, Closest: closest(want, ids, 3)}
	}
	return out, nil
}

func explainClient(run *job.Run, c *onboarding.Client, today civil.Date, stallDays int) Client {
	s, m, a := run.Sheet, run.Sheet.Matrix, c.App
	out := Client{
		ClientID: a.ClientID, Company: a.Company, Status: string(c.Status), Next: run.Next(c),
		Cell:      cellOf(s.Apps, a.Row, contract.KeyClientID),
		AppliedOn: date(a.AppliedOn), Handover: date(a.HandoverOn),
		Stalled: c.Stalled, LastActive: date(c.LastActivity), StallDays: stallDays,
		Duplicate: c.Duplicate, Remaining: []string{}, Problems: []Problem{},
	}
	if !c.LastActivity.IsZero() {
		out.IdleDays = int(today - c.LastActivity)
	}

	for k, cond := range m.Conditions {
		cd := Condition{Name: cond.Name, Source: "申込", Cell: cellOf(s.Apps, a.Row, contract.CondKey(k))}
		var app matrix.Known
		if k < len(a.Conditions) {
			app = a.Conditions[k]
		}
		eff := c.Effective[k]
		var last *onboarding.Session
		for _, sess := range c.Sessions { // oldest first: the last confirmation wins
			if k < len(sess.Confirmed) && sess.Confirmed[k].Set {
				last = sess
			}
		}
		cd.Value = knownWord(eff)
		switch {
		case last != nil && app.Set && app.Value == eff.Value:
			cd.ConfirmedOn = last.HeldOn.String()
		case last != nil:
			cd.Source = "セッション " + last.HeldOn.String()
			cd.Cell = cellOf(s.Sessions, last.Row, contract.ConfirmKey(k))
			if app.Set || app.Bad {
				cd.Application = knownWord(app)
			}
		}
		out.Conditions = append(out.Conditions, cd)
	}
	if c.Column >= 0 {
		out.Column = m.Columns[c.Column].Name
	} else {
		res := m.Resolve(c.Effective)
		switch {
		case res.Contradiction != "":
			out.Unresolved = "条件の矛盾: " + res.Contradiction
		default:
			var names []string
			for _, k := range res.Missing {
				names = append(names, m.Conditions[k].Name)
			}
			out.Unresolved = "条件が決まりません: " + strings.Join(names, "・") + " を入力してください"
		}
	}

	for w, work := range m.Works {
		wk := Work{Label: work.Label(), Need: "?", State: "未実施"}
		if c.Needs != nil {
			wk.Need = c.Needs[w].String()
		}
		if c.States[w] != onboarding.NoResult {
			wk.State = c.States[w].String()
		}
		wk.Done = c.WorkDone(w)
		for _, sess := range c.Sessions {
			if w < len(sess.Results) && sess.Results[w] != onboarding.NoResult {
				wk.History = append(wk.History, Entry{
					Date: sess.HeldOn.String(), Result: sess.Results[w].String(),
					Operator: sess.Operator, Memo: sess.Memo,
					Cell: cellOf(s.Sessions, sess.Row, contract.WorkKey(w)),
				})
			}
		}
		out.Works = append(out.Works, wk)
	}
	out.Remaining = append(out.Remaining, c.WorkTags(m, true)...)
	out.Done, out.Required = c.Counts()

	out.Support = support(run, c)
	out.Problems = problems(run, c)
	return out
}

func support(run *job.Run, c *onboarding.Client) Support {
	sp := Support{Email: c.SupportAccount}
	if sp.Email == "" {
		return sp
	}
	sp.Source = "申込"
	if c.App.SupportAccount == "" {
		sp.Source = "このランで割当"
	}
	for i := range run.Sheet.PoolRows {
		p := &run.Sheet.PoolRows[i]
		if strings.EqualFold(p.Email, sp.Email) {
			sp.PoolCell = cellOf(run.Sheet.Pool, p.Row, contract.KeyEmail)
			sp.AssignedOn = date(p.AssignedOn)
		}
	}
	return sp
}

// problems lists the problems on the client's application row and on its
// session rows, in tab and row order.
func problems(run *job.Run, c *onboarding.Client) []Problem {
	rows := map[string]map[int]bool{run.Sheet.Apps.Name: {c.App.Row: true}}
	if run.Sheet.Sessions != nil {
		rows[run.Sheet.Sessions.Name] = map[int]bool{}
		for _, s := range c.Sessions {
			rows[run.Sheet.Sessions.Name][s.Row] = true
		}
	}
	out := []Problem{}
	seen := map[string]bool{}
	for _, p := range run.Problems() {
		if !rows[p.Tab][p.Row] {
			continue
		}
		cell := fmt.Sprintf("%s %d行目", p.Tab, p.Row)
		if p.Col > 0 {
			cell = p.Tab + "!" + sheet.CellName(p.Row, p.Col)
		}
		if key := cell + p.Message; !seen[key] {
			seen[key] = true
			out = append(out, Problem{Cell: cell, Column: p.Header, Message: p.Message, Kind: p.Kind(), Blocking: p.Blocking})
		}
	}
	return out
}

func cellOf(l *contract.Layout, row int, key string) string {
	if l == nil {
		return ""
	}
	if col := l.Col(key); col > 0 {
		return l.Name + "!" + sheet.CellName(row, col)
	}
	return fmt.Sprintf("%s %d行目", l.Name, row)
}

func knownWord(k matrix.Known) string {
	switch {
	case k.Bad:
		return "読めない値"
	case !k.Set:
		return "未入力"
	case k.Value:
		return "あり"
	}
	return "なし"
}

func date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// closest returns up to n IDs nearest to id by edit distance, nearest
// first, then in ID order.
func closest(id string, ids []string, n int) []string {
	type scored struct {
		id string
		d  int
	}
	var all []scored
	seen := map[string]bool{}
	for _, x := range ids {
		if !seen[x] {
			seen[x] = true
			all = append(all, scored{x, distance(id, x)})
		}
	}
	slices.SortFunc(all, func(a, b scored) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.id, b.id)) })
	var out []string
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.id)
	}
	return out
}

// distance is the Levenshtein distance between two strings, by rune.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
