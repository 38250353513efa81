package fakesheets

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Quota is the Sheets API's request quota as Google enforces it: per
// window (a minute), per user (the principal of the caller's token) and
// per project, reads and writes counted apart. A limit of 0 is unlimited.
type Quota struct {
	ReadPerUser, ReadPerProject   int
	WritePerUser, WritePerProject int
	// Window is the quota period (Google: one minute). A shorter one
	// compresses time for a fleet benchmark.
	Window time.Duration
	// ProjectNumber names the consumer in the 429's message and metadata.
	ProjectNumber string
}

// DefaultQuota is Google's default for the Sheets API ("Usage limits"):
// 300 read and 300 write requests per minute per project, 60 of each per
// minute per user per project.
func DefaultQuota() Quota {
	return Quota{ReadPerUser: 60, ReadPerProject: 300, WritePerUser: 60, WritePerProject: 300,
		Window: time.Minute, ProjectNumber: "000000000000"}
}

// SetQuota enforces q on every API call from now on, counting afresh;
// nil lifts it. A new fake has no quota.
func (s *Server) SetQuota(q *Quota) {
	var m *quotaMeter
	if q != nil {
		m = newQuotaMeter(*q)
	}
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.quota = m
}

// anonymous is the one user of a fake that checks no token.
const anonymous = "anonymous"

type callerKey struct{}

// withCaller records the principal an auth layer found in the request's
// token, for the per-user quota.
func withCaller(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, callerKey{}, principal)
}

func callerOf(r *http.Request) string {
	if p, ok := r.Context().Value(callerKey{}).(string); ok && p != "" {
		return p
	}
	return anonymous
}

// quotaMeter counts calls in fixed windows aligned to multiples of the
// window: Google's per-minute quotas are "refilled every minute", so a
// window's calls are forgotten as a whole when the next one starts, not
// one by one as a sliding window would. A refused call uses no quota.
type quotaMeter struct {
	q   Quota
	now func() time.Time

	mu     sync.Mutex
	window int64          // index of the current window
	used   map[string]int // "read|write user/project" → calls admitted in it
}

func newQuotaMeter(q Quota) *quotaMeter {
	if q.Window <= 0 {
		q.Window = time.Minute
	}
	return &quotaMeter{q: q, now: time.Now, used: map[string]int{}}
}

// admit counts one call of kind ("Read" or "Write") by user, or returns
// the 429 of the first limit it would exceed: the user's, then the
// project's.
func (m *quotaMeter) admit(kind, user string) *apiError {
	m.mu.Lock()
	defer m.mu.Unlock()
	if w := m.now().UnixNano() / int64(m.q.Window); w != m.window {
		m.window, m.used = w, map[string]int{}
	}
	perUser, perProject := m.q.ReadPerUser, m.q.ReadPerProject
	if kind == "Write" {
		perUser, perProject = m.q.WritePerUser, m.q.WritePerProject
	}
	userKey, projectKey := kind+" user "+user, kind+" project"
	switch {
	case perUser > 0 && m.used[userKey] >= perUser:
		return quotaExceeded(kind, true, perUser, m.q.ProjectNumber)
	case perProject > 0 && m.used[projectKey] >= perProject:
		return quotaExceeded(kind, false, perProject, m.q.ProjectNumber)
	}
	m.used[userKey]++
	m.used[projectKey]++
	return nil
}

// quotaExceeded is Google's 429 for a Sheets quota, as recorded: the
// message names the metric and the limit, the ErrorInfo carries them as
// metadata, and a Help link points at quota increases. Google sends no
// Retry-After with it.
func quotaExceeded(kind string, perUser bool, limit int, project string) *apiError {
	limitName, limitID := kind+" requests per minute", kind+"RequestsPerMinutePerProject"
	if perUser {
		limitName, limitID = kind+" requests per minute per user", kind+"RequestsPerMinutePerUser"
	}
	metric := "sheets.googleapis.com/read_requests"
	if kind == "Write" {
		metric = "sheets.googleapis.com/write_requests"
	}
	return &apiError{code: http.StatusTooManyRequests, status: "RESOURCE_EXHAUSTED",
		message: fmt.Sprintf("Quota exceeded for quota metric '%s requests' and limit '%s' of service 'sheets.googleapis.com' for consumer 'project_number:%s'.", kind, limitName, project),
		details: []any{
			map[string]any{
				"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
				"reason": "RATE_LIMIT_EXCEEDED",
				"domain": "googleapis.com",
				"metadata": map[string]any{
					"quota_location":    "global",
					"quota_metric":      metric,
					"quota_limit":       limitID,
					"quota_limit_value": strconv.Itoa(limit),
					"consumer":          "projects/" + project,
					"service":           "sheets.googleapis.com",
				},
			},
			map[string]any{
				"@type": "type.googleapis.com/google.rpc.Help",
				"links": []any{map[string]any{
					"description": "Request a higher quota limit.",
					"url":         "https://cloud.google.com/docs/quota#requesting_higher_quota",
				}},
			},
		}}
}

// withQuota answers 429 for a call over the quota before the API sees it,
// as Google's front end does; reads are GETs, writes the batchUpdates.
// Calls to URLs the API does not have use no quota.
func (s *Server) withQuota(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ctl.Lock()
		meter := s.quota
		s.ctl.Unlock()
		rt := matchRoute(r.Method, r.URL.EscapedPath())
		if meter == nil || rt.handle == nil {
			next.ServeHTTP(w, r)
			return
		}
		kind := "Read"
		if r.Method != http.MethodGet {
			kind = "Write"
		}
		e := meter.admit(kind, callerOf(r))
		if e == nil {
			next.ServeHTTP(w, r)
			return
		}
		cw := &countingWriter{ResponseWriter: w}
		writeError(cw, r, e)
		s.ctl.Lock()
		s.records = append(s.records, RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Operation: rt.op, Status: cw.status, ResponseSize: cw.size})
		s.ctl.Unlock()
	})
}
