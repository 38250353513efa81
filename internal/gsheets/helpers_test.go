package gsheets_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/sheet"
)

// fast retries keep fault tests quick; the logic is the production one.
var fast = gsheets.Retry{Initial: time.Millisecond, Max: 5 * time.Millisecond, QuotaWindow: 20 * time.Millisecond}

func newFake(t testing.TB) *fakesheets.Server {
	t.Helper()
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// fakeTabs converts tabs for fakesheets.CreateSpreadsheet; width pads the
// header row so the grid has at least that many columns (0: as Google
// makes it, 26).
func fakeTabs(tabs []*sheet.Tab, width int) []fakesheets.Tab {
	return fakesheets.TabsFromBook(&sheet.Book{Tabs: tabs}, width)
}

type openOpt func(*gsheets.Options)

func readOnly(o *gsheets.Options) { o.ReadOnly = true }

func withLog(buf *bytes.Buffer) openOpt {
	return func(o *gsheets.Options) {
		o.Log = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

// open connects the real client to the fake the way --sheets-endpoint
// does: the endpoint and no credentials, so no authentication.
func open(t testing.TB, srv *fakesheets.Server, id string, opts ...openOpt) *gsheets.Spreadsheet {
	t.Helper()
	o := gsheets.Options{Getenv: func(string) string { return "" }, Retry: fast}
	if srv != nil {
		o.Endpoint = srv.URL()
	}
	for _, f := range opts {
		f(&o)
	}
	ss, err := gsheets.Open(context.Background(), id, o)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func operations(srv *fakesheets.Server) []string {
	var ops []string
	for _, r := range srv.Requests() {
		ops = append(ops, r.Operation)
	}
	return ops
}
