package report_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/report"
	"onboard/internal/sheet"
	"onboard/internal/sheet/memsheet"
	"onboard/internal/statuslog"
)

// app and sess are rows of a hand-made sheet; dates are days relative to
// the report's week (0 = its Monday, 6 = its Sunday, -1 = the Sunday
// before) so each case reads as a story about that week.
type app struct {
	id, company string
	applied     int
	cond        string // matrix column: "use" (OA, existing), "new" (no OA, no ID) ...
	op          string
	handover    *int
}

type sess struct {
	id       string
	held     int
	op       string
	results  [5]string
	literacy string
}

var week47 = report.Week{Year: 2026, Num: 47}

func day(n int) *int { return &n }

// buildRun computes a sheet made of the rows as sync would.
func buildRun(t testing.TB, apps []app, sessions []sess, today civil.Date) *job.Run {
	t.Helper()
	mon := week47.Start()
	d := func(n int) sheet.Value { return sheet.DayValue(mon.AddDays(n)) }
	text := sheet.TextValue
	appTab := &sheet.Tab{Name: "申込", Rows: [][]sheet.Value{texts("クライアントID", "申込日", "事業者名",
		"LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "担当オペレーター", "担当作業完了日", "サポートアカウント")}}
	for _, a := range apps {
		oa, use, bid := "なし", "", "なし"
		switch a.cond {
		case "use":
			oa, use, bid = "あり", "あり", "あり"
		case "own":
			oa, use, bid = "あり", "なし", "あり"
		case "bid":
			bid = "あり"
		case "unknown": // no answers: the conditions stay unresolved
			oa, bid = "", ""
		}
		row := []sheet.Value{text(a.id), d(a.applied), text(a.company), text(oa), text(use), text(bid), text(a.op), {}, text("s" + a.id + "@x.jp")}
		if a.handover != nil {
			row[7] = d(*a.handover)
		}
		appTab.Rows = append(appTab.Rows, row)
	}
	sessTab := &sheet.Tab{Name: "セッション", Rows: [][]sheet.Value{texts("クライアントID", "実施日", "オペレーター",
		"LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント", "ITリテラシー")}}
	for _, s := range sessions {
		row := []sheet.Value{text(s.id), d(s.held), text(s.op)}
		for _, r := range s.results {
			row = append(row, text(r))
		}
		sessTab.Rows = append(sessTab.Rows, append(row, text(s.literacy)))
	}
	mx, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	now := today.Time(tokyo(t)).Add(9 * time.Hour)
	run, err := job.Compute(context.Background(), memsheet.New("model", appTab, sessTab),
		job.Config{Matrix: mx, Now: now, StallDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func texts(ss ...string) []sheet.Value {
	row := make([]sheet.Value, len(ss))
	for i, s := range ss {
		row[i] = sheet.TextValue(s)
	}
	return row
}

func buildModel(t testing.TB, apps []app, sessions []sess, todayOffset int) *report.Model {
	today := week47.Start().AddDays(todayOffset)
	run := buildRun(t, apps, sessions, today)
	return report.Build(run, report.Options{Week: week47, Now: today.Time(tokyo(t)).Add(9 * time.Hour), StallDays: 14})
}

// figures returns this week's and last week's figures by key; -1 marks
// an unknown value.
func figures(m *report.Model) map[string][2]int {
	out := map[string][2]int{}
	for _, f := range m.Figures {
		v := [2]int{f.This.N, f.Prev.N}
		if !f.Prev.Known {
			v[1] = -1
		}
		out[f.Key] = v
	}
	return out
}

var all5 = [5]string{"", "完了", "完了", "完了", "完了"} // the four works of an OA-less client with an ID

func TestBuildFigures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		apps     []app
		sessions []sess
		want     map[string][2]int // figures that must have these values
	}{
		{
			name: "a sheet with no sessions at all",
			apps: []app{{id: "1", company: "A", applied: 2, cond: "bid"}, {id: "2", company: "B", applied: -3, cond: "bid"}},
			want: map[string][2]int{"applications": {1, 1}, "sessions": {0, 0}, "completions": {0, 0}, "in_progress": {0, 0},
				"needs_review": {0, -1}, "stalled": {0, 0}},
		},
		{
			name:     "an empty week: everything happened the week before",
			apps:     []app{{id: "1", company: "A", applied: -6, cond: "bid", handover: day(-1)}},
			sessions: []sess{{id: "1", held: -4, results: all5}},
			want:     map[string][2]int{"applications": {0, 1}, "sessions": {0, 1}, "completions": {0, 1}, "in_progress": {0, 0}},
		},
		{
			name: "Sunday belongs to the week, Monday to the next",
			apps: []app{{id: "1", company: "A", applied: -1, cond: "bid"}, {id: "2", company: "B", applied: 0, cond: "bid"},
				{id: "3", company: "C", applied: 6, cond: "bid"}, {id: "4", company: "D", applied: 7, cond: "bid"}},
			sessions: []sess{{id: "1", held: 6}, {id: "2", held: 7}},
			want:     map[string][2]int{"applications": {2, 1}, "sessions": {1, 0}, "in_progress": {1, 0}},
		},
		{
			name: "in progress is rebuilt from dates at each week's end",
			apps: []app{
				{id: "1", company: "started last week, open", applied: -10, cond: "bid"},
				{id: "2", company: "started this week", applied: -2, cond: "bid"},
				{id: "3", company: "handed over this week", applied: -12, cond: "bid", handover: day(3)},
				{id: "4", company: "session after the week", applied: 1, cond: "bid"},
			},
			sessions: []sess{{id: "1", held: -5, results: [5]string{"", "完了"}}, {id: "2", held: 2},
				{id: "3", held: -8, results: all5}, {id: "4", held: 8}},
			// At last Sunday (day -1) clients 1 and 3 had a session and no
			// handover; at this Sunday clients 1 and 2.
			want: map[string][2]int{"in_progress": {2, 2}, "completions": {1, 0}, "sessions": {1, 1}},
		},
		{
			name: "stalled at the week's end: 14 days without activity, not handed over",
			apps: []app{
				{id: "1", company: "applied 14 days before Sunday", applied: -8, cond: "bid"},
				{id: "2", company: "applied 13 days before Sunday", applied: -7, cond: "bid"},
				{id: "3", company: "old but a session this week", applied: -40, cond: "bid"},
				{id: "4", company: "old and handed over", applied: -40, cond: "bid", handover: day(-30)},
			},
			sessions: []sess{{id: "3", held: 1}, {id: "4", held: -35, results: all5}},
			// This Sunday (day 6): client 1, 14 days after applying. Last
			// Sunday (day -1): client 3, whose session came later.
			want: map[string][2]int{"stalled": {1, 1}},
		},
		{
			name: "a blocking problem counts as 要確認 now; the week before is unknown",
			apps: []app{{id: "1", company: "A", applied: 1, cond: "bid"}, {id: "1", company: "A again", applied: 1, cond: "bid"}},
			want: map[string][2]int{"needs_review": {2, -1}, "applications": {2, 0}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := buildModel(t, tc.apps, tc.sessions, 9)
			got := figures(m)
			for k, want := range tc.want {
				if got[k] != want {
					t.Errorf("%s: this/prev = %v, want %v", k, got[k], want)
				}
			}
			if len(m.Trend) != report.TrendWeeks || m.Trend[report.TrendWeeks-1].Week != week47 {
				t.Errorf("trend ends with %v", m.Trend[len(m.Trend)-1].Week)
			}
		})
	}
}

func TestBuildTrendBuckets(t *testing.T) {
	apps := []app{
		{id: "1", company: "A", applied: -77, cond: "bid"}, // Monday of the first trend week
		{id: "2", company: "B", applied: -78, cond: "bid"}, // the Sunday before: outside
		{id: "3", company: "C", applied: -1, cond: "bid", handover: day(6)},
	}
	sessions := []sess{{id: "3", held: -1, results: all5}, {id: "3", held: 6}}
	m := buildModel(t, apps, sessions, 9)
	if w := m.Trend[0].Week; w != (report.Week{Year: 2026, Num: 36}) {
		t.Fatalf("first trend week %s", w)
	}
	var got [][3]int
	for _, tw := range m.Trend {
		got = append(got, [3]int{tw.Applications, tw.Sessions, tw.Completions})
	}
	want := make([][3]int, report.TrendWeeks)
	want[0] = [3]int{1, 0, 0}
	want[10] = [3]int{1, 1, 0}
	want[11] = [3]int{0, 1, 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trend = %v\nwant    %v", got, want)
	}
}

func TestBuildBreakdowns(t *testing.T) {
	apps := []app{
		{id: "1", company: "A", applied: -20, cond: "use", op: "佐藤"},
		{id: "2", company: "B", applied: -20, cond: "new", op: "佐藤"},
		{id: "3", company: "C", applied: -20, cond: "bid", op: "鈴木", handover: day(4)},
		{id: "4", company: "D", applied: 1, cond: "bid"},
	}
	sessions := []sess{
		{id: "1", held: -15, op: "佐藤", results: [5]string{"", "", "既存あり", "保留", "完了"}, literacy: "低"},
		{id: "1", held: 2, op: "佐藤", literacy: "高"}, // the latest session's level counts
		{id: "2", held: 3, op: "", results: [5]string{"完了", "未完了"}},
		{id: "3", held: -10, op: "鈴木", results: all5, literacy: "中"},
		{id: "9", held: 4, op: "田中"}, // a client not in 申込 still counts as a session held
	}
	m := buildModel(t, apps, sessions, 9) // today: Wednesday of the next week

	// ① only without OA and ID, ② not with the existing OA, ③–⑤ always.
	wantWorks := [][2]int{{1, 1}, {3, 1}, {4, 2}, {4, 1}, {4, 2}}
	for w, wr := range m.Works {
		if [2]int{wr.Required, wr.Done} != wantWorks[w] {
			t.Errorf("work %s: required/done %d/%d, want %v", wr.Work.Label(), wr.Required, wr.Done, wantWorks[w])
		}
	}
	wantCond := []report.Tally{{Label: "OAあり・既存を使用", N: 1}, {Label: "OAあり・既存を不使用"}, {Label: "OAなし・ビジネスIDあり", N: 2},
		{Label: "OAなし・ビジネスIDなし", N: 1}, {N: 0}}
	if !reflect.DeepEqual(m.Conditions, wantCond) {
		t.Errorf("conditions %v, want %v", m.Conditions, wantCond)
	}
	wantLit := []report.Tally{{Label: "高", N: 1}, {Label: "中", N: 1}, {Label: "低"}, {N: 1}}
	if !reflect.DeepEqual(m.Literacy, wantLit) {
		t.Errorf("literacy %v, want %v", m.Literacy, wantLit)
	}
	status := map[string]int{}
	for _, s := range m.Statuses {
		status[s.Label] = s.N
	}
	if status["進行中"] != 2 || status["完了"] != 1 || status["未着手"] != 1 {
		t.Errorf("statuses %v", m.Statuses)
	}
	// Sessions of the week, by date: client 1 (day 2), 2 (day 3), 9 (day 4).
	var ids []string
	for _, i := range m.WeekSessions {
		ids = append(ids, m.Run.In.Sessions[i].ClientID)
	}
	if !reflect.DeepEqual(ids, []string{"1", "2", "9"}) {
		t.Errorf("week sessions %v", ids)
	}
	// A session without an operator counts for the client's operator.
	wantOps := []report.OperatorRow{
		{Name: "佐藤", SessionsWeek: 2, Open: 2},
		{Name: "田中", SessionsWeek: 1},
		{Name: "鈴木", CompletionsWeek: 1},
		{Name: "", Open: 1},
	}
	if !reflect.DeepEqual(m.Operators, wantOps) {
		t.Errorf("operators %+v\nwant      %+v", m.Operators, wantOps)
	}
}

func TestBuildBacklog(t *testing.T) {
	apps := []app{
		{id: "1", company: "works open", applied: -20, cond: "bid"},
		{id: "2", company: "awaiting handover", applied: -30, cond: "bid"},
		{id: "3", company: "not started", applied: -30, cond: "bid"},
		{id: "4", company: "done", applied: -30, cond: "bid", handover: day(0)},
	}
	sessions := []sess{
		{id: "1", held: -10, results: [5]string{"", "完了", "保留"}},
		{id: "2", held: -25, results: [5]string{"", "完了", "完了"}},
		{id: "2", held: -12, results: [5]string{"", "", "", "完了", "既存あり"}}, // every work done here
		{id: "2", held: -5}, // a later follow-up
		{id: "4", held: -20, results: all5},
	}
	m := buildModel(t, apps, sessions, 9)
	type item struct {
		id    string
		work  int
		since int
		days  int
	}
	var got []item
	mon := week47.Start()
	for _, b := range m.Backlog {
		got = append(got, item{m.Run.Out.Clients[b.Client].App.ClientID, b.Work, int(b.Since - mon), b.Days})
	}
	// Oldest first: the handover has waited since day -12 (21 days before
	// today, day 9); client 1's open works since its first session.
	want := []item{{"2", -1, -12, 21}, {"1", 2, -10, 19}, {"1", 3, -10, 19}, {"1", 4, -10, 19}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("backlog %+v\nwant     %+v", got, want)
	}
	if c := m.Run.Out.Clients[m.Backlog[0].Client]; c.Status != onboarding.AwaitHandover {
		t.Errorf("first backlog client is %s", c.Status)
	}
}

// TestPreviousWeekFromHistory: 要確認, 停滞 and サポートアカウント残 of the
// week before are the totals the ステータス履歴 tab held at the end of
// its Sunday (day -1): not a row written later, not one of the report's
// own week; with no totals by then they stay unknown (—), and 停滞 falls
// back to the rebuild from dates.
func TestPreviousWeekFromHistory(t *testing.T) {
	apps := []app{{id: "1", company: "A", applied: -20, cond: "bid"}}
	at := func(dayOffset int, clock string) sheet.Value {
		return sheet.TextValue(week47.Start().AddDays(dayOffset).Time(tokyo(t)).Format("2006/01/02") + " " + clock)
	}
	totals := func(when sheet.Value, n ...float64) []sheet.Value {
		return []sheet.Value{when, {}, {}, {}, {}, sheet.TextValue(statuslog.TotalsTrigger),
			sheet.NumberValue(n[0]), sheet.NumberValue(n[1]), sheet.NumberValue(n[2])}
	}
	for _, tc := range []struct {
		name string
		rows [][]sheet.Value
		want map[string][2]int
	}{
		{"no history", nil, map[string][2]int{"needs_review": {0, -1}, "pool_left": {0, -1}, "stalled": {1, 1}}},
		{"the totals by the Sunday before, not later ones", [][]sheet.Value{
			totals(at(-9, "09:00"), 1, 1, 1),
			totals(at(-1, "23:59"), 3, 4, 5),
			totals(at(0, "00:00"), 7, 7, 7),
		}, map[string][2]int{"needs_review": {0, 3}, "stalled": {1, 4}, "pool_left": {0, 5}}},
		{"only rows after that Sunday", [][]sheet.Value{totals(at(2, "09:00"), 7, 7, 7)},
			map[string][2]int{"needs_review": {0, -1}, "pool_left": {0, -1}, "stalled": {1, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			today := week47.Start().AddDays(9)
			run := buildRun(t, apps, nil, today)
			tab := &sheet.Tab{Name: statuslog.TabName, Rows: append([][]sheet.Value{{sheet.TextValue("日時")}}, tc.rows...)}
			run.History = statuslog.Parse(tab, tokyo(t))
			m := report.Build(run, report.Options{Week: week47, Now: today.Time(tokyo(t)).Add(9 * time.Hour), StallDays: 14})
			got := figures(m)
			for k, want := range tc.want {
				if got[k] != want {
					t.Errorf("%s: this/prev = %v, want %v", k, got[k], want)
				}
			}
		})
	}
}
