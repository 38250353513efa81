package contract

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
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
	// kept holds, by tab key, what the write-back plan compares with
	// (Cell, RowKey); the rest of a tab's cells are not kept.
	kept map[string]*kept
	// Prep is the job-owned セッション準備 tab as read; nil when absent.
	Prep *sheet.Tab
	// names are the contract's names of tabs and columns by key, for
	// Names: it runs for every problem and next action a person reads.
	names map[string]string

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
	return read(book, m, nil, false)
}

// parallelRows is the size of a tab worth reading on its own goroutine.
const parallelRows = 2000

// read applies the contract to a book whose tabs hold their rows, or
// (Tab.Streamed) had them made into records by st as they were read.
// noPlan keeps no cells for a write-back plan (Reading.NoPlan).
func read(book *sheet.Book, m *matrix.Matrix, st *stream, noPlan bool) (*Sheet, error) {
	s := &Sheet{Matrix: m, kept: map[string]*kept{}, names: contractNames(m)}
	reads := map[string]*tabRead{}
	whole := map[string]*sheet.Tab{} // the tabs that hold their rows
	specs := Tabs(m)
	for i := range specs {
		spec := &specs[i]
		tab, err := FindTab(book, spec)
		if err != nil {
			return nil, err
		}
		if tab == nil {
			if spec.Required {
				return nil, &LayoutError{Msg: fmt.Sprintf("tab %q (%s) is missing from the spreadsheet", spec.Name, spec.Alias), InitAdds: true, Part: PartTab}
			}
			continue
		}
		var t *tabRead
		if tab.Streamed() {
			t, err = st.finish(tab, spec.Key)
		} else {
			var l *Layout
			if l, err = NewLayout(spec, tab); err == nil {
				t, whole[spec.Key] = newTabRead(l, m, !noPlan), tab
			}
		}
		if err != nil {
			return nil, err
		}
		reads[spec.Key] = t
		switch spec.Key {
		case TabApplications:
			s.Apps = t.l
		case TabSessions:
			s.Sessions = t.l
		case TabPool:
			s.Pool = t.l
		}
	}
	readWhole(reads, whole)
	for key, t := range reads {
		s.kept[key] = t.kept
	}
	s.Applications = reads[TabApplications].apps.all()
	s.SessionRows = reads[TabSessions].sessions.all()
	if t := reads[TabPool]; t != nil {
		s.PoolRows = t.pool.all()
	}
	return s, nil
}

// readWhole reads the rows of the tabs that hold them into records. Each
// tab's rows and layout are its own, unless one sheet tab serves two
// contract tabs: then rows are not read side by side.
func readWhole(reads map[string]*tabRead, whole map[string]*sheet.Tab) {
	feed := func(key string) {
		if tab := whole[key]; tab != nil {
			t := reads[key]
			for i, row := range tab.Rows {
				t.row(i+1, row)
			}
		}
	}
	apps, sessions, pool := whole[TabApplications], whole[TabSessions], whole[TabPool]
	distinct := apps != sessions && (pool == nil || pool != apps && pool != sessions)
	if distinct && sessions != nil && len(sessions.Rows) >= parallelRows {
		// The sessions, the largest tab, are read beside the others.
		var wg sync.WaitGroup
		wg.Go(func() { feed(TabSessions) })
		feed(TabApplications)
		feed(TabPool)
		wg.Wait()
		return
	}
	feed(TabSessions)
	feed(TabApplications)
	feed(TabPool)
}

// tabRead makes a contract tab's records, and the cells the plan keeps,
// of its rows one at a time, in order: as a backend reads them, or from a
// tab that holds them.
type tabRead struct {
	l       *Layout
	manager []int
	record  onboarding.Record
	kept    *kept
	r       rowReader // one for all rows: read's reader escapes
	read    func(r *rowReader)

	apps     chunked[onboarding.Application]
	sessions chunked[onboarding.Session]
	pool     chunked[onboarding.PoolAccount]
}

// newTabRead reads the tab's records, and with plan the cells a
// write-back plan compares with.
func newTabRead(l *Layout, m *matrix.Matrix, plan bool) *tabRead {
	t := &tabRead{l: l, manager: l.managerCols(), record: recordOf(l.Spec.Key)}
	if plan {
		t.kept = newKept(l)
	}
	switch l.Spec.Key {
	case TabApplications:
		ar := newAppReader(l, m)
		t.read = func(r *rowReader) { t.apps.add(ar.read(r)) }
	case TabSessions:
		sr := newSessionReader(l, m)
		t.read = func(r *rowReader) { t.sessions.add(sr.read(r)) }
	case TabPool:
		pr := newPoolReader(l)
		t.read = func(r *rowReader) { t.pool.add(pr.read(r)) }
	}
	return t
}

// expect makes room for the records and kept cells of a tab of rows
// rows, its header included.
func (t *tabRead) expect(rows int) {
	switch t.l.Spec.Key {
	case TabApplications:
		t.apps.reserve(rows - 1)
	case TabSessions:
		t.sessions.reserve(rows - 1)
	case TabPool:
		t.pool.reserve(rows - 1)
	}
	if t.kept != nil {
		t.kept.expect(rows)
	}
}

// row takes sheet row n (cells only while it runs): the header row, or a
// data row, whose record is read unless it is blank.
func (t *tabRead) row(n int, cells []sheet.Value) {
	if n <= 1 {
		if t.kept != nil {
			t.kept.add(1, cells, "")
		}
		return
	}
	if t.kept != nil {
		t.kept.add(n, cells, t.l.RowKey(cells))
	}
	if blankRow(cells, t.manager) {
		return
	}
	t.r = rowReader{record: t.record, row: n, cells: cells}
	t.read(&t.r)
}

// managerCols are the 1-based columns of a layout's manager cells (all
// but the job's own), which decide whether a row is blank.
func (l *Layout) managerCols() []int {
	var cols []int
	for _, c := range l.Spec.Columns {
		if c.Owner == Job {
			continue
		}
		if col := l.Col(c.Key); col >= 1 {
			cols = append(cols, col)
		}
	}
	return cols
}

// blankRow reports whether no manager cell of the row holds anything
// (blank rows are allowed between the data).
func blankRow(cells []sheet.Value, manager []int) bool {
	for _, col := range manager {
		if col <= len(cells) && !cells[col-1].IsEmpty() {
			return false
		}
	}
	return true
}

// field is a contract column as rows are read: its key, which problems
// name, and its 1-based column in the sheet (0 when the tab lacks it),
// looked up once per tab rather than once per cell.
type field struct {
	key string
	col int
}

func (l *Layout) field(key string) field { return field{key: key, col: l.Col(key)} }

func (l *Layout) fields(key func(int) string, n int) []field {
	fs := make([]field, n)
	for i := range fs {
		fs[i] = l.field(key(i))
	}
	return fs
}

// recordOf is the domain's record a contract tab holds.
func recordOf(tabKey string) onboarding.Record {
	switch tabKey {
	case TabApplications:
		return onboarding.ApplicationRecord
	case TabSessions:
		return onboarding.SessionRecord
	case TabPool:
		return onboarding.PoolRecord
	}
	return 0
}

// rowReader reads the cells of one row and collects its problems, in the
// domain's shape: record, row and field key (Sheet.Locate places them).
type rowReader struct {
	record   onboarding.Record
	row      int
	cells    []sheet.Value
	client   string // the row's client ID, once read
	problems []onboarding.Problem
}

func (r *rowReader) cell(f field) sheet.Value {
	if f.col < 1 || f.col > len(r.cells) {
		return sheet.Value{}
	}
	return r.cells[f.col-1]
}

// value is the field's cell for a reader: every column of every tab is
// read through it. A spreadsheet error value (#DIV/0!, #N/A...) is no data
// in any column: it is a problem on the cell, and ok is false.
func (r *rowReader) value(f field) (v sheet.Value, ok bool) {
	v = r.cell(f)
	if code, isErr := sheet.ErrorValue(v); isErr {
		r.problem(f, "「%s」はスプレッドシートのエラー値です: 式か入力を直してください", true, code)
		return sheet.Value{}, false
	}
	return v, true
}

// typed reports whether the field's cell holds anything, readable or not.
func (r *rowReader) typed(f field) bool { return !r.cell(f).IsEmpty() }

// MaxCellRunes is the longest text the job accepts in a cell it reads.
const MaxCellRunes = 5000

func (r *rowReader) problem(f field, format string, blocking bool, args ...any) {
	r.problems = append(r.problems, onboarding.Problem{
		Record: r.record, Row: r.row, Field: f.key, Message: fmt.Sprintf(format, args...),
		AsTyped: true, Blocking: blocking, ClientID: r.client,
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

func (r *rowReader) text(f field) string {
	v, ok := r.value(f)
	if !ok {
		return ""
	}
	s := parse.Text(v)
	// A text has no more runes than bytes: most need no counting.
	if n := len(s); n > MaxCellRunes {
		if n = utf8.RuneCountInString(s); n > MaxCellRunes {
			r.problem(f, "%sが長すぎます（%d文字）: %d文字以内にしてください", false, quote(v), n, MaxCellRunes)
			return string([]rune(s)[:MaxCellRunes])
		}
	}
	if v.Kind == sheet.Text && strings.HasPrefix(s, "=") {
		r.problem(f, "%sは数式のように見えますが、文字として扱います", false, quote(v))
	}
	return s
}

func (r *rowReader) id(f field, required bool) string {
	v, ok := r.value(f)
	if !ok {
		return ""
	}
	id := parse.ClientID(v)
	switch {
	case id == "" && required:
		r.problem(f, "入力してください", true)
	case len(id) > 64 && utf8.RuneCountInString(id) > 64:
		r.problem(f, "%sは長すぎます: IDは64文字以内です", true, quote(v))
		return ""
	case strings.HasPrefix(id, "="):
		r.problem(f, "%sは数式のように見えます: IDを入力してください", true, quote(v))
		return ""
	case strings.ContainsFunc(id, unicode.IsControl):
		// Not an ID anyone can type or find, nor one a backend stores as
		// read: the pool's 割当クライアントID would never match it.
		r.problem(f, "%sに制御文字が含まれています: IDを入力し直してください", true, quote(v))
		return ""
	}
	return id
}

func (r *rowReader) date(f field, required bool) civil.Date {
	v, ok := r.value(f)
	if !ok {
		return 0
	}
	d, set, ok := parse.Date(v)
	switch {
	case !ok:
		r.problem(f, "%sは日付（例: 2026/11/24）で入力してください", true, quote(v))
	case !set && required:
		r.problem(f, "入力してください", true)
	}
	return d
}

func (r *rowReader) yesNo(f field) matrix.Known {
	v, ok := r.value(f)
	if !ok {
		return matrix.Known{Bad: true}
	}
	yes, set, ok := parse.YesNo(v)
	if !ok {
		r.problem(f, "%sは あり/なし で入力してください", true, quote(v))
		return matrix.Known{Bad: true}
	}
	return matrix.Known{Value: yes, Set: set}
}

func (r *rowReader) email(f field, blocking bool) string {
	v, ok := r.value(f)
	if !ok {
		return ""
	}
	if v.Kind == sheet.Text && plainEmail(v.Str) {
		return v.Str // what parse.Email returns for it, without its allocations
	}
	addr, set, ok := parse.Email(v)
	if set && !ok {
		r.problem(f, "%sはメールアドレスの形ではありません", blocking, quote(v))
		return ""
	}
	return addr
}

func (r *rowReader) result(f field) onboarding.Result {
	v, ok := r.value(f)
	if !ok || v.IsEmpty() {
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
	r.problem(f, "%sは 完了/既存あり/不要/保留/未完了 のどれかで入力してください", true, quote(v))
	return onboarding.NoResult
}

// plainEmail reports whether s is an address parse.Email takes as it is:
// lower-case ASCII letters, digits and . _ + - around one @, with no dot
// at either end of each side or two in a row. Most addresses are; the
// others take the full parse (TestPlainEmailAgreesWithParse).
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	return dotAtom(s[:at], true) && dotAtom(s[at+1:], false)
}

// dotAtom reports whether s is dot-separated runs of a-z 0-9 - (and, in
// the local part, _ +).
func dotAtom(s string, local bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
		case c == '_' || c == '+':
			if !local {
				return false
			}
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// resultWords maps each result word to its result.
var resultWords = func() map[string]onboarding.Result {
	m := map[string]onboarding.Result{}
	for res, word := range onboarding.ResultWords {
		m[word] = res
	}
	return m
}()

// appReader reads 申込 rows.
type appReader struct {
	id, applied, company, contact, adminEmail, operator, scheduled, handover, support field
	conds                                                                             []field
	condWords                                                                         []memo[matrix.Known]
}

func newAppReader(l *Layout, m *matrix.Matrix) *appReader {
	return &appReader{
		id: l.field(KeyClientID), applied: l.field(KeyAppliedOn), company: l.field(KeyCompany),
		contact: l.field(KeyContact), adminEmail: l.field(KeyAdminEmail), operator: l.field(KeyOperator),
		scheduled: l.field(KeyScheduledOn), handover: l.field(KeyHandoverOn), support: l.field(KeySupportAccount),
		conds: l.fields(CondKey, len(m.Conditions)), condWords: make([]memo[matrix.Known], len(m.Conditions)),
	}
}

func (ar *appReader) read(r *rowReader) onboarding.Application {
	a := onboarding.Application{Row: r.row}
	a.ClientID = r.id(ar.id, true)
	r.client = a.ClientID
	a.AppliedOn = r.date(ar.applied, false)
	a.Company = r.text(ar.company)
	if a.Company == "" && !r.typed(ar.company) {
		r.problem(ar.company, "入力してください", true)
	}
	a.Contact = r.text(ar.contact)
	a.AdminEmail = r.email(ar.adminEmail, false)
	a.Conditions = make([]matrix.Known, len(ar.conds))
	for i, f := range ar.conds {
		a.Conditions[i] = remembered(&ar.condWords[i], r, f, (*rowReader).yesNo)
	}
	a.Operator = r.text(ar.operator)
	a.ScheduledOn = r.date(ar.scheduled, false)
	a.HandoverOn = r.date(ar.handover, false)
	a.SupportAccount = r.email(ar.support, true)
	a.SupportAccountTyped = r.typed(ar.support)
	a.Problems = r.problems
	return a
}

// sessionReader reads セッション rows.
type sessionReader struct {
	id, held, operator, business, scale, literacy, memo field
	confirms, works                                     []field
	confirmWords                                        []memo[matrix.Known]
	workWords                                           []memo[onboarding.Result]
}

func newSessionReader(l *Layout, m *matrix.Matrix) *sessionReader {
	return &sessionReader{
		id: l.field(KeyClientID), held: l.field(KeyHeldOn), operator: l.field(KeyOperator),
		business: l.field(KeyBusiness), scale: l.field(KeyScale), literacy: l.field(KeyLiteracy), memo: l.field(KeyMemo),
		confirms: l.fields(ConfirmKey, len(m.Conditions)), works: l.fields(WorkKey, len(m.Works)),
		confirmWords: make([]memo[matrix.Known], len(m.Conditions)), workWords: make([]memo[onboarding.Result], len(m.Works)),
	}
}

func (sr *sessionReader) read(r *rowReader) onboarding.Session {
	s := onboarding.Session{Row: r.row}
	s.ClientID = r.id(sr.id, true)
	r.client = s.ClientID
	s.HeldOn = r.date(sr.held, true)
	s.Operator = r.text(sr.operator)
	s.Confirmed = make([]matrix.Known, len(sr.confirms))
	for i, f := range sr.confirms {
		s.Confirmed[i] = remembered(&sr.confirmWords[i], r, f, (*rowReader).yesNo)
	}
	s.Results = make([]onboarding.Result, len(sr.works))
	for i, f := range sr.works {
		s.Results[i] = remembered(&sr.workWords[i], r, f, (*rowReader).result)
	}
	s.Business = r.text(sr.business)
	s.Scale = r.text(sr.scale)
	s.Literacy = r.text(sr.literacy)
	switch s.Literacy {
	case "", "高", "中", "低": // as typed, the common case
	default:
		switch parse.Word(s.Literacy) {
		case "", "高", "中", "低":
		case "high":
			s.Literacy = "高"
		case "medium", "mid":
			s.Literacy = "中"
		case "low":
			s.Literacy = "低"
		default:
			r.problem(sr.literacy, "%sは 高/中/低 のどれかで入力してください", false, quote(r.cell(sr.literacy)))
			s.Literacy = ""
		}
	}
	s.Memo = r.text(sr.memo)
	s.Problems = r.problems
	return s
}

// poolReader reads サポートアカウント rows.
type poolReader struct {
	email, bidReady, lmReady, assignedTo, assignedOn field
}

func newPoolReader(l *Layout) *poolReader {
	return &poolReader{email: l.field(KeyEmail), bidReady: l.field(KeyBusinessIDReady), lmReady: l.field(KeyLMessageReady),
		assignedTo: l.field(KeyAssignedTo), assignedOn: l.field(KeyAssignedOn)}
}

func (pr *poolReader) read(r *rowReader) onboarding.PoolAccount {
	p := onboarding.PoolAccount{Row: r.row}
	p.Email = r.email(pr.email, true)
	if p.Email == "" && len(r.problems) == 0 {
		r.problem(pr.email, "入力してください", true)
	}
	p.BusinessIDReady = r.yesNo(pr.bidReady).Value
	p.LMessageReady = r.yesNo(pr.lmReady).Value
	p.AssignedTo = r.id(pr.assignedTo, false)
	p.AssignedOn = r.date(pr.assignedOn, false)
	p.Problems = r.problems
	return p
}
