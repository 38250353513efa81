package job_test

import (
	"context"
	"reflect"
	"testing"

	"onboard/internal/example"
	"onboard/internal/job"
	"onboard/internal/xlsxbook"
)

// TestComputeRecordsMatchesCompute: the report's way of computing (cells
// let go as they are read) gives the same clients, problems and pool
// assignments as Compute, and leaves no cells in the run.
func TestComputeRecordsMatchesCompute(t *testing.T) {
	cfg := config(t)
	path := writeBook(t, example.Generate(example.Config{Clients: 2000, Seed: 3, Today: example.ExampleToday, Problems: true}))
	want, err := job.Compute(context.Background(), xlsxbook.Open(path), cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := job.ComputeRecords(context.Background(), xlsxbook.Open(path), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Sheet.Tabs != nil {
		t.Error("ComputeRecords kept the cells")
	}
	if !reflect.DeepEqual(got.Out, want.Out) {
		t.Error("the computed clients differ")
	}
	if !reflect.DeepEqual(got.Problems(), want.Problems()) {
		t.Error("the problems differ")
	}
	if len(want.Out.Clients) < 2000 {
		t.Errorf("%d clients", len(want.Out.Clients))
	}
}
