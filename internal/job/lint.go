package job

import (
	"fmt"
	"sort"

	"onboard/internal/contract"
	"onboard/internal/onboarding"
	"onboard/internal/vocab"
)

// Sources of check's findings.
const (
	// SourceData: a data problem, one of those sync writes into the チェック
	// cells and the report lists in データの問題.
	SourceData = "data"
	// SourceStalled: a client with no activity for --stall-days.
	SourceStalled = "stalled"
	// SourcePool: the support-account pool is running low.
	SourcePool = "pool"
)

// Finding is one line of `onboard check`.
type Finding struct {
	contract.Located
	Source string // SourceData, SourceStalled or SourcePool
}

// Lint is what `onboard check` reports: every problem sync writes into the
// チェック cells (sessions dated in the future among them), plus what only
// a person can act on: stalled clients and a pool about to run out, both
// お知らせ, which no チェック cell holds.
func (r *Run) Lint(cfg Config) []Finding {
	var fs []Finding
	for _, p := range r.Problems() {
		fs = append(fs, Finding{Located: p, Source: SourceData})
	}
	today := cfg.Today()
	for i := range r.Out.Clients {
		c := &r.Out.Clients[i]
		if !c.Stalled {
			continue
		}
		fs = append(fs, Finding{Source: SourceStalled, Located: r.Locate(onboarding.Problem{
			Record: onboarding.ApplicationRecord, Row: c.App.Row, ClientID: c.App.ClientID,
			Message: fmt.Sprintf("%s: %d日間動きがありません（最終活動 %s、ステータス %s）",
				vocab.Stalled, int(today-c.LastActivity), c.LastActivity, c.Status),
		})})
	}
	if r.Out.PoolLow && r.Sheet.Pool != nil {
		// Row 0: the pool's tab as a whole.
		fs = append(fs, Finding{Source: SourcePool, Located: r.Locate(onboarding.Problem{
			Record: onboarding.PoolRecord,
			Message: fmt.Sprintf("準備済みの空きサポートアカウントが残り %d件です（%d件未満）: LINEビジネスIDとエルメアカウントを作成して追加してください",
				r.Out.PoolLeft, cfg.PoolLowWater),
		})})
	}
	rank := map[string]int{}
	for i, l := range r.Sheet.Layouts() {
		rank[l.Name] = i
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if rank[fs[i].Tab] != rank[fs[j].Tab] {
			return rank[fs[i].Tab] < rank[fs[j].Tab]
		}
		return fs[i].Row < fs[j].Row
	})
	return fs
}

// LintCounts counts check's findings by what they are, so that check's
// total and sync's "problems" can be told apart: the data problems are the
// same set in both.
type LintCounts struct {
	Blocking, Notes int // data problems by kind (the チェック cells)
	Stalled, Pool   int // check's own findings, all お知らせ
}

// CountFindings counts findings by source and kind.
func CountFindings(fs []Finding) LintCounts {
	var n LintCounts
	for _, f := range fs {
		switch {
		case f.Source == SourceStalled:
			n.Stalled++
		case f.Source == SourcePool:
			n.Pool++
		case f.Blocking:
			n.Blocking++
		default:
			n.Notes++
		}
	}
	return n
}

// Data is the number of data problems.
func (n LintCounts) Data() int { return n.Blocking + n.Notes }

// Total is the number of findings.
func (n LintCounts) Total() int { return n.Data() + n.Stalled + n.Pool }
