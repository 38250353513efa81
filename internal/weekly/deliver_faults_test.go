package weekly_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"onboard/internal/history"
	"onboard/internal/job"
	"onboard/internal/mailer"
	"onboard/internal/mailer/smtptest"
	"onboard/internal/matrix"
	"onboard/internal/report"
	"onboard/internal/weekly"
	"onboard/internal/xlsxbook"
)

// TestDeliverAcrossSMTPFaults runs Deliver again and again, as cron would,
// against a real SMTP server that misbehaves in every way it can, with the
// real 送信履歴 on a local workbook. After every run the weeks recorded are
// exactly the weeks the server accepted, no week is accepted twice, and
// every run ends within its deadline; in the end every week arrived once.
func TestDeliverAcrossSMTPFaults(t *testing.T) {
	srv, err := smtptest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Username, srv.Password = "onboard", "s3cret-long-password"
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	dir := t.TempDir()
	book := filepath.Join(dir, "onboarding.xlsx")
	b, err := os.ReadFile("../../examples/onboarding.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(book, b, 0o644); err != nil {
		t.Fatal(err)
	}
	mx, err := matrix.Default("")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 9, 0, 0, 0, tokyo) }
	w47, w48, w49, w51 := day(11, 25), day(12, 2), day(12, 9), day(12, 23)
	stall := smtptest.Fault{Stall: 5 * time.Second}
	at := func(step smtptest.Step, code int) smtptest.Fault { return smtptest.Fault{At: step, Code: code} }
	stallAt := func(step smtptest.Step) smtptest.Fault { f := stall; f.At = step; return f }
	runs := []struct {
		name   string
		now    time.Time
		down   bool // nothing listens on the SMTP port
		faults []smtptest.Fault
	}{
		{"connection refused", w47, true, nil},
		{"4xx at MAIL", w47, false, []smtptest.Fault{at(smtptest.AtMail, 451)}},
		{"5xx at MAIL", w47, false, []smtptest.Fault{at(smtptest.AtMail, 550)}},
		{"4xx at RCPT", w47, false, []smtptest.Fault{at(smtptest.AtRcpt, 450)}},
		{"5xx at RCPT", w47, false, []smtptest.Fault{at(smtptest.AtRcpt, 550)}},
		{"4xx at DATA", w47, false, []smtptest.Fault{at(smtptest.AtData, 451)}},
		{"5xx at DATA", w47, false, []smtptest.Fault{at(smtptest.AtData, 554)}},
		{"close mid-DATA", w47, false, []smtptest.Fault{at(smtptest.CloseInData, 0)}},
		{"slow DATA past the deadline", w47, false, []smtptest.Fault{stallAt(smtptest.StallInData)}},
		{"QUIT fails after 250", w47, false, []smtptest.Fault{at(smtptest.CloseAfterAccept, 0)}},
		{"cron retries the same day", w47, false, nil},
		{"QUIT unanswered after 250", w48, false, []smtptest.Fault{stallAt(smtptest.StallAfterAccept)}},
		{"a later week refused", w49, false, []smtptest.Fault{at(smtptest.AtRcpt, 550)}},
		{"catch-up: first accepted then dropped, second refused", w51, false,
			[]smtptest.Fault{at(smtptest.CloseAfterAccept, 0), at(smtptest.AtData, 451)}},
		{"catch-up finishes", w51, false, nil},
		{"nothing left", w51, false, nil},
	}
	const deadline = time.Second
	weekOf := regexp.MustCompile(`\d{4}-W\d{2}`)
	computed := map[time.Time]*job.Run{}
	for _, r := range runs {
		ss := xlsxbook.Open(book) // a fresh process every run
		run, ok := computed[r.now]
		if !ok {
			if run, err = job.Compute(context.Background(), ss, job.Config{Matrix: mx, Now: r.now, StallDays: 14, PoolLowWater: 5}); err != nil {
				t.Fatal(err)
			}
			computed[r.now] = run
		}
		srv.Inject(r.faults...)
		cfg := mailer.Config{Host: srv.Host(), Port: srv.Port(), TLSMode: mailer.StartTLS, Username: srv.Username, Password: srv.Password,
			From: "onboard@example.jp", To: []string{"manager1@example.jp"}, RootCAs: srv.RootCAs()}
		if r.down {
			cfg.Port = closedPort
		}
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		start := time.Now()
		_, err := weekly.Deliver(ctx, ss, run, weekly.Options{OutDir: filepath.Join(dir, "out"), Layout: layout, CatchUp: 4, Now: r.now,
			StallDays: 14, Mail: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		cancel()
		if took := time.Since(start); took > deadline+500*time.Millisecond {
			t.Errorf("%s: took %v with a %v deadline", r.name, took, deadline)
		}
		if srv.Pending() != 0 {
			t.Fatalf("%s: %d faults were never reached (err %v)", r.name, srv.Pending(), err)
		}
		// What the server accepted, and what 送信履歴 holds, read afresh.
		var accepted []string
		for _, m := range srv.Messages() {
			p, perr := smtptest.Parse(m.Data)
			if perr != nil {
				t.Fatal(perr)
			}
			accepted = append(accepted, weekOf.FindString(p.Subject))
		}
		sent, herr := history.Sent(context.Background(), xlsxbook.Open(book))
		if herr != nil {
			t.Fatal(herr)
		}
		var recorded []string
		for w := range sent {
			recorded = append(recorded, w)
		}
		slices.Sort(recorded)
		acceptedSet := slices.Clone(accepted)
		slices.Sort(acceptedSet)
		if len(slices.Compact(slices.Clone(acceptedSet))) != len(accepted) {
			t.Fatalf("%s: a week was accepted twice: %v", r.name, accepted)
		}
		if !slices.Equal(recorded, acceptedSet) {
			t.Fatalf("%s: 送信履歴 %v, server accepted %v (err %v)", r.name, recorded, acceptedSet, err)
		}
	}
	var final []string
	for _, m := range srv.Messages() {
		p, _ := smtptest.Parse(m.Data)
		final = append(final, weekOf.FindString(p.Subject))
	}
	if want := []string{"2026-W47", "2026-W48", "2026-W49", "2026-W50", "2026-W51"}; !slices.Equal(final, want) {
		t.Errorf("weeks delivered %v, want each of %v once, in order", final, want)
	}
}
