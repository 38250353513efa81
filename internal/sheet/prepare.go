package sheet

import "context"

// Preparer is implemented by backends that can set a sheet up for people:
// a frozen header row, dropdowns, and warning-only protection over the
// job's columns. onboard init uses it; the job itself never needs it.
type Preparer interface {
	// Inspect reports what each named tab already has.
	Inspect(ctx context.Context, tabs []string) (map[string]TabSetup, error)
	// Prepare applies the steps together.
	Prepare(ctx context.Context, steps []SetupStep) error
}

// TabSetup is what a tab already has.
type TabSetup struct {
	Frozen bool
	// Dropdowns holds the 1-based columns with a list validation on row 2.
	Dropdowns map[int]bool
	// Protected holds the descriptions of protected ranges (or, in a
	// workbook, of the notes that mark job columns).
	Protected map[string]bool
}

// StepKind is what a setup step does.
type StepKind uint8

const (
	FreezeHeader StepKind = iota + 1 // freeze row 1
	Dropdown                         // a list of values on Col, rows 2 to the end; other values allowed with a warning
	Protect                          // warning-only protection of Cols (all rows), named by Description
)

// SetupStep is one change to a tab's set-up.
type SetupStep struct {
	Kind        StepKind
	Tab         string
	Col         int
	Cols        []int
	Values      []string
	Description string
}
