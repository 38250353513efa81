package cli

import (
	"context"

	"onboard/internal/gsheets"
	"onboard/internal/sheet"
)

// isGoogleSheet reports whether --sheet names a Google spreadsheet (an ID
// or its URL) rather than a local file.
func isGoogleSheet(s string) bool {
	_, ok := gsheets.ParseID(s)
	return ok
}

// readOnlyCommands never write the sheet: they ask Google for the
// read-only scope, so a key used only for reporting cannot change it.
var readOnlyCommands = map[string]bool{"check": true, "report": true}

// openGoogle opens the Google spreadsheet of --sheet.
func (a *App) openGoogle(c *common) (sheet.Spreadsheet, error) {
	return gsheets.Open(context.Background(), c.sheet, gsheets.Options{
		CredentialsFile: c.credentials,
		Endpoint:        c.sheetsEndpoint,
		ReadOnly:        readOnlyCommands[c.command],
		Getenv:          a.Env,
		Log:             a.log,
		Retry:           gsheets.Retry{QuotaWindow: c.quotaWindow},
	})
}
