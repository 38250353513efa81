package report

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
)

// LimitMemory sets a soft memory limit for a process that has just read
// the sheet and will now compute its records and write the report: the
// memory the process holds now, plus a sixteenth, plus 8 MiB (64 MiB at
// least). It returns a function that puts the previous limit back. A
// limit already set (GOMEMLIMIT) is left alone.
//
// Why a batch job tunes its own collector: from here on the process never
// needs much more than it holds now. The records replace the sheet's
// cells row by row and take less memory than they do
// (job.ComputeRecords), and the workbook is written as it is zipped. With
// the default GOGC=100 alone, though, the heap grows to twice what was
// live at the last collection before the next one, so the cells let go
// stay in memory beside the records (100,000 clients: 231 MB of cells,
// 400-460 MB at the peak). Under the limit the collector runs as often as
// it must to stay below it, for some CPU time, and hands freed memory back
// to the system. The limit follows what the process holds rather than
// being a fixed number, which a larger sheet would exceed and make the
// collector run without end; the headroom grows with it, so that a larger
// sheet does not need more collections. It is a soft limit: should a sheet
// need more (records larger than its cells, which the job's own columns
// make unlikely), the runtime lets the heap grow past it rather than spend
// more than about half the CPU collecting.
func LimitMemory() (restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if prev != math.MaxInt64 {
		return func() {}
	}
	held := heldMemory()
	debug.SetMemoryLimit(int64(max(held+held/16+8<<20, 64<<20)))
	return func() { debug.SetMemoryLimit(prev) }
}

// heldMemory is the memory the Go runtime holds for the process and uses:
// heap spans in use (live objects, and garbage not collected yet), stacks
// and its own structures; not free heap memory it could hand back. That
// is what counts against a memory limit, less what is free already.
func heldMemory() uint64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64() - s[2].Value.Uint64()
}
