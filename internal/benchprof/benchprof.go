// Package benchprof says where a benchmark's time goes: it runs a CPU
// profile of one run and sums it up in a line, the functions that spent
// the most of it (go tool pprof -top), for the benchmarks' logs.
package benchprof

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
)

// Env names the file the onboard binary writes a CPU profile of its run
// to, when set.
const Env = "ONBOARD_CPUPROFILE"

// Top is the summary of the profile at path, of the program binary: the
// n functions that spent the most CPU, each with its share.
func Top(binary, path string, n int) (string, error) {
	out, err := exec.Command("go", "tool", "pprof", "-top", fmt.Sprintf("-nodecount=%d", n), binary, path).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %v\n%s", err, out)
	}
	return summary(string(out), n), nil
}

// summary reads pprof's -top table: after the header line, each line is
// flat, flat%, sum%, cum, cum% and the function.
func summary(top string, n int) string {
	var parts []string
	inTable := false
	for line := range strings.Lines(top) {
		f := strings.Fields(line)
		if !inTable {
			inTable = len(f) >= 5 && f[0] == "flat" && f[1] == "flat%"
			continue
		}
		if len(f) < 6 || len(parts) == n {
			break
		}
		parts = append(parts, f[1]+" "+shortName(strings.Join(f[5:], " ")))
	}
	if len(parts) == 0 {
		return "no samples"
	}
	return strings.Join(parts, ", ")
}

// shortName drops a function's import path, keeping its package.
func shortName(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 && !strings.Contains(fn[:i], "(") {
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
