package prep

import (
	"fmt"
	"io"
	"strings"
)

// SupportText is the support-account cell: the address and whether it
// is ready, or that there is none.
func (s *Session) SupportText() string {
	switch {
	case s.Support == "":
		return "なし"
	case s.SupportReady:
		return s.Support + "（作成済）"
	}
	return s.Support + "（準備未完了）"
}

// WorksText numbers the works, one per line.
func (s *Session) WorksText() string {
	if s.Undecided {
		return "（条件を確認するまで決まりません）"
	}
	if len(s.Works) == 0 {
		return "（残作業なし）"
	}
	lines := make([]string, len(s.Works))
	for i, w := range s.Works {
		lines[i] = fmt.Sprintf("%d. %s", i+1, w)
	}
	return strings.Join(lines, "\n")
}

// WriteText writes the sessions as a person reads them before a call.
func WriteText(w io.Writer, sessions []Session) error {
	var b strings.Builder
	for i, s := range sessions {
		if i > 0 {
			b.WriteString("\n")
		}
		when := s.Date
		if s.Overdue {
			when += "（予定日超過）"
		}
		fmt.Fprintf(&b, "■ %s %s　クライアント %s %s（%s 様）\n", when, or(s.Operator, "担当未定"), s.ClientID, s.Company, or(s.Contact, "担当者名なし"))
		fmt.Fprintf(&b, "  ログイン: サポートアカウント %s\n", s.SupportText())
		fmt.Fprintf(&b, "  管理メールアドレス: %s\n", or(s.Email, "なし"))
		fmt.Fprintf(&b, "  最初に条件を再確認: %s\n", strings.Join(s.Conditions, " / "))
		b.WriteString("  作業:\n")
		for _, line := range strings.Split(s.WorksText(), "\n") {
			b.WriteString("    " + line + "\n")
		}
		for _, c := range s.Cautions {
			b.WriteString("  注意: " + c + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
