// Package sheettest is the conformance suite every sheet.Spreadsheet backend
// passes, written once (restic's internal/backend/test is the model): a
// backend's test file fills in a Suite with its factory and calls Run.
//
//	func TestConformance(t *testing.T) {
//		s := &sheettest.Suite{NewSpreadsheet: ..., Missing: ...}
//		s.Run(t)
//	}
//
// Every exported method named Test* is one test; Run runs them all as
// subtests, so `go test -run 'Conformance/WriteFarApartCells'` picks one.
package sheettest

import (
	"reflect"
	"strings"
	"testing"

	"onboard/internal/sheet"
)

// Suite runs the conformance tests against one backend.
type Suite struct {
	// NewSpreadsheet returns a backend for a new spreadsheet holding tabs,
	// in order (each tab's Rows[0] is its header row). Called at least
	// once per test.
	NewSpreadsheet func(t *testing.T, tabs []*sheet.Tab) sheet.Spreadsheet
	// Reopen returns a fresh backend for the spreadsheet behind ss, so
	// the tests check what was stored, not what a backend cached. Nil:
	// the tests read through ss again.
	Reopen func(t *testing.T, ss sheet.Spreadsheet) sheet.Spreadsheet
	// Missing returns a backend for a spreadsheet that does not exist.
	Missing func(t *testing.T) sheet.Spreadsheet
	// Edit changes one cell behind the backend's back, as a manager
	// editing the sheet would.
	Edit func(t *testing.T, ss sheet.Spreadsheet, tab string, row, col int, v sheet.Value)
	// InsertRow inserts a row of text cells before row (one past the
	// last row: at the end) behind the backend's back, as a manager would.
	InsertRow func(t *testing.T, ss sheet.Spreadsheet, tab string, row int, cells []string)
	// EditsVisible says how the backend keeps such an edit: true, its
	// ReadColumns sees the sheet as it is now (Google); false, it refuses
	// to write over a sheet changed since its Read (a local file).
	EditsVisible bool
}

// Run runs every test of the suite as a subtest of t.
func (s *Suite) Run(t *testing.T) {
	if s.NewSpreadsheet == nil || s.Missing == nil || s.Edit == nil || s.InsertRow == nil {
		t.Fatal("sheettest: Suite needs NewSpreadsheet, Missing, Edit and InsertRow")
	}
	v := reflect.ValueOf(s)
	typ := v.Type()
	for i := 0; i < typ.NumMethod(); i++ {
		m := typ.Method(i)
		name, ok := strings.CutPrefix(m.Name, "Test")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			m.Func.Call([]reflect.Value{v, reflect.ValueOf(t)})
		})
	}
}
