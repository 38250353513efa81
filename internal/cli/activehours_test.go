package cli

import (
	"testing"
	"time"
)

func TestActiveHours(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(hh, mm int) time.Time { return time.Date(2026, 11, 25, hh, mm, 59, 0, tokyo) }
	cases := []struct {
		window string
		t      time.Time
		want   bool
	}{
		{"08:00-20:30", at(7, 59), false},
		{"08:00-20:30", at(8, 0), true},
		{"08:00-20:30", at(12, 0), true},
		{"08:00-20:30", at(20, 30), true}, // cron's last run, a few seconds late
		{"08:00-20:30", at(20, 31), false},
		{"08:00-20:30", at(0, 0), false},
		{"22:00-06:00", at(23, 0), true}, // across midnight
		{"22:00-06:00", at(3, 0), true},
		{"22:00-06:00", at(12, 0), false},
		{" 9:05 - 17:45 ", at(9, 5), true},
		{"", at(3, 0), true}, // unset: always
	}
	for _, c := range cases {
		var h activeHours
		if c.window != "" {
			if err := h.Set(c.window); err != nil {
				t.Fatalf("%q: %v", c.window, err)
			}
		}
		if got := h.contains(c.t); got != c.want {
			t.Errorf("%q at %s: %v, want %v", c.window, c.t.Format("15:04"), got, c.want)
		}
	}
	for _, bad := range []string{"8-20", "08:00", "08:00-25:00", "morning", "08:00-20:30-22:00"} {
		var h activeHours
		if err := h.Set(bad); err == nil {
			t.Errorf("%q accepted as %s", bad, h.String())
		}
	}
	var h activeHours
	h.Set("08:00-20:30")
	if h.String() != "08:00-20:30" {
		t.Errorf("String: %q", h.String())
	}
}
