package gsheets

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

// Retry tunes the backoff of failed calls.
type Retry struct {
	// Initial is the first wait (default 1s); each retry doubles it.
	Initial time.Duration
	// Max caps one wait (default 32s, as Google's guidance suggests).
	Max time.Duration
	// Attempts bounds the calls per operation (default 8); the run's
	// deadline bounds them too. Calls refused for quota (429) are bounded
	// by the deadline alone.
	Attempts int
	// QuotaWindow is the period of the Sheets API's quota (default one
	// minute, as Google's): a 429 without Retry-After waits for the next
	// window. Only an emulator that compresses time needs another.
	QuotaWindow time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Initial <= 0 {
		r.Initial = time.Second
	}
	if r.Max <= 0 {
		r.Max = 32 * time.Second
	}
	if r.Attempts <= 0 {
		r.Attempts = 8
	}
	if r.QuotaWindow <= 0 {
		r.QuotaWindow = time.Minute
	}
	return r
}

// quotaWait is the pause after a 429 without Retry-After. Google refills
// its per-minute quotas each minute, so a retry before the next window
// only burns a request: wait for the window's end, then a jitter of a
// sixtieth to a quarter of a window, so that the clients refused in one
// window neither storm the next one's first second nor come back before
// it by a clock's skew.
func (r Retry) quotaWait(now time.Time) time.Duration {
	w := r.QuotaWindow
	toNext := w - time.Duration(now.UnixNano()%int64(w))
	return toNext + w/60 + rand.N(w/4-w/60+1)
}

// wait is the pause before retry n (0-based): exponential, capped, with
// "equal jitter" (half fixed, half random) so that many clients hit by
// the same outage do not retry in step.
func (r Retry) wait(n int) time.Duration {
	d := r.Initial << min(n, 30)
	if d <= 0 || d > r.Max {
		d = r.Max
	}
	return d/2 + rand.N(d/2+1)
}

// call runs one API call, retrying what is worth retrying (429, 500, 502,
// 503, 504, network errors) while attempts and the deadline allow. The
// generated client encodes the request body afresh on every Do, so a
// retried write sends the same body again. Each retry is logged once.
func (s *Spreadsheet) call(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return s.callIf(ctx, op, retryable, fn)
}

// callIf is call with its own test of what is worth sending again.
func (s *Spreadsheet) callIf(ctx context.Context, op string, again func(error) bool, fn func(ctx context.Context) error) error {
	renewed := false
	for attempt := 1; ; attempt++ {
		s.requests++
		if attempt > 1 {
			s.retries++
		}
		err := fn(ctx)
		if !renewed && s.renewAfter(op, err) {
			// Google checks the token before anything else, so nothing
			// was done: send again at once with a new token, once per call.
			renewed = true
			continue
		}
		quota := isQuota(err)
		s.throttled = s.throttled || quota
		if err == nil || !again(err) || (!quota && attempt >= s.retry.Attempts) || ctx.Err() != nil {
			return err
		}
		wait := max(s.retry.wait(attempt-1), retryAfter(err))
		if quota {
			// Google's answer says when: Retry-After, else the next window.
			if wait = retryAfter(err); wait == 0 {
				wait = s.retry.quotaWait(time.Now())
			}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return err // the next try would start after the deadline
		}
		s.retrying = short(err)
		s.log.Warn("Google Sheets call failed; retrying", "call", op, "attempt", attempt,
			"wait", wait.Round(time.Millisecond).String(), "err", short(err))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// renewAfter drops the access token after Google's 401 for it (expired
// early, or revoked) and reports whether a new one will be fetched.
func (s *Spreadsheet) renewAfter(op string, err error) bool {
	if code, _ := apiCode(err); code != http.StatusUnauthorized || s.tokens == nil {
		return false
	}
	if rerr := s.tokens.renew(); rerr != nil {
		s.log.Warn("Google refused the access token; loading the credentials again failed", "call", op, "err", firstLine(rerr.Error()))
		return false
	}
	s.log.Warn("Google refused the access token; retrying once with a new one", "call", op, "err", short(err))
	return true
}

// isQuota reports Google's 429: a per-minute quota is used up.
func isQuota(err error) bool {
	code, _ := apiCode(err)
	return code == http.StatusTooManyRequests
}

// retryable reports whether err is transient: quota (429), a server error
// Google asks clients to retry, or the network. Other 4xx never are.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch ge.Code {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.Response != nil && re.Response.StatusCode >= 500
	}
	// A complete answer whose JSON is cut or garbled is a transport fault
	// too: reading again is safe.
	var ne net.Error
	var se *json.SyntaxError
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &se) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// writeOutcome says what a failed write's error tells about the cells.
type writeOutcome uint8

const (
	writeFailed    writeOutcome = iota // refused: nothing stored
	writeUnsent                        // never reached Google, or refused before applying (429): send again
	writeUncertain                     // the answer was lost: stored or not, only a read can tell
	writeStored                        // Google answered 2xx, but its body could not be read
)

// classifyWrite sorts a values.batchUpdate error. The generated client
// returns *googleapi.Error for a non-2xx answer, *url.Error (or the
// context's error) when no answer came, and a decoding error only after a
// 2xx status, when Google had stored the cells.
func classifyWrite(err error) writeOutcome {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch {
		case ge.Code == http.StatusTooManyRequests:
			return writeUnsent // quota is checked before anything is applied
		case ge.Code >= 500:
			return writeUncertain // a gateway's 502/504 may follow a stored write
		}
		return writeFailed
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return writeFailed // no token, so no request
	}
	var ue *url.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &oe) && oe.Op == "dial", errors.Is(err, syscall.ECONNREFUSED):
		return writeUnsent // no connection, so no request
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), errors.As(err, &ue):
		return writeUncertain
	}
	return writeStored
}

// retryAfter honours a Retry-After header in seconds, when Google sends one.
func retryAfter(err error) time.Duration {
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Header == nil {
		return 0
	}
	secs, convErr := strconv.Atoi(ge.Header.Get("Retry-After"))
	if convErr != nil || secs <= 0 {
		return 0
	}
	return time.Duration(min(secs, 300)) * time.Second
}
