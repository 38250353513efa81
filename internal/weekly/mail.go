// Package weekly delivers the weekly report: which weeks are due, the
// workbook for each, the Japanese mail that carries it, and the record in
// the 送信履歴 tab that keeps a week from being sent twice.
package weekly

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"onboard/internal/onboarding"
	"onboard/internal/report"
	"onboard/templates"
)

// FigureLine is one key figure of the week in the mail.
type FigureLine struct {
	Key, Label string
	This, Prev string // "" when unknown
}

// ReviewLine is one 要確認 client in the mail.
type ReviewLine struct {
	ID, Company, Problem string
	Row                  int
}

// MailData is what the mail templates see.
type MailData struct {
	Week, Start, End string
	FileName         string // the attachment's name; the body never shows the server's folder
	Sheet, SentAt    string
	Figures          []FigureLine
	// LeadTimes are the lead-time figures of サマリー: the median
	// 申込→完了 in days, the shares within target, the breaching clients.
	LeadTimes   []FigureLine
	NeedsReview []ReviewLine
}

// Figure returns this week's value of a figure by key ("applications",
// "needs_review", ...), for the subject line.
func (d MailData) Figure(key string) string {
	for _, f := range d.Figures {
		if f.Key == key {
			return f.This
		}
	}
	return "?"
}

// NewMailData collects the mail's figures from the report model.
func NewMailData(m *report.Model, l *report.Layout, path string, sentAt time.Time) MailData {
	d := MailData{
		Week: m.Week.String(), Start: m.Week.Start().Short(), End: m.Week.End().Short(),
		FileName: filepath.Base(path), Sheet: m.Source,
		SentAt: sentAt.Format("2006/01/02 15:04"),
	}
	count := func(c report.Count) string {
		if !c.Known {
			return ""
		}
		return strconv.Itoa(c.N)
	}
	for _, f := range m.Figures {
		label := f.Key
		if fl, ok := l.Summary.Figures[f.Key]; ok && fl.Label != "" {
			label = fl.Label
		}
		d.Figures = append(d.Figures, FigureLine{Key: f.Key, Label: label, This: count(f.This), Prev: count(f.Prev)})
	}
	for _, f := range m.LeadFigures() {
		label := f.Key
		if fl, ok := l.Summary.LeadFigures[f.Key]; ok && fl.Label != "" {
			label = m.Expand(fl.Label)
		}
		value := func(v report.Value) string {
			switch {
			case !v.Known:
				return ""
			case f.Percent:
				return strconv.FormatFloat(100*v.V, 'f', 1, 64) + "%"
			}
			return strconv.Itoa(int(v.V))
		}
		line := FigureLine{Key: f.Key, Label: label, This: value(f.This), Prev: value(f.Prev)}
		if line.This == "" {
			line.This = l.Summary.Unknown // no client reached the stage this week
		}
		d.LeadTimes = append(d.LeadTimes, line)
	}
	for i := range m.Run.Out.Clients {
		c := &m.Run.Out.Clients[i]
		if c.Status != onboarding.NeedsReview {
			continue
		}
		first := ""
		for _, p := range c.Problems {
			if p.Blocking {
				first = m.Run.Locate(p).Message
				break
			}
		}
		d.NeedsReview = append(d.NeedsReview, ReviewLine{ID: c.App.ClientID, Company: c.App.Company, Problem: first, Row: c.App.Row})
	}
	return d
}

// Compose renders the subject and body from templates/mail (overridable
// from the --templates folder).
func Compose(dir string, d MailData) (subject, body string, err error) {
	render := func(name string) (string, error) { return templates.Render(dir, "mail/"+name, d) }
	if subject, err = render("report_subject.tmpl"); err != nil {
		return "", "", err
	}
	// A subject is one line, whatever the template's line breaks.
	subject = strings.Join(strings.Fields(subject), " ")
	if body, err = render("report_body.tmpl"); err != nil {
		return "", "", err
	}
	return subject, body, nil
}
