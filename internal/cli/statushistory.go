package cli

import (
	"github.com/spf13/pflag"

	"onboard/internal/job"
	"onboard/internal/statuslog"
)

// historyFlags are sync's and run's settings of the ステータス履歴 tab.
type historyFlags struct{ days int }

// minHistoryDays keeps the weeks the report looks back on.
const minHistoryDays = 14

func (h *historyFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&h.days, "history-days", statuslog.DefaultRetentionDays, "the ステータス履歴 tab keeps rows for this many days (older ones are pruned, at most once a day)")
}

// apply has the sync append its status changes to the ステータス履歴 tab.
func (h *historyFlags) apply(cfg *job.Config) error {
	if h.days < minHistoryDays {
		return usageErr("--history-days %d: give at least %d days (the weekly report reads the previous week)", h.days, minHistoryDays)
	}
	cfg.History, cfg.HistoryDays = true, h.days
	return nil
}
