package weekly_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/history"
	"onboard/internal/job"
	"onboard/internal/mailer"
	"onboard/internal/mailer/smtptest"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/weekly"
)

// TestHistoryReadOnlyWhenAWeekIsDue runs the weekly stage the way cron
// does, on the fake Google server and a loopback SMTP server: the first
// run, with no 送信履歴 tab, finds nothing sent without a failing call and
// mails the week; later runs of the same week make no call at all; and
// with the remembered week lost, one read of the tab is enough.
func TestHistoryReadOnlyWhenAWeekIsDue(t *testing.T) {
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(example.Generate(example.ExampleConfig()), 0)...)
	smtp, err := smtptest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Close() })
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, tokyo)
	m, _ := matrix.Default("")
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	sentFile := filepath.Join(t.TempDir(), "sent")
	deliver := func() (weekly.Result, []fakesheets.RequestRecord) {
		t.Helper()
		ss, err := gsheets.Open(context.Background(), id, gsheets.Options{Endpoint: srv.URL(), Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		run, err := job.Sync(ctx, ss, job.Config{Matrix: m, Now: now, StallDays: 14, PoolLowWater: 5}, false)
		if err != nil {
			t.Fatal(err)
		}
		srv.ResetRequests()
		res, err := weekly.Deliver(ctx, ss, run, weekly.Options{OutDir: t.TempDir(), Layout: layout, CatchUp: 4, Now: now, StallDays: 14,
			Mail: mailer.Config{Host: smtp.Host(), Port: smtp.Port(), TLSMode: mailer.StartTLS, RootCAs: smtp.RootCAs(),
				From: "onboard@example.jp", To: []string{"team@example.jp"}},
			Log: slog.New(slog.DiscardHandler), SentFile: sentFile})
		if err != nil {
			t.Fatal(err)
		}
		return res, srv.Requests()
	}

	res, calls := deliver()
	if strings.Join(res.Sent, ",") != "2026-W47" || len(smtp.Messages()) != 1 {
		t.Fatalf("first run sent %v, %d mails", res.Sent, len(smtp.Messages()))
	}
	for _, c := range calls {
		if c.Status != http.StatusOK {
			t.Errorf("a failing call: %s %s → %d", c.Operation, c.Path, c.Status)
		}
	}
	if tabs := srv.Tabs(id); !contains(tabs, history.TabName) {
		t.Errorf("tabs %v", tabs)
	}

	for range 2 {
		res, calls = deliver()
		if len(res.Sent) != 0 || len(calls) != 0 {
			t.Errorf("a run with the week already sent: sent %v, calls %v", res.Sent, calls)
		}
	}

	if err := os.Remove(sentFile); err != nil {
		t.Fatal(err)
	}
	res, calls = deliver()
	if len(res.Sent) != 0 || len(calls) == 0 || len(calls) > 2 || len(smtp.Messages()) != 1 {
		t.Errorf("without the remembered week: sent %v, %d calls, %d mails", res.Sent, len(calls), len(smtp.Messages()))
	}
	if b, _ := os.ReadFile(sentFile); strings.TrimSpace(string(b)) != "2026-W47" {
		t.Errorf("remembered %q", b)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
