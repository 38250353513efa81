package report_test

import (
	"strings"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/report"
)

func TestWeekBounds(t *testing.T) {
	for _, tc := range []struct {
		week       report.Week
		start, end civil.Date
	}{
		{report.Week{Year: 2026, Num: 47}, civil.New(2026, 11, 16), civil.New(2026, 11, 22)},
		// 2026 starts on a Thursday: its week 1 begins in December 2025,
		// and it has 53 weeks.
		{report.Week{Year: 2026, Num: 1}, civil.New(2025, 12, 29), civil.New(2026, 1, 4)},
		{report.Week{Year: 2026, Num: 53}, civil.New(2026, 12, 28), civil.New(2027, 1, 3)},
		{report.Week{Year: 2027, Num: 1}, civil.New(2027, 1, 4), civil.New(2027, 1, 10)},
		{report.Week{Year: 2027, Num: 52}, civil.New(2027, 12, 27), civil.New(2028, 1, 2)},
		{report.Week{Year: 2020, Num: 53}, civil.New(2020, 12, 28), civil.New(2021, 1, 3)},
	} {
		if got := tc.week.Start(); got != tc.start {
			t.Errorf("%s starts %s, want %s", tc.week, got, tc.start)
		}
		if got := tc.week.End(); got != tc.end {
			t.Errorf("%s ends %s, want %s", tc.week, got, tc.end)
		}
		for d := tc.start; d <= tc.end; d++ {
			if got := report.WeekOf(d); got != tc.week {
				t.Errorf("WeekOf(%s) = %s, want %s", d, got, tc.week)
			}
		}
		if report.WeekOf(tc.start-1) == tc.week || report.WeekOf(tc.end+1) == tc.week {
			t.Errorf("%s: the days around it belong to it", tc.week)
		}
		if !tc.week.Contains(tc.start) || !tc.week.Contains(tc.end) || tc.week.Contains(tc.end+1) || tc.week.Contains(0) {
			t.Errorf("%s.Contains is wrong at its edges", tc.week)
		}
	}
}

// TestWeekStartEveryYear checks Start, worked out from day numbers, against
// the time package's ISO weeks: each week of 1901–2100 starts on a Monday
// that lies in it.
func TestWeekStartEveryYear(t *testing.T) {
	for year := 1901; year <= 2100; year++ {
		for num := 1; num <= report.WeeksIn(year); num++ {
			w := report.Week{Year: year, Num: num}
			start := w.Start()
			if day := start.Time(time.UTC).Weekday(); day != time.Monday || report.WeekOf(start) != w {
				t.Fatalf("%s starts %s, a %s in %s", w, start, day, report.WeekOf(start))
			}
		}
	}
}

func TestWeeksIn(t *testing.T) {
	for year, want := range map[int]int{2015: 53, 2020: 53, 2025: 52, 2026: 53, 2027: 52, 2032: 53} {
		if got := report.WeeksIn(year); got != want {
			t.Errorf("WeeksIn(%d) = %d, want %d", year, got, want)
		}
	}
}

func TestWeekAdd(t *testing.T) {
	for _, tc := range []struct {
		from report.Week
		n    int
		want report.Week
	}{
		{report.Week{Year: 2026, Num: 53}, 1, report.Week{Year: 2027, Num: 1}},
		{report.Week{Year: 2027, Num: 1}, -1, report.Week{Year: 2026, Num: 53}},
		{report.Week{Year: 2026, Num: 1}, -1, report.Week{Year: 2025, Num: 52}},
		{report.Week{Year: 2026, Num: 47}, -11, report.Week{Year: 2026, Num: 36}},
		{report.Week{Year: 2027, Num: 5}, -11, report.Week{Year: 2026, Num: 47}},
	} {
		if got := tc.from.Add(tc.n); got != tc.want {
			t.Errorf("%s.Add(%d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestLastComplete(t *testing.T) {
	tokyo := tokyo(t)
	for _, tc := range []struct {
		name string
		now  time.Time
		want report.Week
	}{
		{"Wednesday of W48", time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo), report.Week{Year: 2026, Num: 47}},
		{"Sunday 23:59 of W47: W47 is not over", time.Date(2026, 11, 22, 23, 59, 59, 0, tokyo), report.Week{Year: 2026, Num: 46}},
		{"Monday 00:00 of W48: W47 just ended", time.Date(2026, 11, 23, 0, 0, 0, 0, tokyo), report.Week{Year: 2026, Num: 47}},
		// The same instant as Monday 00:00 in Tokyo is still Sunday in UTC:
		// the caller's zone decides.
		{"Monday 00:00 Tokyo given in Tokyo", time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC).In(tokyo), report.Week{Year: 2026, Num: 47}},
		{"the same instant in UTC", time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC), report.Week{Year: 2026, Num: 46}},
		{"Monday 2027-01-04: 2026's week 53 ended", time.Date(2027, 1, 4, 0, 0, 0, 0, tokyo), report.Week{Year: 2026, Num: 53}},
		{"Sunday 2027-01-03 23:59: week 52", time.Date(2027, 1, 3, 23, 59, 0, 0, tokyo), report.Week{Year: 2026, Num: 52}},
		{"Monday 2026-01-05: 2026-W01 ended", time.Date(2026, 1, 5, 0, 0, 0, 0, tokyo), report.Week{Year: 2026, Num: 1}},
	} {
		if got := report.LastComplete(tc.now); got != tc.want {
			t.Errorf("%s: LastComplete(%s) = %s, want %s", tc.name, tc.now, got, tc.want)
		}
	}
}

func TestParseWeek(t *testing.T) {
	for in, want := range map[string]report.Week{
		"2026-W47": {Year: 2026, Num: 47}, "2026W47": {Year: 2026, Num: 47}, "2026-w47": {Year: 2026, Num: 47},
		" 2026-W05 ": {Year: 2026, Num: 5}, "2026-W5": {Year: 2026, Num: 5},
		"2026-W53": {Year: 2026, Num: 53}, "2027-W01": {Year: 2027, Num: 1},
	} {
		got, err := report.ParseWeek(in)
		if err != nil || got != want {
			t.Errorf("ParseWeek(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"2027-W53":   "ISO year 2027 has weeks W01 to W52",
		"2026-W54":   "ISO year 2026 has weeks W01 to W53",
		"2026-W00":   "W01 to W53",
		"2026-47":    "use YEAR-Wnn",
		"W47":        "use YEAR-Wnn",
		"2026-W":     "use YEAR-Wnn",
		"2026-W047":  "use YEAR-Wnn",
		"26-W47":     "use YEAR-Wnn",
		"2026-W4x":   "use YEAR-Wnn",
		"2026-W-1":   "use YEAR-Wnn",
		"2026-11-16": "use YEAR-Wnn",
		"":           "use YEAR-Wnn",
	} {
		_, err := report.ParseWeek(in)
		if err == nil || !strings.Contains(err.Error(), msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseWeek(%q) error = %v; want one line containing %q", in, err, msg)
		}
	}
}

func TestWeekStringAndFileName(t *testing.T) {
	w := report.Week{Year: 2027, Num: 1}
	if w.String() != "2027-W01" || report.FileName(w) != "onboard-weekly-2027-W01.xlsx" {
		t.Errorf("got %s and %s", w, report.FileName(w))
	}
}

// TestWeekLabel: the label a manager reads on the summary and the trend
// chart, with the year only where the week straddles New Year.
func TestWeekLabel(t *testing.T) {
	for _, c := range []struct {
		week report.Week
		want string
	}{
		{report.Week{Year: 2026, Num: 47}, "11/16〜11/22"},
		{report.Week{Year: 2026, Num: 40}, "9/28〜10/4"},
		{report.Week{Year: 2026, Num: 53}, "12/28〜2027/1/3"},
		{report.Week{Year: 2027, Num: 1}, "1/4〜1/10"},
	} {
		if got := c.week.Label(); got != c.want {
			t.Errorf("%s: %q, want %q", c.week, got, c.want)
		}
	}
}
