package report

import (
	"cmp"
	"slices"

	"onboard/internal/civil"
	"onboard/internal/onboarding"
)

// Stage is one leg of a client's onboarding, between two milestones
// taken from dates already in the sheet.
type Stage int

const (
	StageApplyToFirst    Stage = iota // 申込日 → 初回セッション
	StageFirstToWorks                 // 初回セッション → 全作業完了
	StageWorksToHandover              // 全作業完了 → 担当作業完了日
	StageApplyToDone                  // 申込日 → 担当作業完了日
)

// Stages lists the stages in display order.
var Stages = []Stage{StageApplyToFirst, StageFirstToWorks, StageWorksToHandover, StageApplyToDone}

// StageKeys name the stages in the layout and in metrics, by Stage.
var StageKeys = []string{"apply_to_first_session", "first_session_to_works_done", "works_done_to_handover", "apply_to_done"}

func (s Stage) Key() string { return StageKeys[s] }

// Target is a service level: a stage that should take at most a number of
// days.
type Target int

const (
	TargetFirstSession Target = iota // a first session soon after the application
	TargetHandover                   // the handover soon after the last work
)

// Targets lists the service levels in display order.
var Targets = []Target{TargetFirstSession, TargetHandover}

// TargetKeys name the targets in the layout and in metrics, by Target.
var TargetKeys = []string{"first_session", "handover"}

func (t Target) Key() string { return TargetKeys[t] }

// stage is the stage a target measures.
func (t Target) stage() Stage {
	if t == TargetHandover {
		return StageWorksToHandover
	}
	return StageApplyToFirst
}

// ServiceTargets are the service levels' limits in days.
type ServiceTargets struct {
	FirstSessionDays int // from 申込日 to the first session
	HandoverDays     int // from the session that finished the last work to 担当作業完了日
}

// DefaultTargets: a first session within 14 days of the application, the
// handover within 7 days of the last work.
var DefaultTargets = ServiceTargets{FirstSessionDays: 14, HandoverDays: 7}

// Days is the limit of a target.
func (s ServiceTargets) Days(t Target) int {
	if t == TargetHandover {
		return s.HandoverDays
	}
	return s.FirstSessionDays
}

// orDefault fills a limit left at zero with its default, so that callers
// that do not care about service levels need not name them.
func (s ServiceTargets) orDefault() ServiceTargets {
	if s.FirstSessionDays == 0 {
		s.FirstSessionDays = DefaultTargets.FirstSessionDays
	}
	if s.HandoverDays == 0 {
		s.HandoverDays = DefaultTargets.HandoverDays
	}
	return s
}

// Milestones are a client's dates along its onboarding; zero when not
// reached (or not known).
type Milestones struct {
	Applied      civil.Date // 申込日
	FirstSession civil.Date // the earliest dated session
	WorksDone    civil.Date // the session after which every required work was done
	Handover     civil.Date // 担当作業完了日
}

// MilestonesOf reads a client's milestones. WorksDone is zero while a
// required work is open, and when the conditions are unresolved (the
// required works are then unknown).
func MilestonesOf(c *onboarding.Client) Milestones {
	m := Milestones{Applied: c.App.AppliedOn, FirstSession: firstSession(c), Handover: c.App.HandoverOn}
	if c.Needs != nil && allWorksDone(c) {
		m.WorksDone = worksDoneOn(c)
	}
	return m
}

// Span returns the days a stage took, and false when the client has not
// completed it or its dates are out of order (a session before the
// application, say: a data slip that would only distort the figures).
// Both stages that end at the handover need every work done, so that a
// handover recorded while works remain (要確認) is not counted.
func (m Milestones) Span(s Stage) (start, end civil.Date, ok bool) {
	switch s {
	case StageApplyToFirst:
		start, end = m.Applied, m.FirstSession
	case StageFirstToWorks:
		start, end = m.FirstSession, m.WorksDone
	case StageWorksToHandover:
		start, end = m.WorksDone, m.Handover
	case StageApplyToDone:
		start, end = m.Applied, m.Handover
		if m.WorksDone.IsZero() {
			return 0, 0, false
		}
	}
	return start, end, !start.IsZero() && !end.IsZero() && end >= start
}

// Stats summarise a set of durations in days. With N == 0 there are no
// figures.
type Stats struct {
	N, Median, P90, Max int
}

// NewStats summarises durations; days is sorted in place.
func NewStats(days []int) Stats {
	if len(days) == 0 {
		return Stats{}
	}
	slices.Sort(days)
	return Stats{N: len(days), Median: Percentile(days, 50), P90: Percentile(days, 90), Max: days[len(days)-1]}
}

// Percentile is the nearest-rank percentile of sorted values: the value at
// rank ceil(p/100 × n), counting from 1 in ascending order. It is always
// one of the values (whole days, no interpolation), so the median of an
// even count is the lower middle value. p is 1..100; sorted is not empty.
func Percentile(sorted []int, p int) int {
	rank := (p*len(sorted) + 99) / 100 // ceil(p·n/100) in integers
	return sorted[max(rank, 1)-1]
}

// Share is how many clients a service level applied to and how many met it.
type Share struct {
	N, Met int
}

// Ratio is the share met, and false when the level applied to no one.
func (s Share) Ratio() (float64, bool) {
	if s.N == 0 {
		return 0, false
	}
	return float64(s.Met) / float64(s.N), true
}

// StageStats are one stage's figures for the report's week and for the
// TrendWeeks ending with it. Operator is set in the per-operator table
// ("" gathers clients without one).
type StageStats struct {
	Operator    string
	Stage       Stage
	Week, Trend Stats
}

// ServiceLevel is one target: the clients that reached its stage's end in
// the week and the week before, and the open clients breaching it now.
type ServiceLevel struct {
	Target    Target
	Days      int
	This      Share
	Prev      Share
	Breaching int
}

// LeadWeek is one week of the lead-time chart.
type LeadWeek struct {
	Week   Week
	Done   Stats    // 申込→完了 of the clients handed over in the week
	Levels [2]Share // by Target
}

// Breach is an open client past a target today: no first session yet, or
// every work done and no handover.
type Breach struct {
	Client int // index into Run.Out.Clients
	Target Target
	Since  civil.Date // the application, or the session that finished the last work
	Days   int        // from Since to today
	Over   int        // days past the target
}

// LeadTimes are the lead-time and service-level figures of a week.
type LeadTimes struct {
	Targets   ServiceTargets
	Stages    []StageStats // by Stage
	Operators []StageStats // by operator (no operator last), then Stage; only stages reached in the trend weeks
	Levels    []ServiceLevel
	Trend     []LeadWeek // TrendWeeks, ending with the report's week
	Breaches  []Breach   // oldest first
}

// leadSample is one client's completed stage.
type leadSample struct {
	client int
	stage  Stage
	end    civil.Date
	days   int
}

// BuildLeadTimes computes the lead times for the week ending the trend and
// the breaches as of today. Rows of a duplicated client ID are left out:
// their sessions cannot be told apart, and the ID is 要確認 in データの問題.
// A client with unresolved conditions counts only for 申込→初回セッション,
// since which works it needs is unknown.
func BuildLeadTimes(clients []onboarding.Client, week Week, today civil.Date, targets ServiceTargets) LeadTimes {
	targets = targets.orDefault()
	lt := LeadTimes{Targets: targets, Trend: make([]LeadWeek, TrendWeeks)}
	for i := range lt.Trend {
		lt.Trend[i].Week = week.Add(i - TrendWeeks + 1)
	}
	first, last := lt.Trend[0].Week.Start(), week.End()

	var samples []leadSample
	for i := range clients {
		c := &clients[i]
		if c.Duplicate {
			continue
		}
		ms := MilestonesOf(c)
		for _, s := range Stages {
			start, end, ok := ms.Span(s)
			if ok && end >= first && end <= last {
				samples = append(samples, leadSample{client: i, stage: s, end: end, days: int(end - start)})
			}
		}
		if !c.App.HandoverOn.IsZero() {
			continue // handed over: no longer waiting
		}
		if ms.FirstSession.IsZero() && !ms.Applied.IsZero() {
			lt.Breaches = appendBreach(lt.Breaches, i, TargetFirstSession, ms.Applied, today, targets)
		}
		if !ms.WorksDone.IsZero() {
			lt.Breaches = appendBreach(lt.Breaches, i, TargetHandover, ms.WorksDone, today, targets)
		}
	}
	slices.SortStableFunc(lt.Breaches, func(x, y Breach) int {
		return cmp.Or(cmp.Compare(x.Since, y.Since), cmp.Compare(clients[x.Client].App.Row, clients[y.Client].App.Row),
			cmp.Compare(x.Target, y.Target))
	})

	// Durations by stage for the week and the trend weeks, overall and
	// by operator; and by trend week for the chart.
	type key struct {
		op    string
		stage Stage
	}
	week1, trend := map[key][]int{}, map[key][]int{}
	weekly := make([][]int, TrendWeeks)
	for _, s := range samples {
		op := clients[s.client].App.Operator
		for _, k := range []key{{"\x00all", s.stage}, {op, s.stage}} {
			trend[k] = append(trend[k], s.days)
			if week.Contains(s.end) {
				week1[k] = append(week1[k], s.days)
			}
		}
		tw := int(s.end-first) / 7
		if s.stage == StageApplyToDone {
			weekly[tw] = append(weekly[tw], s.days)
		}
		for _, t := range Targets {
			if t.stage() == s.stage {
				lt.Trend[tw].Levels[t] = lt.Trend[tw].Levels[t].add(s.days <= targets.Days(t))
			}
		}
	}
	for _, s := range Stages {
		k := key{"\x00all", s}
		lt.Stages = append(lt.Stages, StageStats{Stage: s, Week: NewStats(week1[k]), Trend: NewStats(trend[k])})
	}
	var ops []string
	for k := range trend {
		if k.op != "\x00all" && !slices.Contains(ops, k.op) {
			ops = append(ops, k.op)
		}
	}
	slices.SortFunc(ops, func(x, y string) int {
		if (x == "") != (y == "") { // no operator goes last
			return cmp.Compare(b2i(x == ""), b2i(y == ""))
		}
		return cmp.Compare(x, y)
	})
	for _, op := range ops {
		for _, s := range Stages {
			if k := (key{op, s}); len(trend[k]) > 0 {
				lt.Operators = append(lt.Operators, StageStats{Operator: op, Stage: s, Week: NewStats(week1[k]), Trend: NewStats(trend[k])})
			}
		}
	}
	for i := range lt.Trend {
		lt.Trend[i].Done = NewStats(weekly[i])
	}
	thisWeek, prevWeek := lt.Trend[TrendWeeks-1], lt.Trend[TrendWeeks-2]
	for _, t := range Targets {
		sl := ServiceLevel{Target: t, Days: targets.Days(t), This: thisWeek.Levels[t], Prev: prevWeek.Levels[t]}
		for _, b := range lt.Breaches {
			sl.Breaching += b2i(b.Target == t)
		}
		lt.Levels = append(lt.Levels, sl)
	}
	return lt
}

func (s Share) add(met bool) Share { return Share{N: s.N + 1, Met: s.Met + b2i(met)} }

// appendBreach adds the client when it has waited since since for longer
// than the target.
func appendBreach(bs []Breach, ci int, t Target, since, today civil.Date, targets ServiceTargets) []Breach {
	days := int(today - since)
	if over := days - targets.Days(t); over > 0 {
		bs = append(bs, Breach{Client: ci, Target: t, Since: since, Days: days, Over: over})
	}
	return bs
}

// allWorksDone reports whether every required work is done now.
func allWorksDone(c *onboarding.Client) bool {
	done, required := c.Counts()
	return done == required
}

// Value is a figure that may not be known: no client reached the stage in
// the week, or an earlier week cannot be rebuilt.
type Value struct {
	V     float64
	Known bool
}

// LeadFigure is one lead-time figure of サマリー and the mail, this week
// beside the previous one. Percent figures are shares from 0 to 1; the
// others are days or clients.
type LeadFigure struct {
	Key        string // one of LeadFigureKeys
	Percent    bool
	This, Prev Value
}

// LeadFigures are the summary's lead-time figures, in LeadFigureKeys order.
func (m *Model) LeadFigures() []LeadFigure {
	lt := &m.Lead
	median := func(s Stats) Value { return Value{V: float64(s.Median), Known: s.N > 0} }
	ratio := func(s Share) Value {
		v, ok := s.Ratio()
		return Value{V: v, Known: ok}
	}
	figs := []LeadFigure{{Key: LeadFigureKeys[0], This: median(lt.Stages[StageApplyToDone].Week), Prev: median(lt.Trend[TrendWeeks-2].Done)}}
	for i, t := range Targets {
		sl := lt.Levels[t]
		figs = append(figs, LeadFigure{Key: LeadFigureKeys[1+i], Percent: true, This: ratio(sl.This), Prev: ratio(sl.Prev)})
	}
	return append(figs, LeadFigure{Key: LeadFigureKeys[3], This: Value{V: float64(len(lt.Breaches)), Known: true}})
}
