package contract

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"onboard/internal/civil"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// Sheet is a spreadsheet read through the contract.
type Sheet struct {
	Matrix   *matrix.Matrix
	Apps     *Layout
	Sessions *Layout
	Pool     *Layout // nil when the spreadsheet has no pool tab
	Tabs     map[string]*sheet.Tab

	Applications []onboarding.Application
	SessionRows  []onboarding.Session
	PoolRows     []onboarding.PoolAccount
}

// Layouts returns the tabs' layouts in contract order, skipping absent ones.
func (s *Sheet) Layouts() []*Layout {
	var ls []*Layout
	for _, l := range []*Layout{s.Apps, s.Sessions, s.Pool} {
		if l != nil {
			ls = append(ls, l)
		}
	}
	return ls
}

// TabNames lists the tab names the contract reads, for a backend's Read.
func TabNames(m *matrix.Matrix) []string {
	var names []string
	for _, t := range Tabs(m) {
		names = append(names, t.Name)
	}
	return names
}

// Read applies the contract to a book. A missing required tab or header,
// or a duplicated header, is a LayoutError; bad cells become problems.
func Read(book *sheet.Book, m *matrix.Matrix) (*Sheet, error) {
	s := &Sheet{Matrix: m, Tabs: map[string]*sheet.Tab{}}
	specs := Tabs(m)
	for i := range specs {
		spec := &specs[i]
		tab, err := FindTab(book, spec)
		if err != nil {
			return nil, err
		}
		if tab == nil {
			if spec.Required {
				return nil, layoutErr("tab %q (%s) is missing from the spreadsheet", spec.Name, spec.Alias)
			}
			continue
		}
		l, err := NewLayout(spec, tab)
		if err != nil {
			return nil, err
		}
		s.Tabs[spec.Key] = tab
		switch spec.Key {
		case TabApplications:
			s.Apps = l
		case TabSessions:
			s.Sessions = l
		case TabPool:
			s.Pool = l
		}
	}
	s.Applications = make([]onboarding.Application, 0, len(s.Tabs[TabApplications].Rows))
	s.SessionRows = make([]onboarding.Session, 0, len(s.Tabs[TabSessions].Rows))
	for r := 2; r <= len(s.Tabs[TabApplications].Rows); r++ {
		if rr := s.newRow(s.Apps, r); rr != nil {
			s.Applications = append(s.Applications, rr.application(m))
		}
	}
	for r := 2; r <= len(s.Tabs[TabSessions].Rows); r++ {
		if rr := s.newRow(s.Sessions, r); rr != nil {
			s.SessionRows = append(s.SessionRows, rr.session(m))
		}
	}
	if s.Pool != nil {
		for r := 2; r <= len(s.Tabs[TabPool].Rows); r++ {
			if rr := s.newRow(s.Pool, r); rr != nil {
				s.PoolRows = append(s.PoolRows, rr.poolAccount())
			}
		}
	}
	return s, nil
}

// rowReader reads the cells of one row and collects its problems.
type rowReader struct {
	l        *Layout
	row      int
	cells    []sheet.Value
	problems []onboarding.Problem
}

// newRow returns a reader for a row, or nil when no manager cell of the row
// holds anything (blank rows are allowed between the data).
func (s *Sheet) newRow(l *Layout, row int) *rowReader {
	cells := s.Tabs[l.Spec.Key].Rows[row-1]
	blank := true
	for _, c := range l.Spec.Columns {
		if c.Owner == Job {
			continue
		}
		if col := l.Col(c.Key); col >= 1 && col <= len(cells) && !cells[col-1].IsEmpty() {
			blank = false
			break
		}
	}
	if blank {
		return nil
	}
	return &rowReader{l: l, row: row, cells: cells}
}

func (r *rowReader) cell(key string) sheet.Value {
	col := r.l.Col(key)
	if col < 1 || col > len(r.cells) {
		return sheet.Value{}
	}
	return r.cells[col-1]
}

// MaxCellRunes is the longest text the job accepts in a cell it reads.
const MaxCellRunes = 5000

func (r *rowReader) problem(key, format string, blocking bool, args ...any) {
	header := r.l.HeaderText(key)
	r.problems = append(r.problems, onboarding.Problem{
		Tab: r.l.Name, Row: r.row, Col: r.l.Col(key), Column: header,
		Message:  header + ": " + fmt.Sprintf(format, args...),
		Blocking: blocking,
	})
}

// quote shows a typed value in a problem, shortened so a 50,000-character
// cell does not become a 50,000-character problem.
func quote(v sheet.Value) string {
	s := strings.TrimSpace(v.String())
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 20 {
		s = string([]rune(s)[:20]) + "…"
	}
	return "「" + s + "」"
}

func (r *rowReader) text(key string) string {
	v := r.cell(key)
	s := parse.Text(v)
	if n := utf8.RuneCountInString(s); n > MaxCellRunes {
		r.problem(key, "%sが長すぎます（%d文字）: %d文字以内にしてください", false, quote(v), n, MaxCellRunes)
		return string([]rune(s)[:MaxCellRunes])
	}
	if v.Kind == sheet.Text && strings.HasPrefix(s, "=") {
		r.problem(key, "%sは数式のように見えますが、文字として扱います", false, quote(v))
	}
	return s
}

func (r *rowReader) id(key string, required bool) string {
	v := r.cell(key)
	id := parse.ClientID(v)
	switch {
	case id == "" && required:
		r.problem(key, "入力してください", true)
	case utf8.RuneCountInString(id) > 64:
		r.problem(key, "%sは長すぎます: IDは64文字以内です", true, quote(v))
		return ""
	case strings.HasPrefix(id, "="):
		r.problem(key, "%sは数式のように見えます: IDを入力してください", true, quote(v))
		return ""
	}
	return id
}

func (r *rowReader) date(key string, required bool) civil.Date {
	v := r.cell(key)
	d, set, ok := parse.Date(v)
	switch {
	case !ok:
		r.problem(key, "%sは日付（例: 2026/11/24）で入力してください", true, quote(v))
	case !set && required:
		r.problem(key, "入力してください", true)
	}
	return d
}

func (r *rowReader) yesNo(key string) matrix.Known {
	v := r.cell(key)
	yes, set, ok := parse.YesNo(v)
	if !ok {
		r.problem(key, "%sは あり/なし で入力してください", true, quote(v))
		return matrix.Known{Bad: true}
	}
	return matrix.Known{Value: yes, Set: set}
}

func (r *rowReader) email(key string, blocking bool) string {
	v := r.cell(key)
	addr, set, ok := parse.Email(v)
	if set && !ok {
		r.problem(key, "%sはメールアドレスの形ではありません", blocking, quote(v))
		return ""
	}
	return addr
}

func (r *rowReader) result(key string) onboarding.Result {
	v := r.cell(key)
	if v.IsEmpty() {
		return onboarding.NoResult
	}
	if res, ok := resultWords[v.Str]; ok { // as typed, the common case
		return res
	}
	w := parse.Word(v.String())
	if res, ok := resultWords[w]; ok {
		return res
	}
	switch w {
	case "済", "済み", "done", "ok", "○", "〇":
		return onboarding.Done
	case "既存", "既存有", "existing":
		return onboarding.Existing
	case "対象外", "-", "n/a":
		return onboarding.NotRequired
	case "未", "未済", "not done":
		return onboarding.NotDone
	}
	r.problem(key, "%sは 完了/既存あり/不要/保留/未完了 のどれかで入力してください", true, quote(v))
	return onboarding.NoResult
}

// resultWords maps each result word to its result.
var resultWords = func() map[string]onboarding.Result {
	m := map[string]onboarding.Result{}
	for res, word := range onboarding.ResultWords {
		m[word] = res
	}
	return m
}()

func (r *rowReader) application(m *matrix.Matrix) onboarding.Application {
	a := onboarding.Application{Row: r.row}
	a.ClientID = r.id(KeyClientID, true)
	a.AppliedOn = r.date(KeyAppliedOn, false)
	a.Company = r.text(KeyCompany)
	if a.Company == "" {
		r.problem(KeyCompany, "入力してください", true)
	}
	a.Contact = r.text(KeyContact)
	a.AdminEmail = r.email(KeyAdminEmail, false)
	a.Conditions = make([]matrix.Known, len(m.Conditions))
	for i := range m.Conditions {
		a.Conditions[i] = r.yesNo(CondKey(i))
	}
	a.Operator = r.text(KeyOperator)
	a.ScheduledOn = r.date(KeyScheduledOn, false)
	a.HandoverOn = r.date(KeyHandoverOn, false)
	a.SupportAccount = r.email(KeySupportAccount, true)
	a.Problems = r.problems
	return a
}

func (r *rowReader) session(m *matrix.Matrix) onboarding.Session {
	s := onboarding.Session{Row: r.row}
	s.ClientID = r.id(KeyClientID, true)
	s.HeldOn = r.date(KeyHeldOn, true)
	s.Operator = r.text(KeyOperator)
	s.Confirmed = make([]matrix.Known, len(m.Conditions))
	for i := range m.Conditions {
		s.Confirmed[i] = r.yesNo(ConfirmKey(i))
	}
	s.Results = make([]onboarding.Result, len(m.Works))
	for i := range m.Works {
		s.Results[i] = r.result(WorkKey(i))
	}
	s.Business = r.text(KeyBusiness)
	s.Scale = r.text(KeyScale)
	s.Literacy = r.text(KeyLiteracy)
	switch parse.Word(s.Literacy) {
	case "", "高", "中", "低":
	case "high":
		s.Literacy = "高"
	case "medium", "mid":
		s.Literacy = "中"
	case "low":
		s.Literacy = "低"
	default:
		r.problem(KeyLiteracy, "%sは 高/中/低 のどれかで入力してください", false, quote(r.cell(KeyLiteracy)))
		s.Literacy = ""
	}
	s.Memo = r.text(KeyMemo)
	s.Problems = r.problems
	return s
}

func (r *rowReader) poolAccount() onboarding.PoolAccount {
	p := onboarding.PoolAccount{Row: r.row}
	p.Email = r.email(KeyEmail, true)
	if p.Email == "" && len(r.problems) == 0 {
		r.problem(KeyEmail, "入力してください", true)
	}
	p.BusinessIDReady = r.yesNo(KeyBusinessIDReady).Value
	p.LMessageReady = r.yesNo(KeyLMessageReady).Value
	p.AssignedTo = r.id(KeyAssignedTo, false)
	p.AssignedOn = r.date(KeyAssignedOn, false)
	p.Problems = r.problems
	return p
}
