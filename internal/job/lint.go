package job

import (
	"fmt"
	"sort"

	"onboard/internal/onboarding"
)

// Lint is what `onboard check` reports: every problem sync writes into the
// チェック cells (sessions dated in the future among them), plus what only
// a person can act on: stalled clients and a pool about to run out.
func (r *Run) Lint(cfg Config) []onboarding.Problem {
	ps := r.Problems()
	today := cfg.Today()
	for i := range r.Out.Clients {
		c := &r.Out.Clients[i]
		if !c.Stalled {
			continue
		}
		ps = append(ps, onboarding.Problem{
			Tab: r.Sheet.Apps.Name, Row: c.App.Row,
			Message: fmt.Sprintf("停滞: %d日間動きがありません（最終活動 %s、ステータス %s）",
				int(today-c.LastActivity), c.LastActivity, c.Status),
		})
	}
	if r.Out.PoolLow && r.Sheet.Pool != nil {
		ps = append(ps, onboarding.Problem{
			Tab: r.Sheet.Pool.Name,
			Message: fmt.Sprintf("準備済みの空きサポートアカウントが残り %d件です（%d件未満）: LINEビジネスIDとエルメアカウントを作成して追加してください",
				r.Out.PoolLeft, cfg.PoolLowWater),
		})
	}
	rank := map[string]int{}
	for i, l := range r.Sheet.Layouts() {
		rank[l.Name] = i
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if rank[ps[i].Tab] != rank[ps[j].Tab] {
			return rank[ps[i].Tab] < rank[ps[j].Tab]
		}
		return ps[i].Row < ps[j].Row
	})
	return ps
}
