// Command fakesheets serves the fake Google Sheets API v4 on a fixed address,
// optionally seeded from an .xlsx workbook, until SIGINT or SIGTERM.
//
//	fakesheets --addr 127.0.0.1:8089 --load book.xlsx --title "Onboarding"
//
// It prints one line, "<base URL> <spreadsheet ID>", then serves; clients
// use option.WithEndpoint(baseURL + "/") and option.WithoutAuthentication().
// It enforces Google's default Sheets API quota (--quota-* flags; 0 lifts
// a limit; --quota-window compresses time).
// With --auth it checks credentials as Google does, and --credentials-out
// writes the service-account key its token endpoint accepts.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"onboard/internal/fakesheets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "fakesheets:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done. It is separate from main so tests can drive
// it with their own context and output.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("fakesheets", pflag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on; port 0 picks a free port")
	load := fs.String("load", "", "seed a spreadsheet from this .xlsx workbook (every sheet becomes a tab)")
	title := fs.String("title", "", "spreadsheet title (default: the workbook file name); without --load, creates an empty spreadsheet with this title")
	quota := quotaFlags(fs)
	auth := registerAuth(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if quota.Window <= 0 {
		return fmt.Errorf("--quota-window %s: give a positive duration, e.g. 1m", quota.Window)
	}
	authOpts, err := auth.options()
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	srv := fakesheets.NewServer(append(authOpts, fakesheets.WithListener(l))...)
	srv.SetQuota(quota)
	defer srv.Close()
	if err := auth.writeKey(srv); err != nil {
		return err
	}

	id := ""
	switch {
	case *load != "":
		tabs, err := loadWorkbook(*load)
		if err != nil {
			return err
		}
		t := *title
		if t == "" {
			t = strings.TrimSuffix(filepath.Base(*load), filepath.Ext(*load))
		}
		id = srv.CreateSpreadsheet(t, tabs...)
	case *title != "":
		id = srv.CreateSpreadsheet(*title)
	}
	if _, err := fmt.Fprintf(stdout, "%s %s\n", srv.URL(), id); err != nil {
		return fmt.Errorf("writing address: %w", err)
	}
	<-ctx.Done()
	return nil
}

// quotaFlags registers the quota's flags, Google's defaults as defaults.
func quotaFlags(fs *pflag.FlagSet) *fakesheets.Quota {
	q := fakesheets.DefaultQuota()
	fs.IntVar(&q.ReadPerUser, "quota-read-per-user", q.ReadPerUser, "read requests per window per user (the token's principal; without auth, one anonymous user); 0: unlimited")
	fs.IntVar(&q.ReadPerProject, "quota-read-per-project", q.ReadPerProject, "read requests per window for the project; 0: unlimited")
	fs.IntVar(&q.WritePerUser, "quota-write-per-user", q.WritePerUser, "write requests per window per user; 0: unlimited")
	fs.IntVar(&q.WritePerProject, "quota-write-per-project", q.WritePerProject, "write requests per window for the project; 0: unlimited")
	fs.DurationVar(&q.Window, "quota-window", q.Window, "the quota's window (Google: a minute); shorter compresses time for a benchmark")
	fs.StringVar(&q.ProjectNumber, "project-number", q.ProjectNumber, "the project number 429 answers name as the consumer")
	return &q
}
