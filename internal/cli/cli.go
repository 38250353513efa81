// Package cli is onboard's command line: flags (each also an ONBOARD_*
// environment variable), logging, exit codes, and the commands.
package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"onboard/internal/contract"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
	"onboard/templates"
)

// Exit codes, documented in the README and in --help.
const (
	ExitOK       = 0
	ExitFailed   = 1
	ExitUsage    = 2 // bad flags or a sheet-layout error
	ExitProblems = 3 // check found problems
	ExitLocked   = 75
)

const exitCodesHelp = `Exit codes:
  0   success
  1   the run failed (sheet unreadable, write refused, mail failed...)
  2   usage error, or the sheet's layout is wrong (missing or duplicated header, broken matrix)
  3   check found problems in the data
  75  another run holds the lock
  130 run stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM (systemd stop,
      Kubernetes): the stage under way stops, nothing is half-written, the
      fail ping and the alert go out, the lock is released`

// Env reads an environment variable; tests pass their own.
type Env func(string) string

// App is one invocation.
type App struct {
	Stdout, Stderr io.Writer
	Env            Env
	log            *slog.Logger
	sheet          string // --sheet, for the next step in a message
}

type command struct {
	name, summary, usage, example string
	run                           func(a *App, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{name: "sync", summary: "compute every client and write the status columns back",
			usage:   "onboard sync --sheet FILE.xlsx [--dry-run]",
			example: "onboard sync --sheet onboarding.xlsx --dry-run",
			run:     (*App).sync},
		{name: "check", summary: "list every data problem with tab, row and column; write nothing",
			usage:   "onboard check --sheet FILE.xlsx",
			example: "onboard check --sheet onboarding.xlsx",
			run:     (*App).check},
		reportCommand,
		runCommand,
		initCommand,
		explainCommand,
		prepCommand,
		{name: "version", summary: "print the version and the commit it was built from (also --version, -v)",
			usage: "onboard version", example: "onboard version", run: (*App).version},
	}
}

// Main runs onboard with args (without the program name) and returns the
// exit code.
func Main(args []string, stdout, stderr io.Writer, env Env) int {
	a := &App{Stdout: stdout, Stderr: stderr, Env: env}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return a.Run([]string{args[1], "--help"})
		}
		a.usage(stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if args[0] == "--version" || args[0] == "-v" {
		return a.Run(append([]string{"version"}, args[1:]...))
	}
	return a.Run(args)
}

// Run dispatches to a command.
func (a *App) Run(args []string) int {
	for _, c := range commands {
		if c.name == args[0] {
			return a.runGuarded(c, args[1:])
		}
	}
	fmt.Fprintf(a.Stderr, "onboard: unknown command %q\n\n", args[0])
	a.usage(a.Stderr)
	return ExitUsage
}

// runGuarded turns a panic into one bug-report line instead of a stack
// dump: a local workbook is saved by renaming a finished file over it, so
// a run that stops anywhere leaves it as it was.
func (a *App) runGuarded(c command, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(a.Stderr, "onboard %s: internal error (a bug; the run stopped and saved nothing more): %v; please report this line with the output of 'onboard version'\n", c.name, oneLine(r))
			code = ExitFailed
		}
	}()
	return c.run(a, args)
}

// oneLine keeps a panic's value on the one line the user sees.
func oneLine(v any) string {
	return strings.Join(strings.Fields(fmt.Sprint(v)), " ")
}

func (a *App) usage(w io.Writer) {
	fmt.Fprintln(w, "onboard: the onboarding team's batch job. It reads the shared sheet, computes every")
	fmt.Fprintln(w, "client's setup works and status, and writes the status columns back.")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nExamples:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n", c.example)
	}
	fmt.Fprintln(w, "\nRun 'onboard COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "\n"+exitCodesHelp)
}

// flagSet makes a command's flag set with the shared help text.
func (a *App) flagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		for _, c := range commands {
			if c.name == name {
				fmt.Fprintf(a.Stdout, "%s\n\nUsage:\n  %s\n\nExample:\n  %s\n\nFlags (each also as ONBOARD_<NAME>, e.g. --dry-run as ONBOARD_DRY_RUN):\n",
					c.summary, c.usage, c.example)
			}
		}
		fs.SetOutput(a.Stdout)
		fs.PrintDefaults()
		fmt.Fprintln(a.Stdout, "\n"+exitCodesHelp)
	}
	return fs
}

// parse parses flags, filling every flag not given on the command line from
// its ONBOARD_* environment variable.
func (a *App) parse(fs *pflag.FlagSet, args []string) (ok bool, code int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return false, ExitOK
		}
		fmt.Fprintf(a.Stderr, "onboard %s: %s\n", fs.Name(), flagError(fs, err))
		return false, ExitUsage
	}
	var envErr error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || envErr != nil {
			return
		}
		name := EnvName(f.Name)
		v := a.Env(name)
		if v == "" {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			envErr = sv.Replace(strings.Split(v, ","))
		} else {
			envErr = fs.Set(f.Name, v)
		}
		var bad *pflag.InvalidValueError
		if errors.As(envErr, &bad) {
			envErr = fmt.Errorf("environment %s=%q: %s", name, v, valueHint(f, bad.Unwrap()))
		} else if envErr != nil {
			envErr = fmt.Errorf("environment %s=%q: %w", name, v, envErr)
		}
	})
	if envErr != nil {
		fmt.Fprintf(a.Stderr, "onboard %s: %v\n", fs.Name(), envErr)
		return false, ExitUsage
	}
	// explain takes the client ID as its one argument; it checks it.
	if fs.NArg() > 0 && fs.Name() != "explain" {
		fmt.Fprintf(a.Stderr, "onboard %s: unexpected argument %q (flags are --name VALUE); run 'onboard %s --help' for the flags\n", fs.Name(), fs.Arg(0), fs.Name())
		return false, ExitUsage
	}
	return true, ExitOK
}

// EnvName is the environment variable for a flag: --dry-run → ONBOARD_DRY_RUN.
func EnvName(flag string) string {
	return "ONBOARD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// common holds the flags every sheet command shares.
type common struct {
	sheet      string
	matrixFile string
	templates  string
	logFormat  string
	logLevel   string
	now        string
	timezone   string
	stallDays  int
	poolWarn   int
	timeout    time.Duration
	spread     time.Duration
	// Google Sheets: a service-account key and another API server.
	credentials    string
	sheetsEndpoint string
	quotaWindow    time.Duration
	// command is the command's name: check and report open a Google
	// sheet read-only.
	command string
}

func (c *common) register(fs *pflag.FlagSet) {
	c.command = fs.Name()
	fs.StringVar(&c.sheet, "sheet", "", "the spreadsheet: a local .xlsx file, or a Google spreadsheet ID or URL")
	fs.StringVar(&c.credentials, "credentials", "", "Google service-account JSON key (default: GOOGLE_APPLICATION_CREDENTIALS, then Application Default Credentials)")
	fs.StringVar(&c.sheetsEndpoint, "sheets-endpoint", "", "Google Sheets API base URL, e.g. an emulator's; without credentials it is called unauthenticated")
	fs.DurationVar(&c.quotaWindow, "sheets-quota-window", time.Minute, "the Sheets API's quota window, which a 429 waits out: Google's is a minute; change it only for an emulator that compresses time")
	fs.StringVar(&c.matrixFile, "matrix", "", "condition matrix CSV; default: the sheet's 条件マトリクス tab if any, else the embedded one")
	fs.StringVar(&c.templates, "templates", "", "folder whose files override the embedded templates (matrix.csv, ...)")
	fs.StringVar(&c.timezone, "timezone", "Asia/Tokyo", "the team's time zone: dates, weeks and 'today'")
	fs.StringVar(&c.now, "now", "", "the current time as RFC 3339 (for tests and reruns); default: the clock")
	fs.IntVar(&c.stallDays, "stall-days", 14, "a client not 完了 with no activity for this many days is stalled")
	fs.IntVar(&c.poolWarn, "pool-warn", 5, "warn when fewer prepared support accounts than this remain")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Minute, "deadline for the whole run (after the --spread wait)")
	fs.DurationVar(&c.spread, "spread", 0, "first wait a delay taken from the sheet's ID in [0, DURATION), the same every run, so that many sheets on one schedule and one service account do not start at once, e.g. 25m for a */30 schedule")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

// setup validates the common flags and builds the logger and job config.
func (a *App) setup(c *common) (job.Config, error) {
	var cfg job.Config
	if err := a.initLog(c); err != nil {
		return cfg, err
	}
	if c.sheet == "" {
		return cfg, usageErr("--sheet is required (a .xlsx file, or a Google spreadsheet ID or URL)")
	}
	a.sheet = c.sheet
	loc, err := time.LoadLocation(c.timezone)
	if err != nil {
		return cfg, usageErr("--timezone %q: %v", c.timezone, err)
	}
	now := time.Now()
	if c.now != "" {
		if now, err = time.Parse(time.RFC3339, c.now); err != nil {
			return cfg, usageErr("--now %q: use RFC 3339, e.g. 2026-11-24T09:00:00+09:00", c.now)
		}
	}
	if c.stallDays < 1 {
		return cfg, usageErr("--stall-days must be at least 1")
	}
	if c.templates != "" {
		unknown, err := templates.CheckDir(c.templates)
		if err != nil {
			return cfg, usageErr("%v", err)
		}
		for _, u := range unknown {
			a.log.Warn("--templates: this file overrides nothing (misspelt?)", "file", filepath.Join(c.templates, u), "templates", strings.Join(templates.Names(), ", "))
		}
	}
	m, err := a.loadMatrix(c)
	if err != nil {
		return cfg, err
	}
	return job.Config{Matrix: m, MatrixPinned: c.matrixFile != "", Now: now.In(loc), StallDays: c.stallDays, PoolLowWater: c.poolWarn, Log: a.log}, nil
}

// initLog builds the logger of --log-format and --log-level.
func (a *App) initLog(c *common) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return usageErr("--log-level %q: use debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		a.log = slog.New(slog.NewTextHandler(a.Stderr, opts))
	case "json":
		a.log = slog.New(slog.NewJSONHandler(a.Stderr, opts))
	default:
		return usageErr("--log-format %q: use text or json", c.logFormat)
	}
	return nil
}

func (a *App) loadMatrix(c *common) (*matrix.Matrix, error) {
	if c.matrixFile == "" {
		m, err := matrix.Default(c.templates)
		if err != nil {
			return nil, configErr(contract.PartMatrix, err)
		}
		return m, nil
	}
	b, err := os.ReadFile(c.matrixFile)
	if err != nil {
		return nil, usageErr("--matrix: %v", err)
	}
	m, err := matrix.ParseCSV(b, c.matrixFile)
	if err != nil {
		return nil, configErr(contract.PartMatrix, err)
	}
	return m, nil
}

// open returns the backend for --sheet.
// sheetLabel names the --sheet for the people who read the report and the
// mails: a local file by its name (its folder on the server is nobody's
// business there), a Google sheet by the address they open it at.
func sheetLabel(flag string) string {
	if isWorkbookFile(flag) {
		return filepath.Base(flag)
	}
	if id, ok := gsheets.ParseID(flag); ok {
		return "https://docs.google.com/spreadsheets/d/" + id
	}
	return flag
}

func (a *App) open(c *common) (sheet.Spreadsheet, error) {
	if isWorkbookFile(c.sheet) {
		return xlsxbook.Open(c.sheet), nil
	}
	if isGoogleSheet(c.sheet) {
		return a.openGoogle(c)
	}
	return nil, usageErr("--sheet %q: give a .xlsx (or macro-enabled .xlsm) file, or a Google spreadsheet ID or URL", c.sheet)
}

// isWorkbookFile tells a local workbook: .xlsm is the same package with a
// macro part, which the job keeps as it keeps every part it does not own.
func isWorkbookFile(flag string) bool {
	ext := strings.ToLower(filepath.Ext(flag))
	return ext == ".xlsx" || ext == ".xlsm"
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// configError is a setting the run cannot start with (a template folder's
// file, --matrix): exit 2, like a usage error, with the cause kept; part
// says which, for the alert's hint.
type configError struct {
	err  error
	part contract.LayoutPart
}

func (e *configError) Error() string                    { return e.err.Error() }
func (e *configError) Unwrap() error                    { return e.err }
func (e *configError) SettingPart() contract.LayoutPart { return e.part }

func configErr(part contract.LayoutPart, err error) error { return &configError{err: err, part: part} }

// fail prints err as one line and returns the exit code its kind calls for.
func (a *App) fail(cmd string, err error) int {
	if contract.InitAdds(err) && a.sheet != "" {
		err = fmt.Errorf("%w: add it, or run 'onboard init --sheet %s' to add what is missing", err, a.sheet)
	}
	// An error about many cells names each on a line of its own first.
	var d interface{ Details() []string }
	if errors.As(err, &d) {
		for _, line := range d.Details() {
			fmt.Fprintf(a.Stderr, "onboard %s: %s\n", cmd, line)
		}
	}
	fmt.Fprintf(a.Stderr, "onboard %s: %v\n", cmd, err)
	var ue *usageError
	var ce *configError
	var stop stopSignal
	if errors.As(err, &stop) {
		return stop.exitCode()
	}
	if errors.As(err, &ue) || errors.As(err, &ce) || contract.IsLayout(err) {
		return ExitUsage
	}
	return ExitFailed
}
