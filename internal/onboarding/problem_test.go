package onboarding_test

import (
	"testing"

	"onboard/internal/onboarding"
)

func TestProblemTextTagged(t *testing.T) {
	block := onboarding.Problem{Message: "LINE公式アカウント: 「たぶん」は あり/なし で入力してください", Blocking: true}
	note := onboarding.Problem{Message: "事業者名: 「=A1」は数式のように見えますが、文字として扱います"}
	for _, tc := range []struct {
		name string
		ps   []onboarding.Problem
		want string
	}{
		{"none", nil, ""},
		{"blocking", []onboarding.Problem{block}, "【要確認】" + block.Message},
		{"note", []onboarding.Problem{note}, "【お知らせ】" + note.Message},
		{"both in order", []onboarding.Problem{note, block}, "【お知らせ】" + note.Message + "; 【要確認】" + block.Message},
		{"a repeat once", []onboarding.Problem{block, note, block}, "【要確認】" + block.Message + "; 【お知らせ】" + note.Message},
		{"same words, other kind", []onboarding.Problem{block, {Message: block.Message}}, "【要確認】" + block.Message + "; 【お知らせ】" + block.Message},
	} {
		if got := onboarding.ProblemText(tc.ps); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
