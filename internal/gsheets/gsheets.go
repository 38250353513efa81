// Package gsheets is the Google Sheets backend: a spreadsheet read and
// written through google.golang.org/api/sheets/v4 with as few calls as the
// API allows, whatever the sheet's size: a spreadsheets.get of the tabs'
// grids and one values.batchGet of every tab; with changes, one
// values.batchGet of the key columns and header rows just before writing,
// one values.batchUpdate of the changed cells (more only past about 2 MB of
// changes), and one values.batchGet of the keys and headers again to verify
// it (README.md's table, counted by a test). Reads that fail with 5xx, a network error or
// a cut answer are retried with exponential backoff and jitter inside the
// run's deadline, and calls refused for quota (429) after the next quota
// minute; a call refused for its token (401) is sent once more with a
// new token; a write is sent again only when it certainly stored
// nothing, and a lost answer is sheet.ErrUncertain, settled by reading.
package gsheets

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
	htransport "google.golang.org/api/transport/http"

	"onboard/internal/sheet"
)

// Options configures Open.
type Options struct {
	// CredentialsFile is a service-account JSON key. Empty: the file named
	// by GOOGLE_APPLICATION_CREDENTIALS, else Application Default
	// Credentials (or none at all with Endpoint).
	CredentialsFile string
	// Endpoint points the client at another server (an emulator or the
	// fake); without credentials it then runs unauthenticated.
	Endpoint string
	// ReadOnly asks for the spreadsheets.readonly scope; Write and AddTab
	// then fail.
	ReadOnly bool
	// Getenv reads the environment (GOOGLE_APPLICATION_CREDENTIALS); nil
	// means os.Getenv.
	Getenv func(string) string
	// Log receives retries and warnings; nil discards them.
	Log *slog.Logger
	// HTTPClient replaces the HTTP client (tests); it must add any
	// authentication itself.
	HTTPClient *http.Client
	// Retry tunes the backoff; zero fields take the defaults.
	Retry Retry
	// MaxRequestBytes bounds one values.batchUpdate body; 0 means about
	// 2 MB, the size Google recommends.
	MaxRequestBytes int
}

// DefaultMaxRequestBytes keeps a write under the 2 MB payload Google
// recommends for one request.
const DefaultMaxRequestBytes = 2_000_000

// Spreadsheet is one Google spreadsheet. It is not safe for concurrent use:
// a run reads, then writes, in one goroutine.
type Spreadsheet struct {
	id       string
	svc      *sheets.Service
	httpc    *http.Client // the client svc uses, for the streamed read
	log      *slog.Logger
	readOnly bool
	retry    Retry
	maxBody  int
	// tokens renews the access token after a 401; nil without credentials
	// the backend made (an unauthenticated endpoint, Options.HTTPClient).
	tokens *renewable
	// account is the service account's email, for the message that asks
	// to share the sheet with it; empty when unknown.
	account string
	// tabs holds what the backend learnt about each tab: its grid size
	// (echoed by every read) and its sheetId (from spreadsheets.get).
	tabs map[string]*tabInfo
	// readOK: a read succeeded, so a 403 on a write means view-only access.
	readOK bool
	// listed is the tab list last fetched since the last Read began, nil
	// when none was.
	listed []string
	// requests and retries count API calls for the run's metrics.
	requests, retries int
	// throttled: Google refused a call for quota (429) in this run.
	throttled bool
	// retrying: the last answer retried in this run, to name when the
	// deadline cuts a retry short.
	retrying string
}

type tabInfo struct {
	rows, cols int // grid size; 0 when unknown
	sheetID    int64
	hasID      bool
	header     []sheet.Value // row 1 as last read, for messages
}

var _ sheet.Spreadsheet = (*Spreadsheet)(nil)

// Open returns the backend for a spreadsheet ID or URL. It loads the
// credentials (so a missing key fails before any work) but calls no API.
func Open(ctx context.Context, idOrURL string, opts Options) (*Spreadsheet, error) {
	id, ok := ParseID(idOrURL)
	if !ok {
		return nil, fmt.Errorf("%q is not a Google spreadsheet ID or URL: %w", idOrURL, sheet.ErrInvalid)
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var ep string
	if opts.Endpoint != "" {
		ep = opts.Endpoint
		if !strings.HasSuffix(ep, "/") {
			ep += "/"
		}
	}
	// One HTTP client serves the generated calls and the streamed read.
	httpc, account := opts.HTTPClient, ""
	var tokens *renewable
	if httpc == nil {
		auth, err := credentials(ctx, opts, log)
		if err != nil {
			return nil, err
		}
		account, tokens = auth.email, auth.tokens
		if httpc, _, err = htransport.NewClient(ctx, auth.option, option.WithUserAgent("onboard")); err != nil {
			return nil, fmt.Errorf("Google Sheets client: %w", err)
		}
	}
	clientOpts := []option.ClientOption{option.WithHTTPClient(httpc)}
	if ep != "" {
		clientOpts = append(clientOpts, option.WithEndpoint(ep))
	}
	svc, err := sheets.NewService(ctx, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("Google Sheets client: %w", err)
	}
	maxBody := opts.MaxRequestBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxRequestBytes
	}
	return &Spreadsheet{
		id: id, svc: svc, httpc: httpc, log: log, readOnly: opts.ReadOnly, retry: opts.Retry.withDefaults(),
		maxBody: maxBody, tokens: tokens, account: account, tabs: map[string]*tabInfo{},
	}, nil
}

var _ sheet.Counter = (*Spreadsheet)(nil)

// Counts returns the API requests made so far and the retries among them.
func (s *Spreadsheet) Counts() (requests, retries int) { return s.requests, s.retries }

// ID is the spreadsheet's ID.
func (s *Spreadsheet) ID() string { return s.id }

// Describe names the spreadsheet for logs and messages.
func (s *Spreadsheet) Describe() string { return "Google spreadsheet " + s.id }

var (
	urlID   = regexp.MustCompile(`/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)`)
	plainID = regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)
)

// ParseID returns the spreadsheet ID of a bare ID or of a URL such as
// https://docs.google.com/spreadsheets/d/ID/edit#gid=0.
func ParseID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if m := urlID.FindStringSubmatch(s); m != nil && strings.Contains(s, "://") {
		return m[1], true
	}
	if plainID.MatchString(s) {
		return s, true
	}
	return "", false
}

// tab returns the info kept for a tab, making it on first use.
func (s *Spreadsheet) tab(name string) *tabInfo {
	ti := s.tabs[name]
	if ti == nil {
		ti = &tabInfo{}
		s.tabs[name] = ti
	}
	return ti
}

// noteGrid records a grid size echoed by a read: a whole-sheet or
// whole-column range comes back clamped to the grid, e.g. 'tab'!A1:Z1000.
func (s *Spreadsheet) noteGrid(echoed string, rows, cols bool) {
	title, _, _, r1, c1, ok := parseRange(echoed)
	if !ok {
		return
	}
	ti := s.tab(title)
	if rows {
		ti.rows = r1
	}
	if cols {
		ti.cols = c1
	}
}
