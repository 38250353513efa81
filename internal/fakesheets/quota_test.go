package fakesheets

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// TestQuotaMeter: Google's rules, one step at a time on a fixed clock.
// Per user and per project, reads and writes apart; a refused call uses
// nothing; the next window starts afresh as a whole.
func TestQuotaMeter(t *testing.T) {
	q := Quota{ReadPerUser: 2, ReadPerProject: 3, WritePerUser: 1, WritePerProject: 5, Window: time.Minute, ProjectNumber: "123"}
	m := newQuotaMeter(q)
	now := time.Date(2026, 12, 1, 9, 0, 10, 0, time.UTC)
	m.now = func() time.Time { return now }
	type step struct {
		at         time.Duration // after 09:00:10
		kind, user string
		want       string // "" admitted, else the quota_limit refused
	}
	steps := []step{
		{0, "Read", "a", ""},
		{0, "Read", "a", ""},
		{0, "Read", "a", "ReadRequestsPerMinutePerUser"},
		{0, "Write", "a", ""}, // writes are counted apart
		{0, "Write", "a", "WriteRequestsPerMinutePerUser"},
		{0, "Read", "b", ""},
		{0, "Read", "c", "ReadRequestsPerMinutePerProject"}, // a's refused read used nothing, the project's 3 are a, a, b
		{0, "Read", "b", "ReadRequestsPerMinutePerProject"},
		{49 * time.Second, "Read", "a", "ReadRequestsPerMinutePerUser"}, // 09:00:59: still the same minute
		{50 * time.Second, "Read", "a", ""},                             // 09:01:00: a new window, whole
		{50 * time.Second, "Read", "c", ""},                             // not 60 s after the first call: a fixed window, not a sliding one
		{50 * time.Second, "Write", "a", ""},
		{110 * time.Second, "Read", "a", ""},
	}
	start := now
	for i, s := range steps {
		now = start.Add(s.at)
		e := m.admit(s.kind, s.user)
		got := ""
		if e != nil {
			got = e.details[0].(map[string]any)["metadata"].(map[string]any)["quota_limit"].(string)
		}
		if got != s.want {
			t.Errorf("step %d (%s, %s by %s): refused by %q, want %q", i, now.Format("15:04:05"), s.kind, s.user, got, s.want)
		}
	}
}

// TestQuotaOverHTTP: the 429 the real client gets is Google's, field by
// field; the call is refused before the API sees it, and recorded.
func TestQuotaOverHTTP(t *testing.T) {
	q := DefaultQuota()
	q.ReadPerUser, q.ProjectNumber = 2, "603366585132"
	srv := NewServer()
	srv.SetQuota(&q)
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("quota", Tab{Title: "Sheet1", Rows: [][]any{{"a"}}})
	svc := srv.Service(context.Background())
	// The window is a real minute: wait out one that is about to end, so
	// the three reads fall in one.
	if left := time.Minute - time.Duration(time.Now().UnixNano()%int64(time.Minute)); left < 5*time.Second {
		time.Sleep(left)
	}
	var errs []error
	for range 3 {
		_, err := svc.Spreadsheets.Values.BatchGet(id).Ranges("Sheet1!A1").Do()
		errs = append(errs, err)
	}
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("reads within the quota: %v, %v", errs[0], errs[1])
	}
	var ge *googleapi.Error
	if !errors.As(errs[2], &ge) || ge.Code != 429 {
		t.Fatalf("third read: %v, want a 429", errs[2])
	}
	if ge.Header.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q: Google sends none with a quota 429", ge.Header.Get("Retry-After"))
	}
	wantMsg := "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:603366585132'."
	if ge.Message != wantMsg {
		t.Errorf("message %q\nwant    %q", ge.Message, wantMsg)
	}
	var body struct {
		Error struct {
			Code    int              `json:"code"`
			Status  string           `json:"status"`
			Details []map[string]any `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(ge.Body), &body); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
			"metadata": map[string]any{"quota_location": "global", "quota_metric": "sheets.googleapis.com/read_requests",
				"quota_limit": "ReadRequestsPerMinutePerUser", "quota_limit_value": "2",
				"consumer": "projects/603366585132", "service": "sheets.googleapis.com"}},
		{"@type": "type.googleapis.com/google.rpc.Help", "links": []any{map[string]any{
			"description": "Request a higher quota limit.", "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"}}},
	}
	if body.Error.Code != 429 || body.Error.Status != "RESOURCE_EXHAUSTED" || !reflect.DeepEqual(body.Error.Details, want) {
		t.Errorf("body %s", ge.Body)
	}
	// A write has its own quota.
	if _, err := svc.Spreadsheets.Values.BatchUpdate(id, &sheets.BatchUpdateValuesRequest{ValueInputOption: "RAW",
		Data: []*sheets.ValueRange{{Range: "Sheet1!A1", Values: [][]any{{"b"}}}}}).Do(); err != nil {
		t.Errorf("write after the reads ran out: %v", err)
	}
	recs := srv.Requests()
	if len(recs) != 4 || recs[2].Status != 429 || recs[2].Operation != "spreadsheets.values.batchGet" {
		t.Errorf("records %+v", recs)
	}
}

// TestQuotaPerCaller: the per-user quota follows the principal an auth
// layer records; the project's is shared by all.
func TestQuotaPerCaller(t *testing.T) {
	q := DefaultQuota()
	q.ReadPerUser, q.ReadPerProject = 1, 2
	srv := NewServer()
	srv.SetQuota(&q)
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("quota", Tab{Title: "Sheet1"})
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.Handler().ServeHTTP(w, r.WithContext(withCaller(r.Context(), r.Header.Get("X-Test-Principal"))))
	}))
	t.Cleanup(auth.Close)
	read := func(who string) int {
		client := &http.Client{Transport: principalTransport(who)}
		svc, err := sheets.NewService(context.Background(), option.WithEndpoint(auth.URL+"/"),
			option.WithoutAuthentication(), option.WithHTTPClient(client))
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Spreadsheets.Get(id).Do()
		var ge *googleapi.Error
		if errors.As(err, &ge) {
			return ge.Code
		}
		if err != nil {
			t.Fatal(err)
		}
		return 200
	}
	if left := time.Minute - time.Duration(time.Now().UnixNano()%int64(time.Minute)); left < 5*time.Second {
		time.Sleep(left)
	}
	got := []int{read("a@x.iam.gserviceaccount.com"), read("a@x.iam.gserviceaccount.com"), read("b@x.iam.gserviceaccount.com"), read("")}
	if !reflect.DeepEqual(got, []int{200, 429, 200, 429}) {
		t.Errorf("statuses %v, want a's second refused, b admitted, then the project's 2 used up", got)
	}
}

type principalTransport string

func (p principalTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Test-Principal", string(p))
	return http.DefaultTransport.RoundTrip(r)
}
