// Package fakesheets is an in-memory fake of the Google Sheets API v4 that
// the real client (google.golang.org/api/sheets/v4) talks to over HTTP, in
// the spirit of fsouza/fake-gcs-server's fakestorage. Tests seed and inspect
// spreadsheets directly, inject faults and latency, and run hooks between
// calls; cmd/fakesheets serves the same handler on a fixed address.
//
// It serves what the job calls — values.batchGet, values.batchUpdate,
// spreadsheets.get (with field masks) and the spreadsheets.batchUpdate
// requests of init and formatting (requests.go) — and nothing else: any
// other method answers 404 like an unknown URL. The HTTP layer (server.go,
// handlers.go) only decodes requests and encodes answers; the spreadsheet
// model and its operations live in store.go, values.go and requests.go.
//
// Behaviour follows recordings of real Google traffic (testdata/cassettes,
// checked by replay_test.go). Known differences from Google:
//   - formulas are not evaluated: a test seeds a formula cell with the value
//     it shows (SetFormula, WithFormulaValue); writing an undeclared formula
//     answers 501.
//   - number formats: inferred from typed input for plain, grouped,
//     percent, currency, date and time values only; the automatic format is
//     approximated as 10 significant digits.
//   - data validation is stored and echoed, never enforced; protected
//     ranges are enforced on values.batchUpdate only (the job's write), for
//     ranges set by another user (ProtectRange) that are not warning-only;
//     only values are kept (no cell formatting).
//   - includeGridData returns values only, without formats or metadata.
//   - titles are quoted in echoed ranges unless they are plain ASCII
//     identifiers; the recordings confirm "Sheet1" and titles with spaces,
//     the rule for other non-ASCII titles ("'申込'!A1") is inferred.
package fakesheets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// Server is a running fake. All methods are safe for concurrent use.
type Server struct {
	ts  *httptest.Server
	cfg config

	*store

	ctl        sync.Mutex  // guards the fields below; the store has its own lock
	quota      *quotaMeter // nil: no quota
	failN      int
	failStatus int
	latency    time.Duration
	hook       func(*http.Request)
	records    []RequestRecord
}

// RequestRecord describes one API call the server answered.
type RequestRecord struct {
	Method string
	// Path is the decoded URL path, e.g. "/v4/spreadsheets/ID/values:batchGet".
	Path string
	// Query is the raw query string.
	Query string
	// Operation names the API method, e.g. "spreadsheets.values.get", or is
	// empty for a URL the API does not have.
	Operation    string
	BodySize     int
	ResponseSize int
	Status       int
}

// Option configures NewServer.
type Option func(*config)

type config struct {
	listener    net.Listener
	callerEmail string
	formulas    map[string]cell
	auth        *authority // nil: no credential checks
}

// WithListener serves on l instead of a fresh loopback listener; the server
// takes ownership of l. cmd/fakesheets uses it to serve a fixed address.
func WithListener(l net.Listener) Option { return func(c *config) { c.listener = l } }

// WithCallerEmail sets the account the fake treats as the caller; Google
// adds it as an editor of protected ranges the caller creates.
func WithCallerEmail(email string) Option { return func(c *config) { c.callerEmail = email } }

// WithFormulaValue declares the value a formula shows, so a
// USER_ENTERED write of that exact formula text stores it with this
// effective value (see Tab for the Go types; ErrorValue for "#DIV/0!").
// The fake does not evaluate formulas.
func WithFormulaValue(formula string, value any) Option {
	return func(c *config) {
		if c.formulas == nil {
			c.formulas = map[string]cell{}
		}
		c.formulas[formula] = goCell(value)
	}
}

// NewServer starts a fake on a loopback address (or the WithListener one).
func NewServer(opts ...Option) *Server {
	cfg := config{callerEmail: "fakesheets@fakesheets.iam.gserviceaccount.com"}
	for _, o := range opts {
		o(&cfg)
	}
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	s := &Server{cfg: cfg, store: newStore(rng, cfg.callerEmail, cfg.formulas)}
	s.ts = httptest.NewUnstartedServer(s.Handler())
	if cfg.listener != nil {
		_ = s.ts.Listener.Close()
		s.ts.Listener = cfg.listener
	}
	s.ts.Start()
	return s
}

// URL is the base URL, e.g. "http://127.0.0.1:38211"; pass URL()+"/" to
// option.WithEndpoint.
func (s *Server) URL() string { return s.ts.URL }

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// HTTPClient returns a client for the server.
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// Service returns a real Sheets client wired to the fake.
func (s *Server) Service(ctx context.Context) *sheets.Service {
	svc, err := sheets.NewService(ctx,
		option.WithEndpoint(s.URL()+"/"),
		option.WithoutAuthentication(),
		option.WithHTTPClient(s.HTTPClient()))
	if err != nil {
		// NewService only fails on contradictory options, and these are
		// fixed here: this is a programming error, not bad data.
		panic(fmt.Sprintf("fakesheets: building sheets client: %v", err))
	}
	return svc
}

// Handler returns the HTTP handler serving the API.
func (s *Server) Handler() http.Handler {
	return s.withAuth(s.withQuota(http.HandlerFunc(s.serveHTTP)))
}

// FailNext makes the next n API calls answer status in Google's error shape
// (HTML for 502, as Google's front end sends) without touching any data.
func (s *Server) FailNext(n int, status int) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.failN, s.failStatus = n, status
}

// SetLatency delays every API call by d (0 disables).
func (s *Server) SetLatency(d time.Duration) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.latency = d
}

// SetHook runs f before each API call is handled (nil removes it). f may call
// the seeding helpers, e.g. to edit the sheet between two calls of a run.
func (s *Server) SetHook(f func(r *http.Request)) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.hook = f
}

// Requests returns a copy of the calls answered so far.
func (s *Server) Requests() []RequestRecord {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	return append([]RequestRecord(nil), s.records...)
}

// ResetRequests forgets the recorded calls.
func (s *Server) ResetRequests() {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.records = nil
}

// apiError is an error answered in Google's JSON shape.
type apiError struct {
	code    int
	status  string
	message string
	details []any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.code, e.status, e.message) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, status: "INVALID_ARGUMENT", message: fmt.Sprintf(format, args...)}
}

// fieldViolation builds the 400 Google sends for a body field of the wrong
// type, with its BadRequest detail.
func fieldViolation(field, msg string) *apiError {
	return &apiError{code: http.StatusBadRequest, status: "INVALID_ARGUMENT", message: msg,
		details: []any{map[string]any{
			"@type":           "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []any{map[string]any{"field": field, "description": msg}},
		}}}
}

var errNotFound = &apiError{code: http.StatusNotFound, status: "NOT_FOUND", message: "Requested entity was not found."}

var errDenied = &apiError{code: http.StatusForbidden, status: "PERMISSION_DENIED", message: "The caller does not have permission"}

// statusNames maps HTTP codes to google.rpc.Code names as Google pairs them.
var statusNames = map[int]string{
	400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
	409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
	501: "UNIMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}

// injectedError builds the answer of a FailNext fault, with the messages
// Google uses for each status.
func injectedError(status int, method string) *apiError {
	e := &apiError{code: status, status: statusNames[status], message: http.StatusText(status)}
	if e.status == "" {
		e.status = "UNKNOWN"
	}
	switch status {
	case 400:
		e.message = "Request contains an invalid argument."
	case 401:
		e.message = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
	case 403:
		e.message = "The caller does not have permission"
	case 404:
		e.message = "Requested entity was not found."
	case 409:
		e.message = "The operation was aborted."
	case 429:
		kind := "Read"
		if method != http.MethodGet {
			kind = "Write"
		}
		return quotaExceeded(kind, true, DefaultQuota().ReadPerUser, DefaultQuota().ProjectNumber)
	case 500:
		e.message = "Internal error encountered."
	case 503:
		e.message = "The service is currently unavailable."
	case 504:
		e.message = "Deadline expired before operation could complete."
	}
	return e
}

// gfe502 is the HTML page Google's front end answers for a 502.
const gfe502 = `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <title>Error 502 (Server Error)!!1</title>
  <p><b>502.</b> <ins>That’s an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>
`

// countingWriter records status and size of a response.
type countingWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

// maxRequestBytes is Google's limit on a request body (10 MiB).
const maxRequestBytes = 10 << 20

// handler serves one API method: it decodes the request, calls the store
// and returns the answer to encode.
type handler func(s *Server, req *apiRequest) (any, *apiError)

// route is a parsed API URL.
type route struct {
	op     string
	id     string
	handle handler
}

// apiRequest carries what a handler needs.
type apiRequest struct {
	r     *http.Request
	body  []byte
	id    string
	query url.Values
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	cw := &countingWriter{ResponseWriter: w}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	rt := matchRoute(r.Method, r.URL.EscapedPath())
	path := r.URL.Path
	defer func() {
		s.ctl.Lock()
		s.records = append(s.records, RequestRecord{
			Method: r.Method, Path: path, Query: r.URL.RawQuery, Operation: rt.op,
			BodySize: len(body), ResponseSize: cw.size, Status: cw.status,
		})
		s.ctl.Unlock()
	}()

	s.ctl.Lock()
	hook, latency := s.hook, s.latency
	s.ctl.Unlock()
	if hook != nil {
		hook(r)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			writeError(cw, r, &apiError{code: 499, status: "CANCELLED", message: "The operation was cancelled."})
			return
		}
	}
	s.ctl.Lock()
	var fault int
	if s.failN > 0 {
		s.failN--
		fault = s.failStatus
	}
	s.ctl.Unlock()
	if fault != 0 {
		if fault == http.StatusBadGateway {
			cw.Header().Set("Content-Type", "text/html; charset=UTF-8")
			cw.WriteHeader(fault)
			_, _ = io.WriteString(cw, gfe502)
			return
		}
		writeError(cw, r, injectedError(fault, r.Method))
		return
	}
	if readErr != nil {
		writeError(cw, r, badRequest("Failed to read request body: %v", readErr))
		return
	}
	if len(body) > maxRequestBytes {
		// Google's front end refuses the body before any method sees it.
		writeError(cw, r, badRequest("Request payload size exceeds the limit: %d bytes.", maxRequestBytes))
		return
	}
	if rt.handle == nil {
		writeError(cw, r, &apiError{code: http.StatusNotFound, status: "NOT_FOUND",
			message: fmt.Sprintf("Method not found: %s %s", r.Method, path)})
		return
	}
	if r.Method != http.MethodGet && s.viewerOnly(rt.id) {
		writeError(cw, r, errDenied)
		return
	}
	req := &apiRequest{r: r, body: body, id: rt.id, query: r.URL.Query()}
	resp, apiErr := rt.handle(s, req)
	if apiErr != nil {
		writeError(cw, r, apiErr)
		return
	}
	writeJSON(cw, r, http.StatusOK, resp)
}

// routes maps "METHOD tail" (the URL after the spreadsheet ID) to the
// methods the fake serves.
var routes = map[string]route{
	"GET ":                     {op: "spreadsheets.get", handle: (*Server).handleGet},
	"POST :batchUpdate":        {op: "spreadsheets.batchUpdate", handle: (*Server).handleBatchUpdate},
	"GET /values:batchGet":     {op: "spreadsheets.values.batchGet", handle: (*Server).handleValuesBatchGet},
	"POST /values:batchUpdate": {op: "spreadsheets.values.batchUpdate", handle: (*Server).handleValuesBatchUpdate},
}

// matchRoute maps an escaped URL path to an API method; the zero route is
// a URL the fake does not serve.
func matchRoute(method, escaped string) route {
	rest, ok := strings.CutPrefix(escaped, "/v4/spreadsheets/")
	if !ok {
		return route{}
	}
	end := strings.IndexAny(rest, "/:")
	if end < 0 {
		end = len(rest)
	}
	id, err := url.PathUnescape(rest[:end])
	if err != nil || id == "" {
		return route{}
	}
	rt, ok := routes[method+" "+rest[end:]]
	if !ok {
		return route{}
	}
	rt.id = id
	return rt
}

func writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	writeRaw(w, r, e.code, errorBody(e))
}

// writeJSON answers v, applying the standard "fields" partial-response mask
// when the caller asked for one.
func writeJSON(w http.ResponseWriter, r *http.Request, code int, v any) {
	if f := r.URL.Query().Get("fields"); f != "" {
		mask, err := parseFieldMask(f)
		if err != nil {
			writeError(w, r, badRequest("Invalid field selection %s", f))
			return
		}
		raw, err := json.Marshal(v)
		if err != nil {
			writeError(w, r, &apiError{code: 500, status: "INTERNAL", message: "fakesheets: encoding response: " + err.Error()})
			return
		}
		var generic any
		if err := json.Unmarshal(raw, &generic); err != nil {
			writeError(w, r, &apiError{code: 500, status: "INTERNAL", message: "fakesheets: decoding response: " + err.Error()})
			return
		}
		v = mask.apply(generic)
	}
	writeRaw(w, r, code, v)
}

// writeRaw encodes v as Google does: indented by two spaces with a final
// newline by default (the recordings, made without prettyPrint, show it),
// compact for prettyPrint=false, which the generated Go client always
// sends. Neither form escapes <, > or &.
func writeRaw(w http.ResponseWriter, r *http.Request, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	pretty := !strings.EqualFold(r.URL.Query().Get("prettyPrint"), "false")
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":500,"message":"fakesheets: encoding response failed","status":"INTERNAL"}}` + "\n")
	}
	b := buf.Bytes()
	if !pretty {
		b = bytes.TrimSuffix(b, []byte("\n"))
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
