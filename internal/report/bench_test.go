package report_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/sheet"
)

// memSheet is a spreadsheet held in memory: the benchmarks measure the
// report, not reading an .xlsx file.
type memSheet struct{ book *sheet.Book }

func (m memSheet) Read(context.Context, []string) (*sheet.Book, error) { return m.book, nil }
func (m memSheet) Titles(context.Context) ([]string, error)            { return m.book.Titles(), nil }
func (m memSheet) ReadColumns(context.Context, []sheet.ColumnsRequest) (*sheet.Book, error) {
	return nil, sheet.ErrNotSupported
}
func (m memSheet) Write(context.Context, []sheet.Update) error    { return sheet.ErrNotSupported }
func (m memSheet) AddTab(context.Context, string, []string) error { return sheet.ErrNotSupported }
func (m memSheet) Describe() string                               { return "memory" }

func BenchmarkReport10k(b *testing.B)  { benchmarkReport(b, 10_000) }
func BenchmarkReport100k(b *testing.B) { benchmarkReport(b, 100_000) }

// benchmarkReport measures what `onboard report` does once the sheet is
// read: the memory limit it sets then (report.LimitMemory), the contract
// and the computation (job.ComputeRecords, which is Evaluate without the
// write-back plan, letting the cells go as they are read), the model, and
// the workbook written to disk. Besides the time it reports:
//
//   - peak-heap-MB: the highest heap in use over the whole run, input
//     sheet included (runtime/metrics sampled every millisecond, which does
//     not stop the world); input-MB is the in-memory sheet alone;
//   - report-peak-MB: the same over the report's own part (model and
//     workbook), after the run let go of the input grid as the CLI does;
//   - peak-rss-MB: the process's resident high-water mark during the run,
//     where Linux lets it be reset; start-rss-MB is where it starts, the
//     resident memory once the input is generated (the sheet, and memory
//     the generator freed that the runtime has not handed back yet);
//   - cpu-s: CPU time, user and system, which unlike wall time does not
//     grow when other processes share the machine;
//   - fresh-MB: memory touched for the first time (minor page faults ×
//     4 KiB), which costs more than the instructions on a small VM;
//   - compute-s, model-s, workbook-s: wall time of each part;
//   - file-MB: the workbook's size.
func benchmarkReport(b *testing.B, clients int) {
	mx, err := matrix.Default("")
	if err != nil {
		b.Fatal(err)
	}
	layout, err := report.LoadLayout("")
	if err != nil {
		b.Fatal(err)
	}
	now := example.ExampleToday.Time(tokyo(b)).Add(9 * time.Hour)
	cfg := job.Config{Matrix: mx, Now: now, StallDays: 14, PoolLowWater: 5}
	dir := b.TempDir()
	var peakHeap, reportPeak, peakRSS, startRSS, input uint64
	var size int64
	var phases [3]time.Duration // compute, model, workbook
	var cpu time.Duration
	var faults int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		book := example.Generate(example.Config{Clients: clients, Seed: 1, Today: example.ExampleToday, SessionsPerClient: 3})
		runtime.GC()
		input = heapInUse()
		resetPeakRSS()
		startRSS = max(startRSS, peakRSSBytes())
		b.StartTimer()

		stop := sampleHeap(&peakHeap)
		cpu0, faults0 := cpuTime(), minorFaults()
		t0 := time.Now()
		// As the CLI does once the sheet is read (here it was generated):
		// a memory limit a little above what the process holds, then the
		// records, which replace the grid's rows as they are read.
		restore := report.LimitMemory()
		run, err := job.ComputeRecords(context.Background(), memSheet{book}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		// As the CLI does: collect what is left of the grid (its tabs keep
		// only their header rows) so the workbook's garbage reuses its memory.
		book = nil
		runtime.GC()
		t1 := time.Now()
		stopReport := sampleHeap(&reportPeak)
		m := report.Build(run, report.Options{Week: report.LastComplete(now), Now: now, StallDays: 14, Source: "memory"})
		t2 := time.Now()
		path, err := report.WriteFile(dir, m, layout)
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		cpu += cpuTime() - cpu0
		faults += minorFaults() - faults0
		stopReport()
		stop()
		restore()

		b.StopTimer()
		phases[0] += t1.Sub(t0)
		phases[1] += t2.Sub(t1)
		phases[2] += t3.Sub(t2)
		peakRSS = max(peakRSS, peakRSSBytes())
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = fi.Size()
		b.StartTimer()
	}
	const mb = 1 << 20
	n := float64(b.N)
	b.ReportMetric(float64(peakHeap)/mb, "peak-heap-MB")
	b.ReportMetric(float64(input)/mb, "input-MB")
	b.ReportMetric(float64(reportPeak)/mb, "report-peak-MB")
	if peakRSS > 0 {
		b.ReportMetric(float64(peakRSS)/mb, "peak-rss-MB")
		b.ReportMetric(float64(startRSS)/mb, "start-rss-MB")
	}
	b.ReportMetric(cpu.Seconds()/n, "cpu-s")
	b.ReportMetric(float64(faults)*4096/mb/n, "fresh-MB")
	b.ReportMetric(phases[0].Seconds()/n, "compute-s")
	b.ReportMetric(phases[1].Seconds()/n, "model-s")
	b.ReportMetric(phases[2].Seconds()/n, "workbook-s")
	b.ReportMetric(float64(size)/mb, "file-MB")
}

func tokyo(tb testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// heapInUse reads the bytes in in-use heap spans (MemStats.HeapInuse)
// from runtime/metrics, which does not stop the world.
func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// sampleHeap records the highest heap in use until the returned stop is
// called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			*peak = max(*peak, heapInUse())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		*peak = max(*peak, heapInUse())
	}
}

// minorFaults counts the pages the process touched for the first time
// (minor page faults). On a VM where each costs microseconds this, more
// than the instructions, decides the wall time.
func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

// cpuTime is the CPU time the process has used, user and system: unlike
// wall time it does not grow when other processes share the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets the kernel's high-water mark of resident memory
// (Linux: "5" into clear_refs); elsewhere it does nothing.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSBytes is VmHWM from /proc/self/status, or 0 where unavailable.
func peakRSSBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := bytes.Fields(sc.Bytes()); len(f) >= 2 && string(f[0]) == "VmHWM:" {
			kb, _ := strconv.ParseUint(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	return 0
}
