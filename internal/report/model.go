// Package report builds the managers' weekly Excel workbook from a
// computed run: pure figures first (model.go), then the workbook's tabs
// (summary.go, tables.go) in the look the layout template gives
// (layout.go), written atomically (render.go).
package report

import (
	"cmp"
	"slices"
	"time"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
)

// TrendWeeks is how many weeks the trend chart shows, ending with the
// report's week.
const TrendWeeks = 12

// Figure keys, in the summary's order.
const (
	FigApplications = "applications"
	FigSessions     = "sessions"
	FigCompletions  = "completions"
	FigInProgress   = "in_progress"
	FigNeedsReview  = "needs_review"
	FigStalled      = "stalled"
	FigPoolLeft     = "pool_left"
)

// FigureKeys lists the summary figures in display order.
var FigureKeys = []string{FigApplications, FigSessions, FigCompletions, FigInProgress, FigNeedsReview, FigStalled, FigPoolLeft}

// Literacy levels as the contract normalises them.
var LiteracyLevels = []string{"高", "中", "低"}

// Options say which week to report and how.
type Options struct {
	Week      Week
	Now       time.Time // when the report is made, in the team's zone
	StallDays int
	Source    string // the spreadsheet, for the caption
	// Targets are the service levels' limits; a zero limit takes its
	// default (DefaultTargets).
	Targets ServiceTargets
}

// Count is a figure that may not be known (a snapshot the sheet's dates
// cannot rebuild for an earlier week).
type Count struct {
	N     int
	Known bool
}

func known(n int) Count { return Count{N: n, Known: true} }

// FigureRow is one line of the summary: this week beside the previous one.
type FigureRow struct {
	Key        string
	This, Prev Count
}

// WorkRate is one matrix work's completion over all clients.
type WorkRate struct {
	Work           matrix.Work
	Required, Done int
}

// Tally is a labelled count. An empty label is the "other" bucket
// (unresolved conditions, unrecorded literacy), named by the layout.
type Tally struct {
	Label string
	N     int
}

// TrendWeek is one week of the trend chart.
type TrendWeek struct {
	Week                                Week
	Applications, Sessions, Completions int
}

// BacklogItem is one open work (Work >= 0) or pending handover (Work < 0)
// of a client whose setup has started.
type BacklogItem struct {
	Client int // index into Run.Out.Clients
	Work   int
	Since  civil.Date // the first session; for a handover, when the last work was done
	Days   int        // from Since to today
}

// OperatorRow is one operator's week. Name "" gathers what has no operator.
type OperatorRow struct {
	Name                                         string
	SessionsWeek, Open, CompletionsWeek, Stalled int
}

// Model is every figure and list the workbook shows, computed from a run
// without I/O.
type Model struct {
	Options
	Today      civil.Date
	Run        *job.Run
	Figures    []FigureRow
	Works      []WorkRate
	Conditions []Tally // per matrix column, then unresolved
	Literacy   []Tally // 高 中 低, then unrecorded
	Statuses   []Tally // per status, in onboarding.Statuses order
	Trend      []TrendWeek
	// WeekSessions are indices into Run.In.Sessions (the session records) held in the
	// week, by date then row.
	WeekSessions []int
	Backlog      []BacklogItem
	Operators    []OperatorRow
	Problems     []contract.Located
	// ClientByID maps a client ID to its first application row's client.
	ClientByID map[string]int
	// Lead are the lead times and service levels (リードタイム tab).
	Lead LeadTimes
}

// Build computes the model. It never fails: the run already turned every
// unreadable cell into a problem.
func Build(run *job.Run, opt Options) *Model {
	m := &Model{Options: opt, Today: civil.Of(opt.Now), Run: run}
	clients := run.Out.Clients
	mx := run.In.Matrix
	m.ClientByID = make(map[string]int, len(clients))
	for i := range clients {
		if id := clients[i].App.ClientID; id != "" {
			if _, dup := m.ClientByID[id]; !dup {
				m.ClientByID[id] = i
			}
		}
	}

	week, prev := opt.Week, opt.Week.Add(-1)
	m.Trend = make([]TrendWeek, TrendWeeks)
	for i := range m.Trend {
		m.Trend[i].Week = week.Add(i - TrendWeeks + 1)
	}
	first, last := m.Trend[0].Week.Start(), week.End()
	bucket := func(d civil.Date) *TrendWeek {
		if d.IsZero() || d < first || d > last {
			return nil
		}
		return &m.Trend[int(d-first)/7]
	}

	var thisIn, prevIn, thisStalled, prevStalled int
	statuses := map[onboarding.Status]int{}
	columns := make([]int, len(mx.Columns)+1) // last: unresolved
	literacy := make([]int, len(LiteracyLevels)+1)
	m.Works = make([]WorkRate, len(mx.Works))
	for w := range mx.Works {
		m.Works[w].Work = mx.Works[w]
	}
	ops := map[string]*OperatorRow{}
	op := func(name string) *OperatorRow {
		r := ops[name]
		if r == nil {
			r = &OperatorRow{Name: name}
			ops[name] = r
		}
		return r
	}

	for i := range clients {
		c := &clients[i]
		a := c.App
		if t := bucket(a.AppliedOn); t != nil {
			t.Applications++
		}
		if t := bucket(a.HandoverOn); t != nil {
			t.Completions++
		}
		thisIn += b2i(inProgressAt(c, week.End()))
		prevIn += b2i(inProgressAt(c, prev.End()))
		thisStalled += b2i(stalledAt(c, week.End(), opt.StallDays))
		prevStalled += b2i(stalledAt(c, prev.End(), opt.StallDays))
		statuses[c.Status]++

		if c.Column >= 0 && c.Column < len(mx.Columns) {
			columns[c.Column]++
		} else {
			columns[len(mx.Columns)]++
		}
		for w := range m.Works {
			if c.Required(w) {
				m.Works[w].Required++
				if c.WorkDone(w) {
					m.Works[w].Done++
				}
			}
		}
		if len(c.Sessions) > 0 {
			literacy[literacyLevel(c)]++
		}

		if c.Status != onboarding.Completed {
			op(a.Operator).Open++
		}
		if c.Stalled {
			op(a.Operator).Stalled++
		}
		if week.Contains(a.HandoverOn) {
			op(a.Operator).CompletionsWeek++
		}
		m.Backlog = appendBacklog(m.Backlog, i, c, m.Today)
	}

	sessions := run.In.Sessions
	for i := range sessions {
		s := &sessions[i]
		if t := bucket(s.HeldOn); t != nil {
			t.Sessions++
		}
		if week.Contains(s.HeldOn) {
			m.WeekSessions = append(m.WeekSessions, i)
			name := s.Operator
			if ci, ok := m.ClientByID[s.ClientID]; ok && name == "" {
				name = clients[ci].App.Operator
			}
			op(name).SessionsWeek++
		}
	}
	slices.SortStableFunc(m.WeekSessions, func(x, y int) int {
		return cmp.Or(cmp.Compare(sessions[x].HeldOn, sessions[y].HeldOn), cmp.Compare(sessions[x].Row, sessions[y].Row))
	})
	slices.SortStableFunc(m.Backlog, func(x, y BacklogItem) int {
		workOrder := func(w int) int { // the handover comes after the works
			if w < 0 {
				return len(mx.Works)
			}
			return w
		}
		return cmp.Or(cmp.Compare(undatedLast(x.Since), undatedLast(y.Since)),
			cmp.Compare(clients[x.Client].App.Row, clients[y.Client].App.Row),
			cmp.Compare(workOrder(x.Work), workOrder(y.Work)))
	})

	this, before := m.Trend[TrendWeeks-1], m.Trend[TrendWeeks-2]
	// 要確認 and サポートアカウント残 of an earlier week are what the
	// ステータス履歴 tab recorded by its Sunday; 停滞 too, which the dates
	// alone rebuild only as far as they were entered in time.
	var prevNeeds, prevPool Count
	prevStall := known(prevStalled)
	if t, ok := run.History.TotalsAsOf(prev.End()); ok {
		prevNeeds, prevStall, prevPool = known(t.NeedsReview), known(t.Stalled), known(t.PoolLeft)
	}
	m.Figures = []FigureRow{
		{FigApplications, known(this.Applications), known(before.Applications)},
		{FigSessions, known(this.Sessions), known(before.Sessions)},
		{FigCompletions, known(this.Completions), known(before.Completions)},
		{FigInProgress, known(thisIn), known(prevIn)},
		{FigNeedsReview, known(statuses[onboarding.NeedsReview]), prevNeeds},
		{FigStalled, known(thisStalled), prevStall},
		{FigPoolLeft, known(run.Out.PoolLeft), prevPool},
	}
	for ci, col := range mx.Columns {
		if col.Contradiction == "" || columns[ci] > 0 {
			m.Conditions = append(m.Conditions, Tally{Label: col.Name, N: columns[ci]})
		}
	}
	m.Conditions = append(m.Conditions, Tally{N: columns[len(mx.Columns)]})
	for i, lv := range LiteracyLevels {
		m.Literacy = append(m.Literacy, Tally{Label: lv, N: literacy[i]})
	}
	m.Literacy = append(m.Literacy, Tally{N: literacy[len(LiteracyLevels)]})
	for _, st := range onboarding.Statuses {
		m.Statuses = append(m.Statuses, Tally{Label: string(st), N: statuses[st]})
	}
	for _, r := range ops {
		if r.SessionsWeek+r.Open+r.CompletionsWeek+r.Stalled > 0 {
			m.Operators = append(m.Operators, *r)
		}
	}
	slices.SortFunc(m.Operators, func(x, y OperatorRow) int {
		if (x.Name == "") != (y.Name == "") { // no operator goes last
			return cmp.Compare(b2i(x.Name == ""), b2i(y.Name == ""))
		}
		return cmp.Compare(x.Name, y.Name)
	})
	m.Problems = run.Problems()
	m.Lead = BuildLeadTimes(clients, week, m.Today, opt.Targets)
	m.Targets = m.Lead.Targets
	return m
}

// firstSession is the date of the client's earliest dated session.
func firstSession(c *onboarding.Client) civil.Date {
	for _, s := range c.Sessions { // oldest first; undated rows sort first
		if !s.HeldOn.IsZero() {
			return s.HeldOn
		}
	}
	return 0
}

// handedOverBy reports whether the handover was recorded on or before d.
func handedOverBy(c *onboarding.Client, d civil.Date) bool {
	return !c.App.HandoverOn.IsZero() && c.App.HandoverOn <= d
}

// inProgressAt rebuilds "in progress" at the end of day d from dates
// alone: a session held by then and no handover by then. The statuses
// themselves are only known for today.
func inProgressAt(c *onboarding.Client, d civil.Date) bool {
	f := firstSession(c)
	return !f.IsZero() && f <= d && !handedOverBy(c, d)
}

// stalledAt rebuilds the job's stall rule at the end of day d: not handed
// over, and the last activity up to d is stallDays or more before d.
func stalledAt(c *onboarding.Client, d civil.Date, stallDays int) bool {
	if stallDays <= 0 || handedOverBy(c, d) {
		return false
	}
	var last civil.Date
	if a := c.App.AppliedOn; !a.IsZero() && a <= d {
		last = a
	}
	for _, s := range c.Sessions {
		if !s.HeldOn.IsZero() && s.HeldOn <= d {
			last = max(last, s.HeldOn)
		}
	}
	return !last.IsZero() && int(d-last) >= stallDays
}

// literacyLevel is the index in LiteracyLevels of the level the client's
// latest session recorded, or len(LiteracyLevels) when none did.
func literacyLevel(c *onboarding.Client) int {
	for j := len(c.Sessions) - 1; j >= 0; j-- {
		if lv := c.Sessions[j].Literacy; lv != "" {
			if k := slices.Index(LiteracyLevels, lv); k >= 0 {
				return k
			}
		}
	}
	return len(LiteracyLevels)
}

// appendBacklog adds the client's open works, or its pending handover once
// every work is done. Clients whose setup has not started (no session) or
// whose works are unknown are left to クライアント一覧.
func appendBacklog(items []BacklogItem, ci int, c *onboarding.Client, today civil.Date) []BacklogItem {
	start := firstSession(c)
	if c.Status == onboarding.Completed || c.Needs == nil || start.IsZero() {
		return items
	}
	open := false
	for w := range c.Needs {
		if c.Required(w) && !c.States[w].IsDone() {
			items = append(items, BacklogItem{Client: ci, Work: w, Since: start, Days: int(today - start)})
			open = true
		}
	}
	if !open && c.App.HandoverOn.IsZero() {
		since := worksDoneOn(c)
		items = append(items, BacklogItem{Client: ci, Work: -1, Since: since, Days: int(today - since)})
	}
	return items
}

// worksDoneOn is the date of the session after which every required work
// was done (and stayed done: a work reopened later restarts the wait): the
// handover has waited since then. Call it only when every work is done.
func worksDoneOn(c *onboarding.Client) civil.Date {
	states := make([]onboarding.Result, len(c.Needs))
	var last, since civil.Date
	for _, s := range c.Sessions {
		for w, r := range s.Results {
			if r != onboarding.NoResult && w < len(states) {
				states[w] = r
			}
		}
		if !s.HeldOn.IsZero() {
			last = s.HeldOn
		}
		done := true
		for w := range c.Needs {
			if c.Required(w) && !states[w].IsDone() {
				done = false
				break
			}
		}
		switch {
		case !done:
			since = 0
		case since.IsZero():
			since = last // still zero after undated rows: the next dated session
		}
	}
	if since.IsZero() {
		return last
	}
	return since
}

// undatedLast orders dates with "no date" after every real one.
func undatedLast(d civil.Date) civil.Date {
	if d.IsZero() {
		return 1<<31 - 1
	}
	return d
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
