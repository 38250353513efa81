package main_test

import (
	"bytes"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"onboard/internal/mailer/smtptest"
)

const smtpPassword = "pa55-ワード-!x"

type mailEnv struct {
	srv     *smtptest.Server
	addr    string
	caFile  string
	dir     string
	sheet   string
	lock    string
	baseEnv []string
}

func newMailEnv(t *testing.T) *mailEnv {
	t.Helper()
	srv, err := smtptest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	srv.Username, srv.Password = "onboard", smtpPassword
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, srv.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	e := &mailEnv{srv: srv, addr: srv.Addr(), caFile: ca, dir: dir, sheet: exampleCopy(t), lock: filepath.Join(dir, "onboard.lock")}
	e.baseEnv = []string{"ONBOARD_SMTP_USERNAME=onboard", "ONBOARD_SMTP_PASSWORD=" + smtpPassword}
	return e
}

func (e *mailEnv) args(now string, extra ...string) []string {
	return append([]string{"run", "--sheet", e.sheet, "--now", now, "--out", filepath.Join(e.dir, "out"),
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(e.srv.Port()), "--smtp-ca-file", e.caFile,
		"--mail-from", "onboard@example.jp", "--mail-to", "manager1@example.jp", "--mail-to", "manager2@example.jp",
		"--lock-file", e.lock}, extra...)
}

// restart brings the SMTP server back on the same port.
func (e *mailEnv) restart(t *testing.T) {
	t.Helper()
	var err error
	for i := 0; i < 50; i++ {
		if e.srv, err = smtptest.Start(e.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Username, e.srv.Password = "onboard", smtpPassword
	t.Cleanup(func() { e.srv.Close() })
	ca := e.srv.CertPEM()
	if err := os.WriteFile(e.caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sentWeeks(t *testing.T, path string) []string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("送信履歴") // no tab yet: nothing sent
	var weeks []string
	for _, r := range rows[min(1, len(rows)):] {
		weeks = append(weeks, r[0])
	}
	return weeks
}

// summaryFigures reads label → this week's value from the report's サマリー.
func summaryFigures(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("サマリー")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 && r[0] != "" && r[1] != "" {
			if _, seen := out[r[0]]; !seen {
				out[r[0]] = r[1]
			}
		}
	}
	return out
}

func TestRunMailsTheWeekOnce(t *testing.T) {
	e := newMailEnv(t)
	r := run(t, e.baseEnv, e.args("2026-11-25T09:00:00+09:00")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	msgs := e.srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	p, err := smtptest.Parse(msgs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	// The figures are the example's, pinned by the report's golden file.
	if !strings.HasPrefix(p.RawSubject, "=?UTF-8?") || p.Subject != "【オンボーディング週次】2026-W47（11/16〜11/22）新規申込 10件・設定完了 1件・要確認 8件" {
		t.Errorf("subject %q (raw %q)", p.Subject, p.RawSubject)
	}
	file := filepath.Join(e.dir, "out", "onboard-weekly-2026-W47.xlsx")
	onDisk, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attachments) != 1 || p.Attachments[0].Name != "onboard-weekly-2026-W47.xlsx" ||
		p.Attachments[0].ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !bytes.Equal(p.Attachments[0].Data, onDisk) {
		t.Fatalf("attachment differs from %s", file)
	}
	// Every figure in the body is the report's.
	figures := summaryFigures(t, file)
	line := regexp.MustCompile(`(?m)^・(.+?): (\d+(?:\.\d+%)?)`)
	matches := line.FindAllStringSubmatch(p.Body, -1)
	checked := 0
	for _, m := range matches {
		if want, ok := figures[m[1]]; ok {
			checked++
			if want != m[2] {
				t.Errorf("%s: mail %s, report %s", m[1], m[2], want)
			}
		}
	}
	if checked < 9 { // 7 figures, the median 申込→完了, 2 shares, the breaches
		t.Errorf("only %d figures matched the report\n%s\n%v", checked, p.Body, figures)
	}
	for _, want := range []string{"■ リードタイムと目標（", "・申込→完了の中央値（日）: 28（24）",
		"・初回セッション14日以内の割合: 85.7%（60.0%）", "・引き渡し7日以内の割合: 100.0%（100.0%）", "・目標超過中のクライアント（作成時点）: 7\n"} {
		if !strings.Contains(strings.ReplaceAll(p.Body, "\r\n", "\n"), want) { // a mail's lines end in CRLF
			t.Errorf("the body has no %q:\n%s", want, p.Body)
		}
	}
	if checked < 5 {
		t.Errorf("only %d figures matched the report\n%s\n%v", checked, p.Body, figures)
	}
	body := strings.ReplaceAll(p.Body, "\r\n", "\n")
	if !strings.Contains(body, "■ 要確認のクライアント（") || !strings.Contains(body, "■ 添付ファイル\nonboard-weekly-2026-W47.xlsx\n") {
		t.Errorf("body:\n%s", p.Body)
	}
	// The server's folders are nobody's business in the team's inbox:
	// the attachment and the sheet go by their names.
	if strings.Contains(body, e.dir) || strings.Contains(body, filepath.Dir(e.sheet)) {
		t.Errorf("the body shows a path:\n%s", p.Body)
	}
	from, err := mail.ParseAddress(p.Header.Get("From"))
	if err != nil || from.Name != "オンボーディング週次レポート" || from.Address != "onboard@example.jp" {
		t.Errorf("From %q: %+v %v", p.Header.Get("From"), from, err)
	}
	if got := sentWeeks(t, e.sheet); strings.Join(got, ",") != "2026-W47" {
		t.Errorf("送信履歴 %v", got)
	}

	// cron retries the same day: nothing more is sent.
	r = run(t, e.baseEnv, e.args("2026-11-25T09:10:00+09:00")...)
	if r.code != 0 || len(e.srv.Messages()) != 1 || !strings.Contains(r.stdout, "reports sent: 0") {
		t.Errorf("second run: exit %d, %d messages\n%s%s", r.code, len(e.srv.Messages()), r.stdout, r.stderr)
	}
}

func TestRunKeepsTheReportWhenMailFailsAndCatchesUp(t *testing.T) {
	e := newMailEnv(t)
	if r := run(t, e.baseEnv, e.args("2026-11-25T09:00:00+09:00")...); r.code != 0 {
		t.Fatalf("first run: %d %s", r.code, r.stderr)
	}
	e.srv.Close()
	r := run(t, e.baseEnv, e.args("2026-12-02T09:00:00+09:00")...)
	file := filepath.Join(e.dir, "out", "onboard-weekly-2026-W48.xlsx")
	if r.code != 1 || !strings.Contains(r.stderr, "the report is kept at "+file) {
		t.Fatalf("server down: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("the report was not kept: %v", err)
	}
	if got := sentWeeks(t, e.sheet); strings.Join(got, ",") != "2026-W47" {
		t.Errorf("送信履歴 after the failure %v", got)
	}
	e.restart(t)
	if r := run(t, e.baseEnv, e.args("2026-12-02T10:00:00+09:00")...); r.code != 0 || len(e.srv.Messages()) != 1 {
		t.Fatalf("after the server is back: exit %d, %d messages\n%s", r.code, len(e.srv.Messages()), r.stderr)
	}
	// The machine was down for three Mondays: the missed weeks are caught up, oldest first.
	if r := run(t, e.baseEnv, e.args("2026-12-23T09:00:00+09:00")...); r.code != 0 {
		t.Fatalf("catch-up: exit %d\n%s", r.code, r.stderr)
	}
	var subjects []string
	for _, m := range e.srv.Messages() {
		p, _ := smtptest.Parse(m.Data)
		subjects = append(subjects, p.Subject[len("【オンボーディング週次】"):len("【オンボーディング週次】")+8])
	}
	if strings.Join(subjects, ",") != "2026-W48,2026-W49,2026-W50,2026-W51" {
		t.Errorf("weeks mailed after the restart: %v", subjects)
	}
	if got := sentWeeks(t, e.sheet); strings.Join(got, ",") != "2026-W47,2026-W48,2026-W49,2026-W50,2026-W51" {
		t.Errorf("送信履歴 %v", got)
	}
}

func TestRunOnANewSheetSendsOnlyTheLastWeek(t *testing.T) {
	e := newMailEnv(t)
	if r := run(t, e.baseEnv, e.args("2026-12-23T09:00:00+09:00")...); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if got := sentWeeks(t, e.sheet); strings.Join(got, ",") != "2026-W51" {
		t.Errorf("a new installation mailed a backlog: %v", got)
	}
}

func TestConcurrentRuns(t *testing.T) {
	e := newMailEnv(t)
	e.srv.Delay = 2 * time.Second // the first run holds the lock while it mails
	first := exec.Command(binary, e.args("2026-11-25T09:00:00+09:00")...)
	first.Env = append([]string{"PATH=" + os.Getenv("PATH")}, e.baseEnv...)
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the first run holds the lock (it writes its PID there).
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(e.lock)
		if strings.TrimSpace(string(b)) == strconv.Itoa(first.Process.Pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	second := run(t, e.baseEnv, e.args("2026-11-25T09:00:00+09:00")...)
	if second.code != 75 || time.Since(start) > time.Second || !strings.Contains(second.stderr, "another onboard run holds the lock") {
		t.Errorf("second run: exit %d after %v\n%s", second.code, time.Since(start), second.stderr)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v\n%s", err, firstOut.String())
	}
	if n := len(e.srv.Messages()); n != 1 {
		t.Errorf("%d messages", n)
	}
	if got := sentWeeks(t, e.sheet); len(got) != 1 {
		t.Errorf("送信履歴 %v", got)
	}
	// Sync cells were written once: a dry run finds nothing to change.
	if r := run(t, nil, "sync", "--sheet", e.sheet, "--now", "2026-11-25T09:00:00+09:00", "--dry-run"); !strings.Contains(r.stdout, "0 changes") {
		t.Errorf("after the runs:\n%s", r.stdout)
	}
}

func TestReportSend(t *testing.T) {
	e := newMailEnv(t)
	out := filepath.Join(e.dir, "reports")
	r := run(t, e.baseEnv, "report", "--sheet", e.sheet, "--now", "2026-11-25T09:00:00+09:00", "--week", "2026-W46", "--out", out, "--send",
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(e.srv.Port()), "--smtp-ca-file", e.caFile,
		"--mail-from", "onboard@example.jp", "--mail-to", "manager1@example.jp")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	msgs := e.srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	p, _ := smtptest.Parse(msgs[0].Data)
	file := filepath.Join(out, "onboard-weekly-2026-W46.xlsx")
	onDisk, _ := os.ReadFile(file)
	if !strings.Contains(p.Subject, "2026-W46") || len(p.Attachments) != 1 || !bytes.Equal(p.Attachments[0].Data, onDisk) {
		t.Errorf("subject %q, attachments %d", p.Subject, len(p.Attachments))
	}
	if got := sentWeeks(t, e.sheet); strings.Join(got, ",") != "2026-W46" {
		t.Errorf("送信履歴 %v", got)
	}
	// Without SMTP settings --send is a usage error and nothing is written.
	if r := run(t, nil, "report", "--sheet", e.sheet, "--now", "2026-11-25T09:00:00+09:00", "--out", out, "--send"); r.code != 2 || !strings.Contains(r.stderr, "--smtp-host is required") {
		t.Errorf("no SMTP: exit %d %s", r.code, r.stderr)
	}
}
