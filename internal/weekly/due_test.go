package weekly

import (
	"strings"
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	wed := time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo) // last complete week: 2026-W47
	tests := []struct {
		name    string
		sent    []string
		now     time.Time
		catchUp int
		want    string
	}{
		{"new installation: only the last week", nil, wed, 4, "2026-W47"},
		{"already sent", []string{"2026-W46", "2026-W47"}, wed, 4, ""},
		{"one missed", []string{"2026-W45"}, wed, 4, "2026-W46,2026-W47"},
		{"many missed, bounded", []string{"2026-W30"}, wed, 3, "2026-W45,2026-W46,2026-W47"},
		{"year end: 2026 has 53 weeks", []string{"2026-W52"}, time.Date(2027, 1, 11, 8, 0, 0, 0, tokyo), 4, "2026-W53,2027-W01"},
		{"Monday 00:00 closes the week", []string{"2026-W46"}, time.Date(2026, 11, 23, 0, 0, 0, 0, tokyo), 4, "2026-W47"},
		{"Sunday 23:59 does not", []string{"2026-W46"}, time.Date(2026, 11, 22, 23, 59, 0, 0, tokyo), 4, ""},
	}
	for _, tt := range tests {
		sent := map[string]bool{}
		for _, w := range tt.sent {
			sent[w] = true
		}
		var got []string
		for _, w := range Due(sent, tt.now, tt.catchUp) {
			got = append(got, w.String())
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, got, tt.want)
		}
	}
}
