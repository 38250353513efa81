// Package benchprof says where a benchmark's time goes: it runs a CPU
// profile of one run and sums it up in a line, the functions that spent
// the most of it (go tool pprof -top), for the benchmarks' logs.
package benchprof

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Env names the file the onboard binary writes a CPU profile of its run
// to, when set.
const Env = "ONBOARD_CPUPROFILE"

// Top is the summary of the profile at path, of the program binary: the
// n functions that spent the most CPU themselves, each with its share,
// then the n of onboard's own packages that did.
func Top(binary, path string, n int) (string, error) {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=300", binary, path).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %v\n%s", err, out)
	}
	return summary(string(out), n), nil
}

// summary reads pprof's -top table: after the header line, each line is
// flat, flat%, sum%, cum, cum% and the function.
func summary(top string, n int) string {
	var all, ours []string
	inTable := false
	for line := range strings.Lines(top) {
		f := strings.Fields(line)
		if !inTable {
			inTable = len(f) >= 5 && f[0] == "flat" && f[1] == "flat%"
			continue
		}
		if len(f) < 6 {
			break
		}
		fn := strings.Join(f[5:], " ")
		if len(all) < n {
			all = append(all, f[1]+" "+shortName(fn))
		}
		if strings.HasPrefix(fn, "onboard/") && len(ours) < n {
			ours = append(ours, f[1]+" "+shortName(fn))
		}
	}
	if len(all) == 0 {
		return "no samples"
	}
	if len(ours) == 0 {
		return strings.Join(all, ", ")
	}
	return strings.Join(all, ", ") + "; in onboard: " + strings.Join(ours, ", ")
}

// shortName drops a function's import path, keeping its package, and a
// generic function's type arguments.
func shortName(fn string) string {
	if i := strings.Index(fn, "[go.shape"); i >= 0 {
		fn = fn[:i] + "[…]"
	}
	if i := strings.LastIndex(fn, "/"); i >= 0 && !strings.Contains(fn[:i], "(") && !strings.Contains(fn[:i], "[") {
		return fn[i+1:]
	}
	return fn
}

// Profile runs fn under a CPU profile of this process written to path.
func Profile(path string, fn func() error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = fn()
	pprof.StopCPUProfile()
	return err
}

// Figures are a process's run: wall time, CPU time (user and system,
// which grows less than wall time on a busy machine) and peak resident
// memory (getrusage, KiB on Linux); or the medians of runs.
type Figures struct {
	Wall, CPU time.Duration
	PeakKiB   int64
}

func (f Figures) String() string {
	return fmt.Sprintf("%.2f s (CPU %.2f s), %d MB", f.Wall.Seconds(), f.CPU.Seconds(), f.PeakKiB/1024)
}

// Run runs the command args with env added to this process's and
// measures it.
func Run(args []string, env ...string) (Figures, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return Figures{}, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return Figures{Wall: wall, CPU: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), PeakKiB: ru.Maxrss}, nil
}

// Median is each figure's median over runs.
func Median(runs []Figures) Figures {
	var walls, cpus []time.Duration
	var peaks []int64
	for _, r := range runs {
		walls, cpus, peaks = append(walls, r.Wall), append(cpus, r.CPU), append(peaks, r.PeakKiB)
	}
	return Figures{middle(walls), middle(cpus), middle(peaks)}
}

func middle[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
