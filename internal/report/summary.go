package report

import (
	"fmt"
	"onboard/internal/textfit"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/onboarding"
)

// Summary layout: tables in columns A–E, the two charts to their right.
const (
	summaryCols = 5
	chartCol    = "G"
	chartWidth  = 560
	statusChart = 360 // px high, from row 4
	trendChart  = 480 // px high, from trendRow
	trendRow    = 25
)

// grid writes cells of a small tab with the normal excelize API, keeping
// the widest text of each column and the last row used.
type grid struct {
	f       *excelize.File
	sheet   string
	widths  widthTracker
	lastRow int
	err     error
	// wrapped are the cells whose text wraps, to size their rows once the
	// column widths are known.
	wrapped []wrappedCell
}

type wrappedCell struct {
	col, row int
	text     string
	size     float64
}

// fitRows gives each row holding wrapped text the height its lines need
// (LibreOffice keeps the stored height: without one a note overlaps the
// next row).
func (g *grid) fitRows(width func(col int) float64) error {
	need := map[int]float64{}
	for _, c := range g.wrapped {
		if lines := min(textfit.Lines(c.text, width(c.col), c.size, defaultFontSize), textfit.MaxLines); lines > 1 {
			need[c.row] = max(need[c.row], textfit.RowHeight(lines, c.size))
		}
	}
	for row, h := range need {
		if err := g.f.SetRowHeight(g.sheet, row, max(h, 15)); err != nil {
			return err
		}
	}
	return nil
}

// put writes v (string, int, float64 or nil) with a style. Wide is false
// for titles that may spill over empty neighbours.
func (g *grid) put(col, row int, v any, style int, measure bool) {
	if g.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err == nil && v != nil {
		// SetCellValue writes a string as a shared string, never a
		// formula, whatever it starts with.
		err = g.f.SetCellValue(g.sheet, ref, v)
	}
	if err == nil && style != 0 {
		err = g.f.SetCellStyle(g.sheet, ref, ref, style)
	}
	g.err = err
	g.lastRow = max(g.lastRow, row)
	if !measure || col > len(g.widths) {
		return
	}
	switch v := v.(type) {
	case string:
		g.widths.text(col-1, v)
	case int:
		g.widths.atLeast(col-1, digits(v)+1)
	case float64:
		g.widths.atLeast(col-1, 8)
	}
}

// row writes values from column A with one style.
func (g *grid) row(row, style int, values ...any) {
	for i, v := range values {
		g.put(i+1, row, v, style, true)
	}
}

func (r *renderer) expand(s string) string { return r.m.Expand(s) }

// Expand fills a layout text's placeholders ({week}, {today},
// {first_session_days}, ...) with the model's values.
func (m *Model) Expand(s string) string {
	week, prev := m.Week, m.Week.Add(-1)
	return strings.NewReplacer(
		"{week}", week.String(), "{prev}", prev.String(),
		"{week_label}", week.Label(), "{prev_label}", prev.Label(),
		"{start}", week.Start().String(), "{end}", week.End().String(),
		"{prev_end}", prev.End().String(), "{today}", m.Now.Format("2006/01/02"),
		"{now}", m.Now.Format("2006/01/02 15:04"), "{zone}", m.Now.Location().String(),
		"{source}", m.Source, "{stall_days}", strconv.Itoa(m.StallDays),
		"{trend_start}", week.Add(1-TrendWeeks).Start().String(),
		"{first_session_days}", strconv.Itoa(m.Targets.FirstSessionDays), "{handover_days}", strconv.Itoa(m.Targets.HandoverDays),
	).Replace(s)
}

func (r *renderer) summary() error {
	l, m := &r.l.Summary, r.m
	name := l.Title
	g := &grid{f: r.f, sheet: name, widths: make(widthTracker, summaryCols)}
	st := r.named
	noteSize := r.l.Styles["note"].Size
	if noteSize == 0 {
		noteSize = defaultFontSize
	}

	g.put(1, 1, r.expand(l.Heading), st["title"], false)
	g.put(1, 2, r.expand(l.Caption), st["caption"], false)

	row := 3
	section := func(title string, headers []string) {
		row++
		g.put(1, row, r.expand(title), st["section"], false)
		for c := 2; c <= summaryCols; c++ {
			g.put(c, row, nil, st["section"], false)
		}
		row++
		hs := make([]any, len(headers))
		for i, h := range headers {
			hs[i] = r.expand(h)
		}
		g.row(row, st["header"], hs...)
	}

	section(l.FiguresSection, l.FigureHeaders)
	for _, fr := range m.Figures {
		row++
		lab := l.Figures[fr.Key]
		g.put(1, row, lab.Label, st["cell"], true)
		g.put(2, row, r.count(fr.This), st["figure"], true)
		g.put(3, row, r.count(fr.Prev), st["figure"], true)
		var diff any
		if fr.This.Known && fr.Prev.Known {
			diff = fr.This.N - fr.Prev.N
		}
		g.put(4, row, diff, r.boxDiff, true)
		g.put(5, row, r.expand(lab.Note), st["note"], true)
		g.wrapped = append(g.wrapped, wrappedCell{5, row, r.expand(lab.Note), noteSize})
	}
	row++

	section(l.LeadSection, l.LeadHeaders)
	for _, lf := range m.LeadFigures() {
		row++
		lab := l.LeadFigures[lf.Key]
		style, diffStyle := st["figure"], r.boxDiff
		value := func(v Value) any {
			switch {
			case !v.Known:
				return l.Unknown
			case lf.Percent:
				return v.V
			}
			return int(v.V)
		}
		if lf.Percent {
			style, diffStyle = r.figPercent, r.figPointDiff
		}
		g.put(1, row, r.expand(lab.Label), st["cell"], true)
		g.put(2, row, value(lf.This), style, true)
		g.put(3, row, value(lf.Prev), style, true)
		var diff any
		if lf.This.Known && lf.Prev.Known {
			diff = value(Value{V: lf.This.V - lf.Prev.V, Known: true})
		}
		g.put(4, row, diff, diffStyle, true)
		g.put(5, row, r.expand(lab.Note), st["note"], true)
		g.wrapped = append(g.wrapped, wrappedCell{5, row, r.expand(lab.Note), noteSize})
	}
	row++

	section(l.WorksSection, l.WorkHeaders)
	for _, w := range m.Works {
		row++
		var rate any
		if w.Required > 0 {
			rate = float64(w.Done) / float64(w.Required)
		}
		g.row(row, st["cell"], w.Work.Label(), w.Required, w.Done)
		g.put(4, row, rate, r.boxPercent, true)
	}
	row++

	section(l.ConditionsSection, l.ConditionHeaders)
	for _, t := range m.Conditions {
		row++
		g.row(row, st["cell"], or(t.Label, l.Unresolved), t.N)
	}
	row++

	section(l.LiteracySection, l.LiteracyHeaders)
	for _, t := range m.Literacy {
		row++
		g.row(row, st["cell"], or(t.Label, l.LiteracyUnknown), t.N)
	}
	row++

	section(l.StatusSection, l.StatusHeaders)
	statusFirst := row + 1
	for _, t := range m.Statuses {
		row++
		g.put(1, row, t.Label, r.boxStatus[onboarding.Status(t.Label)], true)
		g.put(2, row, t.N, st["cell"], true)
	}
	statusLast := row
	row++

	section(l.TrendSection, l.TrendHeaders)
	trendHeader := row
	for _, t := range m.Trend {
		row++
		g.put(1, row, t.Week.Label(), st["cell"], true)
		g.put(2, row, int(t.Week.Start()), r.boxDate, false)
		g.widths.atLeast(1, len("2026/11/24"))
		g.row3(row, st["cell"], t.Applications, t.Sessions, t.Completions)
	}
	trendLast := row
	if g.err != nil {
		return g.err
	}

	for c := range summaryCols {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := r.f.SetColWidth(name, col, col, r.l.Widths.columnWidth(g.widths[c])); err != nil {
			return err
		}
	}
	if err := g.fitRows(func(col int) float64 { return r.l.Widths.columnWidth(g.widths[col-1]) }); err != nil {
		return err
	}
	if err := r.charts(name, statusFirst, statusLast, trendHeader, trendLast); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(summaryCols, g.lastRow)
	if err := r.f.SetSheetDimension(name, "A1:"+last); err != nil {
		return err
	}
	// One page, landscape: its tables and charts stand side by side.
	return r.pageSetup(name, true, landscape)
}

// row3 writes the trend's three counts into columns C–E.
func (g *grid) row3(row, style int, a, b, c int) {
	g.put(3, row, a, style, true)
	g.put(4, row, b, style, true)
	g.put(5, row, c, style, true)
}

// count is a figure's cell: the number, or the layout's mark for a value
// that cannot be known.
func (r *renderer) count(c Count) any {
	if !c.Known {
		return r.l.Summary.Unknown
	}
	return c.N
}

func (r *renderer) charts(name string, statusFirst, statusLast, trendHeader, trendLast int) error {
	l := &r.l.Summary
	q := quoteSheet(name) + "!"
	rng := func(col string, from, to int) string {
		return fmt.Sprintf("%s$%s$%d:$%s$%d", q, col, from, col, to)
	}
	noFill := false
	// Axis labels dark enough to read on paper and in small renderings.
	axisFont := excelize.Font{Color: "404040", Size: 9, Family: r.l.Font.Family}
	status := &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       q + "$B$" + strconv.Itoa(statusFirst-1),
			Categories: rng("A", statusFirst, statusLast),
			Values:     rng("B", statusFirst, statusLast),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{r.l.ChartColors[0]}},
		}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: l.StatusChart}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		XAxis:      excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont},
		Dimension:  excelize.ChartDimension{Width: chartWidth, Height: statusChart},
		VaryColors: &noFill,
	}
	if err := r.f.AddChart(name, chartCol+"4", status); err != nil {
		return fmt.Errorf("status chart: %w", err)
	}
	trend := &excelize.Chart{
		Type:       excelize.Line,
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: l.TrendChart}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		XAxis:      excelize.ChartAxis{Font: axisFont},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont},
		Dimension:  excelize.ChartDimension{Width: chartWidth, Height: trendChart},
		VaryColors: &noFill,
	}
	for i, col := range []string{"C", "D", "E"} {
		color := r.l.ChartColors[i]
		trend.Series = append(trend.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s$%s$%d", q, col, trendHeader),
			Categories: rng("A", trendHeader+1, trendLast),
			Values:     rng(col, trendHeader+1, trendLast),
			Line:       excelize.LineOptions{Width: 2.25},
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}},
			Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}},
		})
	}
	if err := r.f.AddChart(name, chartCol+strconv.Itoa(trendRow), trend); err != nil {
		return fmt.Errorf("trend chart: %w", err)
	}
	return nil
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
