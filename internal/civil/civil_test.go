package civil

import (
	"strconv"
	"testing"
	"time"
)

// TestRange: every day of [Min, Max] is the calendar's, on both ends and
// past the 292 years a time.Duration holds; outside it Make refuses.
func TestRange(t *testing.T) {
	for _, c := range []struct {
		y    int
		m    time.Month
		d    int
		want Date
	}{
		{1900, 1, 1, Min}, {9999, 12, 31, Max}, {1899, 12, 31, 1}, {2026, 11, 24, 46350},
		{2191, 12, 31, 106652}, {2500, 6, 15, 219313}, // Python's datetime agrees
	} {
		if got := New(c.y, c.m, c.d); got != c.want {
			t.Errorf("New(%d-%d-%d) = %d, want %d", c.y, c.m, c.d, got, c.want)
		}
		y, m, d := c.want.Time(time.UTC).Date()
		if y != c.y || m != c.m || d != c.d {
			t.Errorf("%d.Time() = %d-%d-%d", c.want, y, m, d)
		}
	}
	for _, c := range []struct {
		y  int
		m  time.Month
		d  int
		ok bool
	}{
		{1900, 1, 1, true}, {9999, 12, 31, true}, {2500, 6, 15, true}, {2024, 2, 29, true},
		{1899, 12, 31, false}, {10000, 1, 1, false}, {2026, 2, 30, false}, {2026, 13, 1, false}, {2026, 0, 1, false}, {2026, 1, 0, false},
	} {
		d, ok := Make(c.y, c.m, c.d)
		if ok != c.ok || ok && !d.Valid() || !ok && d != 0 {
			t.Errorf("Make(%d-%d-%d) = %d, %v; want ok %v", c.y, c.m, c.d, d, ok, c.ok)
		}
	}
	// Every year start in the range renders as itself and orders by day.
	prev := Date(0)
	for y := 1900; y <= 9999; y++ {
		d, ok := Make(y, 1, 1)
		if !ok || d <= prev || d.String() != strconv.Itoa(y)+"/01/01" {
			t.Fatalf("year %d: %d %v %q", y, d, ok, d.String())
		}
		prev = d
	}
}
