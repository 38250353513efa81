// Package job runs onboard's steps against a spreadsheet: read it through
// the contract, compute every client, plan the write-back and apply it,
// starting over when the sheet's headers move under it.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/prep"
	"onboard/internal/sheet"
	"onboard/internal/statuslog"
	"onboard/internal/writeback"
)

// Config holds what a run needs besides the spreadsheet.
type Config struct {
	// Matrix is the default matrix; a 条件マトリクス tab in the sheet
	// replaces it unless MatrixPinned (--matrix given).
	Matrix       *matrix.Matrix
	MatrixPinned bool
	Now          time.Time // in the team's time zone
	StallDays    int
	PoolLowWater int
	Log          *slog.Logger
	// Prep, when set, has sync keep the セッション準備 tab: the sessions
	// from today through PrepDays ahead, in these instructions' words.
	Prep     *prep.Instructions
	PrepDays int
	// History, when set, reads the ステータス履歴 tab (the report's
	// previous-week figures), and has sync append the status changes it
	// writes, pruning rows older than HistoryDays.
	History     bool
	HistoryDays int
	// HistoryAsOf, when set (the report), has the read of ステータス履歴
	// reach back to the totals as they stood at the end of that day; a
	// sync needs the latest only.
	HistoryAsOf civil.Date
	// Look colours the ステータス column when sync formats the columns it
	// adds (the report's status colours).
	Look contract.Look
}

// Today is the team's calendar date at Now.
func (c Config) Today() civil.Date { return civil.Of(c.Now) }

// Run is the outcome of reading and computing, and of writing for a sync.
type Run struct {
	Sheet *contract.Sheet
	// In is what the domain computed from: the matrix and the records.
	In      onboarding.Input
	Out     *onboarding.Output
	Changes []writeback.Change
	Outcome writeback.Outcome
	// Attempts is 1 unless the header row changed during the run.
	Attempts int
	// History is the ステータス履歴 tab as read (Config.History); empty
	// otherwise.
	History *statuslog.Log
	// HistoryRows counts the rows the plan adds to it; HistoryPruned: the
	// plan rewrites it without the rows past the retention.
	HistoryRows   int
	HistoryPruned bool
	// SheetCells is the spreadsheet's cell count when this run counted it
	// (at most once a day, with the day's first history rows); 0 otherwise.
	SheetCells int
	// Notices are what the job tells the managers about the spreadsheet
	// itself (a sheet nearing Google's cell limit); never blocking.
	Notices []contract.Located

	historyTab *sheet.Tab // the tab's cells, until the plan is made
	usedCells  int        // the used range of the tabs read

	// Formatted lists the tabs whose just-added columns (or whole new
	// tab) sync formatted.
	Formatted []string
	// addedPrep, addedHistory: this run created the セッション準備 or the
	// ステータス履歴 tab.
	addedPrep, addedHistory bool
}

// MaxAttempts bounds the restarts when headers keep changing.
const MaxAttempts = 3

// Evaluate reads the spreadsheet and computes every client, writing
// nothing.
func Evaluate(ctx context.Context, ss sheet.Spreadsheet, cfg Config) (*Run, error) {
	run, err := compute(ctx, ss, cfg, true)
	if err != nil {
		return nil, err
	}
	// The job-owned tabs are planned first, so that the one list of
	// changes is made with room for them: a first sync of a large sheet
	// plans a history row per client, and appending those would copy it.
	var prepChanges, historyChanges []writeback.Change
	if cfg.Prep != nil {
		sessions := prep.Build(run.Sheet.Matrix, run.Out, run.Sheet.PoolRows, cfg.Prep, prep.Options{Today: cfg.Today(), Days: cfg.PrepDays})
		prepChanges = writeback.PlanTab(contract.PrepTabName, run.Sheet.Prep, contract.PrepGrid(sessions))
	}
	if cfg.History {
		if err := readWholeHistoryToPrune(ctx, ss, run, cfg); err != nil {
			return nil, err
		}
		historyChanges = planHistory(run, cfg)
	}
	run.Changes = make([]writeback.Change, 0, writeback.Room(run.Sheet)+len(prepChanges)+len(historyChanges))
	run.Changes = writeback.AppendPlan(run.Changes, run.Sheet, run.Out, cfg.Today())
	run.Changes = append(append(run.Changes, prepChanges...), historyChanges...)
	run.historyTab = nil
	// The cells kept for the plan are not needed past it.
	run.Sheet.ReleaseCells()
	return run, nil
}

// Compute is Evaluate without the write-back plan, for readers that never
// write (the weekly report): on a sheet never synced the plan holds a
// change for nearly every status cell. Of ステータス履歴 it reads the head
// and the totals row as of HistoryAsOf (the latest one when unset) alone:
// a reader needs those figures, not the days after them.
// It decodes none of the columns the job writes and keeps no cells for a
// plan.
func Compute(ctx context.Context, ss sheet.Spreadsheet, cfg Config) (*Run, error) {
	return compute(ctx, ss, cfg, false)
}

// compute reads and computes. plan (Evaluate) reads for a write-back plan:
// ステータス履歴 from its anchor to its end, and the cells the plan
// compares with; without it, the anchor row alone of the tail
// (sheet.Tail's Rows) and the records alone (contract.Reading.NoPlan).
func compute(ctx context.Context, ss sheet.Spreadsheet, cfg Config, plan bool) (*Run, error) {
	var owned []string
	if cfg.Prep != nil {
		owned = append(owned, contract.PrepTabName)
	}
	if cfg.History {
		owned = append(owned, statuslog.TabName)
	}
	var tail *sheet.Tail
	if cfg.History {
		t := statuslog.TailOf(cfg.Now.Location(), cfg.HistoryAsOf)
		if !plan {
			t.Rows = 1
		}
		tail = &t
	}
	// The team's own matrix in the sheet replaces the default, unless
	// pinned.
	book, s, err := contract.ReadSheet(ctx, ss, contract.Reading{Matrix: cfg.Matrix, Pinned: cfg.MatrixPinned, Tail: tail, Owned: owned, NoPlan: !plan})
	if err != nil {
		return nil, err
	}
	m := s.Matrix
	s.Prep = book.Tab(contract.PrepTabName)
	run := &Run{Sheet: s, Attempts: 1, History: &statuslog.Log{}}
	if cfg.History {
		run.historyTab = book.Tab(statuslog.TabName)
		run.History = statuslog.Parse(run.historyTab, cfg.Now.Location())
		run.usedCells = usedCells(book)
	}
	run.In = onboarding.Input{
		Matrix:       m,
		Applications: s.Applications,
		Sessions:     s.SessionRows,
		Pool:         s.PoolRows,
		Today:        cfg.Today(),
		StallDays:    cfg.StallDays,
		PoolLowWater: cfg.PoolLowWater,
	}
	run.Out = onboarding.Compute(run.In)
	return run, nil
}

// Sync evaluates the spreadsheet and writes the changes back. With dryRun
// it stops after planning.
func Sync(ctx context.Context, ss sheet.Spreadsheet, cfg Config, dryRun bool) (*Run, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for attempt := 1; ; attempt++ {
		run, err := Evaluate(ctx, ss, cfg)
		if err != nil {
			return nil, err
		}
		run.Attempts = attempt
		if dryRun || len(run.Changes) == 0 {
			return run, nil
		}
		if err := addOwnedTabs(ctx, ss, run); err != nil {
			return run, err
		}
		if cfg.History {
			checkCells(ctx, ss, run, cfg, log)
		}
		run.Outcome, err = writeback.Apply(ctx, ss, run.Sheet, run.Changes)
		if errors.Is(err, writeback.ErrHeaderChanged) && attempt < MaxAttempts {
			log.Warn("header row changed during the run; starting over", "attempt", attempt, "err", err)
			continue
		}
		if err != nil {
			return run, err
		}
		formatAdded(ctx, ss, cfg, run, log)
		return run, nil
	}
}

// formatAdded formats what this run added: the job's columns it put on a
// tab and the セッション準備 tab it created. That is the only time sync
// formats, so an idle run sends nothing more; a sheet whose columns were
// there before gets its formats from init. When every job column of a tab
// was added now (its first sync), the whole tab is formatted and marked,
// so init leaves it be.
// A failure is logged, not fatal: the statuses are written already.
func formatAdded(ctx context.Context, ss sheet.Spreadsheet, cfg Config, run *Run, log *slog.Logger) {
	p, ok := ss.(sheet.Preparer)
	if !ok {
		return
	}
	var steps []sheet.SetupStep
	for _, l := range run.Sheet.Layouts() {
		added := map[int]bool{}
		for _, a := range l.Added {
			added[a.Col] = true
		}
		cols := map[string]int{}
		first := true // every job column of the tab was added now
		for _, c := range l.Spec.Columns {
			cols[c.Key] = l.Col(c.Key)
			if c.Owner == contract.Job && !added[cols[c.Key]] {
				first = false
			}
		}
		only := added
		if first {
			// The tab's first sync: its dates in a manager's column
			// (割当日) too, and the mark.
			only = nil
		}
		formats := cfg.Look.TabFormats(l.Spec, cols, only)
		if len(formats) == 0 {
			continue
		}
		steps = append(steps, sheet.SetupStep{Kind: sheet.FormatColumns, Tab: l.Name, Formats: formats, Mark: first})
		run.Formatted = append(run.Formatted, l.Name)
	}
	if run.addedPrep {
		steps = append(steps,
			sheet.SetupStep{Kind: sheet.FreezeHeader, Tab: contract.PrepTabName},
			sheet.SetupStep{Kind: sheet.FormatColumns, Tab: contract.PrepTabName, Formats: contract.PrepFormats(), Mark: true})
		run.Formatted = append(run.Formatted, contract.PrepTabName)
	}
	if run.addedHistory {
		steps = append(steps,
			sheet.SetupStep{Kind: sheet.FreezeHeader, Tab: statuslog.TabName},
			sheet.SetupStep{Kind: sheet.FormatColumns, Tab: statuslog.TabName, Formats: statuslog.Formats(), Mark: true})
		run.Formatted = append(run.Formatted, statuslog.TabName)
	}
	if len(steps) == 0 {
		return
	}
	if err := p.Prepare(ctx, steps); err != nil {
		log.Warn("formatting the columns sync added failed; the statuses are written. Run 'onboard init' to format them", "tabs", run.Formatted, "err", err)
		run.Formatted = nil
	}
}

// addOwnedTabs creates the job-owned tabs the plan writes to that do not
// exist yet (init creates them; a sheet set up before they existed gets
// them on its first sync). The new tab holds its header row already.
func addOwnedTabs(ctx context.Context, ss sheet.Spreadsheet, run *Run) error {
	for _, t := range []struct {
		name    string
		header  []string
		present bool
	}{
		{contract.PrepTabName, contract.PrepHeader, run.Sheet.Prep != nil},
		{statuslog.TabName, statuslog.Header, run.History.Exists},
	} {
		if t.present {
			continue
		}
		planned := false
		for _, c := range run.Changes {
			planned = planned || (c.Owned && c.Tab == t.name)
		}
		if !planned {
			continue
		}
		err := ss.AddTab(ctx, t.name, t.header)
		if err != nil && !errors.Is(err, sheet.ErrTabExists) {
			if ctx.Err() != nil {
				return fmt.Errorf("add tab %q: %w", t.name, err)
			}
			// The statuses matter more than a job-owned tab: without room
			// for it (a sheet at Google's cell limit), the rest is written
			// and the managers are told.
			run.dropOwned(t.name)
			run.Notices = append(run.Notices, contract.Located{Tab: t.name,
				Message: fmt.Sprintf("%sタブを追加できませんでした（%v）。不要な行・列・タブを削除して、次回の実行を待ってください", t.name, err)})
			continue
		}
		switch t.name {
		case contract.PrepTabName:
			run.addedPrep = err == nil
		case statuslog.TabName:
			run.addedHistory = err == nil
		}
		kept := run.Changes[:0]
		for _, c := range run.Changes {
			if !(c.Owned && c.Tab == t.name && c.Row == 1) {
				kept = append(kept, c)
			}
		}
		run.Changes = kept
	}
	return nil
}

// dropOwned removes the planned changes of a job-owned tab.
func (r *Run) dropOwned(tab string) {
	kept := r.Changes[:0]
	for _, c := range r.Changes {
		if !(c.Owned && c.Tab == tab) {
			kept = append(kept, c)
		}
	}
	r.Changes = kept
}

// StatusCounts counts clients per status.
func (r *Run) StatusCounts() map[onboarding.Status]int {
	n := map[onboarding.Status]int{}
	for i := range r.Out.Clients {
		n[r.Out.Clients[i].Status]++
	}
	return n
}

// Summary is what a run amounts to, as sync's summary, the run's alert
// mail and the metrics count it.
type Summary struct {
	Clients  int
	Statuses map[onboarding.Status]int // every status, 0 included
	// Blocking and Notes count the data problems (the チェック cells and
	// the job's notices) by kind.
	Blocking, Notes int
	Stalled         int
	Assigned        int // support accounts the run gave (not those a manager typed)
	PoolLeft        int // prepared accounts still free
}

// Problems is the number of data problems.
func (s Summary) Problems() int { return s.Blocking + s.Notes }

// Summary counts the run's clients by status, its problems by kind, the
// stalled clients and the accounts given.
func (r *Run) Summary() Summary {
	s := Summary{Clients: len(r.Out.Clients), Statuses: r.StatusCounts(), PoolLeft: r.Out.PoolLeft}
	for _, st := range onboarding.Statuses {
		s.Statuses[st] += 0
	}
	for _, p := range r.Problems() {
		if p.Blocking {
			s.Blocking++
		} else {
			s.Notes++
		}
	}
	for i := range r.Out.Clients {
		if r.Out.Clients[i].Stalled {
			s.Stalled++
		}
	}
	for _, as := range r.Out.Assignments {
		if !as.Manual {
			s.Assigned++
		}
	}
	return s
}

// Locate places a domain problem in the spreadsheet (contract.Sheet.Locate).
func (r *Run) Locate(p onboarding.Problem) contract.Located { return r.Sheet.Locate(p) }

// ProblemText is the problems as a チェック cell shows them.
func (r *Run) ProblemText(ps []onboarding.Problem) string { return r.Sheet.ProblemText(ps) }

// Next is a client's next action as a manager reads it, with the names of
// the tabs and columns it mentions.
func (r *Run) Next(c *onboarding.Client) string { return r.Sheet.Names(c.Next) }

// Problems lists every problem in the spreadsheet, located: clients',
// sessions' and the pool's, in tab and row order, then the job's notices.
func (r *Run) Problems() []contract.Located {
	var ps []contract.Located
	add := func(row []onboarding.Problem) {
		for _, p := range row {
			ps = append(ps, r.Sheet.Locate(p))
		}
	}
	for i := range r.Out.Clients {
		add(r.Out.Clients[i].Problems)
	}
	for i := range r.In.Sessions {
		add(r.Out.SessionProblems[i])
	}
	for i := range r.In.Pool {
		add(r.Out.PoolProblems[i])
	}
	return append(ps, r.Notices...)
}
