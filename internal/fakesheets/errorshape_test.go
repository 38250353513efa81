package fakesheets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2/google"
)

// recordedError is one error answer in the recordings of real traffic.
type recordedError struct {
	file        string
	code        int
	contentType string
	body        string
}

func recordedErrors(t *testing.T) []recordedError {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cassettes", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cassettes: %v", err)
	}
	var out []recordedError
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Interactions []struct {
				Request  struct{ URI string }
				Response struct {
					Status  struct{ Code int }
					Headers map[string][]string
					Body    struct{ String string }
				}
			}
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, it := range c.Interactions {
			if it.Response.Status.Code >= 400 && strings.HasPrefix(it.Request.URI, sheetsHost) {
				out = append(out, recordedError{filepath.Base(f), it.Response.Status.Code,
					strings.Join(it.Response.Headers["Content-Type"], ","), it.Response.Body.String})
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the cassettes hold no Sheets error")
	}
	return out
}

// shape is the skeleton of a JSON document: objects with their keys in
// order, arrays with the shapes of their elements, and scalar types.
func shape(t *testing.T, doc string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var walk func() string
	walk = func() string {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("shape of %s: %v", doc, err)
		}
		switch tok := tok.(type) {
		case json.Delim:
			var parts []string
			for dec.More() {
				if tok == '{' {
					k, _ := dec.Token()
					parts = append(parts, fmt.Sprint(k)+":"+walk())
				} else {
					parts = append(parts, walk())
				}
			}
			_, _ = dec.Token()
			if tok == '{' {
				return "{" + strings.Join(parts, ",") + "}"
			}
			return "[" + strings.Join(parts, ",") + "]"
		case json.Number:
			return "number"
		case string:
			return "string"
		}
		return fmt.Sprintf("%T", tok)
	}
	return walk()
}

// documentedDetails are the shapes of the detail messages the fake sends
// that no recording holds, from google/rpc/error_details.proto (fields in
// proto order; ErrorInfo's metadata is a map, its keys vary).
var documentedDetails = map[string]string{
	"type.googleapis.com/google.rpc.ErrorInfo": "{@type:string,reason:string,domain:string,metadata:{*}}",
	"type.googleapis.com/google.rpc.Help":      "{@type:string,links:[{description:string,url:string}]}",
}

// TestErrorShapesMatchRecordings: every kind of error the fake answers
// has the envelope, detail shapes, status names, formatting and content
// type of the errors in the recordings of real traffic, and those the
// recordings hold (403 not shared, 400 a field of the wrong type) match
// them field by field.
func TestErrorShapesMatchRecordings(t *testing.T) {
	rec := recordedErrors(t)
	envelopes := map[string]bool{}
	detailShapes := map[string]string{}
	for _, r := range rec {
		var doc struct {
			Error struct {
				Status  string
				Details []json.RawMessage
			}
		}
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatalf("%s: %v", r.file, err)
		}
		if statusNames[r.code] != doc.Error.Status {
			t.Errorf("%s: Google pairs %d with %s, the fake with %s", r.file, r.code, doc.Error.Status, statusNames[r.code])
		}
		if googleLayout(r.body) != r.body {
			t.Fatalf("%s: the recorded layout is not the one this test expects", r.file)
		}
		envelopes[envelope(t, r.body)] = true
		for _, d := range doc.Error.Details {
			var typ struct {
				Type string `json:"@type"`
			}
			_ = json.Unmarshal(d, &typ)
			detailShapes[typ.Type] = shape(t, string(d))
		}
	}
	contentType := rec[0].contentType

	clock := time.Now()
	srv := NewServer(WithAuth(Auth{Now: func() time.Time { return clock }, TokenTTL: time.Minute}))
	defer srv.Close()
	id := srv.CreateSpreadsheet("shapes", Tab{Title: "Sheet1", Rows: [][]any{{"a"}}})
	viewOnly := srv.CreateSpreadsheet("view only")
	if err := srv.ShareAsViewer(viewOnly); err != nil {
		t.Fatal(err)
	}
	full, readOnly := tokenFor(t, srv, authScope+"spreadsheets"), tokenFor(t, srv, authScope+"spreadsheets.readonly")
	base := "/v4/spreadsheets/" + id
	type call struct {
		name, method, path, body, token string
		want, fail                      int
		// as is the recording of the same refusal, to match field by field.
		as string
	}
	calls := []call{
		{name: "unknown spreadsheet", want: 404, method: "GET", path: "/v4/spreadsheets/nope", token: full},
		{name: "unknown method", want: 404, method: "GET", path: base + "/values/A1", token: full},
		{name: "view-only write", want: 403, as: privateRead, method: "POST", path: "/v4/spreadsheets/" + viewOnly + "/values:batchUpdate", body: `{"valueInputOption":"RAW","data":[{"range":"A1","values":[["x"]]}]}`, token: full},
		{name: "bad range", want: 400, method: "GET", path: base + "/values:batchGet?ranges=Nope!A1", token: full},
		{name: "field of the wrong type", want: 400, as: wrongType, method: "POST", path: base + "/values:batchUpdate", body: `{"valueInputOption":"RAW","data":[{"range":"A1","values":"X"}]}`, token: full},
		{name: "bad field mask", want: 400, method: "GET", path: base + "?fields=sheets(", token: full},
		{name: "no token", want: 401, method: "GET", path: base},
		{name: "unknown token", want: 401, method: "GET", path: base, token: "ya29.not-issued"},
		{name: "read-only token writes", want: 403, method: "POST", path: base + "/values:batchUpdate", body: `{"valueInputOption":"RAW","data":[]}`, token: readOnly},
	}
	for _, code := range []int{400, 401, 403, 404, 409, 429, 500, 503, 504} {
		c := call{name: fmt.Sprintf("injected %d", code), want: code, method: "GET", path: base, token: full, fail: code}
		if code == 403 {
			c.as = privateRead
		}
		calls = append(calls, c)
	}
	// Last: it moves the clock past every token's end.
	calls = append(calls, call{name: "expired token", want: 401, method: "GET", path: base, token: full})
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "expired token" {
				clock = clock.Add(time.Minute)
			}
			srv.FailNext(0, 0)
			if c.fail != 0 {
				srv.FailNext(1, c.fail)
			}
			code, ct, body := send(t, srv, c.method, c.path, c.body, c.token)
			if code != c.want {
				t.Fatalf("status %d, want %d: %s", code, c.want, body)
			}
			if ct != contentType {
				t.Errorf("Content-Type %q, recorded %q", ct, contentType)
			}
			if googleLayout(body) != body {
				t.Errorf("not laid out as Google's errors (two-space indent, final newline):\n%s", body)
			}
			if env := envelope(t, body); !envelopes[env] {
				t.Errorf("envelope %s is none of the recorded %v", env, envelopes)
			}
			var doc struct {
				Error struct {
					Code    int
					Status  string
					Details []json.RawMessage
				}
			}
			_ = json.Unmarshal([]byte(body), &doc)
			if doc.Error.Code != code || doc.Error.Status != statusNames[code] {
				t.Errorf("HTTP %d with error.code %d, status %s", code, doc.Error.Code, doc.Error.Status)
			}
			for _, d := range doc.Error.Details {
				checkDetail(t, string(d), detailShapes)
			}
			if c.as != "" {
				sameFields(t, recordedBody(t, rec, c.as), body)
			}
		})
	}
}

// The recordings of refusals the fake also gives: a spreadsheet not
// shared with the caller, and values.update of a field of the wrong type.
const (
	privateRead = "ClientTest.test_access_private_spreadsheet.json"
	wrongType   = "WorksheetTest.test_add_validation.json"
)

func recordedBody(t *testing.T, rec []recordedError, file string) string {
	t.Helper()
	for _, r := range rec {
		if r.file == file {
			return r.body
		}
	}
	t.Fatalf("no recorded error in %s", file)
	return ""
}

// sameFields compares an error of the fake with the recorded one field by
// field: code, status, message and details (see detailFields), the
// recorded values.update refusal worded as for values.batchUpdate.
func sameFields(t *testing.T, recorded, fake string) {
	t.Helper()
	var want, got struct{ Error map[string]any }
	if json.Unmarshal([]byte(recorded), &want) != nil || json.Unmarshal([]byte(fake), &got) != nil {
		t.Fatalf("not JSON: %s / %s", recorded, fake)
	}
	if m, _ := want.Error["message"].(string); strings.HasPrefix(m, "Invalid value at 'data.") {
		want.Error["message"] = inBatch(m, "Invalid data[0]: ")
		want.Error["details"] = batchDetails(want.Error["details"], "Invalid data[0]: ")
	}
	for _, k := range []string{"code", "status", "message"} {
		if !reflect.DeepEqual(want.Error[k], got.Error[k]) {
			t.Errorf("error.%s: recorded %v, fake %v", k, want.Error[k], got.Error[k])
		}
	}
	if w, g := detailFields(want.Error["details"]), detailFields(got.Error["details"]); !reflect.DeepEqual(w, g) {
		t.Errorf("error.details: recorded %v, fake %v", w, g)
	}
}

// googleLayout is doc laid out as Google lays out its errors.
func googleLayout(doc string) string {
	var compact, pretty bytes.Buffer
	if json.Compact(&compact, []byte(doc)) != nil || json.Indent(&pretty, compact.Bytes(), "", "  ") != nil {
		return ""
	}
	return pretty.String() + "\n"
}

// envelope is the shape of an error without its details' contents.
func envelope(t *testing.T, body string) string {
	s := shape(t, body)
	if i := strings.Index(s, ",details:["); i >= 0 {
		return s[:i] + ",details:[…]}}"
	}
	return s
}

// stringMap is the shape of a map<string, string> field.
var stringMap = regexp.MustCompile(`metadata:\{(?:[^:{}\[\],]+:string,?)*\}`)

// checkDetail compares a detail with the recorded one of its @type, else
// with the documented shape.
func checkDetail(t *testing.T, d string, recorded map[string]string) {
	t.Helper()
	got := shape(t, d)
	if !strings.HasPrefix(got, "{@type:string") {
		t.Errorf("detail %s does not start with @type", d)
		return
	}
	var typ struct {
		Type string `json:"@type"`
	}
	_ = json.Unmarshal([]byte(d), &typ)
	if want, ok := recorded[typ.Type]; ok {
		if got != want {
			t.Errorf("%s detail shape %s, recorded %s", typ.Type, got, want)
		}
		return
	}
	want, ok := documentedDetails[typ.Type]
	if !ok {
		t.Errorf("detail type %q is neither recorded nor documented", typ.Type)
		return
	}
	got = stringMap.ReplaceAllString(got, "metadata:{*}")
	if got != want {
		t.Errorf("%s detail shape %s, documented %s", typ.Type, got, want)
	}
}

// tokenFor asks the fake's token endpoint for a token, as a service
// account's client does.
func tokenFor(t *testing.T, srv *Server, scope string) string {
	t.Helper()
	tok, err := grantToken(srv, scope)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// grantToken gets a token from the fake's token endpoint with the
// service account's key through the oauth2 library, as the job does.
func grantToken(srv *Server, scope string) (string, error) {
	cfg, err := google.JWTConfigFromJSON(srv.ServiceAccountKey(), scope)
	if err != nil {
		return "", err
	}
	tok, err := cfg.TokenSource(context.Background()).Token()
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

func send(t *testing.T, srv *Server, method, path, body, token string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}
