package report_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/sheet/memsheet"
)

// BenchmarkReportVsXlsxWriter writes the weekly report of 100,000 clients
// (3 sessions each) and, in the same run, has XlsxWriter in constant_memory
// mode (the peer a Python user would pick) write the same data tabs from
// the same rows. Each side runs five times, alternating; the medians are
// reported as onboard-s and xlsxwriter-s, and their ratio as speedup.
// onboard's side also writes the サマリー tab and its charts, which the
// peer does not. Needs Debian's python3-xlsxwriter (make bench installs it).
func BenchmarkReportVsXlsxWriter(b *testing.B) {
	if err := exec.Command("/usr/bin/python3", "-c", "import xlsxwriter").Run(); err != nil {
		b.Fatalf("python3-xlsxwriter is missing (make bench installs it): %v", err)
	}
	mx, err := matrix.Default("")
	if err != nil {
		b.Fatal(err)
	}
	layout, err := report.LoadLayout("")
	if err != nil {
		b.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		b.Fatal(err)
	}
	now := example.ExampleToday.Time(loc).Add(9 * time.Hour)
	book := example.Generate(example.Config{Clients: 100_000, Seed: 1, Today: example.ExampleToday, SessionsPerClient: 3})
	run, err := job.Compute(b.Context(), memsheet.FromBook("bench", book), job.Config{Matrix: mx, Now: now, StallDays: 14, PoolLowWater: 5})
	if err != nil {
		b.Fatal(err)
	}
	m := report.Build(run, report.Options{Week: report.LastComplete(now), Now: now, StallDays: 14, Source: "memory"})
	dir := b.TempDir()
	rowsPath := filepath.Join(dir, "rows.json")
	if err := report.DumpTables(rowsPath, m, layout); err != nil {
		b.Fatal(err)
	}
	var ours, peer []float64
	for b.Loop() {
		for range 5 {
			t0 := time.Now()
			if _, err := report.WriteFile(dir, m, layout); err != nil {
				b.Fatal(err)
			}
			ours = append(ours, time.Since(t0).Seconds())
			cmd := exec.Command("/usr/bin/python3", "testdata/xlsxwriter_peer.py", rowsPath, filepath.Join(dir, "peer.xlsx"))
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("xlsxwriter peer: %v", err)
			}
			s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
			if err != nil {
				b.Fatalf("xlsxwriter peer printed %q", out)
			}
			peer = append(peer, s)
		}
	}
	b.ReportMetric(median(ours), "onboard-s")
	b.ReportMetric(median(peer), "xlsxwriter-s")
	b.ReportMetric(median(peer)/median(ours), "speedup")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
