package gsheets_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
)

// quotaFake is a fake with Google's quota shape, readPerUser reads per
// window.
func quotaFake(t *testing.T, readPerUser int, window time.Duration) (*fakesheets.Server, string) {
	t.Helper()
	q := fakesheets.DefaultQuota()
	q.ReadPerUser, q.Window = readPerUser, window
	srv := fakesheets.NewServer()
	srv.SetQuota(&q)
	t.Cleanup(srv.Close)
	return srv, exampleSheet(t, srv)
}

// sent is one call as the client saw it: when it went out, and the status.
type sent struct {
	at     time.Time
	status int
}

// timedTransport records every call the client makes.
type timedTransport struct {
	mu    sync.Mutex
	calls []sent
}

func (tt *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	at := time.Now()
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		tt.mu.Lock()
		tt.calls = append(tt.calls, sent{at, resp.StatusCode})
		tt.mu.Unlock()
	}
	return resp, err
}

// TestQuotaWaitsForTheNextWindow: a sync that needs more reads than one
// window allows finishes, and every call after a 429 goes out in a later
// window than the refusal: it waits as Google's per-minute quota asks
// instead of burning requests on a fast backoff. Real client, over HTTP,
// the window compressed to 400 ms.
func TestQuotaWaitsForTheNextWindow(t *testing.T) {
	const window = 400 * time.Millisecond
	srv, id := quotaFake(t, 1, window)
	retry := fast
	retry.QuotaWindow = window
	tt := &timedTransport{}
	ss := open(t, srv, id, func(o *gsheets.Options) { o.Retry, o.HTTPClient = retry, &http.Client{Transport: tt} })
	run := syncOnce(t, ss, config(t))
	if !run.Outcome.Verified {
		t.Fatalf("outcome %+v", run.Outcome)
	}
	recs := tt.calls
	refused := 0
	for i, r := range recs {
		if r.status != http.StatusTooManyRequests {
			continue
		}
		refused++
		if i+1 < len(recs) {
			if next, this := recs[i+1].at.UnixNano()/int64(window), r.at.UnixNano()/int64(window); next <= this {
				t.Errorf("call %d went out in the window of the 429 before it (%s after)", i+1, recs[i+1].at.Sub(r.at))
			}
		}
	}
	// 4 reads, one per window: each after the first is refused once, in
	// the window the one before it used.
	if reads := len(recs) - refused - 1; refused == 0 || refused > reads {
		t.Errorf("%d calls, %d refused: want one 429 at most per read after the first", len(recs), refused)
	}
}

// TestQuotaOutlastingTimeoutFails: when the quota stays used up past the
// run's deadline, the run fails at once, in one line that names the quota
// and the fixes, not the sheet.
func TestQuotaOutlastingTimeoutFails(t *testing.T) {
	srv, id := quotaFake(t, 1, time.Hour)
	retry := fast
	retry.QuotaWindow = time.Hour
	ss := open(t, srv, id, func(o *gsheets.Options) { o.Retry = retry })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = job.Sync(ctx, ss, config(t), false) // uses the window's one read
	start := time.Now()
	_, err := job.Sync(ctx, ss, config(t), false)
	var ge *gsheets.Error
	if !errors.As(err, &ge) {
		t.Fatalf("second sync: %v, want a gsheets.Error", err)
	}
	msg := err.Error()
	for _, want := range []string{`quota "Read requests per minute per user" (1)`, "--timeout", "--spread", "fewer sheets on one service account", "higher quota"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "\n") || time.Since(start) > time.Second {
		t.Errorf("not one line, or waited %s for a window past the deadline: %q", time.Since(start), msg)
	}
}
