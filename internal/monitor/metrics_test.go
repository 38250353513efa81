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
			if err != nil || len(fams) != 12 {
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
