// Package statuslog is the ステータス履歴 tab: an append-only log, kept by
// the job in the spreadsheet itself, of every status change it writes, and
// of the sheet's 要確認, 停滞 and サポートアカウント残 totals whenever they
// change, so the weekly report can show them as of an earlier Sunday.
//
// The tab's layout (its header row says the same):
//
//	日時 | クライアントID | 事業者名 | 旧ステータス | 新ステータス | きっかけ | 要確認 | 停滞 | サポートアカウント残
//
// A status row fills the first six columns. A totals row leaves クライアントID
// and the statuses blank, says 集計 in きっかけ and fills the last three:
// it is written only when one of the totals changed since the last totals
// row, so the log stays small. The first sync records every client's
// starting status (旧ステータス blank, きっかけ 記録開始) and the totals.
// 日時 is text in the run's time zone, as every backend stores and reads it
// back alike.
package statuslog

import (
	"strconv"
	"strings"
	"time"

	"onboard/internal/civil"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
)

// TabName is the job-owned tab.
const TabName = "ステータス履歴"

// Header is the tab's header row.
var Header = []string{"日時", "クライアントID", "事業者名", "旧ステータス", "新ステータス", "きっかけ", "要確認", "停滞", "サポートアカウント残"}

// Widths are the columns' widths in characters.
var Widths = []float64{17, 12, 24, 12, 12, 40, 8, 8, 12}

// Formats are the tab's column formats: Widths, きっかけ wrapped.
func Formats() []sheet.ColumnFormat {
	out := make([]sheet.ColumnFormat, len(Header))
	for i := range Header {
		out[i] = sheet.ColumnFormat{Col: i + 1, Width: Widths[i], Wrap: i+1 == ColTrigger}
	}
	return out
}

// Columns, 1-based.
const (
	ColAt = iota + 1
	ColClient
	ColCompany
	ColOld
	ColNew
	ColTrigger
	ColNeedsReview
	ColStalled
	ColPoolLeft
)

// DefaultRetentionDays is how long rows are kept.
const DefaultRetentionDays = 400

// TimeLayout is how 日時 is written.
const TimeLayout = "2006/01/02 15:04"

// TotalsTrigger is the きっかけ of a totals row.
const TotalsTrigger = "集計"

// StartTrigger is the きっかけ of a client's first recorded status.
const StartTrigger = "記録開始"

// Totals are the sheet's figures the report cannot rebuild from dates.
type Totals struct {
	NeedsReview, Stalled, PoolLeft int
}

// Entry is one row of the tab.
type Entry struct {
	Row int
	// At is when the row was written; zero when 日時 is unreadable.
	At                                   time.Time
	ClientID, Company, Old, New, Trigger string
	// Totals is set on a totals row.
	Totals *Totals
}

// Log is the tab as read.
type Log struct {
	// Exists: the tab is in the spreadsheet.
	Exists  bool
	Entries []Entry
	// LastRow is the last row holding anything (1: the header only, 0:
	// not even a header).
	LastRow int
}

// Parse reads the tab (nil: it does not exist). Times without a zone are
// in loc.
func Parse(tab *sheet.Tab, loc *time.Location) *Log {
	l := &Log{}
	if tab == nil {
		return l
	}
	l.Exists = true
	for r := len(tab.Rows); r >= 1; r-- {
		if !blankRow(tab.Rows[r-1]) {
			l.LastRow = r
			break
		}
	}
	for r := 2; r <= l.LastRow; r++ {
		row := tab.Rows[r-1]
		if blankRow(row) {
			continue
		}
		l.Entries = append(l.Entries, entry(tab, r, loc))
	}
	return l
}

// entry reads sheet row r of the tab.
func entry(tab *sheet.Tab, r int, loc *time.Location) Entry {
	text := func(c int) string { return strings.TrimSpace(tab.Cell(r, c).String()) }
	e := Entry{Row: r, At: parseTime(tab.Cell(r, ColAt), loc), ClientID: text(ColClient), Company: text(ColCompany),
		Old: text(ColOld), New: text(ColNew), Trigger: text(ColTrigger)}
	if e.Trigger == TotalsTrigger {
		n1, ok1 := count(tab.Cell(r, ColNeedsReview))
		n2, ok2 := count(tab.Cell(r, ColStalled))
		n3, ok3 := count(tab.Cell(r, ColPoolLeft))
		if ok1 && ok2 && ok3 {
			e.Totals = &Totals{NeedsReview: n1, Stalled: n2, PoolLeft: n3}
		}
	}
	return e
}

func blankRow(row []sheet.Value) bool {
	for _, v := range row {
		if !v.IsEmpty() {
			return false
		}
	}
	return true
}

func count(v sheet.Value) (int, bool) {
	switch v.Kind {
	case sheet.Number:
		return int(v.Num), v.Num >= 0
	case sheet.Text:
		n, err := strconv.Atoi(strings.TrimSpace(v.Str))
		return n, err == nil && n >= 0
	}
	return 0, false
}

var timeLayouts = []string{TimeLayout, "2006/01/02 15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006/01/02", "2006-01-02"}

// parseTime reads 日時: the job's text, or a date cell a person made of it.
func parseTime(v sheet.Value, loc *time.Location) time.Time {
	switch v.Kind {
	case sheet.Number, sheet.Date:
		t := sheet.DateFromSerial(v.Num)
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
	case sheet.Text:
		s := strings.TrimSpace(v.Str)
		for _, layout := range timeLayouts {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// Empty reports whether no row was recorded yet.
func (l *Log) Empty() bool { return l == nil || len(l.Entries) == 0 }

// LastTotals is the latest totals row's figures.
func (l *Log) LastTotals() (Totals, bool) {
	if l == nil {
		return Totals{}, false
	}
	for i := len(l.Entries) - 1; i >= 0; i-- {
		if t := l.Entries[i].Totals; t != nil {
			return *t, true
		}
	}
	return Totals{}, false
}

// TotalsAsOf returns the totals as they stood at the end of day d (in the
// rows' time zone): the latest totals row written on or before d.
func (l *Log) TotalsAsOf(d civil.Date) (Totals, bool) {
	if l == nil {
		return Totals{}, false
	}
	var best *Entry
	for i := range l.Entries {
		e := &l.Entries[i]
		if e.Totals == nil || e.At.IsZero() || civil.Of(e.At) > d {
			continue
		}
		if best == nil || !e.At.Before(best.At) {
			best = e
		}
	}
	if best == nil {
		return Totals{}, false
	}
	return *best.Totals, true
}

// LastDay is the date of the latest dated row; zero when none.
func (l *Log) LastDay() civil.Date {
	var last civil.Date
	if l == nil {
		return last
	}
	for _, e := range l.Entries {
		if !e.At.IsZero() {
			last = max(last, civil.Of(e.At))
		}
	}
	return last
}

// PruneDue reports whether rows have aged past the retention by more than
// a day. Waiting the extra day keeps the rewrite a prune costs to at most
// one every other day, however often the job runs.
func (l *Log) PruneDue(today civil.Date, days int) bool {
	if l == nil || days <= 0 {
		return false
	}
	cut := today.AddDays(-days - 1)
	for i, e := range l.Entries {
		if !e.At.IsZero() && civil.Of(e.At) < cut && !l.keepAlways(i) {
			return true
		}
	}
	return false
}

// Kept lists the sheet rows a prune keeps: rows no older than days before
// today, rows whose 日時 cannot be read (a person's, never deleted), and
// the latest totals row (the totals still stand until they change) unless
// newTotals (the run adds a totals row of its own).
func (l *Log) Kept(today civil.Date, days int, newTotals bool) []int {
	cut := today.AddDays(-days)
	var rows []int
	for i, e := range l.Entries {
		if e.At.IsZero() || civil.Of(e.At) >= cut || (!newTotals && l.keepAlways(i)) {
			rows = append(rows, e.Row)
		}
	}
	return rows
}

func (l *Log) keepAlways(i int) bool {
	if l.Entries[i].Totals == nil {
		return false
	}
	for _, e := range l.Entries[i+1:] {
		if e.Totals != nil {
			return false
		}
	}
	return true
}

// Change is one status change to record.
type Change struct {
	Client *onboarding.Client
	// Old is the status the sheet held ("" when blank or unknown).
	Old string
	// Problem is the client's first blocking problem as a manager reads
	// it (contract.Sheet.Text); "" when none.
	Problem string
}

// Rows are the log's new rows for this run: a row per change, then a
// totals row when the totals differ from the last recorded ones. starting
// marks the first recording (every client's current status).
func Rows(now time.Time, changes []Change, totals Totals, log *Log, starting bool) [][]sheet.Value {
	at := sheet.TextValue(now.Format(TimeLayout))
	var rows [][]sheet.Value
	for _, ch := range changes {
		c := ch.Client
		rows = append(rows, []sheet.Value{at, sheet.TextValue(c.App.ClientID), sheet.TextValue(c.App.Company),
			sheet.TextValue(ch.Old), sheet.TextValue(string(c.Status)), sheet.TextValue(Trigger(c, ch.Old, ch.Problem, starting))})
	}
	if last, ok := log.LastTotals(); !ok || last != totals {
		rows = append(rows, []sheet.Value{at, {}, {}, {}, {}, sheet.TextValue(TotalsTrigger),
			sheet.NumberValue(float64(totals.NeedsReview)), sheet.NumberValue(float64(totals.Stalled)), sheet.NumberValue(float64(totals.PoolLeft))})
	}
	return rows
}

// maxProblemRunes bounds the problem quoted in a きっかけ.
const maxProblemRunes = 60

// Trigger says what made the status change, from what the client's data
// shows now: the application, a session and its date, the handover date
// (担当作業完了日), a problem found (problem: the first blocking one, as
// a manager reads it) or fixed. starting: the log's first recording of
// the client.
func Trigger(c *onboarding.Client, old, problem string, starting bool) string {
	day := func(d civil.Date) string {
		if d.IsZero() {
			return ""
		}
		return " " + sheet.DayValue(d).String()
	}
	oldStatus := onboarding.Status(old)
	switch {
	case starting:
		return StartTrigger
	case old == "":
		return "申込" + day(c.App.AppliedOn)
	case c.Status == onboarding.NeedsReview:
		if problem == "" {
			return "問題"
		}
		if r := []rune(problem); len(r) > maxProblemRunes {
			problem = string(r[:maxProblemRunes-1]) + "…"
		}
		return "問題: " + problem
	case oldStatus == onboarding.NeedsReview:
		return "問題の解消"
	case c.Status == onboarding.Completed:
		return "担当作業完了日" + day(c.App.HandoverOn)
	case oldStatus == onboarding.Completed && c.App.HandoverOn.IsZero():
		return "担当作業完了日の取消"
	case c.Status == onboarding.InProgress || c.Status == onboarding.AwaitHandover:
		var held civil.Date
		for _, s := range c.Sessions {
			if !s.HeldOn.IsZero() {
				held = s.HeldOn
			}
		}
		return "セッション" + day(held)
	case c.Status == onboarding.Scheduled:
		return "セッション予定日" + day(c.App.ScheduledOn)
	case c.Status == onboarding.NotStarted && oldStatus == onboarding.Scheduled:
		return "セッション予定日の取消"
	}
	return "申込の変更"
}

// HeadRows is how many rows at the top of the tab a sync reads besides its
// tail: the oldest rows, whose age decides whether a prune is due.
const HeadRows = 50

// TailOf is the part of the tab a run needs (sheet.Tail): the head, and
// the rows from the latest totals row to the end, which hold the last
// totals, the last day written and where the next rows go. With asOf set
// (the report), from the latest totals row written by the end of that day,
// so TotalsAsOf(asOf) finds it. Rows between are never read, so the cost
// of a sync does not grow with the log.
func TailOf(loc *time.Location, asOf civil.Date) sheet.Tail {
	return sheet.Tail{Tab: TabName, Head: HeadRows, MarkCol: ColTrigger, Mark: TotalsTrigger, AcceptCols: ColPoolLeft,
		Accept: func(row []sheet.Value) bool {
			tab := &sheet.Tab{Rows: [][]sheet.Value{nil, row}}
			e := entry(tab, 2, loc)
			return e.Totals != nil && (asOf.IsZero() || (!e.At.IsZero() && civil.Of(e.At) <= asOf))
		}}
}
