package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"onboard/internal/contract"
	"onboard/internal/mailer"
	"onboard/internal/sheet"
	"onboard/internal/writeback"
	"onboard/templates"
)

// Stages of a run, as alerts name them.
const (
	StageSetup  = "setup"
	StageSync   = "sync"
	StageReport = "report"
	StageMail   = "mail"
)

var stageJa = map[string]string{StageSetup: "設定の読み込み", StageSync: "シートの同期", StageReport: "週次レポートの作成", StageMail: "週次レポートのメール送信"}

// ErrStopped marks a run stopped by SIGTERM or SIGINT.
var ErrStopped = errors.New("stopped by a signal")

// Failure is a run that ended with exit 1 or 2, or was stopped by a signal.
type Failure struct {
	Stage    string
	Err      error
	ExitCode int
}

// Alerter mails a failure once per distinct error (again after Repeat) and
// a recovery note after the first success that follows.
type Alerter struct {
	To        []string
	Mail      mailer.Config // SMTP settings; To is replaced by the alert recipients
	Repeat    time.Duration
	StateDir  string
	Host      string
	Sheet     string // as a person knows it: the file's name, the Google sheet's address
	Templates string
	Now       time.Time
	// Location is the team's time zone (--timezone): the mails' times are
	// in it and name it. Nil means UTC.
	Location *time.Location
	Log      *slog.Logger
	Send     func(context.Context, mailer.Config, mailer.Message) (string, error)
}

// Record updates the state for a run's outcome (f nil: success) and sends
// what is due. Nothing here changes the run's exit code.
func (a *Alerter) Record(ctx context.Context, f *Failure, summary string) {
	st, err := LoadState(a.StateDir)
	if err != nil {
		a.Log.Warn("alert state unreadable; starting afresh", "err", err)
	}
	if f != nil {
		key := f.Stage + "|" + f.Err.Error()
		if st.FailingSince.IsZero() || !st.Failing {
			st.FailingSince = a.Now
		}
		st.Failing = true
		switch {
		case len(a.To) == 0:
		case st.AlertKey == key && a.Now.Sub(st.AlertedAt) < a.Repeat:
			a.Log.Info("failure already alerted; no new mail", "since", st.AlertedAt.Format(time.RFC3339))
		default:
			if a.send(ctx, "alert", a.failureData(f)) {
				st.AlertKey, st.AlertedAt = key, a.Now
			}
		}
	} else {
		if st.Failing && len(a.To) > 0 {
			data := a.baseData()
			data["Since"] = st.FailingSince.In(a.location()).Format("2006/01/02 15:04")
			data["Summary"] = summary
			if !a.send(ctx, "recovery", data) {
				// Try again on the next success rather than never.
				a.save(st)
				return
			}
		}
		st = State{LastSuccess: a.Now}
	}
	a.save(st)
}

func (a *Alerter) save(st State) {
	if err := st.Save(a.StateDir); err != nil {
		a.Log.Warn("alert state not saved", "dir", a.StateDir, "err", err)
	}
}

func (a *Alerter) location() *time.Location {
	if a.Location == nil {
		return time.UTC
	}
	return a.Location
}

func (a *Alerter) baseData() map[string]any {
	return map[string]any{"Host": a.Host, "Sheet": a.Sheet, "Time": a.Now.In(a.location()).Format("2006/01/02 15:04:05"),
		"TimeZone": a.location().String(), "Repeat": humanDuration(a.Repeat)}
}

func (a *Alerter) failureData(f *Failure) map[string]any {
	d := a.baseData()
	d["Stage"], d["StageJa"], d["ExitCode"] = f.Stage, stageJa[f.Stage], f.ExitCode
	d["Error"] = f.Err.Error()
	d["Hint"] = Hint(f.Stage, f.Err)
	d["Details"] = details(f.Err)
	return d
}

// maxDetails bounds the lines an error about many cells adds to a mail.
const maxDetails = 30

// details are the lines of an error about many cells (each misplaced
// cell and what to do with it), so that the mail names them as the run's
// output does; none for other errors.
func details(err error) []string {
	var d interface{ Details() []string }
	if !errors.As(err, &d) {
		return nil
	}
	lines := d.Details()
	if len(lines) > maxDetails {
		lines = append(lines[:maxDetails:maxDetails], fmt.Sprintf("… and %d more in the run's output", len(lines)-maxDetails))
	}
	return lines
}

// send renders <kind>_subject.tmpl and <kind>_body.tmpl and mails them;
// a failure is logged, never returned.
func (a *Alerter) send(ctx context.Context, kind string, data map[string]any) bool {
	subject, err := render(a.Templates, kind+"_subject.tmpl", data)
	if err == nil {
		var body string
		if body, err = render(a.Templates, kind+"_body.tmpl", data); err == nil {
			cfg := a.Mail
			cfg.To = a.To
			send := a.Send
			if send == nil {
				send = mailer.Send
			}
			_, err = send(ctx, cfg, mailer.Message{Subject: strings.Join(strings.Fields(subject), " "), Body: body})
		}
	}
	if err != nil {
		a.Log.Error(kind+" mail not sent", "to", strings.Join(a.To, ","), "err", err)
		return false
	}
	a.Log.Info(kind+" mail sent", "to", strings.Join(a.To, ","))
	return true
}

func render(dir, name string, data any) (string, error) {
	return templates.Render(dir, "mail/"+name, data)
}

// Hint says, in Japanese, what to do about a failure.
func Hint(stage string, err error) string {
	switch {
	case errors.Is(err, writeback.ErrMisplaced):
		return "書き込みの最中に行の挿入・削除・並べ替えか列の挿入があり、一部のセルが別の行・列に入りました。技術的な詳細に出ているセルを確認してください。ジョブの列は次回の実行で正しい行に書き直されます。サポートアカウント・割当の列と、ジョブ以外の列に入ったセルは手で直してください。"
	case errors.Is(err, sheet.ErrPermission) && strings.Contains(err.Error(), "protected range"):
		return "ジョブが書き込む列に、警告だけでない保護（データ → 保護されたシートと範囲）がかかっています。技術的な詳細に出ているタブと列の保護で、サービスアカウントを編集者に加えるか「警告を表示」に変えてください。"
	case errors.Is(err, sheet.ErrPermission) && strings.Contains(err.Error(), "Viewer"):
		return "シートがサービスアカウントに閲覧者として共有されています。シートの「共有」で、技術的な詳細に出ているサービスアカウントの権限を編集者に変えてください。"
	case errors.Is(err, sheet.ErrPermission):
		return "シートがサービスアカウントに共有されていません。技術的な詳細に出ているサービスアカウントのメールアドレスを、シートの「共有」で編集者として追加してください。"
	case errors.Is(err, sheet.ErrNotFound):
		return "シートが見つかりません。--sheet（ONBOARD_SHEET）のIDまたはファイルの場所が正しいか、シートが削除されていないか確認してください。"
	case contract.PartOf(err) == contract.PartTab:
		return "シートに必要なタブがないか、同じタブに見えるタブが二つあります。技術的な詳細に出ているタブの名前が変わっていないか確認して元に戻してください（足りないタブは onboard init で追加できます）。直すまで何も書き込まれません。"
	case contract.PartOf(err) == contract.PartHeader:
		return "タブの見出し（1行目）に問題があります。技術的な詳細に出ているタブと見出しを直してください（消えた見出しを戻す、重複した見出しの片方を消すか名前を変える）。直すまで何も書き込まれません。"
	case contract.PartOf(err) == contract.PartColumns:
		return "ジョブの列を追加する空き列がありません。技術的な詳細に出ているタブの右側の列を空けてください。直すまで何も書き込まれません。"
	case contract.PartOf(err) == contract.PartMatrix:
		return "条件マトリクス（条件マトリクスタブ、または --matrix のファイル）に問題があります。技術的な詳細に出ているセルを直してください。直すまで何も書き込まれません。"
	case contract.PartOf(err) == contract.PartTemplate:
		return "--templates フォルダのファイルに問題があります。技術的な詳細に出ているファイルと項目を直すか、そのファイルを外してください（外すと組み込みの既定が使われます）。"
	case contract.IsLayout(err):
		return "シートの形（タブ・見出し・列）に問題があります。技術的な詳細に出ているタブとセルを直してください。直すまで何も書き込まれません。"
	case errors.Is(err, sheet.ErrConflict):
		return "実行中にファイルが保存されました。何も上書きしていません。次回の実行で自動的に処理されます（続く場合は、ファイルを開いたままのPCがないか確認してください）。"
	case errors.Is(err, ErrStopped):
		return "ジョブが停止されました（systemd の停止、Kubernetes、Ctrl-C など）。書きかけのファイルはありません。送っていないレポートは次回の実行で送信されます。停止が予定外なら、停止した人・仕組みを確認してください。"
	case errors.Is(err, context.DeadlineExceeded):
		return "時間内に終わりませんでした（--timeout）。Google API や SMTP サーバーの応答の遅さ、ネットワークを確認してください。送っていないレポートは次回の実行で送信されます。"
	case stage == StageMail:
		return "メールを送れませんでした。SMTPの設定（ホスト・ポート・TLS・ユーザー名とパスワード）とネットワークを確認してください。レポートは保存済みで、次回の実行で送信されます。"
	}
	return "技術的な詳細とログを、システム担当者に確認してもらってください。次回の実行で再試行されます。"
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d時間", int(d/time.Hour))
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d分", int(d/time.Minute))
	}
	return fmt.Sprintf("%.0f秒", d.Seconds())
}
