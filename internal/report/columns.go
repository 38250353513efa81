package report

import (
	"strings"

	"onboard/internal/matrix"
	"onboard/internal/onboarding"
)

// tables builds the data tabs in workbook order, each column a function
// of the row chosen by the layout's key.
func (r *renderer) tables() []*table {
	return []*table{
		r.newTable(&r.l.Clients, len(r.m.Run.Out.Clients), r.clientColumn),
		r.newTable(&r.l.Sessions, len(r.m.WeekSessions), r.sessionColumn),
		r.newTable(&r.l.Backlog, len(r.m.Backlog), r.backlogColumn),
		r.newTable(&r.l.Operators, len(r.m.Operators), r.operatorColumn),
		r.newTable(&r.l.Problems, len(r.m.Problems), r.problemColumn),
	}
}

// newTable resolves a tab's columns. The sessions tab's "works" key
// becomes one column per matrix work.
func (r *renderer) newTable(tl *TabLayout, rows int, column func(key string, work int) func(int) cellValue) *table {
	t := &table{title: tl.Title, rows: rows}
	for _, c := range tl.Columns {
		if c.Key == "works" {
			for w, work := range r.m.Run.In.Matrix.Works {
				t.headers = append(t.headers, strings.ReplaceAll(c.Header, "{work}", work.Label()))
				t.cols = append(t.cols, column(c.Key, w))
			}
			continue
		}
		t.headers = append(t.headers, c.Header)
		t.cols = append(t.cols, column(c.Key, -1))
	}
	return t
}

func (r *renderer) client(i int) *onboarding.Client { return &r.m.Run.Out.Clients[i] }

func (r *renderer) statusCell(st onboarding.Status) cellValue {
	return cellValue{kind: textCell, s: string(st), style: r.status[st]}
}

func (r *renderer) clientColumn(key string, _ int) func(int) cellValue {
	mx := r.m.Run.In.Matrix
	works := newWorkText(mx)
	switch key {
	case "client_id":
		return func(i int) cellValue { return text(r.client(i).App.ClientID) }
	case "company":
		return func(i int) cellValue { return text(r.client(i).App.Company) }
	case "applied_on":
		return func(i int) cellValue { return date(r.client(i).App.AppliedOn) }
	case "operator":
		return func(i int) cellValue { return text(r.client(i).App.Operator) }
	case "contact":
		return func(i int) cellValue { return text(r.client(i).App.Contact) }
	case "condition":
		return func(i int) cellValue {
			if c := r.client(i); c.Column >= 0 && c.Column < len(mx.Columns) {
				return text(mx.Columns[c.Column].Name)
			}
			return cellValue{}
		}
	case "required_work":
		return func(i int) cellValue { return text(works.required(r.client(i))) }
	case "remaining_work":
		return func(i int) cellValue { return text(works.remaining(r.client(i))) }
	case "progress":
		return func(i int) cellValue { return text(works.progress(r.client(i))) }
	case "status":
		return func(i int) cellValue { return r.statusCell(r.client(i).Status) }
	case "next_action":
		return func(i int) cellValue { return text(r.m.Run.Next(r.client(i))) }
	case "stalled":
		return func(i int) cellValue {
			if !r.client(i).Stalled {
				return cellValue{}
			}
			v := text(r.l.Clients.StalledMark)
			v.style = r.named["stalled"]
			return v
		}
	case "last_activity":
		return func(i int) cellValue { return date(r.client(i).LastActivity) }
	case "scheduled_on":
		return func(i int) cellValue { return date(r.client(i).App.ScheduledOn) }
	case "sessions":
		return func(i int) cellValue { return num(len(r.client(i).Sessions)) }
	case "handover_on":
		return func(i int) cellValue { return date(r.client(i).App.HandoverOn) }
	case "support_account":
		return func(i int) cellValue { return text(r.client(i).SupportAccount) }
	case "problems":
		return func(i int) cellValue { return text(r.m.Run.ProblemText(r.client(i).Problems)) }
	case "row":
		return func(i int) cellValue { return num(r.client(i).App.Row) }
	}
	return blankColumn
}

func (r *renderer) sessionColumn(key string, work int) func(int) cellValue {
	rows := r.m.Run.In.Sessions
	at := func(i int) *onboarding.Session { return &rows[r.m.WeekSessions[i]] }
	owner := func(i int) *onboarding.Client {
		if ci, ok := r.m.ClientByID[at(i).ClientID]; ok {
			return r.client(ci)
		}
		return nil
	}
	switch key {
	case "held_on":
		return func(i int) cellValue { return date(at(i).HeldOn) }
	case "client_id":
		return func(i int) cellValue { return text(at(i).ClientID) }
	case "company":
		return func(i int) cellValue {
			if c := owner(i); c != nil {
				return text(c.App.Company)
			}
			return cellValue{}
		}
	case "operator":
		return func(i int) cellValue { return text(at(i).Operator) }
	case "works":
		return func(i int) cellValue {
			if s := at(i); work < len(s.Results) {
				return text(s.Results[work].String())
			}
			return cellValue{}
		}
	case "business":
		return func(i int) cellValue { return text(at(i).Business) }
	case "scale":
		return func(i int) cellValue { return text(at(i).Scale) }
	case "literacy":
		return func(i int) cellValue { return text(at(i).Literacy) }
	case "memo":
		return func(i int) cellValue { return text(at(i).Memo) }
	case "status":
		return func(i int) cellValue {
			if c := owner(i); c != nil {
				return r.statusCell(c.Status)
			}
			return cellValue{}
		}
	case "row":
		return func(i int) cellValue { return num(at(i).Row) }
	}
	return blankColumn
}

func (r *renderer) backlogColumn(key string, _ int) func(int) cellValue {
	mx := r.m.Run.In.Matrix
	items := r.m.Backlog
	owner := func(i int) *onboarding.Client { return r.client(items[i].Client) }
	switch key {
	case "days_waiting":
		return func(i int) cellValue { return num(items[i].Days) }
	case "since":
		return func(i int) cellValue { return date(items[i].Since) }
	case "client_id":
		return func(i int) cellValue { return text(owner(i).App.ClientID) }
	case "company":
		return func(i int) cellValue { return text(owner(i).App.Company) }
	case "operator":
		return func(i int) cellValue { return text(owner(i).App.Operator) }
	case "item":
		return func(i int) cellValue {
			if w := items[i].Work; w >= 0 {
				return text(mx.Works[w].Label())
			}
			return text(r.l.Backlog.Handover)
		}
	case "latest_result":
		return func(i int) cellValue {
			w := items[i].Work
			if w < 0 {
				return cellValue{}
			}
			if res := owner(i).States[w]; res != onboarding.NoResult {
				return text(res.String())
			}
			return text(r.l.Backlog.NoResult)
		}
	case "last_session":
		return func(i int) cellValue {
			ss := owner(i).Sessions
			if len(ss) == 0 {
				return cellValue{}
			}
			return date(ss[len(ss)-1].HeldOn)
		}
	case "status":
		return func(i int) cellValue { return r.statusCell(owner(i).Status) }
	}
	return blankColumn
}

func (r *renderer) operatorColumn(key string, _ int) func(int) cellValue {
	ops := r.m.Operators
	switch key {
	case "operator":
		return func(i int) cellValue {
			if ops[i].Name == "" {
				return text(r.l.Operators.Unassigned)
			}
			return text(ops[i].Name)
		}
	case "sessions_week":
		return func(i int) cellValue { return num(ops[i].SessionsWeek) }
	case "open_clients":
		return func(i int) cellValue { return num(ops[i].Open) }
	case "completions_week":
		return func(i int) cellValue { return num(ops[i].CompletionsWeek) }
	case "stalled":
		return func(i int) cellValue { return num(ops[i].Stalled) }
	}
	return blankColumn
}

func (r *renderer) problemColumn(key string, _ int) func(int) cellValue {
	ps := r.m.Problems
	switch key {
	case "tab":
		return func(i int) cellValue { return text(ps[i].Tab) }
	case "row":
		return func(i int) cellValue { return num(ps[i].Row) }
	case "column":
		return func(i int) cellValue { return text(ps[i].Header) }
	case "cell":
		return func(i int) cellValue { return text(cellRef(ps[i].Row, ps[i].Col)) }
	case "client_id":
		return func(i int) cellValue { return text(ps[i].ClientID) }
	case "severity":
		return func(i int) cellValue { return text(ps[i].Kind()) }
	case "message":
		return func(i int) cellValue { return text(ps[i].Message) }
	}
	return blankColumn
}

func blankColumn(int) cellValue { return cellValue{} }

// workText renders a client's works the way the job writes them into the
// sheet (③(確認) ④(確認) ⑤), memoised: 100,000 clients share a few dozen
// distinct strings.
type workText struct {
	m     *matrix.Matrix
	cache map[[2]uint64]string
	prog  map[[2]int]string
}

func newWorkText(m *matrix.Matrix) *workText {
	return &workText{m: m, cache: map[[2]uint64]string{}, prog: map[[2]int]string{}}
}

func (t *workText) required(c *onboarding.Client) string { return t.list(c, false) }

func (t *workText) remaining(c *onboarding.Client) string { return t.list(c, true) }

// list is c.WorkTags joined, memoised by which works are listed and which
// of them are 確認.
func (t *workText) list(c *onboarding.Client, openOnly bool) string {
	if c.Needs == nil {
		return ""
	}
	if len(c.Needs) > 64 { // beyond the key's reach: build it each time
		return strings.Join(c.WorkTags(t.m, openOnly), " ")
	}
	var listed, check uint64
	for w := range c.Needs {
		if c.Required(w) && (!openOnly || !c.States[w].IsDone()) {
			listed |= 1 << w
			if c.Needs[w] == matrix.Check {
				check |= 1 << w
			}
		}
	}
	key := [2]uint64{listed, check}
	if s, ok := t.cache[key]; ok {
		return s
	}
	s := strings.Join(c.WorkTags(t.m, openOnly), " ")
	t.cache[key] = s
	return s
}

func (t *workText) progress(c *onboarding.Client) string {
	if c.Needs == nil {
		return ""
	}
	done, req := c.Counts()
	key := [2]int{done, req}
	s, ok := t.prog[key]
	if !ok {
		s = c.Progress()
		t.prog[key] = s
	}
	return s
}
