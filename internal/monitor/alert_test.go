package monitor_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/matrix"
	"onboard/internal/monitor"
	"onboard/internal/report"
	"onboard/internal/sheet"
)

// TestHintFitsTheFailure: each kind of layout failure gets the hint that
// names what to fix, from the errors the code really returns.
func TestHintFitsTheFailure(t *testing.T) {
	m, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	readErr := func(mutate func(b *sheet.Book)) error {
		b := example.Generate(example.ExampleConfig())
		mutate(b)
		_, err := contract.Read(b, m)
		if err == nil {
			t.Fatal("the broken book was read")
		}
		return fmt.Errorf("sync: %w", err)
	}
	_, matrixErr := matrix.ParseCSV([]byte("種別,記号,項目,英語名,A\n条件,,x,x,あり\n作業,①,y,y,○\n"), "matrix.csv")
	_, layoutErr := report.ParseLayout([]byte(`{"font": 1}`), "report.json")
	if matrixErr == nil || layoutErr == nil {
		t.Fatalf("broken files accepted: %v, %v", matrixErr, layoutErr)
	}
	for _, tc := range []struct {
		name      string
		err       error
		want, not string
	}{
		{"missing tab", readErr(func(b *sheet.Book) {
			b.Tabs = b.Tabs[1:]
		}), "必要なタブがない", "見出し"},
		{"missing header", readErr(func(b *sheet.Book) {
			b.Tabs[0].Rows[0][0] = sheet.TextValue("顧客番号")
		}), "見出し（1行目）", "タブがない"},
		{"duplicate header", readErr(func(b *sheet.Book) {
			b.Tabs[1].Rows[0] = append(b.Tabs[1].Rows[0], sheet.TextValue("実施日"))
		}), "重複した見出し", "タブがない"},
		{"matrix", contract.MatrixError(matrixErr), "条件マトリクス", "見出し"},
		{"template", contract.TemplateError(layoutErr), "--templates フォルダ", "見出し"},
		{"not found", fmt.Errorf("open: %w", sheet.ErrNotFound), "シートが見つかりません", "見出し"},
		{"timeout", fmt.Errorf("sync: %w", context.DeadlineExceeded), "時間内に終わりません", "見出し"},
		{"mail", errors.New("550 mailbox unavailable"), "SMTPの設定", "見出し"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stage := monitor.StageSync
			if tc.name == "mail" {
				stage = monitor.StageMail
			}
			h := monitor.Hint(stage, tc.err)
			if !strings.Contains(h, tc.want) || strings.Contains(h, tc.not) {
				t.Errorf("error %q\nhint %q: want %q, not %q", tc.err, h, tc.want, tc.not)
			}
		})
	}
}
