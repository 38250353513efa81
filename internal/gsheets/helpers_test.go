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
var fast = gsheets.Retry{Initial: time.Millisecond, Max: 5 * time.Millisecond}

func newFake(t testing.TB) *fakesheets.Server {
	t.Helper()
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// goValue is how the fake is seeded with a cell: dates as time.Time so the
// fake formats them as dates, like a sheet a manager typed dates into.
func goValue(v sheet.Value) any {
	switch v.Kind {
	case sheet.Text:
		return v.Str
	case sheet.Number:
		return v.Num
	case sheet.Bool:
		return v.Bool()
	case sheet.Date:
		return sheet.DateFromSerial(v.Num)
	}
	return nil
}

// fakeTabs converts tabs for fakesheets.CreateSpreadsheet; width pads the
// header row so the grid has at least that many columns (0: as Google
// makes it, 26).
func fakeTabs(tabs []*sheet.Tab, width int) []fakesheets.Tab {
	out := make([]fakesheets.Tab, len(tabs))
	for i, tab := range tabs {
		rows := make([][]any, len(tab.Rows))
		for r, row := range tab.Rows {
			vals := make([]any, len(row))
			for c, v := range row {
				vals[c] = goValue(v)
			}
			rows[r] = vals
		}
		if len(rows) > 0 && len(rows[0]) < width {
			rows[0] = append(rows[0], make([]any, width-len(rows[0]))...)
		}
		out[i] = fakesheets.Tab{Title: tab.Name, Rows: rows}
	}
	return out
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
