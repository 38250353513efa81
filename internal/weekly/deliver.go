package weekly

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"onboard/internal/atomicfile"
	"onboard/internal/history"
	"onboard/internal/job"
	"onboard/internal/mailer"
	"onboard/internal/report"
	"onboard/internal/sheet"
)

// Due lists the complete weeks to send, oldest first: every week after the
// last one sent, up to the last complete week, at most catchUp of them.
// With nothing sent yet, only the last complete week: a new installation
// does not mail a backlog.
func Due(sent map[string]bool, now time.Time, catchUp int) []report.Week {
	last := report.LastComplete(now)
	if len(sent) == 0 {
		return []report.Week{last}
	}
	var due []report.Week
	for w, n := last, 0; n < max(catchUp, 1); w, n = w.Add(-1), n+1 {
		if sent[w.String()] {
			break // everything before the newest sent week was handled then
		}
		due = append([]report.Week{w}, due...)
	}
	return due
}

// ErrReport marks a failure to build or write a report (not to mail it).
var ErrReport = errors.New("weekly report not written")

// Options configure a delivery.
type Options struct {
	OutDir    string
	Templates string
	Layout    *report.Layout
	CatchUp   int
	Now       time.Time
	StallDays int
	Targets   report.ServiceTargets // service levels; zero limits take the defaults
	Mail      mailer.Config
	// Sheet names the spreadsheet for the people who read the report and
	// the mail (no server path); default: the spreadsheet's Describe.
	Sheet string
	Log   *slog.Logger
	// SentFile, when set, keeps the newest week known to be sent, so that a
	// run whose last complete week is already sent reads nothing: the
	// 送信履歴 tab is read only when a week may be due. Losing the file
	// costs one read.
	SentFile string
	// DryRun writes the due reports and composes their mails but sends and
	// records nothing: it needs no SMTP settings.
	DryRun bool
	// Send delivers one mail; mailer.Send unless a test replaces it.
	Send func(context.Context, mailer.Config, mailer.Message) (string, error)
}

// Result says what a delivery did.
type Result struct {
	Sent    []string // weeks mailed and recorded
	Written []string // report files written (also those not sent)
	// Planned are the mails a dry run would send.
	Planned []Planned
}

// Planned is a mail a dry run would send.
type Planned struct {
	Week, Subject, File string
	To                  []string
}

// Deliver writes and mails every due week's report, recording each in the
// 送信履歴 tab as soon as the SMTP server has accepted it. It stops at the
// first failure: the report stays on disk and the next run sends it.
func Deliver(ctx context.Context, ss sheet.Spreadsheet, run *job.Run, o Options) (Result, error) {
	var res Result
	send := o.Send
	if send == nil {
		send = mailer.Send
	}
	if o.Mail.Log == nil {
		o.Mail.Log = o.Log
	}
	if !o.DryRun {
		if err := o.Mail.Validate(); err != nil {
			return res, err
		}
	}
	last := report.LastComplete(o.Now).String()
	if o.SentFile != "" && readSent(o.SentFile) == last {
		o.Log.Debug("weekly report already sent", "week", last, "known_from", o.SentFile)
		return res, nil
	}
	sent, err := history.Sent(ctx, ss)
	if err != nil {
		return res, err
	}
	due := Due(sent, o.Now, o.CatchUp)
	if len(due) == 0 {
		o.Log.Info("weekly report already sent", "week", last)
		noteSent(o, last)
		return res, nil
	}
	source := o.Sheet
	if source == "" {
		source = ss.Describe()
	}
	for _, w := range due {
		m := report.Build(run, report.Options{Week: w, Now: o.Now, StallDays: o.StallDays, Source: source, Targets: o.Targets})
		path, err := report.WriteFile(o.OutDir, m, o.Layout)
		if err != nil {
			return res, fmt.Errorf("week %s: %w: %w", w, ErrReport, err)
		}
		res.Written = append(res.Written, path)
		subject, body, err := Compose(o.Templates, NewMailData(m, o.Layout, path, o.Now))
		if err != nil {
			return res, err
		}
		if o.DryRun {
			res.Planned = append(res.Planned, Planned{Week: w.String(), Subject: subject, File: path, To: o.Mail.To})
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("week %s: not sent, the report is kept at %s and the next run sends it: %w", w, path, context.Cause(ctx))
		}
		id, err := sendAndRecord(ctx, ss, o, send, w, subject, body, path)
		if err != nil {
			return res, err
		}
		res.Sent = append(res.Sent, w.String())
		noteSent(o, w.String())
		o.Log.Info("weekly report sent", "week", w.String(), "file", path, "recipients", len(o.Mail.To), "message_id", id)
	}
	return res, nil
}

// Send mails one written report and records it in 送信履歴, whether or
// not the week was sent before (onboard report --send). It returns the
// message ID.
func Send(ctx context.Context, ss sheet.Spreadsheet, m *report.Model, path string, o Options) (string, error) {
	subject, body, err := Compose(o.Templates, NewMailData(m, o.Layout, path, o.Now))
	if err != nil {
		return "", err
	}
	send := o.Send
	if send == nil {
		send = mailer.Send
	}
	return sendAndRecord(ctx, ss, o, send, m.Week, subject, body, path)
}

// sendAndRecord mails a week's report and records it in 送信履歴. The
// server accepting the mail means it was sent: it is recorded even when
// the run's deadline passed meanwhile, or the next run would send it again.
func sendAndRecord(ctx context.Context, ss sheet.Spreadsheet, o Options, send func(context.Context, mailer.Config, mailer.Message) (string, error),
	w report.Week, subject, body, path string) (string, error) {
	id, err := send(ctx, o.Mail, mailer.Message{Subject: subject, Body: body, Attachment: path, AttachmentType: mailer.XLSXType})
	if err != nil {
		return "", fmt.Errorf("week %s: the report is kept at %s and the next run sends it: %w", w, path, err)
	}
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	entry := history.Entry{Week: w.String(), File: report.FileName(w), To: o.Mail.To, SentAt: o.Now, MessageID: id}
	if err := history.Append(recordCtx, ss, entry); err != nil {
		// The mail went out; without the record the next run would send
		// it again, so say so loudly.
		return id, fmt.Errorf("week %s was mailed (message %s) but not recorded in %s; add the row by hand to avoid a second mail: %w",
			w, id, history.TabName, err)
	}
	return id, nil
}

// readSent returns the week in the sent file, "" when there is none.
func readSent(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// noteSent records week as the newest sent; a failure costs the next run
// one read of 送信履歴, so it is only logged.
func noteSent(o Options, week string) {
	if o.SentFile == "" {
		return
	}
	err := atomicfile.Write(o.SentFile, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, week+"\n")
		return err
	}, nil)
	if err != nil {
		o.Log.Warn("sent week not remembered; the next run reads 送信履歴 again", "err", err)
	}
}
