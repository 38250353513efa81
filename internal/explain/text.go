package explain

import (
	"fmt"
	"io"
	"strings"

	"onboard/internal/vocab"
)

// WriteText writes the explanations as Japanese text a person reads
// before calling the client or answering a manager.
func WriteText(w io.Writer, cs []Client) error {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeClient(&b, &c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeClient(b *strings.Builder, c *Client) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	p("クライアント %s（%s） ステータス: %s", c.ClientID, or(c.Company, "事業者名なし"), c.Status)
	p("  申込: %s　申込日 %s", c.Cell, or(c.AppliedOn, "未入力"))
	if c.Duplicate {
		p("  ※ このクライアントIDは申込に複数行あります（行ごとに説明します）")
	}

	p("\n■ 条件（実効値と出どころ）")
	for _, cd := range c.Conditions {
		line := fmt.Sprintf("  %s: %s（%s", cd.Name, cd.Value, cd.Source)
		if cd.Cell != "" {
			line += " " + cd.Cell
		}
		if cd.ConfirmedOn != "" {
			line += "、セッション " + cd.ConfirmedOn + " で確認済み"
		}
		line += "）"
		if cd.Application != "" {
			line += fmt.Sprintf(" ※ 申込は「%s」", cd.Application)
		}
		p("%s", line)
	}
	if c.Column != "" {
		p("  → マトリクスの列: %s", c.Column)
	} else {
		p("  → マトリクスの列: 決まりません（%s）", c.Unresolved)
	}

	p("\n■ 作業（%d/%d 完了）", c.Done, c.Required)
	for _, wk := range c.Works {
		if wk.Need == "×" {
			p("  %s: 不要（この条件の列では対象外）", wk.Label)
			continue
		}
		mark := "残り"
		if wk.Done {
			mark = "済"
		}
		p("  %s [%s]: %s（%s）", wk.Label, wk.Need, wk.State, mark)
		for _, e := range wk.History {
			line := fmt.Sprintf("    %s %s", e.Date, e.Result)
			if e.Operator != "" {
				line += " 担当 " + e.Operator
			}
			if e.Memo != "" {
				line += " メモ「" + e.Memo + "」"
			}
			p("%s（%s）", line, e.Cell)
		}
	}
	if len(c.Remaining) > 0 {
		p("  残作業: %s", strings.Join(c.Remaining, " "))
	}
	if c.Handover != "" {
		p("  担当作業完了日: %s", c.Handover)
	}

	p("\n■ サポートアカウント")
	switch {
	case c.Support.Email == "":
		p("  なし")
	default:
		line := fmt.Sprintf("  %s（%s", c.Support.Email, c.Support.Source)
		if c.Support.PoolCell != "" {
			line += "、" + c.Support.PoolCell
		}
		if c.Support.AssignedOn != "" {
			line += "、割当日 " + c.Support.AssignedOn
		}
		p("%s）", line)
	}

	p("\n■ 停滞")
	switch {
	case c.Status == "完了":
		p("  完了のため対象外")
	case c.Stalled:
		p("  停滞中: 最終活動 %s から %d日（基準 %d日）", c.LastActive, c.IdleDays, c.StallDays)
	case c.LastActive != "":
		p("  停滞なし: 最終活動 %s（%d日前、基準 %d日）", c.LastActive, c.IdleDays, c.StallDays)
	default:
		p("  停滞なし: 活動の日付がありません")
	}

	p("\n■ %s", vocab.DataProblems)
	if len(c.Problems) == 0 {
		p("  なし")
	}
	for _, pr := range c.Problems {
		p("  [%s] %s: %s", vocab.Kind(pr.Blocking), pr.Cell, pr.Message)
	}

	p("\n■ 次のアクション")
	p("  %s", c.Next)
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
