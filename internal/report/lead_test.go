package report_test

import (
	"reflect"
	"strings"
	"testing"

	"onboard/internal/report"
)

func TestPercentileNearestRank(t *testing.T) {
	seq := func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i + 1
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		sorted []int
		p      int
		want   int
	}{
		{"one value is every percentile", []int{7}, 50, 7},
		{"one value, 90th", []int{7}, 90, 7},
		{"even count: the lower middle", []int{1, 2}, 50, 1},
		{"two values, 90th is the larger", []int{1, 2}, 90, 2},
		{"ten values, median is the 5th", seq(10), 50, 5},
		{"ten values, 90th is the 9th", seq(10), 90, 9},
		{"eleven values, median is the 6th", seq(11), 50, 6},
		{"eleven values, 90th is rank ceil(9.9)=10", seq(11), 90, 10},
		{"twenty values, 90th is the 18th", seq(20), 90, 18},
		{"the 100th is the maximum", seq(20), 100, 20},
		{"the 1st is the minimum", []int{3, 8, 9}, 1, 3},
		{"repeated values", []int{0, 0, 16}, 50, 0},
	} {
		if got := report.Percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: Percentile(%v, %d) = %d, want %d", tc.name, tc.sorted, tc.p, got, tc.want)
		}
	}
	if got := report.NewStats([]int{34, 3, 4}); got != (report.Stats{N: 3, Median: 4, P90: 34, Max: 34}) {
		t.Errorf("NewStats sorts first: %+v", got)
	}
	if got := report.NewStats(nil); got != (report.Stats{}) {
		t.Errorf("NewStats(nil) = %+v", got)
	}
}

// TestMilestones: each client's dates along its onboarding, and which
// stages it has completed, by hand. Days are relative to week 47's Monday.
func TestMilestones(t *testing.T) {
	const none = -999 // not reached
	type spans [4]int // days per stage; none when not counted
	for _, tc := range []struct {
		name     string
		a        app
		sessions []sess
		want     [4]int // applied, first session, works done, handover
		spans    spans
	}{
		{
			name:     "one session does every work, handed over later",
			a:        app{id: "1", company: "A", applied: -10, cond: "bid", handover: day(6)},
			sessions: []sess{{id: "1", held: -3, results: all5}},
			want:     [4]int{-10, -3, -3, 6},
			spans:    spans{7, 0, 9, 16},
		},
		{
			name: "the last work done in a second session",
			a:    app{id: "1", company: "A", applied: -20, cond: "bid", handover: day(4)},
			sessions: []sess{{id: "1", held: -15, results: [5]string{"", "完了"}},
				{id: "1", held: 1, results: [5]string{"", "", "完了", "完了", "完了"}}},
			want:  [4]int{-20, -15, 1, 4},
			spans: spans{5, 16, 3, 24},
		},
		{
			name: "a work reopened and done again: the wait starts at the last completion",
			a:    app{id: "1", company: "A", applied: -30, cond: "bid"},
			sessions: []sess{{id: "1", held: -20, results: all5},
				{id: "1", held: -15, results: [5]string{"", "", "保留"}},
				{id: "1", held: -12, results: [5]string{"", "", "完了"}},
				{id: "1", held: -5}}, // a follow-up changes nothing
			want:  [4]int{-30, -20, -12, none},
			spans: spans{10, 8, none, none},
		},
		{
			name:     "works still open: no works-done milestone",
			a:        app{id: "1", company: "A", applied: -3, cond: "bid"},
			sessions: []sess{{id: "1", held: 2, results: [5]string{"", "完了", "保留"}}},
			want:     [4]int{-3, 2, none, none},
			spans:    spans{5, none, none, none},
		},
		{
			name:     "handover recorded while works remain (要確認): no stage ends at it",
			a:        app{id: "1", company: "A", applied: -3, cond: "bid", handover: day(4)},
			sessions: []sess{{id: "1", held: 2, results: [5]string{"", "完了"}}},
			want:     [4]int{-3, 2, none, 4},
			spans:    spans{5, none, none, none},
		},
		{
			name:     "unresolved conditions: the works are unknown, only the first session counts",
			a:        app{id: "1", company: "A", applied: -2, cond: "unknown", handover: day(5)},
			sessions: []sess{{id: "1", held: 2, results: all5}},
			want:     [4]int{-2, 2, none, 5},
			spans:    spans{4, none, none, none},
		},
		{
			name:     "a session dated before the application is out of order: not counted",
			a:        app{id: "1", company: "A", applied: 2, cond: "bid"},
			sessions: []sess{{id: "1", held: 1, results: [5]string{"", "完了"}}},
			want:     [4]int{2, 1, none, none},
			spans:    spans{none, none, none, none},
		},
		{
			name:  "no session yet",
			a:     app{id: "1", company: "A", applied: -1, cond: "bid"},
			want:  [4]int{-1, none, none, none},
			spans: spans{none, none, none, none},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := buildModel(t, []app{tc.a}, tc.sessions, 9)
			mon := week47.Start()
			ms := report.MilestonesOf(&m.Run.Out.Clients[0])
			rel := func(d int) int {
				if d == 0 {
					return none
				}
				return d - int(mon)
			}
			got := [4]int{rel(int(ms.Applied)), rel(int(ms.FirstSession)), rel(int(ms.WorksDone)), rel(int(ms.Handover))}
			if got != tc.want {
				t.Errorf("milestones %v, want %v", got, tc.want)
			}
			var gotSpans spans
			for i, s := range report.Stages {
				start, end, ok := ms.Span(s)
				gotSpans[i] = none
				if ok {
					gotSpans[i] = int(end - start)
				}
			}
			if gotSpans != tc.spans {
				t.Errorf("stage days %v, want %v", gotSpans, tc.spans)
			}
		})
	}
}

// TestLeadTimes is one week's story, every figure worked out by hand.
// Today is day 9 (Wednesday after week 47); targets 14 and 7 days.
func TestLeadTimes(t *testing.T) {
	partial := [5]string{"", "完了"}
	apps := []app{
		{id: "A", company: "A", applied: -10, cond: "bid", op: "佐藤", handover: day(6)}, // 7 / 0 / 9 / 16
		{id: "B", company: "B", applied: -20, cond: "bid", op: "鈴木", handover: day(4)}, // 5 / 16 / 3 / 24
		{id: "C", company: "C", applied: 0, cond: "bid", op: "佐藤"},                     // 3, works open
		{id: "D", company: "duplicate", applied: -40, cond: "bid"},                     // left out
		{id: "D", company: "duplicate again", applied: -40, cond: "bid"},
		{id: "E", company: "E", applied: -2, cond: "unknown", handover: day(5)}, // 4 only
		{id: "F", company: "F", applied: 2, cond: "bid", op: "佐藤"},              // session before application
		{id: "H", company: "H", applied: -30, cond: "bid"},                      // 34: misses the target
		{id: "I", company: "I", applied: -10, cond: "bid", op: "田中"},            // no session, 19 days: breach
		{id: "J", company: "J", applied: -5, cond: "bid"},                       // no session, 14 days: within
		{id: "K", company: "K", applied: -20, cond: "bid", op: "鈴木"},            // 15 / 0, handover waiting 14 days
	}
	sessions := []sess{
		{id: "A", held: -3, results: all5},
		{id: "B", held: -15, results: partial},
		{id: "B", held: 1, results: [5]string{"", "", "完了", "完了", "完了"}},
		{id: "C", held: 3, results: partial},
		{id: "E", held: 2, results: all5},
		{id: "F", held: 1, results: partial},
		{id: "H", held: 4, results: partial},
		{id: "K", held: -5, results: all5},
	}
	m := buildModel(t, apps, sessions, 9)
	lt := m.Lead
	if lt.Targets != report.DefaultTargets {
		t.Errorf("targets %+v, want the defaults", lt.Targets)
	}
	st := func(n, med, p90, mx int) report.Stats { return report.Stats{N: n, Median: med, P90: p90, Max: mx} }
	wantStages := []report.StageStats{
		// This week: C 3, E 4, H 34. Twelve weeks: also A 7, B 5, K 15.
		{Stage: report.StageApplyToFirst, Week: st(3, 4, 34, 34), Trend: st(6, 5, 34, 34)},
		// This week: B 16. Twelve weeks: A 0, K 0 too.
		{Stage: report.StageFirstToWorks, Week: st(1, 16, 16, 16), Trend: st(3, 0, 16, 16)},
		// A 9, B 3.
		{Stage: report.StageWorksToHandover, Week: st(2, 3, 9, 9), Trend: st(2, 3, 9, 9)},
		// A 16, B 24.
		{Stage: report.StageApplyToDone, Week: st(2, 16, 24, 24), Trend: st(2, 16, 24, 24)},
	}
	if !reflect.DeepEqual(lt.Stages, wantStages) {
		t.Errorf("stages\n got %+v\nwant %+v", lt.Stages, wantStages)
	}
	wantOps := []report.StageStats{
		{Operator: "佐藤", Stage: report.StageApplyToFirst, Week: st(1, 3, 3, 3), Trend: st(2, 3, 7, 7)},
		{Operator: "佐藤", Stage: report.StageFirstToWorks, Trend: st(1, 0, 0, 0)},
		{Operator: "佐藤", Stage: report.StageWorksToHandover, Week: st(1, 9, 9, 9), Trend: st(1, 9, 9, 9)},
		{Operator: "佐藤", Stage: report.StageApplyToDone, Week: st(1, 16, 16, 16), Trend: st(1, 16, 16, 16)},
		{Operator: "鈴木", Stage: report.StageApplyToFirst, Trend: st(2, 5, 15, 15)},
		{Operator: "鈴木", Stage: report.StageFirstToWorks, Week: st(1, 16, 16, 16), Trend: st(2, 0, 16, 16)},
		{Operator: "鈴木", Stage: report.StageWorksToHandover, Week: st(1, 3, 3, 3), Trend: st(1, 3, 3, 3)},
		{Operator: "鈴木", Stage: report.StageApplyToDone, Week: st(1, 24, 24, 24), Trend: st(1, 24, 24, 24)},
		{Operator: "", Stage: report.StageApplyToFirst, Week: st(2, 4, 34, 34), Trend: st(2, 4, 34, 34)},
	}
	if !reflect.DeepEqual(lt.Operators, wantOps) {
		t.Errorf("operators\n got %+v\nwant %+v", lt.Operators, wantOps)
	}
	// First session: this week C and E within 14 days, H not; last week
	// A (7) within, K (15) not. Handover: A 9 > 7, B 3; none last week.
	// Breaching now: I (no session for 19 days), K (waiting 14 days).
	wantLevels := []report.ServiceLevel{
		{Target: report.TargetFirstSession, Days: 14, This: report.Share{N: 3, Met: 2}, Prev: report.Share{N: 2, Met: 1}, Breaching: 1},
		{Target: report.TargetHandover, Days: 7, This: report.Share{N: 2, Met: 1}, Breaching: 1},
	}
	if !reflect.DeepEqual(lt.Levels, wantLevels) {
		t.Errorf("levels\n got %+v\nwant %+v", lt.Levels, wantLevels)
	}
	type breach struct {
		id                string
		target            report.Target
		since, days, over int
	}
	var got []breach
	for _, b := range lt.Breaches {
		got = append(got, breach{m.Run.Out.Clients[b.Client].App.ClientID, b.Target, int(b.Since - week47.Start()), b.Days, b.Over})
	}
	// Oldest first; the duplicated D (40 days) is left out, J is within.
	want := []breach{{"I", report.TargetFirstSession, -10, 19, 5}, {"K", report.TargetHandover, -5, 14, 7}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("breaches %+v\nwant     %+v", got, want)
	}
	if len(lt.Trend) != report.TrendWeeks || lt.Trend[report.TrendWeeks-1].Week != week47 {
		t.Fatalf("trend ends with %v", lt.Trend[len(lt.Trend)-1].Week)
	}
	this, prev := lt.Trend[report.TrendWeeks-1], lt.Trend[report.TrendWeeks-2]
	if this.Done != st(2, 16, 24, 24) || this.Levels != [2]report.Share{{N: 3, Met: 2}, {N: 2, Met: 1}} {
		t.Errorf("this week's trend point %+v", this)
	}
	if prev.Done != (report.Stats{}) || prev.Levels != [2]report.Share{{N: 2, Met: 1}, {}} {
		t.Errorf("last week's trend point %+v", prev)
	}
	for _, tw := range lt.Trend[:report.TrendWeeks-2] {
		if tw.Done.N != 0 {
			t.Errorf("week %s: %+v, want nothing", tw.Week, tw)
		}
	}
}

// TestLeadTimeTargets: the limits come from the options; a breach is
// strictly past the limit.
func TestLeadTimeTargets(t *testing.T) {
	for _, tc := range []struct {
		targets  report.ServiceTargets
		breaches int
		met      int
	}{
		{report.ServiceTargets{}, 1, 1},                                      // defaults 14/7: I breaches (19 > 14), A (7) met
		{report.ServiceTargets{FirstSessionDays: 19, HandoverDays: 7}, 0, 1}, // 19 days is within 19
		{report.ServiceTargets{FirstSessionDays: 6, HandoverDays: 7}, 1, 0},  // A's 7 days miss 6
	} {
		apps := []app{{id: "A", company: "A", applied: -10, cond: "bid"}, {id: "I", company: "I", applied: -10, cond: "bid"}}
		sessions := []sess{{id: "A", held: -3, results: [5]string{"", "完了"}}}
		run := buildRun(t, apps, sessions, week47.Start().AddDays(9))
		lt := report.BuildLeadTimes(run.Out.Clients, week47, week47.Start().AddDays(9), tc.targets)
		if got := len(lt.Breaches); got != tc.breaches {
			t.Errorf("%+v: %d breaches, want %d", tc.targets, got, tc.breaches)
		}
		if got := lt.Levels[report.TargetFirstSession].Prev; got != (report.Share{N: 1, Met: tc.met}) {
			t.Errorf("%+v: last week's first-session share %+v, want %d of 1", tc.targets, got, tc.met)
		}
	}
}

// TestLeadTabReadBack renders a hand-made week and reads the リードタイム
// tab back with excelize and openpyxl: the tables, the shares as numbers,
// the breaching client, and the empty per-operator mark.
func TestLeadTabReadBack(t *testing.T) {
	apps := []app{
		{id: "A", company: "A社", applied: -10, cond: "bid", handover: day(6)},
		{id: "I", company: "I社", applied: -10, cond: "bid", op: "田中"},
	}
	m := buildModel(t, apps, []sess{{id: "A", held: -3, results: all5}}, 9)
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	path, err := report.WriteFile(t.TempDir(), m, layout)
	if err != nil {
		t.Fatal(err)
	}
	want := readBack(t, path)
	rows := want.sheets["リードタイム"]
	find := func(label string) []cell {
		for _, r := range rows {
			if len(r) > 0 && r[0] != nil && r[0][1] == label {
				return r
			}
		}
		t.Fatalf("no row %q in リードタイム:\n%s", label, dump(want))
		return nil
	}
	line := func(r []cell) string {
		var s []string
		for _, c := range r {
			s = append(s, c.String())
		}
		return strings.Join(s, " ")
	}
	for label, wantLine := range map[string]string{
		// A: 7 days to the first session (last week), 0 to the works,
		// 9 to the handover and 16 in all (this week).
		"申込→初回セッション":         `s:"申込→初回セッション" n:0 s:"—" s:"—" s:"—" n:1 n:7 n:7 n:7`,
		"申込→完了":              `s:"申込→完了" n:1 n:16 n:16 n:16 n:1 n:16 n:16 n:16`,
		"初回セッション（申込から14日以内）": `s:"初回セッション（申込から14日以内）" n:14 n:0 n:0 s:"—" n:1 n:1 n:1 n:1`,
		"引き渡し（全作業完了から7日以内）":  `s:"引き渡し（全作業完了から7日以内）" n:7 n:1 n:0 n:0 n:0 n:0 s:"—" n:0`,
		"（未設定）":              `s:"（未設定）" s:"申込→初回セッション" n:0 s:"—" s:"—" s:"—" n:1 n:7 n:7 n:7`,
		// I: no session 19 days after applying, 5 past the target.
		"19": `n:19 n:5 d:2026-11-06 s:"初回セッション未実施" s:"I" s:"I社" s:"田中" s:"未着手" s:"初期設定セッションを予約する（停滞: 最終活動 2026/11/06）"`,
	} {
		var got []cell
		if label == "19" {
			got = rows[len(rows)-1]
		} else {
			got = find(label)
		}
		if g := line(got); g != wantLine {
			t.Errorf("%s:\n got %s\nwant %s", label, g, wantLine)
		}
	}
	for _, mode := range []string{"normal", "read_only"} {
		if got := openpyxl(t, path, mode)["リードタイム"]; !reflect.DeepEqual(got, rows) {
			t.Errorf("openpyxl %s reads リードタイム differently:\n got %v\nwant %v", mode, got, rows)
		}
	}
}
