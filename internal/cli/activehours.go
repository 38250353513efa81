package cli

import (
	"fmt"
	"strings"
	"time"
)

// activeHours is run's --active-hours window, in the team's time zone.
// Debian's cron ignores CRON_TZ, so a crontab cannot say "08:00–20:30 in
// Tokyo" on a server in another zone; the crontab runs around the clock
// and the job itself skips the runs outside the window.
type activeHours struct {
	from, to int // minutes after midnight; both ends included
	set      bool
}

func (h *activeHours) String() string {
	if !h.set {
		return ""
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", h.from/60, h.from%60, h.to/60, h.to%60)
}

func (h *activeHours) Type() string { return "HH:MM-HH:MM" }

func (h *activeHours) Set(s string) error {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return fmt.Errorf("want a window such as 08:00-20:30")
	}
	from, err1 := time.Parse("15:04", strings.TrimSpace(a))
	to, err2 := time.Parse("15:04", strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return fmt.Errorf("want a window such as 08:00-20:30")
	}
	h.from, h.to, h.set = from.Hour()*60+from.Minute(), to.Hour()*60+to.Minute(), true
	return nil
}

// contains reports whether t's wall-clock minute is in the window; a
// window that ends before it starts (22:00-06:00) spans midnight.
func (h *activeHours) contains(t time.Time) bool {
	if !h.set {
		return true
	}
	m := t.Hour()*60 + t.Minute()
	if h.from <= h.to {
		return h.from <= m && m <= h.to
	}
	return m >= h.from || m <= h.to
}
