package onboarding

import (
	"onboard/internal/civil"
	"onboard/internal/keys"
	"onboard/internal/matrix"
)

// nextAction is one short sentence telling the team what to do now.
func nextAction(m *matrix.Matrix, c *Client, today civil.Date) string {
	s := baseAction(m, c, today)
	if c.Stalled {
		s += "（停滞: 最終活動 " + c.LastActivity.String() + "）"
	}
	return s
}

func baseAction(m *matrix.Matrix, c *Client, today civil.Date) string {
	switch c.Status {
	case NeedsReview:
		return keys.Name(keys.Problems) + "欄のデータの問題を解消する"
	case Completed:
		return "対応完了"
	case AwaitHandover:
		return "担当: エルメ接続と引き渡し"
	case NotStarted:
		return "初期設定セッションを予約する"
	case Scheduled:
		if c.App.ScheduledOn < today {
			return "予定日（" + c.App.ScheduledOn.Short() + "）を過ぎています: セッション結果を記録するか再予約する"
		}
		return c.App.ScheduledOn.Short() + " の初期設定セッションを実施する"
	}
	// In progress: the first open work, in matrix order.
	for w, work := range m.Works {
		if !c.Required(w) || c.States[w].IsDone() {
			continue
		}
		switch {
		case c.States[w] == OnHold:
			return work.Label() + ": 保留の理由を確認して再開する"
		case c.Needs[w] == matrix.Check:
			return work.Label() + ": 既存の有無を確認し、あれば権限付与・なければ作成する"
		case c.States[w] == NotDone:
			return work.Label() + ": 次回セッションで完了させる"
		default:
			return work.Label() + ": 作成と権限付与を行う"
		}
	}
	return "担当: エルメ接続と引き渡し"
}
