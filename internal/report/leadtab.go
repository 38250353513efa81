package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/onboarding"
)

// The リードタイム tab: small tables of figures, then the list of clients
// past a target, which grows with the team (one row per client at worst).
// So the whole tab goes through a stream writer, as the data tabs do; its
// chart is added before the stream starts, since a streamed sheet cannot
// be edited afterwards without reading it back into memory.

const (
	leadChartWidth  = 620
	leadChartHeight = 340
)

// leadRow is one row of the fixed part of the tab. Titles and section
// lines spill over their neighbours, so they are not measured.
type leadRow struct {
	cells   []cellValue
	measure bool
}

// leadRows are the tab's fixed rows; trendHeader and trendLast are the
// rows (1-based) of the trend table's header and last week, which the
// chart draws from.
func (r *renderer) leadRows(ncol int) (rows []leadRow, trendHeader, trendLast int) {
	l, lt := &r.l.Lead, &r.m.Lead
	st := r.named
	add := func(measure bool, cells ...cellValue) int {
		rows = append(rows, leadRow{cells: cells, measure: measure})
		return len(rows)
	}
	lc := leadCells{r}
	label, number, percent, stats := lc.label, lc.number, lc.percent, lc.stats
	section := func(title string, headers []string) {
		add(false)
		line := make([]cellValue, ncol)
		for i := range line {
			line[i].style = st["section"]
		}
		line[0] = styled(text(r.expand(title)), st["section"])
		add(false, line...)
		hs := make([]cellValue, len(headers))
		for i, h := range headers {
			hs[i] = styled(text(r.expand(h)), st["header"])
		}
		add(true, hs...)
	}
	stageName := func(s Stage) string { return l.Stages[s.Key()] }

	add(false, styled(text(r.expand(l.Heading)), st["title"]))
	add(false, styled(text(r.expand(l.Caption)), st["caption"]))

	section(l.StageSection, l.StageHeaders)
	for _, s := range lt.Stages {
		add(true, append(append([]cellValue{label(stageName(s.Stage))}, stats(s.Week)...), stats(s.Trend)...)...)
	}

	section(l.OperatorSection, l.OperatorHeaders)
	for _, s := range lt.Operators {
		add(true, append(append([]cellValue{label(or(s.Operator, l.Unassigned)), label(stageName(s.Stage))}, stats(s.Week)...), stats(s.Trend)...)...)
	}
	if len(lt.Operators) == 0 {
		add(true, label(l.Empty))
	}

	section(l.LevelSection, l.LevelHeaders)
	for _, sl := range lt.Levels {
		add(true, label(r.expandDays(l.Targets[sl.Target.Key()].Label, sl.Days)), number(sl.Days),
			number(sl.This.N), number(sl.This.Met), percent(sl.This),
			number(sl.Prev.N), number(sl.Prev.Met), percent(sl.Prev), number(sl.Breaching))
	}

	section(l.TrendSection, l.TrendHeaders)
	trendHeader = len(rows)
	for _, tw := range lt.Trend {
		// No figure is a blank cell, not a mark: the chart leaves a gap
		// there rather than drawing a zero.
		median := cellValue{style: st["cell"]}
		if tw.Done.N > 0 {
			median = number(tw.Done.Median)
		}
		ratio := func(s Share) cellValue {
			if _, ok := s.Ratio(); !ok {
				return cellValue{style: st["cell"]}
			}
			return percent(s)
		}
		add(true, label(tw.Week.Label()), styled(date(tw.Week.Start()), r.boxDate), number(tw.Done.N), median,
			ratio(tw.Levels[TargetFirstSession]), ratio(tw.Levels[TargetHandover]))
	}
	trendLast = len(rows)

	section(l.BreachSection, columnHeaders(l.BreachColumns))
	if len(lt.Breaches) == 0 {
		add(true, label(l.Empty))
	}
	return rows, trendHeader, trendLast
}

// leadCells makes the cells of the tab's tables, in its styles.
type leadCells struct{ r *renderer }

func styled(v cellValue, style int) cellValue { v.style = style; return v }

func (lc leadCells) label(s string) cellValue { return styled(text(s), lc.r.named["cell"]) }

func (lc leadCells) number(n int) cellValue { return styled(num(n), lc.r.named["cell"]) }

func (lc leadCells) unknown() cellValue { return lc.label(lc.r.l.Summary.Unknown) }

func (lc leadCells) percent(s Share) cellValue {
	v, ok := s.Ratio()
	if !ok {
		return lc.unknown()
	}
	return cellValue{kind: realCell, f: v, style: lc.r.boxPercent}
}

func (lc leadCells) stats(s Stats) []cellValue {
	if s.N == 0 {
		return []cellValue{lc.number(0), lc.unknown(), lc.unknown(), lc.unknown()}
	}
	return []cellValue{lc.number(s.N), lc.number(s.Median), lc.number(s.P90), lc.number(s.Max)}
}

// leadTab opens the tab (its widths, its page setup and its chart) and
// returns the writing of its rows, which touches only the tab's stream
// writer, so it runs beside the data tabs' (dataTabs).
func (r *renderer) leadTab() (func() error, error) {
	l, lt := &r.l.Lead, &r.m.Lead
	ncol := max(leadOperatorCols, len(l.BreachColumns))
	rows, trendHeader, trendLast := r.leadRows(ncol)
	breachCols := make([]func(int) cellValue, len(l.BreachColumns))
	for i, c := range l.BreachColumns {
		breachCols[i] = r.breachColumn(c.Key)
	}
	breachRow := func(i int, cells []cellValue) []cellValue {
		for c, col := range breachCols {
			cells[c] = col(i)
		}
		return cells
	}

	// Widths: the fixed rows, then the breaches.
	widths := make(widthTracker, ncol)
	for _, row := range rows {
		if row.measure {
			widths.leadCells(row.cells)
		}
	}
	breach := make([]cellValue, len(breachCols))
	for i := range lt.Breaches {
		widths.leadCells(breachRow(i, breach))
	}

	sw, err := r.openLeadTab(ncol, len(rows)+len(lt.Breaches), trendHeader, trendLast)
	if err != nil {
		return nil, err
	}
	for c := ncol - 1; c >= 0; c-- { // right to left, as in fillTable
		if err := sw.SetColWidth(c+1, c+1, r.l.Widths.columnWidth(widths[c])); err != nil {
			return nil, err
		}
	}
	return func() error {
		buf := make([]any, ncol)
		cells := make([]excelize.Cell, ncol)
		for i, row := range rows {
			if err := writeLeadRow(sw, i+1, row.cells, buf, cells); err != nil {
				return err
			}
		}
		for i := range lt.Breaches {
			if err := writeLeadRow(sw, len(rows)+i+1, breachRow(i, breach), buf, cells); err != nil {
				return err
			}
		}
		return sw.Flush()
	}, nil
}

// leadCells widens the columns to a row of the tab.
func (t widthTracker) leadCells(cells []cellValue) {
	for c, v := range cells {
		switch v.kind {
		case textCell:
			t.text(c, v.s)
		case intCell:
			t.atLeast(c, digits(v.n)+1)
		case dateCell:
			t.atLeast(c, len("2026/11/24"))
		case realCell:
			t.atLeast(c, len("100.0%"))
		}
	}
}

// openLeadTab creates the tab, total rows long, with its page setup and
// the chart of the trend table, and its stream writer: the chart goes in
// before the stream starts, since a streamed sheet cannot be edited
// afterwards without reading it back into memory.
func (r *renderer) openLeadTab(ncol, total, trendHeader, trendLast int) (*excelize.StreamWriter, error) {
	name := r.l.Lead.Title
	f := r.f
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	// Tables with a chart beside them: landscape; the title and the
	// caption saying what the figures are head every page of a long list
	// of breaches.
	if err := r.pageSetup(name, false, landscape); err != nil {
		return nil, err
	}
	if err := r.printTitles(name, 2); err != nil {
		return nil, err
	}
	last, err := excelize.CoordinatesToCellName(ncol, total)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetDimension(name, "A1:"+last); err != nil {
		return nil, err
	}
	chartAt, _ := excelize.CoordinatesToCellName(ncol+2, 4)
	if err := r.leadChart(name, chartAt, trendHeader, trendLast); err != nil {
		return nil, err
	}
	return f.NewStreamWriter(name)
}

// writeLeadRow writes a row of the tab through buf and cells, reused from
// row to row: the stream writer copies each value out as it writes.
func writeLeadRow(sw *excelize.StreamWriter, row int, vals []cellValue, buf []any, cells []excelize.Cell) error {
	clear(buf)
	for c, v := range vals {
		if v.kind == blankCell && v.style == 0 {
			continue
		}
		cells[c] = v.cell(v.style)
		buf[c] = &cells[c]
	}
	ref, err := excelize.CoordinatesToCellName(1, row)
	if err != nil {
		return err
	}
	return sw.SetRow(ref, buf[:len(vals)])
}

// leadChart draws the weekly median 申込→完了 (days, left axis) and the
// share within each target (right axis) from the trend table.
func (r *renderer) leadChart(name, at string, header, last int) error {
	q := quoteSheet(name) + "!"
	rng := func(col string) string { return fmt.Sprintf("%s$%s$%d:$%s$%d", q, col, header+1, col, last) }
	axisFont := excelize.Font{Color: "404040", Size: 9, Family: r.l.Font.Family}
	series := func(col string, color string) excelize.ChartSeries {
		return excelize.ChartSeries{
			Name:       fmt.Sprintf("%s$%s$%d", q, col, header),
			Categories: rng("A"),
			Values:     rng(col),
			Line:       excelize.LineOptions{Width: 2.25},
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}},
			Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}},
		}
	}
	noFill := false
	colors := r.l.ChartColors
	days := &excelize.Chart{
		Type:         excelize.Line,
		Series:       []excelize.ChartSeries{series("D", colors[0])},
		Title:        excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: r.expand(r.l.Lead.TrendChart)}}},
		Legend:       excelize.ChartLegend{Position: "bottom"},
		XAxis:        excelize.ChartAxis{Font: axisFont},
		YAxis:        excelize.ChartAxis{MajorGridLines: true, Font: axisFont, Minimum: ptr(0.0)},
		Dimension:    excelize.ChartDimension{Width: leadChartWidth, Height: leadChartHeight},
		VaryColors:   &noFill,
		ShowBlanksAs: "gap",
	}
	shares := &excelize.Chart{
		Type:       excelize.Line,
		Series:     []excelize.ChartSeries{series("E", colors[1]), series("F", colors[2])},
		YAxis:      excelize.ChartAxis{Secondary: true, Font: axisFont, Minimum: ptr(0.0), Maximum: ptr(1.0), NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		VaryColors: &noFill,
	}
	if err := r.f.AddChart(name, at, days, shares); err != nil {
		return fmt.Errorf("lead-time chart: %w", err)
	}
	return nil
}

// breachColumn is one column of the list of clients past a target.
func (r *renderer) breachColumn(key string) func(int) cellValue {
	bs := r.m.Lead.Breaches
	st := r.named
	owner := func(i int) *onboarding.Client { return r.client(bs[i].Client) }
	cell := func(v cellValue) cellValue {
		if v.kind != blankCell || v.style == 0 {
			v.style = st["cell"]
		}
		return v
	}
	switch key {
	case "days_waiting":
		return func(i int) cellValue { return cell(num(bs[i].Days)) }
	case "over_days":
		return func(i int) cellValue { return cell(num(bs[i].Over)) }
	case "since":
		return func(i int) cellValue { v := date(bs[i].Since); v.style = r.boxDate; return v }
	case "target":
		return func(i int) cellValue { return cell(text(r.l.Lead.Targets[bs[i].Target.Key()].Breach)) }
	case "client_id":
		return func(i int) cellValue { return cell(text(owner(i).App.ClientID)) }
	case "company":
		return func(i int) cellValue { return cell(text(owner(i).App.Company)) }
	case "operator":
		return func(i int) cellValue { return cell(text(or(owner(i).App.Operator, r.l.Lead.Unassigned))) }
	case "status":
		return func(i int) cellValue {
			s := owner(i).Status
			return cellValue{kind: textCell, s: string(s), style: r.boxStatus[s]}
		}
	case "next_action":
		return func(i int) cellValue { return cell(text(r.m.Run.Next(owner(i)))) }
	case "row":
		return func(i int) cellValue { return cell(num(owner(i).App.Row)) }
	}
	return blankColumn
}

// expandDays fills a target's {days} and the summary's placeholders.
func (r *renderer) expandDays(s string, days int) string {
	return r.expand(strings.ReplaceAll(s, "{days}", strconv.Itoa(days)))
}

func columnHeaders(cols []Column) []string {
	hs := make([]string, len(cols))
	for i, c := range cols {
		hs[i] = c.Header
	}
	return hs
}

func ptr[T any](v T) *T { return &v }
