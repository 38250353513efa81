package monitor

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsReplacedAtomically: a reader polling the file while runs
// rewrite it always sees a whole file.
func TestMetricsReplacedAtomically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.prom")
	start := time.Now()
	fig := Figures{Start: start, End: start.Add(time.Second), Known: true, Clients: map[string]int{"進行中": 3, "完了": 5}}
	if err := WriteMetrics(path, fig); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	reads := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("read: %v", err)
				return
			}
			p := expfmt.NewTextParser(model.LegacyValidation)
			fams, err := p.TextToMetricFamilies(strings.NewReader(string(b)))
			if err != nil || len(fams) != 13 {
				t.Errorf("a partial file: %d families, %v", len(fams), err)
				return
			}
			reads++
		}
	}()
	for i := 0; i < 200; i++ {
		fig.Cells = i
		if err := WriteMetrics(path, fig); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if reads == 0 {
		t.Fatal("the reader never read")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

func TestStateSurvivesDamage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, StateFile), []byte("{not json"), 0o644)
	st, err := LoadState(dir)
	if err == nil || st.Failing {
		t.Errorf("damaged state: %+v %v", st, err)
	}
	st.Failing, st.AlertKey = true, "sync|x"
	if err := st.Save(dir); err != nil {
		t.Fatal(err)
	}
	again, err := LoadState(dir)
	if err != nil || !again.Failing || again.AlertKey != "sync|x" {
		t.Errorf("%+v %v", again, err)
	}
}

// TestLeadTimeMetrics: each stage and window gets its client count and,
// when any client finished it, its quantiles; a service level its target,
// its breaches and, when it applied to anyone, its ratio.
func TestLeadTimeMetrics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "onboard.prom")
	fig := Figures{Known: true, Clients: map[string]int{},
		LeadTimes: []LeadTime{
			{Stage: "apply_to_done", Window: "week", Clients: 3, Median: 16, P90: 24, Max: 30},
			{Stage: "apply_to_done", Window: "12weeks", Clients: 0},
		},
		Levels: []ServiceLevel{
			{Target: "first_session", Days: 14, Clients: 3, Met: 2, Breaching: 1},
			{Target: "handover", Days: 7, Breaching: 4},
		},
	}
	if err := WriteMetrics(path, fig); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			got[key] = m.GetGauge().GetValue()
		}
	}
	for key, want := range map[string]float64{
		"onboard_lead_time_days,quantile=0.5,stage=apply_to_done,window=week": 16,
		"onboard_lead_time_days,quantile=0.9,stage=apply_to_done,window=week": 24,
		"onboard_lead_time_days,quantile=1,stage=apply_to_done,window=week":   30,
		"onboard_lead_time_clients,stage=apply_to_done,window=week":           3,
		"onboard_lead_time_clients,stage=apply_to_done,window=12weeks":        0,
		"onboard_sla_met_ratio,target=first_session":                          2.0 / 3,
		"onboard_sla_target_days,target=first_session":                        14,
		"onboard_sla_target_days,target=handover":                             7,
		"onboard_sla_breaching_clients,target=first_session":                  1,
		"onboard_sla_breaching_clients,target=handover":                       4,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", key, v, ok, want)
		}
	}
	for _, absent := range []string{
		"onboard_lead_time_days,quantile=0.5,stage=apply_to_done,window=12weeks", // no client: no quantile
		"onboard_sla_met_ratio,target=handover",                                  // applied to no one
	} {
		if v, ok := got[absent]; ok {
			t.Errorf("%s = %v, want it left out", absent, v)
		}
	}
	// A run that did not read the sheet writes none of them.
	fig.Known = false
	if err := WriteMetrics(path, fig); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "onboard_lead_time") || strings.Contains(string(b), "onboard_sla") {
		t.Errorf("an unknown run wrote lead-time metrics:\n%s", b)
	}
}
