package cli

import (
	"context"
	"fmt"
	"strings"

	"onboard/internal/contract"
	"onboard/internal/report"
	"onboard/internal/setup"
	"onboard/internal/sheet"
)

var initCommand = command{
	name:    "init",
	summary: "set a new or empty spreadsheet up: tabs, headers, the matrix tab, dropdowns, protection, frozen headers",
	usage:   "onboard init --sheet SHEET [--dry-run]",
	example: "onboard init --sheet new-onboarding.xlsx --dry-run",
	run:     (*App).initSheet,
}

func (a *App) initSheet(args []string) int {
	var c common
	var dryRun bool
	flags := a.flagSet("init")
	c.register(flags)
	flags.BoolVar(&dryRun, "dry-run", false, "list what init would do and change nothing")
	if ok, code := a.parse(flags, args); !ok {
		return code
	}
	cfg, err := a.setup(&c)
	if err != nil {
		return a.fail("init", err)
	}
	ss, err := a.open(&c)
	if err != nil {
		return a.fail("init", err)
	}
	ctx, cancel, err := a.begin(&c)
	if err != nil {
		return a.fail("init", err)
	}
	defer cancel()
	if cr, ok := ss.(sheet.Creator); ok && cr.Missing() {
		if dryRun {
			fmt.Fprintf(a.Stdout, "would create %s with the tabs %s, then set them up\n", ss.Describe(), strings.Join(contract.TabNames(cfg.Matrix), ", "))
			return ExitOK
		}
		// A new spreadsheet starts with an empty 申込 tab; init fills in the rest.
		if err := cr.CreateTabs(ctx, []string{contract.Tabs(cfg.Matrix)[0].Name}); err != nil {
			return a.fail("init", err)
		}
		fmt.Fprintf(a.Stdout, "created %s\n", ss.Describe())
	}
	lk, err := look(c.templates)
	if err != nil {
		return a.fail("init", err)
	}
	actions, err := setup.Plan(ctx, ss, cfg.Matrix, lk)
	if err != nil {
		return a.fail("init", err)
	}
	for _, act := range actions {
		fmt.Fprintf(a.Stdout, "%s: %s\n", act.Tab, act.What)
	}
	switch {
	case len(actions) == 0:
		fmt.Fprintf(a.Stdout, "nothing to do: %s is set up\n", ss.Describe())
		return ExitOK
	case dryRun:
		fmt.Fprintf(a.Stdout, "%d changes (dry run: nothing changed)\n", len(actions))
		return ExitOK
	}
	if err := applyOrRestore(ctx, ss, actions); err != nil {
		return a.fail("init", err)
	}
	fmt.Fprintf(a.Stdout, "%d changes made to %s\n", len(actions), ss.Describe())
	a.log.Info("init finished", "sheet", ss.Describe(), "changes", len(actions))
	return ExitOK
}

// look is how init and sync format the job's columns: the status colours
// of the report's layout, so the sheet and the report agree.
func look(templatesDir string) (contract.Look, error) {
	layout, err := report.LoadLayout(templatesDir)
	if err != nil {
		return contract.Look{}, &contract.LayoutError{Msg: err.Error()}
	}
	return contract.Look{StatusColors: layout.StatusColors}, nil
}

// applyOrRestore applies init's actions; where the backend can, a failure
// (an interrupt or a panic included) puts the spreadsheet back as it was.
func applyOrRestore(ctx context.Context, ss sheet.Spreadsheet, actions []setup.Action) (err error) {
	cp, ok := ss.(sheet.Checkpointer)
	if !ok {
		return setup.Apply(ctx, ss, actions)
	}
	restore, release, err := cp.Checkpoint()
	if err != nil {
		return err
	}
	defer release()
	done := false
	defer func() {
		if !done {
			if rerr := restore(); rerr != nil && err != nil {
				err = fmt.Errorf("%w; and %v", err, rerr)
			}
		}
	}()
	err = setup.Apply(ctx, ss, actions)
	done = err == nil
	return err
}
