// Package prep is what an operator needs before each session: for every
// client with a session coming up (or one already overdue), who to log in
// as, the conditions to re-confirm, the works to do in order with the
// values to type into LINE's forms, and what to watch out for. It is
// built from a computed run and does no I/O but reading its templates.
package prep

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"onboard/internal/civil"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/templates"
)

// TemplateName is the instructions' file, embedded and overridable with
// --templates.
const TemplateName = "prep.json"

// Instructions is the wording of each work's instructions.
type Instructions struct {
	Generic Text            `json:"generic"`
	Works   map[string]Text `json:"works"`
}

// Text is a work's instructions when the matrix says ○ (Do) or 確認 (Check).
type Text struct {
	Do    string `json:"do"`
	Check string `json:"check"`
}

// LoadInstructions reads prep.json from dir, else the embedded default.
func LoadInstructions(dir string) (*Instructions, error) {
	b, src, err := templates.Open(dir, TemplateName)
	if err != nil {
		return nil, fmt.Errorf("prep instructions %s: %w", src, err)
	}
	// A typo in a key must not silently fall back to the generic text.
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var raw struct {
		Comment string `json:"_comment"`
		Instructions
	}
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("prep instructions %s: %w", src, err)
	}
	in := raw.Instructions
	if in.Generic.Do == "" || in.Generic.Check == "" {
		return nil, fmt.Errorf("prep instructions %s: generic.do and generic.check are required", src)
	}
	return &in, nil
}

// text returns the instructions for work w.
func (in *Instructions) text(w matrix.Work, need matrix.Need) string {
	t, ok := in.Works[w.Name]
	s := t.Do
	if need == matrix.Check {
		s = t.Check
	}
	if !ok || s == "" {
		s = in.Generic.Do
		if need == matrix.Check {
			s = in.Generic.Check
		}
	}
	return s
}

// Session is one upcoming (or overdue) session to prepare.
type Session struct {
	On       civil.Date `json:"-"`
	Date     string     `json:"date"`
	Overdue  bool       `json:"overdue"`
	Operator string     `json:"operator"`
	ClientID string     `json:"client_id"`
	Company  string     `json:"company"`
	Contact  string     `json:"contact"`
	Email    string     `json:"admin_email"`
	// Support is the account to log in with; SupportReady says whether
	// its LINEビジネスID and エルメ account are both 作成済.
	Support      string   `json:"support_account"`
	SupportReady bool     `json:"support_account_ready"`
	Conditions   []string `json:"conditions"` // "LINE公式アカウント: あり", as the application states them
	Works        []string `json:"works"`      // what to do, in order, with the form values filled in
	// Undecided: the conditions select no matrix column, so the works are
	// not known until they are confirmed.
	Undecided bool     `json:"works_undecided"`
	Cautions  []string `json:"cautions"` // 注意
}

// Options choose the sessions.
type Options struct {
	Today civil.Date
	Days  int // sessions from Today through Today+Days
}

// Build lists the sessions to prepare: every client not finished with a
// セッション予定日 from today through today+Days, and every one whose date
// has passed with no session held since, marked overdue; by date, then
// operator, then client ID.
func Build(m *matrix.Matrix, out *onboarding.Output, pool []onboarding.PoolAccount, in *Instructions, opt Options) []Session {
	ready := map[string]bool{}
	for i := range pool {
		if pool[i].Email != "" {
			ready[strings.ToLower(pool[i].Email)] = pool[i].Prepared()
		}
	}
	var list []Session
	for i := range out.Clients {
		c := &out.Clients[i]
		a := c.App
		if a.ScheduledOn.IsZero() || a.ClientID == "" || c.Status == onboarding.Completed || c.Status == onboarding.AwaitHandover {
			continue
		}
		overdue := a.ScheduledOn < opt.Today && !heldSince(c, a.ScheduledOn)
		if !overdue && (a.ScheduledOn < opt.Today || a.ScheduledOn > opt.Today.AddDays(opt.Days)) {
			continue
		}
		list = append(list, session(m, c, ready, in, overdue))
	}
	slices.SortStableFunc(list, func(x, y Session) int {
		return cmp.Or(cmp.Compare(x.On, y.On), cmp.Compare(x.Operator, y.Operator), cmp.Compare(x.ClientID, y.ClientID))
	})
	return list
}

func heldSince(c *onboarding.Client, d civil.Date) bool {
	for _, s := range c.Sessions {
		if s.HeldOn >= d {
			return true
		}
	}
	return false
}

func session(m *matrix.Matrix, c *onboarding.Client, ready map[string]bool, in *Instructions, overdue bool) Session {
	a := c.App
	s := Session{
		On: a.ScheduledOn, Date: a.ScheduledOn.String(), Overdue: overdue, Operator: a.Operator,
		ClientID: a.ClientID, Company: a.Company, Contact: a.Contact, Email: a.AdminEmail,
		Support: c.SupportAccount, Conditions: []string{}, Works: []string{}, Cautions: []string{},
	}
	s.SupportReady = s.Support != "" && ready[strings.ToLower(s.Support)]
	if overdue {
		s.Cautions = append(s.Cautions, "予定日を過ぎています: セッション結果を記録するか再予約してください")
	}
	switch {
	case s.Support == "":
		s.Cautions = append(s.Cautions, "サポートアカウントがありません: 割り当ててからセッションに入ってください")
	case !s.SupportReady:
		s.Cautions = append(s.Cautions, "サポートアカウントの準備（LINEビジネスID・エルメアカウント作成済）が済んでいません")
	}
	if s.Email == "" {
		s.Cautions = append(s.Cautions, "管理メールアドレスがありません: LINE公式アカウントの作成に必要です")
	}

	for k, cond := range m.Conditions {
		v := "未入力"
		if k < len(a.Conditions) {
			switch k := a.Conditions[k]; {
			case k.Bad:
				v = "読めない値"
			case k.Set && k.Value:
				v = "あり"
			case k.Set:
				v = "なし"
			}
		}
		s.Conditions = append(s.Conditions, cond.Name+": "+v)
	}
	if c.Needs == nil {
		s.Undecided = true
		s.Cautions = append(s.Cautions, "条件が未入力か矛盾しています: 作業が決まりません。最初に条件を確認してください")
	}
	if c.Duplicate {
		s.Cautions = append(s.Cautions, "このクライアントIDは申込に複数行あります: どの行の予約か確認してください")
	}
	if c.Blocking() && c.Needs != nil && !c.Duplicate {
		s.Cautions = append(s.Cautions, "要確認のデータの問題があります（申込のチェック欄、または onboard explain "+a.ClientID+"）")
	}

	fill := strings.NewReplacer("{company}", a.Company, "{contact}", a.Contact, "{admin_email}", or(a.AdminEmail, "（管理メールアドレス未入力）"),
		"{support}", or(s.Support, "（未割当）"), "{client_id}", a.ClientID)
	for w, work := range m.Works {
		if !c.Required(w) || c.States[w].IsDone() {
			continue
		}
		text := strings.ReplaceAll(in.text(work, c.Needs[w]), "{work}", work.Label())
		s.Works = append(s.Works, fill.Replace(text))
		if c.States[w] == onboarding.OnHold {
			s.Cautions = append(s.Cautions, fmt.Sprintf("%s は前回 保留%s", work.Label(), lastMemo(c, w)))
		}
	}
	return s
}

// lastMemo is the メモ of the session that last put work w on hold.
func lastMemo(c *onboarding.Client, w int) string {
	for i := len(c.Sessions) - 1; i >= 0; i-- {
		s := c.Sessions[i]
		if w < len(s.Results) && s.Results[w] == onboarding.OnHold {
			if s.Memo != "" {
				return fmt.Sprintf("（%s のメモ: %s）", s.HeldOn, s.Memo)
			}
			return fmt.Sprintf("（%s）", s.HeldOn)
		}
	}
	return ""
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
