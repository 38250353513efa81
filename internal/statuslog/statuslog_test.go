package statuslog

import (
	"slices"
	"strings"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
)

var tokyo = func() *time.Location {
	l, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return l
}()

// TestTrigger: what a status row says caused the change, derived from the
// old status, the new one and the client's data now.
func TestTrigger(t *testing.T) {
	d := func(day int) civil.Date { return civil.New(2026, 11, day) }
	blocking := onboarding.Problem{Message: "LINE公式アカウント: 「たぶん」は あり/なし で入力してください", Blocking: true}
	note := onboarding.Problem{Message: "メモ"}
	long := onboarding.Problem{Message: strings.Repeat("長", 80), Blocking: true}
	session := func(day int) *onboarding.Session { return &onboarding.Session{HeldOn: d(day)} }
	for _, tc := range []struct {
		name     string
		old      string
		starting bool
		c        onboarding.Client
		want     string
	}{
		{"first recording", "", true, onboarding.Client{Status: onboarding.InProgress}, "記録開始"},
		{"first recording of a changed status", "未着手", true, onboarding.Client{Status: onboarding.InProgress}, "記録開始"},
		{"a new application", "", false, onboarding.Client{Status: onboarding.NotStarted, App: &onboarding.Application{AppliedOn: d(20)}}, "申込 2026/11/20"},
		{"a new application without a date", "", false, onboarding.Client{Status: onboarding.NotStarted}, "申込"},
		{"a problem found", "進行中", false, onboarding.Client{Status: onboarding.NeedsReview, Problems: []onboarding.Problem{note, blocking}}, "問題: " + blocking.Message},
		{"a long problem is cut", "進行中", false, onboarding.Client{Status: onboarding.NeedsReview, Problems: []onboarding.Problem{long}}, "問題: " + strings.Repeat("長", 59) + "…"},
		{"a new client with a problem is the application", "", false, onboarding.Client{Status: onboarding.NeedsReview, Problems: []onboarding.Problem{blocking}}, "申込"},
		{"a problem fixed", "要確認", false, onboarding.Client{Status: onboarding.InProgress, Sessions: []*onboarding.Session{session(3)}}, "問題の解消"},
		{"the handover recorded", "担当作業待ち", false, onboarding.Client{Status: onboarding.Completed, App: &onboarding.Application{HandoverOn: d(24)}}, "担当作業完了日 2026/11/24"},
		{"the handover cleared", "完了", false, onboarding.Client{Status: onboarding.AwaitHandover}, "担当作業完了日の取消"},
		{"a session held", "セッション予定", false, onboarding.Client{Status: onboarding.InProgress, Sessions: []*onboarding.Session{session(3), {}, session(18)}}, "セッション 2026/11/18"},
		{"the last works done in a session", "進行中", false, onboarding.Client{Status: onboarding.AwaitHandover, Sessions: []*onboarding.Session{session(3), session(21)}}, "セッション 2026/11/21"},
		{"a session booked", "未着手", false, onboarding.Client{Status: onboarding.Scheduled, App: &onboarding.Application{ScheduledOn: d(30)}}, "セッション予定日 2026/11/30"},
		{"a session date cleared", "セッション予定", false, onboarding.Client{Status: onboarding.NotStarted}, "セッション予定日の取消"},
		{"anything else", "進行中", false, onboarding.Client{Status: onboarding.NotStarted}, "申込の変更"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.c.App == nil {
				tc.c.App = &onboarding.Application{}
			}
			problem := ""
			for _, p := range tc.c.Problems {
				if p.Blocking {
					problem = p.Message // no field: the message as read
					break
				}
			}
			if got := Trigger(&tc.c, tc.old, problem, tc.starting); got != tc.want {
				t.Errorf("Trigger(%s → %s) = %q, want %q", tc.old, tc.c.Status, got, tc.want)
			}
		})
	}
}

func text(s string) sheet.Value { return sheet.TextValue(s) }
func num(n int) sheet.Value     { return sheet.NumberValue(float64(n)) }

func logOf(rows ...[]sheet.Value) *Log {
	tab := &sheet.Tab{Name: TabName, Rows: [][]sheet.Value{{text("日時")}}}
	tab.Rows = append(tab.Rows, rows...)
	return Parse(tab, tokyo)
}

func totalsRow(at string, n ...int) []sheet.Value {
	return []sheet.Value{text(at), {}, {}, {}, {}, text(TotalsTrigger), num(n[0]), num(n[1]), num(n[2])}
}

func statusRow(at, id string) []sheet.Value {
	return []sheet.Value{text(at), text(id), {}, {}, text("未着手"), text("申込")}
}

// TestTotalsAsOf: the figures as of a day are the latest totals row
// written by its end, in the team's zone; none before the first.
func TestTotalsAsOf(t *testing.T) {
	l := logOf(
		totalsRow("2026/11/02 09:00", 1, 2, 3),
		statusRow("2026/11/05 09:00", "A"),
		totalsRow("2026/11/09 23:59", 4, 5, 6),
		[]sheet.Value{{}, {}, text("メモ")}, // a person's row
		totalsRow("2026/11/10 00:00", 7, 8, 9),
		totalsRow("2026/11/16 08:00", 0, 0, 0),
	)
	for _, tc := range []struct {
		day  civil.Date
		want Totals
		ok   bool
	}{
		{civil.New(2026, 11, 1), Totals{}, false},
		{civil.New(2026, 11, 2), Totals{1, 2, 3}, true},
		{civil.New(2026, 11, 8), Totals{1, 2, 3}, true},
		{civil.New(2026, 11, 9), Totals{4, 5, 6}, true},
		{civil.New(2026, 11, 15), Totals{7, 8, 9}, true},
		{civil.New(2026, 11, 22), Totals{}, true},
	} {
		got, ok := l.TotalsAsOf(tc.day)
		if got != tc.want || ok != tc.ok {
			t.Errorf("TotalsAsOf(%s) = %v %v, want %v %v", tc.day, got, ok, tc.want, tc.ok)
		}
	}
	if last, ok := l.LastTotals(); !ok || last != (Totals{}) {
		t.Errorf("LastTotals = %v %v", last, ok)
	}
	if l.LastRow != 7 || len(l.Entries) != 6 {
		t.Errorf("last row %d, %d entries", l.LastRow, len(l.Entries))
	}
}

// TestRowsTotalsOnlyOnChange: a totals row is added when the totals differ
// from the last ones recorded, or none were; status rows come first.
func TestRowsTotalsOnlyOnChange(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 5, 0, 0, tokyo)
	c := &onboarding.Client{Status: onboarding.Scheduled, App: &onboarding.Application{ClientID: "10001", Company: "株式会社A", ScheduledOn: civil.New(2026, 12, 1)}}
	same := logOf(totalsRow("2026/11/24 09:00", 1, 2, 3))
	if rows := Rows(now, nil, Totals{1, 2, 3}, same, false); len(rows) != 0 {
		t.Errorf("unchanged totals, no change: %d rows", len(rows))
	}
	rows := Rows(now, []Change{{Client: c, Old: "未着手"}}, Totals{1, 2, 4}, same, false)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	var got []string
	for _, r := range rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, v.String())
		}
		got = append(got, strings.Join(cells, "|"))
	}
	want := []string{"2026/11/25 09:05|10001|株式会社A|未着手|セッション予定|セッション予定日 2026/12/01",
		"2026/11/25 09:05|||||集計|1|2|4"}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	if rows := Rows(now, nil, Totals{}, &Log{}, true); len(rows) != 1 {
		t.Errorf("no totals recorded yet: %d rows, want the totals", len(rows))
	}
}

// TestPrune: a prune is due only once a row is more than a day past the
// retention; it keeps rows within it, undated rows and the latest totals
// row (unless the run writes newer totals).
func TestPrune(t *testing.T) {
	today := civil.New(2026, 11, 25)
	l := logOf(
		totalsRow("2026/10/01 09:00", 1, 1, 1),
		totalsRow("2026/10/02 09:00", 2, 2, 2),
		statusRow("2026/10/14 23:59", "A"), // 42 days before today
		statusRow("そのうち", "B"),
		statusRow("2026/10/16 00:00", "C"), // 40 days
	)
	for _, tc := range []struct {
		days int
		due  bool
	}{{56, false}, {54, false}, {53, true}, {41, true}, {0, false}} {
		if got := l.PruneDue(today, tc.days); got != tc.due {
			t.Errorf("PruneDue(%d days) = %v, want %v", tc.days, got, tc.due)
		}
	}
	if got, want := l.Kept(today, 40, false), []int{3, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("Kept(40) = %v, want %v", got, want)
	}
	if got, want := l.Kept(today, 40, true), []int{5, 6}; !slices.Equal(got, want) {
		t.Errorf("Kept(40, new totals) = %v, want %v", got, want)
	}
	if got, want := l.Kept(today, 42, false), []int{3, 4, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("Kept(42) = %v, want %v", got, want)
	}
}
