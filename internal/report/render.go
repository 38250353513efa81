package report

import (
	"archive/zip"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/xuri/excelize/v2"

	"onboard/internal/atomicfile"
	"onboard/internal/onboarding"
)

// defaultFontSize is the size of unstyled cells (excelize's default
// style), which styled cells match unless the layout says otherwise.
const defaultFontSize = 11

// FileName is the report's file name for a week: onboard-weekly-2026-W47.xlsx.
func FileName(w Week) string { return "onboard-weekly-" + w.String() + ".xlsx" }

// WriteFile renders the model into dir/FileName(week) atomically: the
// workbook goes to a temporary file in dir that is renamed over the target
// only once complete, so a reader never sees half a report. dir is created
// when missing. It returns the path written.
func WriteFile(dir string, m *Model, l *Layout) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create report folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName(m.Week))
	if err := atomicfile.Write(path, 0o644, func(w io.Writer) error { return Write(w, m, l) }, nil); err != nil {
		return "", fmt.Errorf("report %s: %w", path, err)
	}
	return path, nil
}

// Write renders the model as an .xlsx workbook to w.
func Write(w io.Writer, m *Model, l *Layout) error {
	f, err := Render(m, l)
	if err != nil {
		return err
	}
	// Close removes the stream writers' temporary files.
	defer func() { _ = f.Close() }()
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write report workbook: %w", err)
	}
	return nil
}

// Render builds the workbook; the caller must Close it. The data tabs go
// through excelize's stream writer, which keeps their rows in a temporary
// file rather than in memory until the workbook is saved.
func Render(m *Model, l *Layout) (f *excelize.File, err error) {
	f = excelize.NewFile()
	f.SetZipWriter(fastZip)
	defer func() {
		if err != nil {
			_ = f.Close()
			f = nil
		}
	}()
	r := &renderer{f: f, m: m, l: l}
	if err := r.styles(); err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", l.Summary.Title); err != nil {
		return nil, fmt.Errorf("report tab %q: %w", l.Summary.Title, err)
	}
	if err := r.summary(); err != nil {
		return nil, fmt.Errorf("report tab %q: %w", l.Summary.Title, err)
	}
	lead, err := r.leadTab()
	if err != nil {
		return nil, fmt.Errorf("report tab %q: %w", l.Lead.Title, err)
	}
	if err := r.dataTabs(lead); err != nil {
		return nil, err
	}
	// No SetActiveSheet: it would parse every streamed tab back into
	// memory. The summary is the first tab, which opens by default.
	return f, nil
}

// dataTabs writes the big tabs (the client list alone is 100,000 rows for
// a large team): measured on every core, since that only reads the model
// (measureTables), then opened one by one, since that touches the
// workbook, then written in parallel, each through its own sheet's stream
// writer, and beside them the rows of the リードタイム tab (lead, from
// leadTab).
func (r *renderer) dataTabs(lead func() error) error {
	tables := r.tables()
	widths, dates := r.measureTables(tables)
	writers := make([]*excelize.StreamWriter, len(tables))
	for i, t := range tables {
		sw, err := r.openTable(t, r.printedWidth(widths[i], dates[i]))
		if err != nil {
			return fmt.Errorf("report tab %q: %w", t.title, err)
		}
		writers[i] = sw
	}
	var wg sync.WaitGroup
	var leadErr error
	wg.Go(func() { leadErr = lead() })
	errs := make([]error, len(tables))
	for i, t := range tables {
		wg.Go(func() { errs[i] = r.fillTable(t, writers[i], widths[i], dates[i]) })
	}
	wg.Wait()
	if leadErr != nil {
		return fmt.Errorf("report tab %q: %w", r.l.Lead.Title, leadErr)
	}
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("report tab %q: %w", tables[i].title, err)
		}
	}
	return nil
}

// fastZip is the standard zip writer with deflate at its fastest level,
// each part deflated in blocks on all cores (parallelDeflate): the report
// is mostly repeated text that compresses well at any level, and
// deflating was otherwise a tenth of its time, on one core.
func fastZip(w io.Writer) excelize.ZipWriter {
	z := zip.NewWriter(w)
	z.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return newParallelDeflate(out), nil
	})
	return z
}

// renderer holds the workbook being built and its style IDs.
type renderer struct {
	f *excelize.File
	m *Model
	l *Layout

	named map[string]int // the layout's styles by name
	// Data tabs: a date column's style, a wrapped text column's, any
	// other column's (centred in a row made taller by wrapped text, as the
	// others are), and a status cell's fill.
	date, wrap, plain int
	status            map[onboarding.Status]int
	// Summary tables: the same in a bordered box.
	boxDate, boxPercent, boxDiff int
	// Summary figures that are shares, and their change in points.
	figPercent, figPointDiff int
	boxStatus                map[onboarding.Status]int
}

func (r *renderer) styles() error {
	l := r.l
	if err := r.f.SetDefaultFont(l.Font.Family); err != nil {
		return fmt.Errorf("report font: %w", err)
	}
	r.named = map[string]int{}
	// In name order: the same report is then the same file, style IDs
	// and all, from one run to the next.
	for _, name := range slices.Sorted(maps.Keys(l.Styles)) {
		id, err := r.newStyle(l.Styles[name], "", "")
		if err != nil {
			return fmt.Errorf("report style %s: %w", name, err)
		}
		r.named[name] = id
	}
	box, figure := l.Styles["cell"], l.Styles["figure"]
	var err error
	for _, s := range []struct {
		id    *int
		style Style
		fmt   string
	}{
		{&r.date, Style{}, l.DateFormat},
		{&r.wrap, Style{Wrap: true}, ""},
		{&r.plain, Style{}, ""},
		{&r.boxDate, box, l.DateFormat},
		{&r.boxPercent, box, l.PercentFormat},
		{&r.boxDiff, figure, "+#,##0;-#,##0;0"},
		{&r.figPercent, figure, l.PercentFormat},
		{&r.figPointDiff, figure, "+0.0%;-0.0%;0.0%"},
	} {
		if *s.id, err = r.newStyle(s.style, "", s.fmt); err != nil {
			return fmt.Errorf("report number format %q: %w", s.fmt, err)
		}
	}
	r.status, r.boxStatus = map[onboarding.Status]int{}, map[onboarding.Status]int{}
	for _, st := range onboarding.Statuses {
		fill := l.StatusColors[string(st)]
		if r.status[st], err = r.newStyle(Style{}, fill, ""); err != nil {
			return fmt.Errorf("report status style %s: %w", st, err)
		}
		if r.boxStatus[st], err = r.newStyle(box, fill, ""); err != nil {
			return fmt.Errorf("report status style %s: %w", st, err)
		}
	}
	return nil
}

// newStyle registers a layout style, optionally with a fill and a number
// format laid over it.
func (r *renderer) newStyle(s Style, fill, numFmt string) (int, error) {
	size := s.Size
	if size == 0 {
		size = defaultFontSize
	}
	st := &excelize.Style{
		Font:      &excelize.Font{Bold: s.Bold, Italic: s.Italic, Size: size, Color: s.Color, Family: r.l.Font.Family},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: s.Wrap, Horizontal: s.Align},
	}
	if fill == "" {
		fill = s.Fill
	}
	if fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}
	}
	if s.Border != "" {
		for _, side := range []string{"left", "right", "top", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: s.Border, Style: 1})
		}
	}
	if s.BottomBorder != "" {
		st.Border = append(st.Border, excelize.Border{Type: "bottom", Color: s.BottomBorder, Style: 2})
	}
	if numFmt != "" {
		st.CustomNumFmt = &numFmt
	}
	return r.f.NewStyle(st)
}

// Page orientations.
const (
	portrait  = "portrait"
	landscape = "landscape"
)

// portraitWidth is how wide a tab may be, in Excel character units, to
// print on A4 portrait at full scale (about 180 mm between the default
// margins); a wider one prints landscape.
const portraitWidth = 90

// orientationFor is the orientation a tab of the given printed width fits.
func orientationFor(width float64) string {
	if width <= portraitWidth {
		return portrait
	}
	return landscape
}

// pageSetup prints the tab on A4 in the given orientation, one page wide;
// onePage also fits it to one page tall. Data tabs keep their scale
// readable by wrapping wide text columns (fillTable) rather than shrinking
// to fit.
func (r *renderer) pageSetup(sheet string, onePage bool, orientation string) error {
	fit, wide, tall, a4 := true, 1, 0, 9
	if onePage {
		tall = 1
	}
	if err := r.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return r.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &tall})
}

// printTitles repeats the tab's first rows (its header, or its title and
// caption) at the top of every printed page.
func (r *renderer) printTitles(sheet string, rows int) error {
	return r.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(sheet) + "!$1:$" + strconv.Itoa(rows), Scope: sheet,
	})
}
