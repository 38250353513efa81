// Package writeback turns computed client states into cell changes and
// writes them without losing a manager's work: only job-owned cells and
// still-blank fill cells, only cells whose value changes, each to the row
// where its key is at write time.
package writeback

import (
	"strings"
	"sync"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
)

// Change is one cell the job wants to set.
type Change struct {
	Tab    string // the tab's name in the sheet
	Row    int    // 1-based row at read time
	Col    int    // 1-based column
	Header string // the column's header, for people
	// Key and Occurrence find the row again at write time: the
	// Occurrence-th row (0-based) whose key cells read Key. Header cells
	// (Row 1) have no key.
	Key        string
	Occurrence int
	Old, New   sheet.Value
	// BlankOnly: write only if the cell is still empty at write time (a
	// manager's cell the job fills, or a header the job adds).
	BlankOnly bool
	// Owned: the cell is on a tab the job owns whole; it is written where
	// planned, with no key to follow and no client to check.
	Owned bool
	// Group, when not 0, ties changes that are written together or not at
	// all: a pool assignment's 申込 fill and pool marks. Were one refused
	// (a manager filled the cell meanwhile, the row went), the others
	// would leave the pool and 申込 disagreeing.
	Group int
}

// Plan lists the changes that bring the sheet in line with the computed
// output. today stamps ステータス更新日 and pool assignments.
func Plan(s *contract.Sheet, out *onboarding.Output, today civil.Date) []Change {
	return AppendPlan(make([]Change, 0, Room(s)), s, out, today)
}

// Room is what Plan's list is made with. A first sync writes nearly every
// cell of the columns it adds, but for the problems column (written where
// there are problems): a million changes at 100,000 clients, which a
// growing list would copy more than once. A later sync, adding none,
// plans few and grows the list from 16.
func Room(s *contract.Sheet) int {
	n := 16
	for _, l := range s.Layouts() {
		added := 0
		for _, a := range l.Added {
			if a.Column.Key != contract.KeyProblems {
				added++
			}
		}
		n += max(0, s.Rows(l.Spec.Key)-1) * added
	}
	return n
}

// AppendPlan appends Plan's changes to changes: those of 申込 (the most),
// then セッション's and the pool's, planned meanwhile on goroutines of
// their own.
func AppendPlan(changes []Change, s *contract.Sheet, out *onboarding.Output, today civil.Date) []Change {
	for _, l := range s.Layouts() {
		for _, a := range l.Added {
			changes = append(changes, Change{
				Tab: l.Name, Row: 1, Col: a.Col, Header: a.Column.Name,
				New: sheet.TextValue(a.Column.Name), BlankOnly: true,
			})
		}
	}
	var sessions, pool []Change
	var wg sync.WaitGroup
	wg.Go(func() { sessions = planSessions(s, out) })
	if s.Pool != nil {
		wg.Go(func() { pool = planPool(s, out, today) })
	}
	changes = planApps(changes, s, out, today)
	wg.Wait()
	return append(append(changes, sessions...), pool...)
}

func planApps(changes []Change, s *contract.Sheet, out *onboarding.Output, today civil.Date) []Change {
	p := planner{s: s, changes: changes}
	m := s.Matrix
	keys := p.occurrences(s.Apps)
	for i := range out.Clients {
		c := &out.Clients[i]
		r := p.at(s.Apps, c.App.Row, keys)
		r.set(contract.KeyRequiredWork, sheet.TextValue(strings.Join(c.WorkTags(m, false), " ")))
		r.set(contract.KeyRemainingWork, sheet.TextValue(strings.Join(c.WorkTags(m, true), " ")))
		r.set(contract.KeyProgress, sheet.TextValue(c.Progress()))
		status, _ := r.old(contract.KeyStatus)
		oldStatus := strings.TrimSpace(status.String())
		r.set(contract.KeyStatus, sheet.TextValue(string(c.Status)))
		if oldStatus != string(c.Status) {
			on := today
			if changed, _ := r.old(contract.KeyStatusChanged); oldStatus == "" && changed.IsEmpty() {
				// First set: the status may follow from old evidence.
				on = StatusSince(c, today)
			}
			r.set(contract.KeyStatusChanged, sheet.DayValue(on))
		}
		r.set(contract.KeyNextAction, sheet.TextValue(s.Names(c.Next)))
		r.set(contract.KeyProblems, sheet.TextValue(s.ProblemText(c.Problems)))
	}
	for i, a := range out.Assignments {
		if a.Manual {
			continue
		}
		c := &out.Clients[a.Client]
		p.group = i + 1
		p.at(s.Apps, c.App.Row, keys).fill(contract.KeySupportAccount, sheet.TextValue(c.SupportAccount))
		p.group = 0
	}
	return p.changes
}

func planSessions(s *contract.Sheet, out *onboarding.Output) []Change {
	p := planner{s: s}
	keys := p.occurrences(s.Sessions)
	for i := range s.SessionRows {
		row := s.SessionRows[i].Row
		p.at(s.Sessions, row, keys).set(contract.KeyProblems, sheet.TextValue(s.ProblemText(out.SessionProblems[i])))
	}
	return p.changes
}

func planPool(s *contract.Sheet, out *onboarding.Output, today civil.Date) []Change {
	p := planner{s: s}
	keys := p.occurrences(s.Pool)
	for i := range s.PoolRows {
		p.at(s.Pool, s.PoolRows[i].Row, keys).set(contract.KeyProblems, sheet.TextValue(s.ProblemText(out.PoolProblems[i])))
	}
	for i, a := range out.Assignments {
		c := &out.Clients[a.Client]
		r := p.at(s.Pool, s.PoolRows[a.Pool].Row, keys)
		p.group = i + 1
		r.fill(contract.KeyAssignedTo, sheet.TextValue(c.App.ClientID))
		r.fill(contract.KeyAssignedOn, sheet.DayValue(today))
		p.group = 0
	}
	return p.changes
}

// StatusSince is the date a client's status first written by the job
// dates from: the evidence the status follows from (担当作業完了日 for 完了,
// the latest session for 担当作業待ち and 進行中, the application for
// セッション予定 and 未着手), not the day the job first saw it. 要確認 and a
// status without a dated evidence date from today; no date is after today.
func StatusSince(c *onboarding.Client, today civil.Date) civil.Date {
	var on civil.Date
	switch c.Status {
	case onboarding.Completed:
		on = c.App.HandoverOn
	case onboarding.AwaitHandover, onboarding.InProgress:
		for _, s := range c.Sessions {
			on = max(on, s.HeldOn)
		}
	case onboarding.Scheduled, onboarding.NotStarted:
		// When the session was set is not recorded: the application is
		// the latest dated evidence.
		on = c.App.AppliedOn
	}
	if on == 0 || on > today {
		return today
	}
	return on
}

type planner struct {
	s       *contract.Sheet
	changes []Change
	group   int // the Group of the changes being added
}

type rowKey struct {
	key string
	occ int
}

// occurrences computes each data row's key and its occurrence number, by row.
func (p *planner) occurrences(l *contract.Layout) []rowKey {
	rows := p.s.Rows(l.Spec.Key)
	seen := make(map[string]int, rows) // made at its size: a map grown copies itself
	keys := make([]rowKey, rows+1)
	for r := 2; r <= rows; r++ {
		k := p.s.RowKey(l.Spec.Key, r)
		keys[r] = rowKey{k, seen[k]}
		seen[k]++
	}
	return keys
}

func (p *planner) at(l *contract.Layout, row int, keys []rowKey) rowWriter {
	return rowWriter{p: p, l: l, row: row, key: keys[row]}
}

type rowWriter struct {
	p   *planner
	l   *contract.Layout
	row int
	key rowKey
}

// old is the cell as read; ok is false for a column the contract did not
// keep (a manager's), which the plan never writes.
func (r rowWriter) old(key string) (v sheet.Value, ok bool) {
	return r.p.s.Cell(r.l.Spec.Key, r.row, r.l.Col(key))
}

func (r rowWriter) add(key string, v sheet.Value, blankOnly bool) {
	col := r.l.Col(key)
	if col == 0 {
		return
	}
	// Planned as it will read back: text quoting a manager's cell may hold
	// characters a backend cannot store as they are.
	v = sheet.Storable(v)
	old, ok := r.old(key)
	if !ok {
		return
	}
	if same(old, v) || (blankOnly && !old.IsEmpty()) {
		return
	}
	r.p.changes = append(r.p.changes, Change{
		Tab: r.l.Name, Row: r.row, Col: col, Header: r.l.HeaderText(key),
		Key: r.key.key, Occurrence: r.key.occ, Old: old, New: v, BlankOnly: blankOnly, Group: r.p.group,
	})
}

func (r rowWriter) set(key string, v sheet.Value)  { r.add(key, v, false) }
func (r rowWriter) fill(key string, v sheet.Value) { r.add(key, v, true) }

// same reports whether writing v over old would change what the cell shows.
func same(old, v sheet.Value) bool {
	if old.Equal(v) {
		return true
	}
	return old.Kind == sheet.Text && v.Kind == sheet.Text && strings.TrimSpace(old.Str) == v.Str
}
