// Package onboarding is the domain: from the applications, the session
// results, the support-account pool and the condition matrix it computes,
// per client, the required works, what is done, the status, the next action
// and the data problems. It does no I/O.
package onboarding

import (
	"onboard/internal/civil"
	"onboard/internal/matrix"
	"onboard/internal/vocab"
)

// Status is a client's place in the onboarding flow.
type Status string

// The six statuses, in the order the team works through them.
const (
	NeedsReview   Status = vocab.Blocking // a blocking problem holds the client
	Completed     Status = "完了"
	AwaitHandover Status = "担当作業待ち"
	InProgress    Status = "進行中"
	Scheduled     Status = "セッション予定"
	NotStarted    Status = "未着手"
)

// Statuses lists every status in display order.
var Statuses = []Status{NotStarted, Scheduled, InProgress, AwaitHandover, Completed, NeedsReview}

// Result is what a session recorded for one work.
type Result uint8

const (
	NoResult    Result = iota
	Done               // 完了
	Existing           // 既存あり: the thing existed; the support account was granted
	NotRequired        // 不要
	OnHold             // 保留
	NotDone            // 未完了
)

// ResultWords are the words a session cell may hold, by result.
var ResultWords = map[Result]string{Done: "完了", Existing: "既存あり", NotRequired: "不要", OnHold: "保留", NotDone: "未完了"}

func (r Result) String() string { return ResultWords[r] }

// IsDone reports whether the work counts as finished.
func (r Result) IsDone() bool { return r == Done || r == Existing || r == NotRequired }

// Record is the kind of record a problem is about.
type Record uint8

// The records the domain reads; each is a row of its own tab, which only
// the contract names.
const (
	ApplicationRecord Record = iota + 1
	SessionRecord
	PoolRecord
)

// Problem is a data problem on one field of one record (or on the whole
// record, when Field is ""), in words a manager understands. It names the
// field by its key (package keys): the contract turns the record and the
// field into tab, row, column and header (contract.Sheet.Locate), and puts
// the header in front of the message.
type Problem struct {
	Record Record
	Row    int    // the record's row
	Field  string // keys.*; "" for the record as a whole
	// Message is Japanese and without the field's header, e.g.
	// "「たぶん」は あり/なし で入力してください".
	Message string
	// Bare: the message names what it is about itself (several columns);
	// Field only places it, no header goes in front.
	Bare bool
	// AsTyped: the problem is with what the cell holds (the contract's
	// reading of it), so the column goes by its header as written in the
	// sheet; the domain's own problems name it by the contract's name.
	AsTyped bool
	// Via is the problem on another record this one repeats: a session's
	// blocking problem, on its client's application.
	Via *Problem
	// Blocking problems make the client 要確認; the others are お知らせ.
	Blocking bool
	// ClientID is the client the record belongs to (an application's or
	// a session's ID), "" on a pool row.
	ClientID string
}

// Kind names the problem's kind for a manager: 要確認 or お知らせ.
func (p Problem) Kind() string { return vocab.Kind(p.Blocking) }

// Application is one row of 申込.
type Application struct {
	Row            int
	ClientID       string
	AppliedOn      civil.Date
	Company        string
	Contact        string
	AdminEmail     string
	Conditions     []matrix.Known // by matrix condition
	Operator       string
	ScheduledOn    civil.Date
	HandoverOn     civil.Date
	SupportAccount string
	// SupportAccountTyped: the サポートアカウント cell holds something,
	// readable or not. Such a cell is never filled, so a client whose
	// cell is unreadable gets no pool account: it gets a problem.
	SupportAccountTyped bool
	Problems            []Problem
}

// Session is one row of セッション.
type Session struct {
	Row       int
	ClientID  string
	HeldOn    civil.Date
	Operator  string
	Confirmed []matrix.Known // by matrix condition
	Results   []Result       // by matrix work
	Business  string
	Scale     string
	Literacy  string
	Memo      string
	Problems  []Problem
}

// PoolAccount is one row of サポートアカウント.
type PoolAccount struct {
	Row             int
	Email           string
	BusinessIDReady bool
	LMessageReady   bool
	AssignedTo      string
	AssignedOn      civil.Date
	Problems        []Problem
}

// Prepared reports whether the account can be handed to a client.
func (p *PoolAccount) Prepared() bool { return p.BusinessIDReady && p.LMessageReady && p.Email != "" }

// Input is everything the computation needs.
type Input struct {
	Matrix       *matrix.Matrix
	Applications []Application
	Sessions     []Session
	Pool         []PoolAccount
	Today        civil.Date
	// StallDays: a client not 完了 with no activity for this many days is
	// stalled.
	StallDays int
	// PoolLowWater: warn when fewer prepared, unassigned accounts remain.
	PoolLowWater int
}

// Client is the computed state of one application row.
type Client struct {
	App       *Application
	Sessions  []*Session // this client's sessions, oldest first
	Effective []matrix.Known
	Column    int           // matrix column; -1 when unresolved
	Needs     []matrix.Need // by work; nil when unresolved
	States    []Result      // latest result by work
	Status    Status
	Next      string
	Stalled   bool
	// LastActivity is the latest of the application, session and
	// handover dates.
	LastActivity civil.Date
	// SupportAccount is the account in use after this run's assignment.
	SupportAccount string
	Problems       []Problem
	Duplicate      bool // the client ID appears on more than one row

	sessionIdx []int // indices into Input.Sessions, parallel to Sessions
}

// Required reports whether work w is part of this client's setup.
func (c *Client) Required(w int) bool { return c.Needs != nil && c.Needs[w].Required() }

// WorkDone reports whether work w is required and finished.
func (c *Client) WorkDone(w int) bool { return c.Required(w) && c.States[w].IsDone() }

// Counts returns how many works are required and how many of them are done.
func (c *Client) Counts() (done, required int) {
	for w := range c.Needs {
		if c.Required(w) {
			required++
			if c.States[w].IsDone() {
				done++
			}
		}
	}
	return done, required
}

// Blocking reports whether the client has a blocking data problem.
func (c *Client) Blocking() bool {
	for _, p := range c.Problems {
		if p.Blocking {
			return true
		}
	}
	return false
}

// Assignment is a pool account the run gives to a client (or records for a
// client a manager already gave it to).
type Assignment struct {
	Client int // index into Output.Clients
	Pool   int // index into Input.Pool
	// Manual: the client row already names the account; only the pool's
	// assignment cells are filled.
	Manual bool
}

// Output is the result of Compute.
type Output struct {
	Clients     []Client
	Assignments []Assignment
	// SessionProblems holds the problems found on session rows, by index
	// into Input.Sessions (including those the parser found).
	SessionProblems map[int][]Problem
	// PoolProblems likewise for pool rows.
	PoolProblems map[int][]Problem
	// PoolLeft is the number of prepared accounts still free after this run.
	PoolLeft int
	// PoolLow is set when PoolLeft is under Input.PoolLowWater.
	PoolLow bool
	// Unassigned counts clients that needed an account and got none.
	Unassigned int
}
