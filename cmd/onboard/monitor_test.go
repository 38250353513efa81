package main_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"onboard/internal/mailer/smtptest"
	"onboard/internal/vocab"
)

type pingRecord struct{ path, body string }

type pingServer struct {
	*httptest.Server
	mu    sync.Mutex
	pings []pingRecord
}

func newPingServer(t *testing.T) *pingServer {
	p := &pingServer{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.pings = append(p.pings, pingRecord{r.Method + " " + r.URL.Path, string(b)})
		p.mu.Unlock()
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *pingServer) take() []pingRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.pings
	p.pings = nil
	return out
}

func (e *mailEnv) monitorArgs(now, sheetPath string, extra ...string) []string {
	args := e.args(now, append([]string{"--alert-to", "oncall@example.jp", "--state-dir", e.dir}, extra...)...)
	for i := range args {
		if args[i] == "--sheet" {
			args[i+1] = sheetPath
		}
	}
	return args
}

func alerts(t *testing.T, s *smtptest.Server) []*smtptest.Parsed {
	t.Helper()
	var out []*smtptest.Parsed
	for _, m := range s.Messages() {
		if m.To[0] != "oncall@example.jp" {
			continue
		}
		p, err := smtptest.Parse(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// englishWords lists the English words of a mail meant to be Japanese,
// beyond the names it must show as they are: the product, the host, the
// sheet's file, the time zone, and the flags and variables to set.
func englishWords(body string, names ...string) []string {
	names = append(names, "Asia/Tokyo")
	for _, n := range names {
		body = strings.ReplaceAll(body, n, "")
	}
	body = regexp.MustCompile(`--[a-z-]+|ONBOARD_[A-Z_]+|\bonboard\b`).ReplaceAllString(body, "")
	return regexp.MustCompile(`[A-Za-z]{3,}`).FindAllString(body, -1)
}

func TestFailureAlertsOnceThenRecovery(t *testing.T) {
	e := newMailEnv(t)
	missing := filepath.Join(e.dir, "no-such-sheet.xlsx")
	r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:00:00+09:00", missing)...)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := alerts(t, e.srv)
	if len(got) != 1 {
		t.Fatalf("%d alerts", len(got))
	}
	host, _ := os.Hostname()
	a := got[0]
	if !strings.Contains(a.Subject, "【onboard 障害】シートの同期に失敗しました（"+host+"）") {
		t.Errorf("subject %q", a.Subject)
	}
	for _, want := range []string{"■ 失敗した処理: シートの同期\r\n", "■ 日時: 2026/11/25 09:00:00（Asia/Tokyo）", "シートが見つかりません",
		"■ ホスト: " + host, "■ シート: no-such-sheet.xlsx\r\n"} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("alert body lacks %q:\n%s", want, a.Body)
		}
	}
	// Japanese first; the English error only under its label, at the end.
	details := strings.Index(a.Body, "■ "+vocab.TechnicalDetails)
	if details < 0 || strings.Index(a.Body, "spreadsheet not found") < details || strings.Index(a.Body, "処理: sync、終了コード: 1") < details {
		t.Errorf("the technical error is not under %s at the end:\n%s", vocab.TechnicalDetails, a.Body)
	}
	if words := englishWords(a.Body[:details], host, "no-such-sheet.xlsx"); len(words) > 0 {
		t.Errorf("English before %s: %q\n%s", vocab.TechnicalDetails, words, a.Body)
	}
	// cron retries ten minutes later with the same error: no new mail.
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:10:00+09:00", missing)...); r.code != 1 || len(alerts(t, e.srv)) != 1 {
		t.Fatalf("repeat: exit %d, %d alerts", r.code, len(alerts(t, e.srv)))
	}
	// Fixed: one recovery mail.
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:20:00+09:00", e.sheet)...); r.code != 0 {
		t.Fatalf("success: exit %d\n%s", r.code, r.stderr)
	}
	got = alerts(t, e.srv)
	if len(got) != 2 || !strings.HasPrefix(got[1].Subject, "【onboard 復旧】") || !strings.Contains(got[1].Body, "失敗していた期間: 2026/11/25 09:00 〜 2026/11/25 09:20:00") {
		t.Fatalf("recovery: %d alerts; last %q\n%s", len(got), got[len(got)-1].Subject, got[len(got)-1].Body)
	}
	// The recovery mail is Japanese throughout (the host, the zone and the
	// sheet's file name aside).
	if words := englishWords(got[1].Body, host, filepath.Base(e.sheet)); len(words) > 0 || !strings.Contains(got[1].Body, "今回の実行: クライアント 61件") {
		t.Errorf("recovery mail not wholly Japanese: %q\n%s", words, got[1].Body)
	}
	// Another success: nothing more.
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:30:00+09:00", e.sheet)...); r.code != 0 || len(alerts(t, e.srv)) != 2 {
		t.Errorf("second success: exit %d, %d alerts", r.code, len(alerts(t, e.srv)))
	}
	// The SMTP server is down: the failing run still exits 1 and says the alert was not sent.
	e.srv.Close()
	r = run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:40:00+09:00", missing)...)
	if r.code != 1 || !strings.Contains(r.stderr, "alert mail not sent") {
		t.Errorf("SMTP down: exit %d\n%s", r.code, r.stderr)
	}
}

// TestAlertTimeZone: the alert's time and its label follow --timezone.
func TestAlertTimeZone(t *testing.T) {
	e := newMailEnv(t)
	missing := filepath.Join(e.dir, "no-such-sheet.xlsx")
	r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:00:00+09:00", missing, "--timezone", "America/New_York")...)
	got := alerts(t, e.srv)
	if r.code != 1 || len(got) != 1 {
		t.Fatalf("exit %d, %d alerts\n%s", r.code, len(got), r.stderr)
	}
	if want := "■ 日時: 2026/11/24 19:00:00（America/New_York）"; !strings.Contains(got[0].Body, want) || strings.Contains(got[0].Body, "Asia/Tokyo") {
		t.Errorf("alert body lacks %q:\n%s", want, got[0].Body)
	}
}

func TestPings(t *testing.T) {
	e := newMailEnv(t)
	ps := newPingServer(t)
	url := ps.URL + "/ping/5f1c0a3e-uuid"
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:00:00+09:00", e.sheet, "--ping-url", url)...); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	got := ps.take()
	if len(got) != 2 || got[0].path != "POST /ping/5f1c0a3e-uuid/start" || got[1].path != "POST /ping/5f1c0a3e-uuid" ||
		!strings.HasPrefix(got[1].body, "onboard run ok; clients=61 changes_written=817 reports_sent=1") {
		t.Errorf("success pings %+v", got)
	}
	missing := filepath.Join(e.dir, "gone.xlsx")
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:10:00+09:00", missing, "--ping-url", url)...); r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	got = ps.take()
	if len(got) != 2 || got[0].path != "POST /ping/5f1c0a3e-uuid/start" || got[1].path != "POST /ping/5f1c0a3e-uuid/fail" ||
		!strings.HasPrefix(got[1].body, "onboard run failed at sync (exit 1):") {
		t.Errorf("failure pings %+v", got)
	}
	// An unreachable ping URL changes no exit code.
	dead := "http://127.0.0.1:1/ping/x"
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:20:00+09:00", e.sheet, "--ping-url", dead)...); r.code != 0 || !strings.Contains(r.stderr, "health-check ping failed") {
		t.Errorf("dead ping URL on success: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:30:00+09:00", missing, "--ping-url", dead)...); r.code != 1 {
		t.Errorf("dead ping URL on failure: exit %d", r.code)
	}
}

func readMetrics(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("metrics do not parse: %v", err)
	}
	out := map[string]float64{}
	for name, fam := range families {
		for _, m := range fam.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				key += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			out[key] = m.GetGauge().GetValue()
		}
	}
	return out
}

func TestMetricsFile(t *testing.T) {
	e := newMailEnv(t)
	path := filepath.Join(e.dir, "onboard.prom")
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:00:00+09:00", e.sheet, "--metrics-file", path)...); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	m := readMetrics(t, path)
	want := map[string]float64{
		"onboard_run_exit_code": 0, "onboard_cells_written": 817, "onboard_reports_sent": 1,
		"onboard_clients{status=要確認}": 8, "onboard_clients{status=完了}": 17, "onboard_clients{status=セッション予定}": 7,
		"onboard_problems{severity=blocking}": 9, "onboard_support_accounts_left": 8,
		// W47's lead times and service levels, as the report's リードタイム
		// tab shows them (internal/report TestExampleLeadTimes).
		"onboard_lead_time_days{quantile=0.5}{stage=apply_to_done}{window=week}":        28,
		"onboard_lead_time_days{quantile=0.9}{stage=apply_to_done}{window=12weeks}":     27,
		"onboard_lead_time_days{quantile=1}{stage=apply_to_first_session}{window=week}": 67,
		"onboard_lead_time_clients{stage=first_session_to_works_done}{window=12weeks}":  25,
		"onboard_sla_met_ratio{target=first_session}":                                   6.0 / 7,
		"onboard_sla_met_ratio{target=handover}":                                        1,
		"onboard_sla_breaching_clients{target=handover}":                                7,
		"onboard_sla_target_days{target=first_session}":                                 14,
		// The first sync records every client's starting status and the
		// totals in ステータス履歴.
		"onboard_status_history_rows": 62,
	}
	if cells, ratio := m["onboard_sheet_cells"], m["onboard_sheet_cells_limit_ratio"]; cells < 61*19 || ratio != cells/10_000_000 {
		t.Errorf("onboard_sheet_cells %v, ratio %v: the first sync counts the sheet's cells", cells, ratio)
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	success := m["onboard_last_success_timestamp_seconds"]
	if success == 0 || m["onboard_last_run_timestamp_seconds"] < success || m["onboard_run_duration_seconds"] <= 0 {
		t.Errorf("timestamps %v", m)
	}
	// A failed run: exit code 1, the last success kept from before.
	missing := filepath.Join(e.dir, "gone.xlsx")
	if r := run(t, e.baseEnv, e.monitorArgs("2026-11-25T09:10:00+09:00", missing, "--metrics-file", path)...); r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	m2 := readMetrics(t, path)
	if m2["onboard_run_exit_code"] != 1 || m2["onboard_last_success_timestamp_seconds"] != success || m2["onboard_last_run_timestamp_seconds"] <= success {
		t.Errorf("after a failure: %v", m2)
	}
	entries, _ := os.ReadDir(e.dir)
	for _, en := range entries {
		if strings.Contains(en.Name(), ".tmp") || strings.HasPrefix(en.Name(), "onboard.prom.") {
			t.Errorf("left behind: %s", en.Name())
		}
	}
}

// TestNoSecretsAnywhere runs failing and succeeding runs at debug level with
// a known SMTP password and checks the logs, the alert mails, the ping
// bodies and the metrics.
func TestNoSecretsAnywhere(t *testing.T) {
	e := newMailEnv(t)
	ps := newPingServer(t)
	path := filepath.Join(e.dir, "onboard.prom")
	pwFile := filepath.Join(e.dir, "smtp-password")
	os.WriteFile(pwFile, []byte(smtpPassword+"\n"), 0o600)
	env := []string{"ONBOARD_SMTP_USERNAME=onboard"}
	common := []string{"--log-level", "debug", "--ping-url", ps.URL + "/p", "--metrics-file", path, "--smtp-password-file", pwFile}
	var outputs []string
	for _, sheet := range []string{filepath.Join(e.dir, "gone.xlsx"), e.sheet} {
		r := run(t, env, e.monitorArgs("2026-11-25T09:00:00+09:00", sheet, common...)...)
		outputs = append(outputs, r.stdout, r.stderr)
	}
	// A wrong password: the server's refusal must not echo it either.
	wrong := filepath.Join(e.dir, "wrong")
	os.WriteFile(wrong, []byte("Wr0ng-"+smtpPassword), 0o600)
	r := run(t, env, e.monitorArgs("2026-12-02T09:00:00+09:00", e.sheet, append(common[:len(common)-1], wrong)...)...)
	if r.code != 1 {
		t.Errorf("wrong password: exit %d", r.code)
	}
	outputs = append(outputs, r.stdout, r.stderr)
	for _, m := range e.srv.Messages() {
		p, _ := smtptest.Parse(m.Data)
		outputs = append(outputs, p.Subject, p.Body)
	}
	for _, p := range ps.take() {
		outputs = append(outputs, p.path, p.body)
	}
	b, _ := os.ReadFile(path)
	outputs = append(outputs, string(b))
	for i, o := range outputs {
		if strings.Contains(o, smtpPassword) || strings.Contains(o, "Wr0ng-") {
			t.Errorf("output %d holds the password:\n%s", i, o)
		}
	}
	if len(outputs) < 10 {
		t.Fatalf("only %d outputs checked", len(outputs))
	}
}
