// Package civil holds a calendar date without a clock or zone, as the
// spreadsheet stores it: a day number in the 1900 serial system.
package civil

import (
	"strconv"
	"time"
)

// Date is a spreadsheet serial day number (1 = 1899-12-31); 0 means none.
type Date int32

var epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// The one range of dates the job holds: what a spreadsheet can show,
// 1900-01-01 to 9999-12-31. A typed date outside it is a problem on its
// row, never a date wrapped into the range.
const (
	Min Date = 2       // 1900-01-01
	Max Date = 2958465 // 9999-12-31
)

// secondsPerDay: day numbers are counted from Unix seconds, which hold any
// year, rather than from a time.Duration, which stops at 292 years.
const secondsPerDay = 86400

// Of returns the date of t's wall clock in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return New(y, m, d)
}

// New returns the date y-m-d; month and day overflow like time.Date. The
// result is only meaningful within [Min, Max]: see Make.
func New(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date((t.Unix() - epoch.Unix()) / secondsPerDay)
}

// Make returns the date y-m-d when it exists and lies within [Min, Max];
// ok is false for 2026-02-30, month 13, year 10000 and the like.
func Make(y int, m time.Month, d int) (Date, bool) {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2026/02/30 rolls over: not a real date
		return 0, false
	}
	return New(y, m, d), true
}

// Valid reports whether d lies within [Min, Max].
func (d Date) Valid() bool { return d >= Min && d <= Max }

// IsZero reports whether no date is set.
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	t := epoch.AddDate(0, 0, int(d))
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// String formats the date as 2026/11/24, the way the team writes it.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return string(d.AppendTo(make([]byte, 0, len("2026/11/24"))))
}

// AppendTo appends String's form of the date to b, for a key made of
// several parts in one allocation.
func (d Date) AppendTo(b []byte) []byte {
	if d == 0 {
		return b
	}
	// The day's Unix seconds: no calendar arithmetic to normalize.
	y, m, day := time.Unix(epoch.Unix()+int64(d)*secondsPerDay, 0).UTC().Date()
	b = strconv.AppendInt(b, int64(y), 10)
	return append(b, '/', byte('0'+m/10), byte('0'+m%10), '/', byte('0'+day/10), byte('0'+day%10))
}

// Short formats the date as 11/24.
func (d Date) Short() string {
	if d == 0 {
		return ""
	}
	_, m, day := d.Time(time.UTC).Date()
	return pad(int(m)) + "/" + pad(day)
}

func pad(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
