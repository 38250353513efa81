package sheet

import "context"

// Preparer is implemented by backends that can set a sheet up for people:
// a frozen header row, dropdowns, warning-only protection over the job's
// columns, and the job's columns formatted to be read. onboard init uses
// it; sync uses it only to format columns and tabs it has just added.
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
	// workbook, of the input messages, or older notes, that mark job
	// columns).
	Protected map[string]bool
	// Formatted: the tab carries onboard's marker that its columns were
	// formatted (a FormatColumns step with Mark set).
	Formatted bool
}

// StepKind is what a setup step does.
type StepKind uint8

const (
	FreezeHeader  StepKind = iota + 1 // freeze row 1
	Dropdown                          // a list of values on Col, rows 2 to the end; other values allowed with a warning
	Protect                           // warning-only protection of Cols (all rows), named by Description
	FormatColumns                     // Formats on their columns, rows 2 to the end (widths for the whole column)
)

// SetupStep is one change to a tab's set-up.
type SetupStep struct {
	Kind        StepKind
	Tab         string
	Col         int
	Cols        []int
	Values      []string
	Description string
	// Formats are a FormatColumns step's columns; Mark also records on
	// the tab that it was formatted, so init does not format it again.
	Formats []ColumnFormat
	Mark    bool
}

// DateFormat is the number format of the dates the job formats.
const DateFormat = "yyyy/mm/dd"

// ColumnFormat is how one column reads. Only what is set is applied: a
// zero Width leaves the width, a false Wrap the wrapping, and so on, so
// the rest of a cell's format (a manager's fill, font) stays.
type ColumnFormat struct {
	Col   int     // 1-based
	Width float64 // in characters of the default font (Excel's unit); 0 leaves it
	Wrap  bool    // wrap long text instead of cutting it off
	Date  bool    // show numbers as DateFormat
	// Colors fills a cell whose text equals a key with that colour
	// (RRGGBB), by conditional formatting, so it follows the value.
	Colors map[string]string
	// ColorOrder lists Colors' keys in the order the rules are added.
	ColorOrder []string
}

// WidthPixels converts a width in characters to screen pixels the way
// Excel does for its default font (7 px a character plus 5 px padding).
func WidthPixels(chars float64) int { return int(chars*7 + 5.5) }
