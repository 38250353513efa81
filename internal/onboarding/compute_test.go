package onboarding

import (
	"fmt"
	"strings"
	"testing"

	"onboard/internal/civil"
	"onboard/internal/keys"
	"onboard/internal/matrix"
)

var (
	yes   = matrix.Known{Value: true, Set: true}
	no    = matrix.Known{Value: false, Set: true}
	unset = matrix.Known{}
	today = civil.New(2026, 11, 25)
)

func defaultMatrix(t testing.TB) *matrix.Matrix {
	t.Helper()
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// columnConds are application answers that select each default column.
var columnConds = [4][]matrix.Known{
	{yes, yes, yes},
	{yes, no, yes},
	{no, unset, yes},
	{no, unset, no},
}

// wantNeeds is the design's table by column: ○ = Do, 確認 = Check.
var wantNeeds = [4][5]matrix.Need{
	{matrix.NotNeeded, matrix.NotNeeded, matrix.Check, matrix.Check, matrix.Do},
	{matrix.NotNeeded, matrix.Do, matrix.Do, matrix.Do, matrix.Do},
	{matrix.NotNeeded, matrix.Do, matrix.Do, matrix.Do, matrix.Do},
	{matrix.Do, matrix.Do, matrix.Do, matrix.Do, matrix.Do},
}

func app(id string, conds []matrix.Known) Application {
	return Application{Row: 2, ClientID: id, AppliedOn: today.AddDays(-5), Company: "テスト商事", Conditions: conds}
}

func session(id string, row int, on civil.Date, results ...Result) Session {
	r := make([]Result, 5)
	copy(r, results)
	return Session{Row: row, ClientID: id, HeldOn: on, Confirmed: make([]matrix.Known, 3), Results: r}
}

func compute(t testing.TB, in Input) *Output {
	t.Helper()
	if in.Matrix == nil {
		in.Matrix = defaultMatrix(t)
	}
	if in.Today == 0 {
		in.Today = today
	}
	if in.StallDays == 0 {
		in.StallDays = 14
	}
	return Compute(in)
}

// TestEveryColumnEveryWorkState sets, for each matrix column, each work to
// each possible result while all other works are done, and checks the
// required works, the done count, the status and the remaining work.
func TestEveryColumnEveryWorkState(t *testing.T) {
	states := []Result{NoResult, Done, Existing, NotRequired, OnHold, NotDone}
	for col := range columnConds {
		for w := 0; w < 5; w++ {
			for _, st := range states {
				t.Run(fmt.Sprintf("col%d/work%d/%v", col, w, st), func(t *testing.T) {
					results := make([]Result, 5)
					for k := range results {
						if wantNeeds[col][k].Required() {
							results[k] = Done
						}
					}
					results[w] = st
					out := compute(t, Input{
						Applications: []Application{app("10001", columnConds[col])},
						Sessions:     []Session{session("10001", 2, today.AddDays(-1), results...)},
					})
					c := out.Clients[0]
					if c.Column != col {
						t.Fatalf("column: got %d, want %d", c.Column, col)
					}
					for k := range wantNeeds[col] {
						if c.Needs[k] != wantNeeds[col][k] {
							t.Errorf("need of work %d: got %v, want %v", k, c.Needs[k], wantNeeds[col][k])
						}
					}
					required := wantNeeds[col][w].Required()
					done, req := c.Counts()
					openWork := required && !st.IsDone()
					wantDone := req
					if openWork {
						wantDone--
					}
					if done != wantDone {
						t.Errorf("done: got %d/%d, want %d", done, req, wantDone)
					}
					wantStatus := AwaitHandover
					if openWork {
						wantStatus = InProgress
					}
					if c.Status != wantStatus {
						t.Errorf("status: got %s, want %s (problems %v)", c.Status, wantStatus, c.Problems)
					}
					label := defaultMatrix(t).Works[w].Label()
					if openWork != strings.HasPrefix(c.Next, label) {
						t.Errorf("next action %q: open work %v", c.Next, openWork)
					}
					if openWork && st == OnHold && !strings.Contains(c.Next, "保留") {
						t.Errorf("next action %q should mention 保留", c.Next)
					}
					if openWork && wantNeeds[col][w] == matrix.Check && st != OnHold && !strings.Contains(c.Next, "確認") {
						t.Errorf("next action %q should say to check what exists", c.Next)
					}
					// A result recorded for a work the matrix does not need is a note on the session.
					wantNote := !required && st != NoResult && st != NotRequired
					if got := len(out.SessionProblems[0]) > 0; got != wantNote {
						t.Errorf("note on the session: got %v, want %v (%v)", got, wantNote, out.SessionProblems[0])
					}
					if c.Blocking() {
						t.Errorf("unexpected blocking problem: %v", c.Problems)
					}
				})
			}
		}
	}
}

func TestStatuses(t *testing.T) {
	allDone := []Result{Done, Done, Done, Done, Done}
	tests := []struct {
		name     string
		app      func(a *Application)
		sessions []Session
		want     Status
		next     string
	}{
		{"未着手", func(a *Application) {}, nil, NotStarted, "初期設定セッションを予約する"},
		{"セッション予定", func(a *Application) { a.ScheduledOn = today.AddDays(3) }, nil, Scheduled, "11/28 の初期設定セッションを実施する"},
		{"セッション予定 overdue", func(a *Application) { a.ScheduledOn = today.AddDays(-2) }, nil, Scheduled, "予定日（11/23）を過ぎています"},
		{"進行中", func(a *Application) {}, []Session{session("10001", 2, today.AddDays(-1), Done, Done, NotDone)}, InProgress, "③ Messaging API: 次回セッションで完了させる"},
		{"進行中 nothing recorded yet", func(a *Application) {}, []Session{session("10001", 2, today.AddDays(-1))}, InProgress, "① LINEビジネスID作成: 作成と権限付与を行う"},
		{"担当作業待ち", func(a *Application) {}, []Session{session("10001", 2, today.AddDays(-1), allDone...)}, AwaitHandover, "担当: エルメ接続と引き渡し"},
		{"完了", func(a *Application) { a.HandoverOn = today }, []Session{session("10001", 2, today.AddDays(-1), allDone...)}, Completed, "対応完了"},
		{"要確認 handover with works open", func(a *Application) { a.HandoverOn = today }, []Session{session("10001", 2, today.AddDays(-1), Done)}, NeedsReview, keys.Name(keys.Problems) + "欄"},
		{"要確認 missing condition", func(a *Application) { a.Conditions = []matrix.Known{unset, unset, unset} }, nil, NeedsReview, keys.Name(keys.Problems) + "欄"},
		{"要確認 contradiction", func(a *Application) { a.Conditions = []matrix.Known{no, yes, yes} }, nil, NeedsReview, keys.Name(keys.Problems) + "欄"},
		{"要確認 unreadable cell", func(a *Application) {
			a.Problems = []Problem{{Record: ApplicationRecord, Row: 2, Field: keys.AppliedOn, Message: "「来週」は日付で", Blocking: true}}
		}, nil, NeedsReview, keys.Name(keys.Problems) + "欄"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := app("10001", []matrix.Known{no, unset, no})
			tt.app(&a)
			out := compute(t, Input{Applications: []Application{a}, Sessions: tt.sessions})
			c := out.Clients[0]
			if c.Status != tt.want {
				t.Errorf("status: got %s, want %s (problems %v)", c.Status, tt.want, c.Problems)
			}
			if !strings.Contains(c.Next, tt.next) {
				t.Errorf("next action: got %q, want it to contain %q", c.Next, tt.next)
			}
		})
	}
}

func TestDuplicateClientID(t *testing.T) {
	a, b := app("10001", columnConds[3]), app("10001", columnConds[3])
	b.Row = 9
	out := compute(t, Input{Applications: []Application{a, b}})
	for _, c := range out.Clients {
		if c.Status != NeedsReview || !strings.Contains(c.Problems[0].Message, "2行目・9行目 で重複") {
			t.Errorf("row %d: status %s problems %v", c.App.Row, c.Status, c.Problems)
		}
	}
}

func TestSessionConfirmationOverridesApplication(t *testing.T) {
	// Applied as "no OA"; the session found an existing OA the client wants to use.
	a := app("10001", []matrix.Known{no, unset, yes})
	s := session("10001", 2, today.AddDays(-3), NoResult, NoResult, Existing, Existing, Done)
	s.Confirmed = []matrix.Known{yes, yes, unset}
	out := compute(t, Input{Applications: []Application{a}, Sessions: []Session{s}})
	c := out.Clients[0]
	if c.Column != 0 {
		t.Fatalf("column: got %d, want 0 (OA あり · 既存を使用)", c.Column)
	}
	if c.Status != AwaitHandover {
		t.Errorf("status: got %s", c.Status)
	}
	if len(c.Problems) != 1 || c.Problems[0].Blocking || !strings.Contains(c.Problems[0].Message, "セッション（2026/11/22）で「あり」と確認（"+apps+"は「なし」）") {
		t.Errorf("want one note on the difference, got %v", c.Problems)
	}
}

func TestLatestResultWins(t *testing.T) {
	a := app("10001", columnConds[3])
	// Rows out of date order: the later date wins, then the later row on the same day.
	s1 := session("10001", 5, today.AddDays(-2), OnHold)
	s2 := session("10001", 3, today.AddDays(-9), Done)
	s3 := session("10001", 4, today.AddDays(-2), Done, OnHold)
	s4 := session("10001", 2, today.AddDays(-9), NoResult, Done)
	out := compute(t, Input{Applications: []Application{a}, Sessions: []Session{s1, s2, s3, s4}})
	c := out.Clients[0]
	if c.States[0] != OnHold || c.States[1] != OnHold {
		t.Errorf("states: got %v, want ① 保留 (row 5 after row 4 on the same day) and ② 保留", c.States)
	}
	if c.Sessions[0].Row != 2 || c.Sessions[3].Row != 5 {
		t.Errorf("session order wrong")
	}
}

func TestStalled(t *testing.T) {
	tests := []struct {
		applied  int
		session  int // days ago; 0 = none
		handover bool
		want     bool
	}{
		{applied: 13, want: false},
		{applied: 14, want: true},
		{applied: 30, session: 5, want: false},
		{applied: 30, session: 20, want: true},
		{applied: 40, session: 30, handover: true, want: false}, // 完了 is never stalled
	}
	for _, tt := range tests {
		a := app("10001", columnConds[3])
		a.AppliedOn = today.AddDays(-tt.applied)
		var ss []Session
		if tt.session > 0 {
			ss = append(ss, session("10001", 2, today.AddDays(-tt.session), Done, Done, Done, Done, Done))
		}
		if tt.handover {
			a.HandoverOn = today.AddDays(-tt.session + 1)
		}
		out := compute(t, Input{Applications: []Application{a}, Sessions: ss})
		c := out.Clients[0]
		if c.Stalled != tt.want {
			t.Errorf("%+v: stalled %v", tt, c.Stalled)
		}
		if c.Stalled != strings.Contains(c.Next, "停滞") {
			t.Errorf("next action %q and stalled %v disagree", c.Next, c.Stalled)
		}
	}
}

func TestSessionForUnknownClient(t *testing.T) {
	out := compute(t, Input{
		Applications: []Application{app("10001", columnConds[3])},
		Sessions:     []Session{session("10999", 7, today, Done)},
	})
	ps := out.SessionProblems[0]
	if len(ps) != 1 || ps[0].Row != 7 || !strings.Contains(ps[0].Message, "「10999」は"+apps+"にありません") {
		t.Errorf("got %v", ps)
	}
	if out.Clients[0].Status != NotStarted {
		t.Errorf("the other client is unaffected: %s", out.Clients[0].Status)
	}
}

func TestBlockingSessionProblemReachesClient(t *testing.T) {
	s := session("10001", 4, today, Done)
	s.Problems = []Problem{{Record: SessionRecord, Row: 4, Field: keys.Confirm(0), Message: "「済み?」は…", Blocking: true}}
	out := compute(t, Input{Applications: []Application{app("10001", columnConds[3])}, Sessions: []Session{s}})
	c := out.Clients[0]
	// The words ("セッション 4行目 …") are the contract's: TestLocateComputedProblems.
	if via := c.Problems[0].Via; c.Status != NeedsReview || via == nil || via.Record != SessionRecord || via.Row != 4 || c.Problems[0].Row != c.App.Row {
		t.Errorf("status %s problems %v", c.Status, c.Problems)
	}
	if len(out.SessionProblems[0]) != 1 {
		t.Errorf("the session row keeps its problem: %v", out.SessionProblems)
	}
}

func pool(emails ...string) []PoolAccount {
	var p []PoolAccount
	for i, e := range emails {
		p = append(p, PoolAccount{Row: i + 2, Email: e, BusinessIDReady: true, LMessageReady: true})
	}
	return p
}

func TestPoolAssignment(t *testing.T) {
	a1 := app("10003", columnConds[3])
	a1.AppliedOn = today.AddDays(-10)
	a2 := app("10002", columnConds[3])
	a2.AppliedOn = today.AddDays(-20)
	a3 := app("9999", columnConds[3]) // same day as a1: numeric ID order puts it first
	a3.AppliedOn = today.AddDays(-10)
	a4 := app("10004", columnConds[3])
	a4.SupportAccount = "b@x.jp" // a manager already gave one: never reassigned
	a5 := app("10005", columnConds[3])
	a5.AppliedOn = 0 // undated: last
	p := pool("a@x.jp", "b@x.jp", "c@x.jp", "d@x.jp", "e@x.jp")
	p[2].LMessageReady = false // not prepared
	p[4].AssignedTo = "10001"  // already assigned elsewhere

	out := compute(t, Input{Applications: []Application{a1, a2, a3, a4, a5}, Pool: p, PoolLowWater: 2})
	got := map[string]string{}
	for _, c := range out.Clients {
		got[c.App.ClientID] = c.SupportAccount
	}
	want := map[string]string{"10002": "a@x.jp", "9999": "d@x.jp", "10003": "", "10004": "b@x.jp", "10005": ""}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("client %s: got %q, want %q", id, got[id], w)
		}
	}
	if out.Unassigned != 2 || out.PoolLeft != 0 || !out.PoolLow {
		t.Errorf("unassigned %d left %d low %v", out.Unassigned, out.PoolLeft, out.PoolLow)
	}
	// The manual assignment is recorded in the pool, marked manual.
	manual := 0
	for _, as := range out.Assignments {
		if as.Manual {
			manual++
			if p[as.Pool].Email != "b@x.jp" {
				t.Errorf("manual assignment to %s", p[as.Pool].Email)
			}
		}
	}
	if manual != 1 || len(out.Assignments) != 3 {
		t.Errorf("assignments %+v", out.Assignments)
	}
	// Same input, same result.
	again := compute(t, Input{Applications: []Application{a1, a2, a3, a4, a5}, Pool: p, PoolLowWater: 2})
	for i := range again.Clients {
		if again.Clients[i].SupportAccount != out.Clients[i].SupportAccount {
			t.Error("assignment is not deterministic")
		}
	}
}

func TestPoolSkipsFinishedAndDuplicates(t *testing.T) {
	done := app("10001", columnConds[3])
	done.HandoverOn = today
	dup1, dup2 := app("10002", columnConds[3]), app("10002", columnConds[3])
	dup2.Row = 3
	s := session("10001", 2, today.AddDays(-1), Done, Done, Done, Done, Done)
	out := compute(t, Input{Applications: []Application{done, dup1, dup2}, Sessions: []Session{s}, Pool: pool("a@x.jp")})
	for _, c := range out.Clients {
		if c.SupportAccount != "" {
			t.Errorf("client %s row %d got an account", c.App.ClientID, c.App.Row)
		}
	}
	if out.PoolLeft != 1 {
		t.Errorf("pool left %d", out.PoolLeft)
	}
}

func TestSupportAccountUsedTwice(t *testing.T) {
	a, b := app("10001", columnConds[3]), app("10002", columnConds[3])
	a.SupportAccount, b.SupportAccount = "s@x.jp", "s@x.jp"
	out := compute(t, Input{Applications: []Application{a, b}})
	for _, c := range out.Clients {
		if len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Message, "2件のクライアント") {
			t.Errorf("client %s: %v", c.App.ClientID, c.Problems)
		}
	}
}

// TestFutureSessionCountsFromItsDay: a session dated after today is a
// problem on its row, and its results, confirmations and activity count
// only once its day has come.
func TestFutureSessionCountsFromItsDay(t *testing.T) {
	a := app("10001", columnConds[3])
	a.ScheduledOn = today.AddDays(3)
	held := session("10001", 2, today.AddDays(-1), Done)
	ahead := session("10001", 3, today.AddDays(3), NoResult, Done, Done, Done, Done)
	ahead.Confirmed[2] = yes // a Business ID after all: column 2 from its day
	unknown := session("99999", 4, today.AddDays(9))
	in := Input{Applications: []Application{a}, Sessions: []Session{held, ahead, unknown}}

	out := compute(t, in)
	c := out.Clients[0]
	if c.Status != InProgress || c.Column != 3 || len(c.Sessions) != 1 || c.LastActivity != today.AddDays(-1) {
		t.Errorf("before its day: status %s column %d sessions %d last activity %s", c.Status, c.Column, len(c.Sessions), c.LastActivity)
	}
	if done, _ := c.Counts(); done != 1 {
		t.Errorf("done %d, want only the held session's work", done)
	}
	for i, want := range map[int]string{1: "「" + ahead.HeldOn.String() + "」は未来の日付です", 2: "「" + unknown.HeldOn.String() + "」は未来の日付です"} {
		ps := out.SessionProblems[i]
		if len(ps) == 0 || !strings.Contains(ps[0].Message, want) || ps[0].Row != in.Sessions[i].Row || ps[0].Field != keys.HeldOn || ps[0].Blocking {
			t.Errorf("session %d problems %+v, want a note on 実施日 %q", i, ps, want)
		}
	}
	if !strings.Contains(out.SessionProblems[2][1].Message, apps+"にありません") {
		t.Errorf("unknown client not named: %+v", out.SessionProblems[2])
	}
	if len(out.SessionProblems[0]) != 0 {
		t.Errorf("held session: %+v", out.SessionProblems[0])
	}

	// On its day it counts.
	in.Today = ahead.HeldOn
	out = compute(t, in)
	c = out.Clients[0]
	if len(c.Sessions) != 2 || c.Column != 2 || len(out.SessionProblems[1]) != 0 {
		t.Errorf("on its day: sessions %d column %d problems %+v", len(c.Sessions), c.Column, out.SessionProblems[1])
	}
}

// TestPoolOncePerClient: a client gets a pool account at most once. An
// unreadable サポートアカウント cell is no reason to assign; a pool row
// already naming the client fills a blank 申込 rather than a second
// account; a client holding another account is never marked in the pool
// twice, and the stray pool row is flagged.
func TestPoolOncePerClient(t *testing.T) {
	unreadable := app("10001", columnConds[3])
	unreadable.SupportAccountTyped = true // "abc", "=1+1", "#N/A": the reader's problem is on the row
	blank := app("10002", columnConds[3])
	blankBad := app("10003", columnConds[3])
	blankBad.SupportAccountTyped = true
	other := app("10004", columnConds[3])
	other.SupportAccount = "c@x.jp" // typed by a manager while the pool names d@x.jp
	fresh := app("10005", columnConds[3])
	p := pool("a@x.jp", "b@x.jp", "c@x.jp", "d@x.jp", "e@x.jp", "f@x.jp", "g@x.jp")
	p[0].AssignedTo = "10002" // 申込 blank: filled from here
	p[1].AssignedTo = "10003" // 申込 unreadable: nothing to do but the row's problem
	p[3].AssignedTo = "10004" // 10004 holds c@x.jp: d is stray, c is not marked
	p[5].AssignedTo = "10002" // a second pool row for 10002: stray
	p[6].AssignedTo = "10003" // a second for 10003, whose 申込 is unreadable

	out := compute(t, Input{Applications: []Application{unreadable, blank, blankBad, other, fresh}, Pool: p})
	got := map[string]string{}
	for _, c := range out.Clients {
		got[c.App.ClientID] = c.SupportAccount
	}
	want := map[string]string{"10001": "", "10002": "a@x.jp", "10003": "", "10004": "c@x.jp", "10005": "e@x.jp"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("client %s: %q, want %q", id, got[id], w)
		}
	}
	var assigned []string
	for _, a := range out.Assignments {
		assigned = append(assigned, fmt.Sprintf("%s→%s manual=%v", p[a.Pool].Email, out.Clients[a.Client].App.ClientID, a.Manual))
	}
	if got := strings.Join(assigned, ", "); got != "a@x.jp→10002 manual=false, e@x.jp→10005 manual=false" {
		t.Errorf("assignments: %s", got)
	}
	for i, want := range map[int]string{
		// The header in front (割当クライアントID: ) is the contract's:
		// TestLocateComputedProblems.
		3: "10004 の" + apps + "の" + keys.Name(keys.SupportAccount) + "は「c@x.jp」です",
		5: "10002 の" + apps + "の" + keys.Name(keys.SupportAccount) + "は「a@x.jp」です",
		6: "10003 には 3行目のアカウントも割り当てられています",
	} {
		ps := out.PoolProblems[i]
		if len(ps) != 1 || !strings.Contains(ps[0].Message, want) || ps[0].Row != p[i].Row || ps[0].Field != keys.AssignedTo {
			t.Errorf("pool row %d: %+v, want %q", p[i].Row, ps, want)
		}
	}
	for _, i := range []int{0, 1, 2, 4} {
		if len(out.PoolProblems[i]) != 0 {
			t.Errorf("pool row %d: %+v", p[i].Row, out.PoolProblems[i])
		}
	}
	if out.PoolLeft != 0 {
		t.Errorf("pool left %d", out.PoolLeft)
	}
}

// apps stands for the applications tab's name in the domain's messages;
// the contract writes the name in (contract's TestLocateComputedProblems).
var apps = keys.Name(keys.Applications)
