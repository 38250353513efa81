package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/job"
	"onboard/internal/lock"
	"onboard/internal/mailer"
	"onboard/internal/monitor"
	"onboard/internal/report"
	"onboard/internal/sheet"
	"onboard/internal/statedir"
	"onboard/internal/weekly"
)

var runCommand = command{
	name:    "run",
	summary: "the cron entry point: sync, then write and mail every weekly report that is due",
	usage:   "onboard run --sheet SHEET --smtp-host HOST --mail-from ADDR --mail-to ADDR [--out DIR]",
	example: "ONBOARD_SMTP_PASSWORD=... onboard run --sheet onboarding.xlsx --smtp-host smtp.example.jp --mail-from onboard@example.jp --mail-to team@example.jp --out /var/lib/onboard/reports",
	run:     (*App).runJob,
}

// runFlags are run's own flags beside the common and mail ones.
type runFlags struct {
	common
	mail        mailFlags
	out         string
	lockFile    string
	stateDir    string
	stateMode   fs.FileMode
	stateErr    error // no state folder could be found
	catchUp     int
	dryRun      bool
	alertTo     []string
	alertRepeat time.Duration
	pingURL     string
	metricsFile string
	active      activeHours
	prepTab     prepTabFlags
	history     historyFlags
	sla         serviceFlags
}

// runOutcome is what a run did, for the summary, alerts, pings and metrics.
type runOutcome struct {
	code  int
	stage string
	err   error
	run   *job.Run
	res   weekly.Result
	ss    sheet.Spreadsheet
	now   time.Time
	// skipped: outside --active-hours, nothing was done or is reported.
	skipped bool
}

func (a *App) runJob(args []string) int {
	var f runFlags
	fs := a.flagSet("run")
	f.register(fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "sync as a dry run, write the due reports, send and record nothing")
	fs.StringVar(&f.out, "out", "", "folder the weekly reports are written to and kept in (default: reports in the state folder)")
	fs.IntVar(&f.catchUp, "catch-up", 4, "at most this many missed weeks are sent in one run")
	fs.StringVar(&f.lockFile, "lock-file", "", "lock that keeps two runs from overlapping (default: "+lock.FileName+" in the state folder)")
	f.mail.register(fs)
	f.sla.register(fs)
	fs.StringArrayVar(&f.alertTo, "alert-to", nil, "mail a failed run (exit 1 or 2) to this address, once per distinct failure (repeatable)")
	fs.DurationVar(&f.alertRepeat, "alert-repeat", 24*time.Hour, "repeat an alert for the same failure after this long")
	fs.StringVar(&f.stateDir, "state-dir", "", "folder for the lock, the alert state and the reports, created if missing "+
		"(default: the --lock-file's folder if given, else $STATE_DIRECTORY under systemd, "+statedir.SystemDir+" for root, "+
		"$XDG_STATE_HOME/onboard, ~/.local/state/onboard)")
	fs.StringVar(&f.pingURL, "ping-url", "", "healthchecks.io-style URL: pinged at URL/start, URL on success, URL/fail on failure")
	fs.Var(&f.active, "active-hours", "run only in this window of --timezone, e.g. 08:00-20:30; other runs exit 0 at once (for a cron that ignores CRON_TZ)")
	fs.StringVar(&f.metricsFile, "metrics-file", "", "write the run's figures here in the Prometheus text format (node_exporter textfile collector)")
	f.prepTab.register(fs)
	f.history.register(fs)
	if ok, code := a.parse(fs, args); !ok {
		return code
	}
	// No credential reaches an output: every line printed or logged goes
	// through the redactor, and so does the error that the ping, the alert
	// and the state file are made of.
	secrets := f.mail.secrets(a.Env)
	if u, err := url.Parse(f.pingURL); err == nil {
		// The ping URL's token (a UUID, a key) is a capability.
		if token := path.Base(u.Path); len(token) >= 16 {
			secrets.Add(token)
		}
	}
	a.Stdout, a.Stderr = secrets.Writer(a.Stdout), secrets.Writer(a.Stderr)
	if f.timeout <= 0 {
		return a.fail("run", usageErr("--timeout %s: give a positive duration, e.g. 5m", f.timeout))
	}
	// The --spread wait comes before the clock: nothing is done, locked or
	// pinged while a sheet waits its turn.
	if err := a.waitSpread(&f.common); err != nil {
		return a.fail("run", err)
	}
	start := time.Now()
	f.stateErr = a.resolveState(&f)
	clock := startClock(start, f.timeout)
	defer clock.release()
	o := a.doRun(clock.work, &f, start)
	if o.code == ExitLocked || o.skipped {
		return o.code // the run holding the lock reports for both; a skipped run did nothing
	}
	o.err = secrets.Error(o.err)
	if sig := clock.signal(); sig != nil && o.code != ExitOK {
		o.code = sig.exitCode()
		if !errors.Is(o.err, monitor.ErrStopped) {
			o.err = fmt.Errorf("%w: %w", *sig, o.err)
		}
	}
	ctx, cancel := clock.finishing()
	defer cancel()
	a.finishRun(ctx, &f, o, start)
	return o.code
}

// doRun does the run's work under ctx, which --timeout (less the reserve
// for the ping and the alert) and SIGTERM/SIGINT end.
func (a *App) doRun(ctx context.Context, f *runFlags, start time.Time) (o runOutcome) {
	o.now = start
	fail := func(stage string, err error) runOutcome {
		o.stage, o.err = stage, err
		o.code = a.fail("run", err)
		return o
	}
	cfg, err := a.setup(&f.common)
	if err == nil {
		err = f.prepTab.apply(&cfg, f.templates)
	}
	if err == nil {
		err = f.history.apply(&cfg)
	}
	if err != nil {
		return fail(monitor.StageSetup, err)
	}
	// The reports this run may send compare with the week before the
	// oldest week it may catch up: the read of ステータス履歴 reaches back
	// to the totals of that week's Sunday.
	cfg.HistoryAsOf = report.LastComplete(cfg.Now).Add(-max(f.catchUp, 1)).End()
	o.now = cfg.Now
	if !f.active.contains(cfg.Now) {
		a.log.Info("outside --active-hours: nothing to do", "active_hours", f.active.String(), "now", cfg.Now.Format("15:04 MST"))
		o.skipped = true
		return o
	}
	var mail mailer.Config
	if f.dryRun {
		// A dry run sends nothing: it needs no SMTP settings, but says
		// what a real run would trip on.
		mail, err = f.mail.configLoose(a.Env)
		if err == nil {
			err = mail.Validate()
		}
		if err != nil {
			a.log.Warn("the mail settings are incomplete: a real run would stop here", "err", err.Error())
		}
	} else if mail, err = f.mail.config(a.Env); err != nil {
		return fail(monitor.StageSetup, err)
	}
	if f.catchUp < 1 {
		return fail(monitor.StageSetup, usageErr("--catch-up must be at least 1"))
	}
	targets, err := f.sla.targets()
	if err != nil {
		return fail(monitor.StageSetup, err)
	}
	layout, err := report.LoadLayout(f.templates)
	if err != nil {
		return fail(monitor.StageSetup, configErr(contract.PartTemplate, err))
	}
	cfg.Look = contract.Look{StatusColors: layout.StatusColors}
	if f.stateErr != nil {
		return fail(monitor.StageSetup, f.stateErr)
	}
	if err := statedir.Ensure(f.stateDir, f.stateMode); err != nil {
		if errors.Is(err, statedir.ErrOtherUsers) {
			f.stateErr = err // write nothing there, not even the alert state
		}
		return fail(monitor.StageSetup, err)
	}
	held, err := lock.Acquire(f.lockFile)
	if errors.Is(err, lock.ErrHeld) {
		fmt.Fprintf(a.Stderr, "onboard run: %v; this run exits without doing anything\n", err)
		o.code = ExitLocked
		return o
	}
	if err != nil {
		return fail(monitor.StageSetup, err)
	}
	defer held.Release()
	if o.ss, err = a.open(&f.common); err != nil {
		return fail(monitor.StageSetup, err)
	}
	a.pinger(f).Start(ctx, "onboard run started on "+hostname())

	if o.run, err = job.Sync(ctx, o.ss, cfg, f.dryRun); err != nil {
		return fail(monitor.StageSync, fmt.Errorf("sync: %w", err))
	}
	if o.run.Out.PoolLow {
		a.log.Warn("support account pool is running low: prepare more accounts", "left", o.run.Out.PoolLeft, "warn_below", cfg.PoolLowWater)
	}
	o.res, err = weekly.Deliver(ctx, o.ss, o.run, weekly.Options{OutDir: f.out, Templates: f.templates, Layout: layout,
		CatchUp: f.catchUp, Now: cfg.Now, StallDays: cfg.StallDays, Targets: targets, Mail: mail, Sheet: sheetLabel(f.sheet), Log: a.log, SentFile: sentFile(f), DryRun: f.dryRun})
	for _, p := range o.res.Written {
		if f.dryRun {
			fmt.Fprintf(a.Stdout, "report: %s (dry run: not sent)\n", p)
		} else {
			fmt.Fprintf(a.Stdout, "report: %s\n", p)
		}
	}
	for _, p := range o.res.Planned {
		to := strings.Join(p.To, ", ")
		if to == "" {
			to = "nobody yet (set --mail-to)"
		}
		fmt.Fprintf(a.Stdout, "would mail %s to %s: %s\n", p.Week, to, p.Subject)
	}
	if err != nil {
		stage := monitor.StageMail
		if len(o.res.Written) == 0 || errors.Is(err, weekly.ErrReport) {
			stage = monitor.StageReport
		}
		return fail(stage, err)
	}
	if f.dryRun {
		fmt.Fprintf(a.Stdout, "dry run: %d clients, %d changes not written, %d mails not sent\n", len(o.run.Out.Clients), len(o.run.Changes), len(o.res.Planned))
		return o
	}
	fmt.Fprintf(a.Stdout, "sync: %d clients, %d cells written; reports sent: %d\n", len(o.run.Out.Clients), o.run.Outcome.Written, len(o.res.Sent))
	return o
}

// resolveState settles the state folder, the lock file and the report
// folder; doRun creates the state folder. The defaults are per platform,
// not /tmp: a lock or state file there left by a run by hand as root
// trapped the cron user, and /tmp may be read-only in a container.
func (a *App) resolveState(f *runFlags) error {
	f.stateMode = 0o750
	switch {
	case f.stateDir != "":
	case f.lockFile != "":
		f.stateDir = filepath.Dir(f.lockFile)
	default:
		var err error
		if f.stateDir, f.stateMode, err = statedir.Default(a.Env, os.Geteuid()); err != nil {
			return usageErr("%v", err)
		}
	}
	if f.lockFile == "" {
		f.lockFile = filepath.Join(f.stateDir, lock.FileName)
	}
	if f.out == "" {
		f.out = filepath.Join(f.stateDir, "reports")
	}
	return nil
}

// summaryLine is the run's one-line summary: logged, and the ping body.
func (o runOutcome) summaryLine(start time.Time) string {
	var b strings.Builder
	if o.err != nil {
		fmt.Fprintf(&b, "onboard run failed at %s (exit %d): %v;", o.stage, o.code, o.err)
	} else {
		b.WriteString("onboard run ok;")
	}
	if o.run != nil {
		fmt.Fprintf(&b, " clients=%d changes_written=%d", len(o.run.Out.Clients), o.run.Outcome.Written)
	}
	fmt.Fprintf(&b, " reports_sent=%d duration=%s", len(o.res.Sent), time.Since(start).Round(time.Millisecond))
	return b.String()
}

// summaryJa is a successful run's summary for the recovery mail.
func (o runOutcome) summaryJa(start time.Time) string {
	var b strings.Builder
	if o.run != nil {
		fmt.Fprintf(&b, "クライアント %d件、書き込んだセル %d、", len(o.run.Out.Clients), o.run.Outcome.Written)
	}
	fmt.Fprintf(&b, "送信した週次レポート %d通、所要 %.1f秒", len(o.res.Sent), time.Since(start).Seconds())
	return b.String()
}

// finishRun logs the summary line, pings, alerts and writes the metrics.
// None of it changes the exit code.
// ctx bounds all of it: the rest of --timeout, or a short grace after a
// signal. The ping and the alert go out side by side so a slow one does not
// starve the other.
func (a *App) finishRun(ctx context.Context, f *runFlags, o runOutcome, start time.Time) {
	line := o.summaryLine(start)
	attrs := []any{"duration", time.Since(start).Round(time.Millisecond).String(), "reports_sent", len(o.res.Sent),
		"weeks", strings.Join(o.res.Sent, ",")}
	if o.run != nil {
		attrs = append(attrs, "clients", len(o.run.Out.Clients), "changes_written", o.run.Outcome.Written)
	}
	if o.ss != nil {
		attrs = append(attrs, "sheet", o.ss.Describe())
	}
	failed := o.code != ExitOK
	if a.log == nil { // stopped before the logger was set up
		a.log = slog.New(slog.NewTextHandler(a.Stderr, nil))
	}
	var pinged sync.WaitGroup
	pinged.Add(1)
	go func() {
		defer pinged.Done()
		if failed {
			a.pinger(f).Fail(ctx, line)
		} else {
			a.pinger(f).Success(ctx, line)
		}
	}()
	defer pinged.Wait()
	switch {
	case errors.Is(o.err, monitor.ErrStopped):
		a.log.Error("run stopped by a signal", append(attrs, "stage", o.stage, "exit_code", o.code, "err", fmt.Sprint(o.err))...)
	case failed:
		a.log.Error("run failed", append(attrs, "stage", o.stage, "exit_code", o.code, "err", fmt.Sprint(o.err))...)
	default:
		a.log.Info("run finished", attrs...)
	}

	stateDir := f.stateDir
	mail, _ := f.mail.configLoose(a.Env)
	loc, err := time.LoadLocation(f.timezone)
	if err != nil { // the alert says the --timezone is wrong; its times are in UTC
		loc = time.UTC
	}
	al := &monitor.Alerter{To: splitAddrs(f.alertTo), Mail: mail, Repeat: f.alertRepeat, StateDir: stateDir,
		Host: hostname(), Sheet: sheetLabel(f.sheet), Templates: f.templates, Now: o.now, Location: loc, Log: a.log}
	switch {
	case stateDir == "" || f.stateErr != nil: // no state folder it may use: the failure says why
		a.log.Warn("no state folder: alerts not sent", "err", fmt.Sprint(f.stateErr))
	case failed:
		al.Record(ctx, &monitor.Failure{Stage: o.stage, Err: o.err, ExitCode: o.code}, line)
	default:
		al.Record(ctx, nil, o.summaryJa(start))
	}

	if f.metricsFile != "" {
		st, _ := monitor.LoadState(stateDir)
		fig := monitor.Figures{Start: start, End: time.Now(), ExitCode: o.code, LastSuccess: st.LastSuccess,
			Reports: len(o.res.Sent)}
		if o.run != nil {
			fig.Known = true
			fig.Cells = o.run.Outcome.Written
			sum := o.run.Summary()
			fig.Clients = map[string]int{}
			for s, n := range sum.Statuses {
				fig.Clients[string(s)] = n
			}
			fig.Blocking, fig.Notes, fig.Stalled, fig.PoolLeft = sum.Blocking, sum.Notes, sum.Stalled, sum.PoolLeft
			fig.HistoryRows, fig.SheetCells = o.run.HistoryRows, o.run.SheetCells
			// The figures of the week the report covers: the last
			// complete one.
			targets, _ := f.sla.targets() // validated before the run
			lt := report.BuildLeadTimes(o.run.Out.Clients, report.LastComplete(o.now), civil.Of(o.now), targets)
			fig.LeadTimes, fig.Levels = leadMetrics(lt)
		}
		if c, ok := o.ss.(sheet.Counter); ok {
			fig.Requests, fig.Retries = c.Counts()
		}
		if err := monitor.WriteMetrics(f.metricsFile, fig); err != nil {
			a.log.Error("metrics not written", "err", err)
		}
	}
}

func (a *App) pinger(f *runFlags) *monitor.Pinger {
	return &monitor.Pinger{URL: f.pingURL, Log: a.log}
}

func splitAddrs(list []string) []string {
	var out []string
	for _, t := range list {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown host"
	}
	return h
}
