package contract

import (
	"strings"

	"onboard/internal/prep"
	"onboard/internal/sheet"
)

// PrepTabName is the job-owned tab of the operators' session preparation.
// Managers and operators read it; the job rewrites it.
const PrepTabName = "セッション準備"

// PrepHeader is its header row.
var PrepHeader = []string{"予定日", "予定日超過", "オペレーター", "クライアントID", "事業者名", "担当者名", "管理メールアドレス",
	"サポートアカウント（ログイン）", "最初に確認する条件", "作業（順に）", "注意"}

// PrepWidths are its columns' widths in characters, wide and wrapped for
// the long ones.
var PrepWidths = []float64{12, 10, 14, 12, 24, 14, 26, 34, 30, 80, 50}

// PrepGrid is the tab's content: the header row, then one row per session.
func PrepGrid(sessions []prep.Session) [][]sheet.Value {
	rows := make([][]sheet.Value, 0, len(sessions)+1)
	header := make([]sheet.Value, len(PrepHeader))
	for i, h := range PrepHeader {
		header[i] = sheet.TextValue(h)
	}
	rows = append(rows, header)
	for _, s := range sessions {
		overdue := ""
		if s.Overdue {
			overdue = "超過"
		}
		rows = append(rows, []sheet.Value{
			sheet.DayValue(s.On), sheet.TextValue(overdue), sheet.TextValue(s.Operator), sheet.TextValue(s.ClientID),
			sheet.TextValue(s.Company), sheet.TextValue(s.Contact), sheet.TextValue(s.Email), sheet.TextValue(s.SupportText()),
			sheet.TextValue(strings.Join(s.Conditions, "\n")), sheet.TextValue(s.WorksText()), sheet.TextValue(strings.Join(s.Cautions, "\n")),
		})
	}
	return rows
}
