package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"onboard/internal/civil"
)

// Week is an ISO 8601 week, Monday to Sunday. The team's weeks are those of
// its time zone: callers turn instants into civil dates first.
type Week struct {
	Year int // the ISO year, which differs from the calendar year around New Year
	Num  int // 1..52 or 53
}

// WeekOf returns the ISO week holding the date.
func WeekOf(d civil.Date) Week {
	y, w := d.Time(time.UTC).ISOWeek()
	return Week{Year: y, Num: w}
}

// LastComplete returns the last Monday–Sunday week that has ended at now,
// in now's location: on Sunday 23:59 that is the week before; on Monday
// 00:00 it is the week that just ended.
func LastComplete(now time.Time) Week {
	return WeekOf(civil.Of(now)).Add(-1)
}

// WeeksIn returns how many ISO weeks the ISO year has (52 or 53). 28
// December is always in the year's last week.
func WeeksIn(year int) int {
	_, n := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return n
}

// Start is the week's Monday. Week 1 is the week holding 4 January.
func (w Week) Start() civil.Date {
	jan4 := civil.New(w.Year, 1, 4)
	// Days since Monday, from the day number alone (serial day 2,
	// 1900-01-01, was a Monday): the model asks for each client's dates.
	back := (int(jan4) + 5) % 7
	return jan4.AddDays(-back + 7*(w.Num-1))
}

// End is the week's Sunday.
func (w Week) End() civil.Date { return w.Start().AddDays(6) }

// Contains reports whether d falls in the week; no date is in no week.
func (w Week) Contains(d civil.Date) bool {
	return !d.IsZero() && d >= w.Start() && d <= w.End()
}

// Add returns the week n weeks later (earlier for negative n).
func (w Week) Add(n int) Week { return WeekOf(w.Start().AddDays(7 * n)) }

// String formats the week as 2026-W47, as in the report's file name.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Label is the week as a manager reads it at a glance: 11/16〜11/22, with
// the year on the Sunday only when the week straddles New Year
// (12/28〜2027/1/3).
func (w Week) Label() string {
	start, end := w.Start().Time(time.UTC), w.End().Time(time.UTC)
	if start.Year() != end.Year() {
		return fmt.Sprintf("%d/%d〜%d/%d/%d", start.Month(), start.Day(), end.Year(), end.Month(), end.Day())
	}
	return fmt.Sprintf("%d/%d〜%d/%d", start.Month(), start.Day(), end.Month(), end.Day())
}

// ParseWeek reads an ISO week such as 2026-W47 (also 2026W47, 2026-w47).
// Errors are one line a person can act on.
func ParseWeek(s string) (Week, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	year, num, ok := strings.Cut(t, "W")
	year = strings.TrimSuffix(year, "-")
	bad := fmt.Errorf("%q is not an ISO week: use YEAR-Wnn, e.g. 2026-W47", s)
	if !ok || len(year) != 4 || len(num) < 1 || len(num) > 2 {
		return Week{}, bad
	}
	y, err1 := strconv.Atoi(year)
	n, err2 := strconv.Atoi(num)
	if err1 != nil || err2 != nil || y < 1901 || strings.ContainsAny(year+num, "+-") {
		return Week{}, bad
	}
	if n < 1 || n > WeeksIn(y) {
		return Week{}, fmt.Errorf("%q: ISO year %d has weeks W01 to W%02d", s, y, WeeksIn(y))
	}
	return Week{Year: y, Num: n}, nil
}
