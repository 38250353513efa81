package weekly_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/weekly"
	"onboard/internal/xlsxbook"
)

// TestMailLeadTimeLines: the body's lead-time lines follow the report: the
// targets in the labels, shares as percentages, and a week in which no
// client finished shows the layout's mark with no previous value.
func TestMailLeadTimeLines(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo)
	mx, _ := matrix.Default("")
	run, err := job.Compute(context.Background(), xlsxbook.Open("../../examples/onboarding.xlsx"),
		job.Config{Matrix: mx, Now: now, StallDays: 14, PoolLowWater: 5})
	if err != nil {
		t.Fatal(err)
	}
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		week    string
		targets report.ServiceTargets
		want    []string
	}{
		{"2026-W47", report.ServiceTargets{}, []string{
			"・申込→完了の中央値（日）: 28（24）\n", "・初回セッション14日以内の割合: 85.7%（60.0%）\n",
			"・引き渡し7日以内の割合: 100.0%（100.0%）\n", "・目標超過中のクライアント（作成時点）: 7\n"}},
		// Stricter targets: 10023's 8 days miss 7; 10033 and older
		// handovers past 3 days breach.
		{"2026-W47", report.ServiceTargets{FirstSessionDays: 7, HandoverDays: 3}, []string{
			"・初回セッション7日以内の割合: ", "・引き渡し3日以内の割合: 0.0%（100.0%）\n"}},
		// The first week of the example: nobody finished anything yet.
		{"2026-W36", report.ServiceTargets{}, []string{
			"・申込→完了の中央値（日）: —\n", "・初回セッション14日以内の割合: —\n", "・引き渡し7日以内の割合: —\n"}},
	} {
		week, _ := report.ParseWeek(tc.week)
		m := report.Build(run, report.Options{Week: week, Now: now, StallDays: 14, Source: "onboarding.xlsx", Targets: tc.targets})
		_, body, err := weekly.Compose("", weekly.NewMailData(m, layout, "/reports/x.xlsx", now))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "■ リードタイムと目標（") {
			t.Errorf("%s: no lead-time section:\n%s", tc.week, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %+v: the body has no %q:\n%s", tc.week, tc.targets, w, body)
			}
		}
	}
}
