package job_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/onboarding"
	"onboard/internal/writeback"
	"onboard/internal/xlsxbook"
)

// BenchmarkCompute measures the pure computation for 100,000 clients and
// 300,000 sessions held in memory.
func BenchmarkCompute(b *testing.B) {
	cfg := config(b)
	book := example.Generate(example.Config{Clients: 100_000, Seed: 1, Today: example.ExampleToday, SessionsPerClient: 3})
	s, err := contract.Read(book, cfg.Matrix)
	if err != nil {
		b.Fatal(err)
	}
	in := onboarding.Input{
		Matrix: cfg.Matrix, Applications: s.Applications, Sessions: s.SessionRows, Pool: s.PoolRows,
		Today: cfg.Today(), StallDays: 14, PoolLowWater: 5,
	}
	b.Logf("%d clients, %d sessions, %d pool accounts", len(s.Applications), len(s.SessionRows), len(s.PoolRows))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		onboarding.Compute(in)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Applications)), "ns/client")
}

// BenchmarkReadComputePlan adds the contract (parsing every cell) and the
// write-back plan to the computation, still in memory.
func BenchmarkReadComputePlan(b *testing.B) {
	cfg := config(b)
	book := example.Generate(example.Config{Clients: 100_000, Seed: 1, Today: example.ExampleToday, SessionsPerClient: 3})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := contract.Read(book, cfg.Matrix)
		if err != nil {
			b.Fatal(err)
		}
		out := onboarding.Compute(onboarding.Input{Matrix: cfg.Matrix, Applications: s.Applications, Sessions: s.SessionRows, Pool: s.PoolRows, Today: cfg.Today(), StallDays: 14})
		writeback.Plan(s, out, cfg.Today())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/client")
}

// BenchmarkLocalSync10k is a full sync of a 10,000-client workbook: read,
// compute, write, save. Peak memory of the whole process is measured by
// cmd/onboard's BenchmarkSyncBinary.
func BenchmarkLocalSync10k(b *testing.B) {
	src := filepath.Join(b.TempDir(), "src.xlsx")
	if err := xlsxbook.Create(src, example.Generate(example.Config{Clients: 10_000, Seed: 1, Today: example.ExampleToday})); err != nil {
		b.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	cfg := config(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "book.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		run, err := job.Sync(context.Background(), xlsxbook.Open(path), cfg, false)
		if err != nil {
			b.Fatal(err)
		}
		if run.Outcome.Written == 0 {
			b.Fatal("nothing written")
		}
	}
}
