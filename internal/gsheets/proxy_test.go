package gsheets_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/sheet"
)

// fault is what the proxy does to one request.
type fault string

const (
	f429           fault = "429"
	f429After      fault = "429 with Retry-After"
	f500           fault = "500"
	f502           fault = "502"
	f503           fault = "503"
	f504           fault = "504"
	f504Forwarded  fault = "504 after forwarding"
	fDropBefore    fault = "dropped before forwarding"
	fDropAfter     fault = "dropped after forwarding"
	fTruncated     fault = "truncated body"
	fStall         fault = "stall past the timeout"
	f400           fault = "400"
	f403           fault = "403"
	f404           fault = "404"
	fNone          fault = ""
	proxyRunBudget       = 2 * time.Second
)

// transient faults must be recovered from; the others may fail the run.
var transient = map[fault]bool{f429: true, f429After: true, f500: true, f502: true, f503: true, f504: true,
	f504Forwarded: true, fDropBefore: true, fDropAfter: true, fTruncated: true}

// faultProxy sits between the real client and the fake server and spoils
// the n-th request (1-based) it sees, once.
type faultProxy struct {
	target string
	at     int
	f      fault

	mu  sync.Mutex
	n   int
	ops []string
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.n++
	f := fNone
	if p.n == p.at {
		f = p.f
	}
	p.ops = append(p.ops, operationOf(r))
	p.mu.Unlock()

	forward := func() (int, http.Header, []byte) {
		req, _ := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return http.StatusBadGateway, http.Header{}, []byte(err.Error())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, b
	}
	googleError := func(code int, extra http.Header) {
		for k, v := range extra {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"status":%q}}`, code, http.StatusText(code), map[int]string{
			400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED",
			500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}[code])
	}
	drop := func() {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	switch f {
	case f429:
		googleError(429, nil)
	case f429After:
		googleError(429, http.Header{"Retry-After": {"1"}})
	case f500, f502, f503, f504, f400, f403, f404:
		code, _ := strconv.Atoi(string(f))
		googleError(code, nil)
	case f504Forwarded:
		forward()
		googleError(504, nil)
	case fDropBefore:
		drop()
	case fDropAfter:
		forward()
		drop()
	case fTruncated:
		code, h, b := forward()
		for k, v := range h {
			w.Header()[k] = v
		}
		cut := b[:len(b)/2]
		w.Header().Set("Content-Length", strconv.Itoa(len(cut)))
		w.WriteHeader(code)
		_, _ = w.Write(cut)
	case fStall:
		forward()
		select {
		case <-r.Context().Done():
		case <-time.After(3 * proxyRunBudget):
		}
		googleError(504, nil)
	default:
		code, h, b := forward()
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(code)
		_, _ = w.Write(b)
	}
}

// operationOf names an API call by its method and URL.
func operationOf(r *http.Request) string {
	path := r.URL.Path
	switch {
	case strings.HasSuffix(path, "/values:batchGet"):
		return "values.batchGet"
	case strings.HasSuffix(path, "/values:batchUpdate"):
		return "values.batchUpdate"
	case strings.HasSuffix(path, ":batchUpdate"):
		return "spreadsheets.batchUpdate"
	case r.Method == http.MethodGet:
		return "spreadsheets.get"
	}
	return r.Method + " " + path
}

// growingSheet is the example with 申込 full to its 26th column, so a
// first sync makes every kind of call: the read, the re-read of the keys,
// spreadsheets.get and spreadsheets.batchUpdate to grow the grid, the
// write, and the read that verifies it.
func growingSheet(srv *fakesheets.Server) string {
	book := example.Generate(example.ExampleConfig())
	apps := book.Tabs[0]
	for c := len(apps.Rows[0]) + 1; c <= 26; c++ {
		apps.Rows[0] = append(apps.Rows[0], sheet.TextValue("社内メモ"+strconv.Itoa(c)))
	}
	return srv.CreateSpreadsheet("onboarding", fakeTabs(book.Tabs, 0)...)
}

// proxied runs one sync through a proxy spoiling request at (0: none).
func proxied(t *testing.T, at int, f fault) (srv *fakesheets.Server, id string, p *faultProxy, err error, took time.Duration) {
	srv = newFake(t)
	id = growingSheet(srv)
	p = &faultProxy{target: srv.URL(), at: at, f: f}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	ss := open(t, nil, id, func(o *gsheets.Options) { o.Endpoint = ps.URL })
	ctx, cancel := context.WithTimeout(context.Background(), proxyRunBudget)
	defer cancel()
	start := time.Now()
	_, err = job.Sync(ctx, ss, config(t), false)
	return srv, id, p, err, time.Since(start)
}

func storedWrites(srv *fakesheets.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == opBatchUpdate && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// TestFaultAtEveryCall spoils each call of a first sync in turn with each
// fault a network and Google can produce. Every run either ends with
// exactly the sheet a fault-free run leaves, or fails with nothing
// written; the write is stored at most once; every run ends within its
// timeout; and a transient fault is always recovered from.
func TestFaultAtEveryCall(t *testing.T) {
	srv, id, p, err, _ := proxied(t, 0, fNone)
	if err != nil {
		t.Fatal(err)
	}
	calls := p.ops
	want := snapshot(srv, id)
	initial := snapshot(newFakeWith(t, growingSheet))
	// The seventh call formats the added columns; its failure is logged
	// and leaves the values as a fault-free run does.
	if len(calls) != 7 || storedWrites(srv) != 1 {
		t.Fatalf("fault-free sync: calls %v, %d writes stored", calls, storedWrites(srv))
	}
	t.Logf("calls of a first sync: %q", calls)
	faults := []fault{f429, f429After, f500, f502, f503, f504, f504Forwarded, fDropBefore, fDropAfter, fTruncated, fStall, f400, f403, f404}
	write := slices.Index(calls, "values.batchUpdate")
	for i, call := range calls {
		for _, f := range faults {
			t.Run(fmt.Sprintf("%d %s/%s", i+1, call, f), func(t *testing.T) {
				t.Parallel()
				srv, id, _, err, took := proxied(t, i+1, f)
				got := snapshot(srv, id)
				// A refusal fails the run, except after a stored write: at
				// the read that verifies it (the write stands, unverified)
				// and at the formatting of the added columns (logged).
				if err == nil && !transient[f] && f != fStall && i <= write {
					t.Errorf("a %s at the %s was not reported", f, call)
				}
				switch {
				case err == nil:
					if !reflect.DeepEqual(got, want) {
						t.Error("recovered, but the sheet differs from a fault-free run's")
					}
					if n := storedWrites(srv); n != 1 {
						t.Errorf("the write was stored %d times", n)
					}
				default:
					if transient[f] {
						t.Errorf("a transient fault failed the run: %v", err)
					}
					if !reflect.DeepEqual(got, initial) || storedWrites(srv) != 0 {
						t.Errorf("failed (%v) after writing", err)
					}
					if errors.Is(err, sheet.ErrUncertain) && f != fStall {
						t.Errorf("left uncertain: %v", err)
					}
				}
				if took > proxyRunBudget+500*time.Millisecond {
					t.Errorf("took %v with a timeout of %v", took, proxyRunBudget)
				}
			})
		}
	}
}

// newFakeWith seeds a fresh server, for the initial state of a sheet.
func newFakeWith(t *testing.T, seed func(*fakesheets.Server) string) (*fakesheets.Server, string) {
	srv := newFake(t)
	return srv, seed(srv)
}
