package writeback_test

import (
	"testing"

	"onboard/internal/civil"
	"onboard/internal/onboarding"
	"onboard/internal/writeback"
)

func TestStatusSince(t *testing.T) {
	today := civil.New(2026, 11, 25)
	applied, held1, held2, handover := civil.New(2026, 9, 1), civil.New(2026, 9, 20), civil.New(2026, 10, 3), civil.New(2026, 10, 10)
	sessions := []*onboarding.Session{{HeldOn: held2}, {HeldOn: held1}} // out of date order on purpose
	app := &onboarding.Application{AppliedOn: applied, ScheduledOn: civil.New(2026, 12, 1), HandoverOn: handover}
	cases := []struct {
		name     string
		status   onboarding.Status
		app      *onboarding.Application
		sessions []*onboarding.Session
		want     civil.Date
	}{
		{"完了 from 担当作業完了日", onboarding.Completed, app, sessions, handover},
		{"担当作業待ち from the latest session", onboarding.AwaitHandover, app, sessions, held2},
		{"進行中 from the latest session", onboarding.InProgress, app, sessions, held2},
		{"セッション予定 from the application", onboarding.Scheduled, app, nil, applied},
		{"未着手 from the application", onboarding.NotStarted, app, nil, applied},
		{"要確認 from today", onboarding.NeedsReview, app, sessions, today},
		{"no application date: today", onboarding.NotStarted, &onboarding.Application{}, nil, today},
		{"進行中 without a dated session: today", onboarding.InProgress, app, []*onboarding.Session{{}}, today},
		{"a future handover date: today", onboarding.Completed, &onboarding.Application{HandoverOn: civil.New(2026, 12, 24)}, nil, today},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &onboarding.Client{App: tc.app, Sessions: tc.sessions, Status: tc.status}
			if got := writeback.StatusSince(c, today); got != tc.want {
				t.Errorf("StatusSince = %v, want %v", got, tc.want)
			}
		})
	}
}
