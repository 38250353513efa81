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
	// Known is false when the run failed before it read the sheet: only
	// the run-level figures are then written.
	Known bool
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

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
