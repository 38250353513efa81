package cli

import (
	"github.com/spf13/pflag"

	"onboard/internal/report"
)

// serviceFlags are the weekly report's service-level targets, shared by
// report and run.
type serviceFlags struct {
	firstSessionDays, handoverDays int
}

func (s *serviceFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&s.firstSessionDays, "sla-first-session-days", report.DefaultTargets.FirstSessionDays,
		"service level: the first session within this many days of 申込日")
	fs.IntVar(&s.handoverDays, "sla-handover-days", report.DefaultTargets.HandoverDays,
		"service level: 担当作業完了日 within this many days of the session that finished the last work")
}

// targets validates the flags.
func (s *serviceFlags) targets() (report.ServiceTargets, error) {
	if s.firstSessionDays < 1 || s.handoverDays < 1 {
		return report.ServiceTargets{}, usageErr("--sla-first-session-days and --sla-handover-days must be at least 1 (days)")
	}
	return report.ServiceTargets{FirstSessionDays: s.firstSessionDays, HandoverDays: s.handoverDays}, nil
}
