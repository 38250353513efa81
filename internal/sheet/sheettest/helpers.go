package sheettest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/sheet"
)

// Tab names of the seed: Japanese like the contract's, and one with a
// space and an apostrophe that A1 notation must quote.
const (
	Apps     = "申込"
	Sessions = "セッション"
	Odd      = "It's a tab"
)

var (
	day1 = civil.New(2026, 11, 24)
	day2 = civil.New(2026, 1, 5)
)

func text(s string) sheet.Value { return sheet.TextValue(s) }
func num(f float64) sheet.Value { return sheet.NumberValue(f) }

// seed is the spreadsheet most tests start from: typed cells, ragged rows,
// a blank row in the data, text that looks like a number, a boolean or a
// formula.
func seed() []*sheet.Tab {
	return []*sheet.Tab{
		{Name: Apps, Rows: [][]sheet.Value{
			{text("クライアントID"), text("事業者名"), text("金額"), text("有効"), text("申込日"), text("メモ")},
			{text("10001"), text("株式会社さくら"), num(1200.5), sheet.BoolValue(true), sheet.DayValue(day1), text("=1+1")},
			{text("10002"), text("ひまわり"), num(0), sheet.BoolValue(false)},
			{text("00123")},
			{},
			{text("10004"), text("TRUE"), num(-3), {}, sheet.DayValue(day2), text("長い メモ、改行\nあり")},
		}},
		{Name: Sessions, Rows: [][]sheet.Value{
			{text("クライアントID"), text("実施日")},
			{text("10001"), sheet.DayValue(day1)},
		}},
		{Name: Odd, Rows: [][]sheet.Value{{text("a"), text("b")}}},
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func names(tabs []*sheet.Tab) []string {
	var out []string
	for _, t := range tabs {
		out = append(out, t.Name)
	}
	return out
}

// open makes a spreadsheet from tabs and reads it once, as a sync does
// before it writes.
func (s *Suite) open(t *testing.T, tabs []*sheet.Tab) sheet.Spreadsheet {
	t.Helper()
	ss := s.NewSpreadsheet(t, tabs)
	if _, err := ss.Read(ctx(t), names(tabs)); err != nil {
		t.Fatalf("Read: %v", err)
	}
	return ss
}

// stored reads the named tabs through a fresh backend when the suite has
// one.
func (s *Suite) stored(t *testing.T, ss sheet.Spreadsheet, tabs ...string) *sheet.Book {
	t.Helper()
	if s.Reopen != nil {
		ss = s.Reopen(t, ss)
	}
	b, err := ss.Read(ctx(t), tabs)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return b
}

// class is what a cell is for the comparison: dates and numbers are one
// class because Google does not tell them apart.
func class(v sheet.Value) string {
	if v.IsEmpty() {
		return "empty"
	}
	switch v.Kind {
	case sheet.Number, sheet.Date:
		return "number"
	}
	return v.Kind.String()
}

func show(v sheet.Value) string {
	if v.IsEmpty() {
		return "empty"
	}
	return fmt.Sprintf("%s %q", class(v), v.String())
}

func same(a, b sheet.Value) bool {
	return class(a) == class(b) && a.Equal(b) && (a.Kind != sheet.Text || a.Str == b.Str)
}

// trimmed drops trailing empty cells and rows: whether a backend keeps them
// must not matter.
func trimmed(rows [][]sheet.Value) [][]sheet.Value {
	out := make([][]sheet.Value, len(rows))
	for r, row := range rows {
		n := len(row)
		for n > 0 && row[n-1].IsEmpty() {
			n--
		}
		out[r] = row[:n]
	}
	m := len(out)
	for m > 0 && len(out[m-1]) == 0 {
		m--
	}
	return out[:m]
}

// assertTab compares a tab's cells with want, cell by cell.
func assertTab(t *testing.T, b *sheet.Book, name string, want [][]sheet.Value) {
	t.Helper()
	tab := b.Tab(name)
	if tab == nil {
		t.Fatalf("tab %q missing from the book (tabs: %v)", name, names(b.Tabs))
	}
	got, exp := trimmed(tab.Rows), trimmed(want)
	var diffs []string
	for r := 1; r <= max(len(got), len(exp)); r++ {
		width := 0
		if r <= len(got) {
			width = len(got[r-1])
		}
		if r <= len(exp) {
			width = max(width, len(exp[r-1]))
		}
		g, e := &sheet.Tab{Rows: got}, &sheet.Tab{Rows: exp}
		for c := 1; c <= width; c++ {
			if a, w := g.Cell(r, c), e.Cell(r, c); !same(a, w) {
				diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", sheet.CellName(r, c), show(a), show(w)))
			}
		}
	}
	if len(got) != len(exp) {
		diffs = append(diffs, fmt.Sprintf("%d rows, want %d", len(got), len(exp)))
	}
	if len(diffs) > 0 {
		if len(diffs) > 20 {
			diffs = append(diffs[:20], fmt.Sprintf("... %d more", len(diffs)-20))
		}
		t.Errorf("tab %q differs:\n  %s", name, strings.Join(diffs, "\n  "))
	}
}

// apply returns a copy of rows with the updates of one tab applied, the
// model every Write is checked against.
func apply(rows [][]sheet.Value, tab string, updates []sheet.Update) [][]sheet.Value {
	out := make([][]sheet.Value, len(rows))
	for i, r := range rows {
		out[i] = append([]sheet.Value(nil), r...)
	}
	for _, u := range updates {
		if u.Tab != tab {
			continue
		}
		for len(out) < u.Row {
			out = append(out, nil)
		}
		for len(out[u.Row-1]) < u.Col {
			out[u.Row-1] = append(out[u.Row-1], sheet.Value{})
		}
		out[u.Row-1][u.Col-1] = u.Value
	}
	return out
}

// write writes updates and checks every seeded tab against the model.
func (s *Suite) write(t *testing.T, updates []sheet.Update) {
	t.Helper()
	tabs := seed()
	ss := s.open(t, tabs)
	if err := ss.Write(ctx(t), updates); err != nil {
		t.Fatalf("Write: %v", err)
	}
	b := s.stored(t, ss, names(tabs)...)
	for _, tab := range tabs {
		assertTab(t, b, tab.Name, apply(tab.Rows, tab.Name, updates))
	}
}

// Row is a row of cells for a test's book: a string is a text cell, a
// civil.Date a date cell; anything else leaves the cell empty.
func Row(cells ...any) []sheet.Value {
	out := make([]sheet.Value, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case string:
			out[i] = sheet.TextValue(v)
		case civil.Date:
			out[i] = sheet.DayValue(v)
		}
	}
	return out
}
