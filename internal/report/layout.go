package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"onboard/internal/onboarding"
	"onboard/templates"
)

// TemplateName is the report layout's file among the templates.
const TemplateName = "report.json"

// Layout is the report's look, read from templates/report.json: tab titles,
// columns, labels, styles and colours. Code decides what the figures are;
// the layout decides how they are called and shown.
type Layout struct {
	Comment       string            `json:"_comment"`
	Font          Font              `json:"font"`
	DateFormat    string            `json:"date_format"`
	PercentFormat string            `json:"percent_format"`
	Styles        map[string]Style  `json:"styles"`
	StatusColors  map[string]string `json:"status_colors"`
	ChartColors   []string          `json:"chart_colors"`
	Widths        Widths            `json:"widths"`

	Summary   SummaryLayout `json:"summary"`
	Lead      LeadLayout    `json:"lead"`
	Clients   TabLayout     `json:"clients"`
	Sessions  TabLayout     `json:"sessions"`
	Backlog   TabLayout     `json:"backlog"`
	Operators TabLayout     `json:"operators"`
	Problems  TabLayout     `json:"problems"`

	source string
}

// Font is the workbook's default font (its size stays Excel's 11).
type Font struct {
	Family string `json:"family"`
}

// Style is a named cell style; colours are RRGGBB.
type Style struct {
	Bold         bool    `json:"bold"`
	Italic       bool    `json:"italic"`
	Size         float64 `json:"size"`
	Color        string  `json:"color"`
	Fill         string  `json:"fill"`
	Border       string  `json:"border"`
	BottomBorder string  `json:"bottom_border"`
	Wrap         bool    `json:"wrap"`
	Align        string  `json:"align"` // left, center or right; empty: Excel's default
}

// Widths bounds column widths, in Excel character units.
type Widths struct {
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Padding float64 `json:"padding"`
	// Wrap is the width past which a data tab's text column wraps rather
	// than widening (0: never), so that its tab prints on A4 at a
	// readable scale.
	Wrap float64 `json:"wrap"`
}

// TabLayout is one data tab: its title and columns in order, plus the few
// words its cells use.
type TabLayout struct {
	Title       string   `json:"title"`
	Columns     []Column `json:"columns"`
	StalledMark string   `json:"stalled_mark,omitempty"`
	Handover    string   `json:"handover,omitempty"`
	NoResult    string   `json:"no_result,omitempty"`
	Unassigned  string   `json:"unassigned,omitempty"`
}

// Column is one column of a data tab: a key the code knows and the header
// the managers see. In 今週のセッション the key "works" stands for one
// column per matrix work; its header may use {work}.
type Column struct {
	Key    string `json:"key"`
	Header string `json:"header"`
}

// FigureLabel names one summary figure and says how it is counted.
type FigureLabel struct {
	Label string `json:"label"`
	Note  string `json:"note"`
}

// SummaryLayout is the サマリー tab's words.
type SummaryLayout struct {
	Title             string                 `json:"title"`
	Heading           string                 `json:"heading"`
	Caption           string                 `json:"caption"`
	FiguresSection    string                 `json:"figures_section"`
	FigureHeaders     []string               `json:"figure_headers"`
	Figures           map[string]FigureLabel `json:"figures"`
	Unknown           string                 `json:"unknown"`
	WorksSection      string                 `json:"works_section"`
	WorkHeaders       []string               `json:"work_headers"`
	ConditionsSection string                 `json:"conditions_section"`
	ConditionHeaders  []string               `json:"condition_headers"`
	Unresolved        string                 `json:"unresolved"`
	LiteracySection   string                 `json:"literacy_section"`
	LiteracyHeaders   []string               `json:"literacy_headers"`
	LiteracyUnknown   string                 `json:"literacy_unknown"`
	StatusSection     string                 `json:"status_section"`
	StatusHeaders     []string               `json:"status_headers"`
	StatusChart       string                 `json:"status_chart"`
	TrendSection      string                 `json:"trend_section"`
	TrendHeaders      []string               `json:"trend_headers"`
	TrendChart        string                 `json:"trend_chart"`
	// The lead-time figures (LeadFigureKeys): this week beside the
	// previous one, as the figures above.
	LeadSection string                 `json:"lead_section"`
	LeadHeaders []string               `json:"lead_headers"`
	LeadFigures map[string]FigureLabel `json:"lead_figures"`
}

// LeadLayout is the リードタイム tab's words. Labels may use {days} (a
// target's limit) and the summary's placeholders.
type LeadLayout struct {
	Title           string                 `json:"title"`
	Heading         string                 `json:"heading"`
	Caption         string                 `json:"caption"`
	Stages          map[string]string      `json:"stages"` // by StageKeys
	StageSection    string                 `json:"stage_section"`
	StageHeaders    []string               `json:"stage_headers"`
	OperatorSection string                 `json:"operator_section"`
	OperatorHeaders []string               `json:"operator_headers"`
	Unassigned      string                 `json:"unassigned"`
	LevelSection    string                 `json:"level_section"`
	LevelHeaders    []string               `json:"level_headers"`
	Targets         map[string]TargetLabel `json:"targets"` // by TargetKeys
	TrendSection    string                 `json:"trend_section"`
	TrendHeaders    []string               `json:"trend_headers"`
	TrendChart      string                 `json:"trend_chart"`
	BreachSection   string                 `json:"breach_section"`
	BreachColumns   []Column               `json:"breach_columns"`
	Empty           string                 `json:"empty"` // a table with no rows
}

// TargetLabel names a service level in its table and in the list of
// clients breaching it.
type TargetLabel struct {
	Label  string `json:"label"`
	Breach string `json:"breach"`
}

// Header counts of the リードタイム tab's tables.
const (
	leadStageCols    = 9
	leadOperatorCols = 10
	leadLevelCols    = 9
	leadTrendCols    = 6
)

// LeadFigureKeys are the lead-time figures on サマリー, in order.
var LeadFigureKeys = []string{"median_apply_to_done", "sla_first_session", "sla_handover", "breaches"}

// breachKeys are the columns the list of breaching clients accepts.
var breachKeys = []string{"days_waiting", "over_days", "since", "target", "client_id", "company", "operator", "status", "next_action", "row"}

// Column keys each data tab accepts.
var tabKeys = map[string][]string{
	"clients": {"client_id", "company", "applied_on", "operator", "contact", "condition", "required_work",
		"remaining_work", "progress", "status", "next_action", "stalled", "last_activity", "scheduled_on",
		"sessions", "handover_on", "support_account", "problems", "row"},
	"sessions":  {"held_on", "client_id", "company", "operator", "works", "business", "scale", "literacy", "memo", "status", "row"},
	"backlog":   {"days_waiting", "since", "client_id", "company", "operator", "item", "latest_result", "last_session", "status"},
	"operators": {"operator", "sessions_week", "open_clients", "completions_week", "stalled"},
	"problems":  {"tab", "row", "column", "cell", "client_id", "severity", "message"},
}

var hexColor = regexp.MustCompile(`^[0-9A-Fa-f]{6}$`)

// LoadLayout reads report.json from dir when it holds one, else the
// embedded default, and validates it. Errors name the file and the field.
func LoadLayout(dir string) (*Layout, error) {
	b, src, err := templates.Open(dir, TemplateName)
	if err != nil {
		return nil, fmt.Errorf("read report layout %s: %w", src, err)
	}
	return ParseLayout(b, src)
}

// ParseLayout decodes and validates a layout. Unknown fields are errors, so
// a typo in a key does not silently fall back to nothing.
func ParseLayout(b []byte, source string) (*Layout, error) {
	var l Layout
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("report layout %s: %w", source, err)
	}
	l.source = source
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("report layout %s: %w", source, err)
	}
	return &l, nil
}

func (l *Layout) validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	color := func(field, c string) {
		if c != "" && !hexColor.MatchString(c) {
			bad("%s: %q is not a colour (use RRGGBB, e.g. 2F5597)", field, c)
		}
	}
	if l.Font.Family == "" {
		bad("font.family is required")
	}
	if l.DateFormat == "" || l.PercentFormat == "" {
		bad("date_format and percent_format are required")
	}
	for _, name := range []string{"title", "caption", "section", "header", "cell", "figure", "note", "stalled"} {
		if _, ok := l.Styles[name]; !ok {
			bad("styles.%s is missing", name)
		}
	}
	for name, s := range l.Styles {
		if !slices.Contains([]string{"", "left", "center", "right"}, s.Align) {
			bad("styles.%s.align: %q is not left, center or right", name, s.Align)
		}
		color("styles."+name+".color", s.Color)
		color("styles."+name+".fill", s.Fill)
		color("styles."+name+".border", s.Border)
		color("styles."+name+".bottom_border", s.BottomBorder)
	}
	for _, st := range onboarding.Statuses {
		c, ok := l.StatusColors[string(st)]
		if !ok {
			bad("status_colors: no colour for %s", st)
		}
		color("status_colors."+string(st), c)
	}
	if len(l.ChartColors) < 3 {
		bad("chart_colors: give 3 colours (applications, sessions, completions)")
	}
	for i, c := range l.ChartColors {
		color(fmt.Sprintf("chart_colors[%d]", i), c)
	}
	if l.Widths.Min <= 0 || l.Widths.Max < l.Widths.Min || l.Widths.Max > 255 {
		bad("widths: need 0 < min <= max <= 255")
	}
	if l.Widths.Wrap < 0 || l.Widths.Wrap > l.Widths.Max {
		bad("widths.wrap: %v is wider than widths.max (%v) or negative; 0 never wraps", l.Widths.Wrap, l.Widths.Max)
	}

	s := &l.Summary
	for _, f := range []struct{ name, v string }{{"title", s.Title}, {"heading", s.Heading}, {"unknown", s.Unknown},
		{"unresolved", s.Unresolved}, {"literacy_unknown", s.LiteracyUnknown}, {"status_chart", s.StatusChart}, {"trend_chart", s.TrendChart}} {
		if f.v == "" {
			bad("summary.%s is required", f.name)
		}
	}
	for _, k := range FigureKeys {
		if s.Figures[k].Label == "" {
			bad("summary.figures.%s.label is required", k)
		}
	}
	for k := range s.Figures {
		if !slices.Contains(FigureKeys, k) {
			bad("summary.figures.%s: unknown figure (known: %s)", k, strings.Join(FigureKeys, ", "))
		}
	}
	labels(bad, "summary.lead_figures", s.LeadFigures, LeadFigureKeys, func(f FigureLabel) string { return f.Label })
	for _, h := range []struct {
		name string
		got  []string
		want int
	}{{"figure_headers", s.FigureHeaders, 5}, {"work_headers", s.WorkHeaders, 4}, {"condition_headers", s.ConditionHeaders, 2},
		{"literacy_headers", s.LiteracyHeaders, 2}, {"status_headers", s.StatusHeaders, 2}, {"trend_headers", s.TrendHeaders, 5},
		{"lead_headers", s.LeadHeaders, 5}} {
		if len(h.got) != h.want {
			bad("summary.%s: give %d headers, got %d", h.name, h.want, len(h.got))
		}
	}
	l.Lead.validate(bad)

	titles := map[string]string{s.Title: "summary"}
	if l.Lead.Title == s.Title {
		bad("lead.title %q is also summary's title", l.Lead.Title)
	}
	titles[l.Lead.Title] = "lead"
	for _, t := range l.tabs() {
		if err := checkTitle(t.layout.Title); err != nil {
			bad("%s.title: %v", t.key, err)
		}
		if prev, dup := titles[t.layout.Title]; dup {
			bad("%s.title %q is also %s's title", t.key, t.layout.Title, prev)
		}
		titles[t.layout.Title] = t.key
		checkColumns(bad, t.key+".columns", t.layout.Columns, tabKeys[t.key])
	}
	if err := checkTitle(s.Title); err != nil {
		bad("summary.title: %v", err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

type namedTab struct {
	key    string
	layout *TabLayout
}

// tabs lists the data tabs in workbook order.
func (l *Layout) tabs() []namedTab {
	return []namedTab{{"clients", &l.Clients}, {"sessions", &l.Sessions}, {"backlog", &l.Backlog},
		{"operators", &l.Operators}, {"problems", &l.Problems}}
}

func (ll *LeadLayout) validate(bad func(string, ...any)) {
	if err := checkTitle(ll.Title); err != nil {
		bad("lead.title: %v", err)
	}
	for _, f := range []struct{ name, v string }{{"heading", ll.Heading}, {"unassigned", ll.Unassigned},
		{"trend_chart", ll.TrendChart}, {"empty", ll.Empty}} {
		if f.v == "" {
			bad("lead.%s is required", f.name)
		}
	}
	for _, h := range []struct {
		name string
		got  []string
		want int
	}{{"stage_headers", ll.StageHeaders, leadStageCols}, {"operator_headers", ll.OperatorHeaders, leadOperatorCols},
		{"level_headers", ll.LevelHeaders, leadLevelCols}, {"trend_headers", ll.TrendHeaders, leadTrendCols}} {
		if len(h.got) != h.want {
			bad("lead.%s: give %d headers, got %d", h.name, h.want, len(h.got))
		}
	}
	labels(bad, "lead.stages", ll.Stages, StageKeys, func(s string) string { return s })
	labels(bad, "lead.targets", ll.Targets, TargetKeys, func(t TargetLabel) string { return t.Label })
	for k, t := range ll.Targets {
		if t.Breach == "" && slices.Contains(TargetKeys, k) {
			bad("lead.targets.%s.breach is required", k)
		}
	}
	checkColumns(bad, "lead.breach_columns", ll.BreachColumns, breachKeys)
}

// labels checks that a map of labels names every key, and only those.
func labels[V any](bad func(string, ...any), field string, m map[string]V, keys []string, label func(V) string) {
	for _, k := range keys {
		if v, ok := m[k]; !ok || label(v) == "" {
			bad("%s.%s: a label is required", field, k)
		}
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			bad("%s.%s: unknown key (known: %s)", field, k, strings.Join(keys, ", "))
		}
	}
}

// checkColumns checks a tab's columns: at least one, known keys, each
// once, with a header.
func checkColumns(bad func(string, ...any), field string, cols []Column, keys []string) {
	if len(cols) == 0 {
		bad("%s: give at least one column", field)
	}
	seen := map[string]bool{}
	for i, c := range cols {
		switch {
		case !slices.Contains(keys, c.Key):
			bad("%s[%d]: unknown key %q (known: %s)", field, i, c.Key, strings.Join(keys, ", "))
		case seen[c.Key]:
			bad("%s[%d]: key %q appears twice", field, i, c.Key)
		case c.Header == "":
			bad("%s[%d] (%s): header is required", field, i, c.Key)
		}
		seen[c.Key] = true
	}
}

// checkTitle applies Excel's rules for sheet names.
func checkTitle(t string) error {
	switch {
	case t == "":
		return fmt.Errorf("required")
	case len([]rune(t)) > 31:
		return fmt.Errorf("%q is longer than Excel's 31 characters", t)
	case strings.ContainsAny(t, `[]:*?/\`):
		return fmt.Errorf("%q holds a character Excel forbids in sheet names ([]:*?/\\)", t)
	case strings.HasPrefix(t, "'") || strings.HasSuffix(t, "'"):
		return fmt.Errorf("%q may not start or end with an apostrophe", t)
	}
	return nil
}
