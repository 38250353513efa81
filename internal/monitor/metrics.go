package monitor

import (
	"fmt"
	"io"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"onboard/internal/atomicfile"
)

// Figures are a run's numbers for the textfile collector.
type Figures struct {
	Start, End  time.Time
	ExitCode    int
	LastSuccess time.Time // zero when no run has succeeded yet
	Clients     map[string]int
	Blocking    int
	Notes       int
	Stalled     int
	PoolLeft    int
	Cells       int
	Reports     int
	Requests    int
	Retries     int
	// HistoryRows are the rows the run added to ステータス履歴; SheetCells
	// the spreadsheet's cells when the run counted them (0: not counted,
	// which it does once a day).
	HistoryRows int
	SheetCells  int
	// LeadTimes and Levels are the lead times and service levels of the
	// last complete week (the weekly report's figures); written when Known.
	LeadTimes []LeadTime
	Levels    []ServiceLevel
	// Known is false when the run failed before it read the sheet: only
	// the run-level figures are then written.
	Known bool
}

// LeadTime is one stage's durations in days over a window ("week": the
// last complete week, "12weeks": the 12 weeks ending with it). The
// quantiles are nearest-rank and only written when Clients > 0.
type LeadTime struct {
	Stage, Window    string
	Clients          int
	Median, P90, Max float64
}

// ServiceLevel is one target over the last complete week, and the open
// clients breaching it now.
type ServiceLevel struct {
	Target       string
	Days         int
	Clients, Met int
	Breaching    int
}

// WriteMetrics writes the figures in the Prometheus text format for
// node_exporter's textfile collector; WriteToTextfile replaces the file
// atomically (temporary file and rename).
func WriteMetrics(path string, f Figures) error {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		reg.MustRegister(g)
	}
	gauge("onboard_last_run_timestamp_seconds", "End of the last run, Unix time.", unix(f.End))
	gauge("onboard_last_success_timestamp_seconds", "End of the last successful run, Unix time (0: none yet).", unix(f.LastSuccess))
	gauge("onboard_run_duration_seconds", "Duration of the last run.", f.End.Sub(f.Start).Seconds())
	gauge("onboard_run_exit_code", "Exit code of the last run (0 ok, 1 failed, 2 usage or layout, 75 locked).", float64(f.ExitCode))
	if f.Known {
		clients := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_clients", Help: "Clients by status after the last run."}, []string{"status"})
		for status, n := range f.Clients {
			clients.WithLabelValues(status).Set(float64(n))
		}
		reg.MustRegister(clients)
		problems := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_problems", Help: "Data problems in the sheet, by severity."}, []string{"severity"})
		problems.WithLabelValues("blocking").Set(float64(f.Blocking))
		problems.WithLabelValues("note").Set(float64(f.Notes))
		reg.MustRegister(problems)
		gauge("onboard_stalled_clients", "Clients not 完了 with no activity for the stall period.", float64(f.Stalled))
		gauge("onboard_support_accounts_left", "Prepared support accounts still free.", float64(f.PoolLeft))
		registerLeadTimes(reg, f)
		gauge("onboard_status_history_rows", "Rows the last run added to the ステータス履歴 tab.", float64(f.HistoryRows))
		if f.SheetCells > 0 {
			gauge("onboard_sheet_cells", "Cells of the spreadsheet at the last count (Google allows 10,000,000).", float64(f.SheetCells))
			gauge("onboard_sheet_cells_limit_ratio", "The spreadsheet's cells as a share of Google's 10,000,000-cell limit; the job warns past 0.8.", float64(f.SheetCells)/10_000_000)
		}
	}
	gauge("onboard_cells_written", "Cells the last run wrote to the sheet.", float64(f.Cells))
	gauge("onboard_reports_sent", "Weekly reports the last run mailed.", float64(f.Reports))
	gauge("onboard_sheets_api_requests", "Google Sheets API requests of the last run.", float64(f.Requests))
	gauge("onboard_sheets_api_retries", "Google Sheets API retries of the last run.", float64(f.Retries))
	mfs, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("write metrics %s: %w", path, err)
	}
	// atomicfile, not prometheus.WriteToTextfile: a linked file stays
	// linked, and a killed run's temporary file is cleaned up.
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		for _, mf := range mfs {
			if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("write metrics %s: %w", path, err)
	}
	return nil
}

// registerLeadTimes adds the weekly report's lead-time and service-level
// figures. A quantile or a ratio over no clients is left out rather than
// written as 0, which would read as "instant" or "all missed".
func registerLeadTimes(reg *prometheus.Registry, f Figures) {
	if len(f.LeadTimes) > 0 {
		days := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_lead_time_days",
			Help: "Days a stage took for the clients that finished it in the window (nearest-rank quantile; 1 is the maximum)."},
			[]string{"stage", "window", "quantile"})
		clients := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_lead_time_clients",
			Help: "Clients that finished a stage in the window."}, []string{"stage", "window"})
		for _, lt := range f.LeadTimes {
			clients.WithLabelValues(lt.Stage, lt.Window).Set(float64(lt.Clients))
			if lt.Clients == 0 {
				continue
			}
			days.WithLabelValues(lt.Stage, lt.Window, "0.5").Set(lt.Median)
			days.WithLabelValues(lt.Stage, lt.Window, "0.9").Set(lt.P90)
			days.WithLabelValues(lt.Stage, lt.Window, "1").Set(lt.Max)
		}
		reg.MustRegister(days, clients)
	}
	if len(f.Levels) > 0 {
		ratio := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_sla_met_ratio",
			Help: "Share of the last complete week's clients that met a service-level target."}, []string{"target"})
		target := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_sla_target_days",
			Help: "A service-level target in days."}, []string{"target"})
		breaching := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "onboard_sla_breaching_clients",
			Help: "Open clients past a service-level target now."}, []string{"target"})
		for _, sl := range f.Levels {
			target.WithLabelValues(sl.Target).Set(float64(sl.Days))
			breaching.WithLabelValues(sl.Target).Set(float64(sl.Breaching))
			if sl.Clients > 0 {
				ratio.WithLabelValues(sl.Target).Set(float64(sl.Met) / float64(sl.Clients))
			}
		}
		reg.MustRegister(ratio, target, breaching)
	}
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
