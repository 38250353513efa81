package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/xlsxbook"
)

// BenchmarkSyncBinary runs the built binary on a 10,000-client workbook and
// reports wall time and the process's peak resident memory (getrusage).
func BenchmarkSyncBinary(b *testing.B) {
	src := filepath.Join(b.TempDir(), "src.xlsx")
	if err := xlsxbook.Create(src, example.Generate(example.Config{Clients: 10_000, Seed: 1, Today: example.ExampleToday})); err != nil {
		b.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	st, _ := os.Stat(src)
	var peak int64
	var wall time.Duration
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "book.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(binary, "sync", "--sheet", path, "--now", "2026-11-25T09:00:00+09:00", "--log-level", "error")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		wall += time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/sync")
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
	b.ReportMetric(float64(st.Size())/1e6, "workbook-MB")
}
