package cli

import (
	"github.com/spf13/pflag"

	"onboard/internal/monitor"
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

// leadMetrics turns the lead times into the metrics file's figures.
func leadMetrics(lt report.LeadTimes) ([]monitor.LeadTime, []monitor.ServiceLevel) {
	var times []monitor.LeadTime
	for _, s := range lt.Stages {
		for _, w := range []struct {
			window string
			stats  report.Stats
		}{{"week", s.Week}, {"12weeks", s.Trend}} {
			times = append(times, monitor.LeadTime{Stage: s.Stage.Key(), Window: w.window, Clients: w.stats.N,
				Median: float64(w.stats.Median), P90: float64(w.stats.P90), Max: float64(w.stats.Max)})
		}
	}
	var levels []monitor.ServiceLevel
	for _, sl := range lt.Levels {
		levels = append(levels, monitor.ServiceLevel{Target: sl.Target.Key(), Days: sl.Days, Clients: sl.This.N, Met: sl.This.Met, Breaching: sl.Breaching})
	}
	return times, levels
}
