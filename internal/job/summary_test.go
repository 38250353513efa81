package job_test

import (
	"context"
	"testing"

	"onboard/internal/job"
	"onboard/internal/onboarding"
	"onboard/internal/xlsxbook"
)

// TestSummaryAgreesWithCheck: sync's summary, the alert and the metrics
// count from Run.Summary; its figures are check's for the same sheet.
func TestSummaryAgreesWithCheck(t *testing.T) {
	cfg := config(t)
	run, err := job.Evaluate(context.Background(), xlsxbook.Open(copyExample(t)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum := run.Summary()
	n := job.CountFindings(run.Lint(cfg))
	if sum.Blocking != n.Blocking || sum.Notes != n.Notes || sum.Problems() != n.Data() || sum.Stalled != n.Stalled {
		t.Errorf("summary %+v, check %+v", sum, n)
	}
	if sum.Problems() == 0 || sum.Stalled == 0 {
		t.Errorf("the example has problems and stalled clients: %+v", sum)
	}
	total := 0
	for _, st := range onboarding.Statuses {
		v, ok := sum.Statuses[st]
		if !ok {
			t.Errorf("status %s missing from the summary", st)
		}
		total += v
	}
	if total != sum.Clients || sum.Clients != len(run.Out.Clients) {
		t.Errorf("statuses add up to %d, clients %d (%d computed)", total, sum.Clients, len(run.Out.Clients))
	}
	assigned := 0
	for _, a := range run.Out.Assignments {
		if !a.Manual {
			assigned++
		}
	}
	if sum.Assigned != assigned || sum.PoolLeft != run.Out.PoolLeft {
		t.Errorf("assigned %d (want %d), pool left %d (want %d)", sum.Assigned, assigned, sum.PoolLeft, run.Out.PoolLeft)
	}
}
