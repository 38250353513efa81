package fakesheets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The replay test feeds recordings of real Google Sheets traffic (see
// testdata/cassettes/README.md) to the fake and compares the answers on what
// matters to a client.
//
// Skips, and why each is legitimate:
//   - Drive API calls (www.googleapis.com/drive) are not sent: the fake
//     implements the Sheets API only. They are still read for the world
//     state they reveal: a files.create becomes CreateSpreadsheet with the
//     same title, files.list / files.get name spreadsheets that already
//     existed in the recording account (seeded with their title), and
//     files.delete removes the spreadsheet so later calls would 404 like in
//     Google. Exports and searches carry no Sheets state and are skipped.
//   - The fake serves only the methods the job calls. Recorded calls of
//     the others are translated where Google documents an equivalent, and
//     compared: values.get of a range is values.batchGet of that one range
//     (its valueRanges[0] is compared with the recorded ValueRange), and
//     values.update is values.batchUpdate of one range (its responses[0] is
//     compared; a refusal is expected with the "Invalid data[0]: " prefix
//     Google puts on batchUpdate errors, a malformed field under its path
//     in the batch, data[0].values for data.values). values.clear and a deleteSheet
//     request are not sent: the test applies their effect to the fake's
//     spreadsheet directly, as for Drive calls. Recordings whose subject
//     is a method the fake does not serve are left out (unservedSubjects).
//   - Formulas are not evaluated: formulaValues declares what the
//     recordings' formulas show, as a test would.
//
// privateSpreadsheets lists spreadsheet IDs that a recording reads without
// any Drive call revealing them: gspread's test_access_private_spreadsheet
// hard-codes the key of a spreadsheet owned by another account. The fake
// seeds such IDs as existing but not shared (DenyAccess), which is the world
// the recording was made in; the 403 is then the fake's own answer.
var privateSpreadsheets = map[string][]string{
	"ClientTest.test_access_private_spreadsheet.json": {"1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc"},
}

// unservedSubjects are recordings of a method the fake does not serve;
// their later reads depend on what it did.
var unservedSubjects = map[string]string{
	"WorksheetTest.test_append_row_with_empty_value.json": "values.append",
}

// formulaValues are the values the recordings' formulas show in Google.
var formulaValues = map[string]any{"=3/2": 1.5, "=4/2": 2.0, "= 1 / 1024": 1.0 / 1024}

func replayServer() *Server {
	var opts []Option
	for f, v := range formulaValues {
		opts = append(opts, WithFormulaValue(f, v))
	}
	return NewServer(opts...)
}

type cassette struct {
	Interactions []struct {
		Request struct {
			Method string          `json:"method"`
			URI    string          `json:"uri"`
			Body   json.RawMessage `json:"body"`
		} `json:"request"`
		Response struct {
			Status struct {
				Code int `json:"code"`
			} `json:"status"`
			Body struct {
				String string `json:"string"`
			} `json:"body"`
		} `json:"response"`
	} `json:"interactions"`
}

// bodyText returns a Betamax request body, stored either as a string or as
// {"string": ...}.
func bodyText(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		String string `json:"string"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.String
	}
	return ""
}

const (
	sheetsHost = "https://sheets.googleapis.com"
	driveFiles = "https://www.googleapis.com/drive/v3/files"
)

func TestReplayCassettes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cassettes", "*.json"))
	if err != nil {
		t.Fatalf("listing cassettes: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("no cassettes found")
	}
	var recordings, replayed, driveSkipped int
	for _, file := range files {
		name := filepath.Base(file)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
		var c cassette
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("decoding %s: %v", name, err)
		}
		if _, ok := unservedSubjects[name]; ok {
			continue
		}
		recordings++
		t.Run(name, func(t *testing.T) {
			r := &replayer{t: t, name: name, srv: replayServer(), ids: map[string]string{}, sheetIDs: map[string]map[int64]int64{}}
			defer r.srv.Close()
			for _, id := range privateSpreadsheets[name] {
				fake := r.srv.CreateSpreadsheet("private spreadsheet of another account")
				if err := r.srv.DenyAccess(fake); err != nil {
					t.Fatalf("denying access: %v", err)
				}
				r.ids[id] = fake
			}
			for i, it := range c.Interactions {
				uri := it.Request.URI
				reqBody := bodyText(it.Request.Body)
				switch {
				case strings.HasPrefix(uri, driveFiles):
					r.drive(i, it.Request.Method, uri, reqBody, it.Response.Body.String)
					driveSkipped++
				case strings.HasPrefix(uri, sheetsHost+"/"):
					r.sheets(i, it.Request.Method, uri, reqBody, it.Response.Status.Code, it.Response.Body.String)
					replayed++
				default:
					t.Errorf("interaction %d: unexpected host in %s", i, uri)
				}
			}
		})
	}
	t.Logf("replayed %d recordings: %d Sheets interactions compared, %d Drive calls not sent", recordings, replayed, driveSkipped)
}

type replayer struct {
	t    *testing.T
	name string
	srv  *Server
	// ids maps recorded spreadsheet IDs to the fake's.
	ids map[string]string
	// sheetIDs maps, per fake spreadsheet, recorded sheetIds to the fake's.
	sheetIDs map[string]map[int64]int64
}

// drive models the world state a Drive call reveals; the call itself is not
// sent (see the comment at the top of the file).
func (r *replayer) drive(i int, method, uri, reqBody, respBody string) {
	rest := strings.TrimPrefix(uri, driveFiles)
	path, _, _ := strings.Cut(rest, "?")
	switch {
	case method == http.MethodPost && path == "":
		var in struct {
			Name string `json:"name"`
		}
		var out struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(reqBody), &in); err != nil {
			r.t.Fatalf("interaction %d: Drive create body: %v", i, err)
		}
		if err := json.Unmarshal([]byte(respBody), &out); err != nil {
			r.t.Fatalf("interaction %d: Drive create response: %v", i, err)
		}
		r.ids[out.ID] = r.srv.CreateSpreadsheet(in.Name)
	case method == http.MethodGet && path == "":
		var list struct {
			Files []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"files"`
		}
		if err := json.Unmarshal([]byte(respBody), &list); err != nil {
			r.t.Fatalf("interaction %d: Drive list response: %v", i, err)
		}
		for _, f := range list.Files {
			r.seedExisting(f.ID, f.Name)
		}
	case method == http.MethodGet && !strings.Contains(path, "/export"):
		var f struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if json.Unmarshal([]byte(respBody), &f) == nil && f.ID != "" {
			r.seedExisting(f.ID, f.Name)
		}
	case method == http.MethodDelete:
		id := strings.TrimPrefix(path, "/")
		if fake, ok := r.ids[id]; ok {
			// Deleting an already deleted file is harmless here, as the
			// recording shows Google accepting it.
			_ = r.srv.DeleteSpreadsheet(fake)
		}
	}
}

func (r *replayer) seedExisting(id, name string) {
	if _, ok := r.ids[id]; !ok {
		r.ids[id] = r.srv.CreateSpreadsheet(name)
	}
}

// mapIDs rewrites recorded spreadsheet IDs into the fake's.
func (r *replayer) mapIDs(s string) string {
	for rec, fake := range r.ids {
		s = strings.ReplaceAll(s, rec, fake)
	}
	return s
}

// fakeID returns the fake spreadsheet ID a URI addresses.
func fakeIDOf(path string) string {
	rest := strings.TrimPrefix(path, "/v4/spreadsheets/")
	end := strings.IndexAny(rest, "/:?")
	if end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// mapSheetIDs rewrites "sheetId" numbers in a request body.
func (r *replayer) mapSheetIDs(body, fakeSS string) (string, error) {
	m := r.sheetIDs[fakeSS]
	if len(m) == 0 || !strings.Contains(body, "sheetId") {
		return body, nil
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("decoding body: %w", err)
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, val := range t {
				if n, ok := val.(json.Number); ok && k == "sheetId" {
					if i, err := n.Int64(); err == nil {
						if fake, ok := m[i]; ok {
							t[k] = json.Number(fmt.Sprint(fake))
						}
					}
					continue
				}
				walk(val)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding body: %w", err)
	}
	return string(out), nil
}

func (r *replayer) learnSheetID(fakeSS string, rec, fake any) {
	rn, ok1 := rec.(float64)
	fn, ok2 := fake.(float64)
	if !ok1 || !ok2 {
		return
	}
	if r.sheetIDs[fakeSS] == nil {
		r.sheetIDs[fakeSS] = map[int64]int64{}
	}
	r.sheetIDs[fakeSS][int64(rn)] = int64(fn)
}

// inBatch is a recorded refusal of a one-range method as Google words it
// for the same range in a batch: a field of the body is named by its proto
// path, data[0]; other refusals get the batch's prefix.
func inBatch(m, prefix string) string {
	if rest, ok := strings.CutPrefix(m, "Invalid value at 'data."); ok {
		return "Invalid value at 'data[0]." + rest
	}
	return prefix + m
}

// batchDetails is a recorded error's details as inBatch words them: a
// BadRequest names its fields under data[0] too.
func batchDetails(details any, prefix string) any {
	list, _ := details.([]any)
	for _, d := range list {
		m, _ := d.(map[string]any)
		violations, _ := m["fieldViolations"].([]any)
		for _, v := range violations {
			fv, _ := v.(map[string]any)
			if f, ok := fv["field"].(string); ok {
				fv["field"] = strings.Replace(f, "data.", "data[0].", 1)
			}
			if desc, ok := fv["description"].(string); ok {
				fv["description"] = inBatch(desc, prefix)
			}
		}
	}
	return details
}

// detailFields is what must match in an error's details, in order: each
// detail's @type and fields, except an ErrorInfo's metadata values (a
// project number, a quota's value), of which the keys must match.
func detailFields(details any) []any {
	list, _ := details.([]any)
	var out []any
	for _, d := range list {
		m, _ := d.(map[string]any)
		f := map[string]any{}
		for k, v := range m {
			f[k] = v
		}
		if md, ok := m["metadata"].(map[string]any); ok && m["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			keys := make([]string, 0, len(md))
			for k := range md {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			f["metadata"] = keys
		}
		out = append(out, f)
	}
	return out
}

// translated is a recorded call as the fake serves it: the request to send
// and how to find the recorded answer's equivalent in the fake's.
type translated struct {
	method, path, body string
	// answer picks the part of the fake's answer to compare (nil: all).
	answer func(map[string]any) map[string]any
	// errPrefix is what the served method puts before a recorded error.
	errPrefix string
	// local is set when the call is not sent: its effect was applied.
	local bool
}

// translate maps a recorded call to the methods the fake serves (see the
// comment at the top of the file).
func (r *replayer) translate(i int, method, path, body string) translated {
	p, rawQuery, _ := strings.Cut(path, "?")
	tail, isValues := strings.CutPrefix(p, "/v4/spreadsheets/"+fakeIDOf(p)+"/values/")
	if !isValues {
		if method == http.MethodPost && strings.HasSuffix(p, ":batchUpdate") && r.deleteSheets(i, fakeIDOf(p), body) {
			return translated{local: true}
		}
		return translated{method: method, path: path, body: body}
	}
	id := fakeIDOf(p)
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		r.t.Fatalf("interaction %d: query: %v", i, err)
	}
	first := func(m map[string]any) map[string]any {
		for _, k := range []string{"valueRanges", "responses"} {
			if l, ok := m[k].([]any); ok && len(l) == 1 {
				one, _ := l[0].(map[string]any)
				return one
			}
		}
		return map[string]any{}
	}
	switch {
	case method == http.MethodPost && strings.HasSuffix(tail, ":clear"):
		rng, err := url.PathUnescape(strings.TrimSuffix(tail, ":clear"))
		if err != nil {
			r.t.Fatalf("interaction %d: range: %v", i, err)
		}
		r.clear(i, id, rng)
		return translated{local: true}
	case method == http.MethodGet:
		rng, err := url.PathUnescape(tail)
		if err != nil {
			r.t.Fatalf("interaction %d: range: %v", i, err)
		}
		q.Set("ranges", rng)
		return translated{method: method, path: "/v4/spreadsheets/" + id + "/values:batchGet?" + q.Encode(), answer: first}
	case method == http.MethodPut:
		rng, err := url.PathUnescape(tail)
		if err != nil {
			r.t.Fatalf("interaction %d: range: %v", i, err)
		}
		vr := map[string]json.RawMessage{}
		if strings.TrimSpace(body) != "" {
			if err := json.Unmarshal([]byte(body), &vr); err != nil {
				r.t.Fatalf("interaction %d: update body: %v", i, err)
			}
		}
		vr["range"], _ = json.Marshal(rng)
		batch := map[string]any{"valueInputOption": q.Get("valueInputOption"), "data": []any{vr}}
		for _, k := range []string{"includeValuesInResponse", "responseValueRenderOption", "responseDateTimeRenderOption"} {
			if v := q.Get(k); v != "" {
				if k == "includeValuesInResponse" {
					batch[k] = strings.EqualFold(v, "true")
				} else {
					batch[k] = v
				}
			}
		}
		b, err := json.Marshal(batch)
		if err != nil {
			r.t.Fatalf("interaction %d: %v", i, err)
		}
		return translated{method: http.MethodPost, path: "/v4/spreadsheets/" + id + "/values:batchUpdate", body: string(b), answer: first, errPrefix: "Invalid data[0]: "}
	}
	r.t.Fatalf("interaction %d: %s %s has no translation", i, method, path)
	return translated{}
}

// clear applies a recorded values.clear to the fake's spreadsheet.
func (r *replayer) clear(i int, id, rng string) {
	st := r.srv.store
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, apiErr := st.lookup(id)
	if apiErr != nil {
		r.t.Fatalf("interaction %d: clear: %v", i, apiErr)
	}
	g, err := ss.resolve(rng)
	if err != nil {
		r.t.Fatalf("interaction %d: clear %q: %v", i, rng, err)
	}
	g.sheet.clearRect(g.r0, g.c0, g.r1, g.c1)
}

// deleteSheets applies a recorded batchUpdate made only of deleteSheet
// requests to the fake's spreadsheet and reports whether it did.
func (r *replayer) deleteSheets(i int, id, body string) bool {
	var in struct {
		Requests []map[string]struct {
			SheetID int64 `json:"sheetId"`
		} `json:"requests"`
	}
	if json.Unmarshal([]byte(body), &in) != nil || len(in.Requests) == 0 {
		return false
	}
	for _, req := range in.Requests {
		if _, ok := req["deleteSheet"]; !ok || len(req) != 1 {
			return false
		}
	}
	st := r.srv.store
	st.mu.Lock()
	defer st.mu.Unlock()
	ss, apiErr := st.lookup(id)
	if apiErr != nil {
		r.t.Fatalf("interaction %d: deleteSheet: %v", i, apiErr)
	}
	for _, req := range in.Requests {
		sh := ss.sheetByID(req["deleteSheet"].SheetID)
		if sh == nil {
			r.t.Fatalf("interaction %d: deleteSheet: no sheet %d", i, req["deleteSheet"].SheetID)
		}
		ss.sheets = append(ss.sheets[:ss.sheetIndex(sh)], ss.sheets[ss.sheetIndex(sh)+1:]...)
	}
	return true
}

func (r *replayer) sheets(i int, method, uri, reqBody string, wantStatus int, wantBody string) {
	t := r.t
	path := r.mapIDs(strings.TrimPrefix(uri, sheetsHost))
	fakeSS := fakeIDOf(path)
	body, err := r.mapSheetIDs(r.mapIDs(reqBody), fakeSS)
	if err != nil {
		t.Fatalf("interaction %d: %v", i, err)
	}
	tr := r.translate(i, method, path, body)
	if tr.local {
		return
	}
	req, err := http.NewRequest(tr.method, r.srv.URL()+tr.path, strings.NewReader(tr.body))
	if err != nil {
		t.Fatalf("interaction %d: building request: %v", i, err)
	}
	if tr.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("interaction %d: %s %s: %v", i, tr.method, tr.path, err)
	}
	gotRaw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatalf("interaction %d: reading response: %v", i, err)
	}
	label := fmt.Sprintf("interaction %d (%s %s)", i, method, strings.TrimPrefix(uri, sheetsHost))
	if resp.StatusCode != wantStatus {
		t.Errorf("%s: status: recorded %d, fake %d: %s", label, wantStatus, resp.StatusCode, bytes.TrimSpace(gotRaw))
		return
	}
	var want, got map[string]any
	if err := json.Unmarshal([]byte(wantBody), &want); err != nil {
		t.Fatalf("%s: recorded body is not JSON: %v", label, err)
	}
	if err := json.Unmarshal(gotRaw, &got); err != nil {
		t.Errorf("%s: fake body is not JSON: %v: %s", label, err, gotRaw)
		return
	}
	c := &comparer{t: t, label: label}
	if wantStatus >= 400 {
		we, _ := want["error"].(map[string]any)
		ge, _ := got["error"].(map[string]any)
		if m, ok := we["message"].(string); ok && tr.errPrefix != "" {
			we["message"] = inBatch(m, tr.errPrefix)
			we["details"] = batchDetails(we["details"], tr.errPrefix)
		}
		for _, k := range []string{"code", "status", "message"} {
			c.eq("error."+k, we[k], ge[k])
		}
		c.eq("error.details", detailFields(we["details"]), detailFields(ge["details"]))
		return
	}
	if tr.answer != nil {
		got = tr.answer(got)
	}
	c.valueFields("", want, got)
	if ws, ok := want["sheets"].([]any); ok {
		gs, _ := got["sheets"].([]any)
		c.sheets(ws, gs)
		if len(ws) == len(gs) {
			for j := range ws {
				wp, _ := ws[j].(map[string]any)["properties"].(map[string]any)
				gp, _ := gs[j].(map[string]any)["properties"].(map[string]any)
				r.learnSheetID(fakeSS, wp["sheetId"], gp["sheetId"])
			}
		}
	}
	if wp, ok := want["properties"].(map[string]any); ok {
		gp, _ := got["properties"].(map[string]any)
		c.eq("properties.title", wp["title"], gp["title"])
	}
	if wr, ok := want["replies"].([]any); ok {
		gr, _ := got["replies"].([]any)
		c.replies(wr, gr)
		if len(wr) == len(gr) {
			for j := range wr {
				if wa, ok := wr[j].(map[string]any)["addSheet"].(map[string]any); ok {
					ga, _ := gr[j].(map[string]any)["addSheet"].(map[string]any)
					wp, _ := wa["properties"].(map[string]any)
					gp, _ := ga["properties"].(map[string]any)
					r.learnSheetID(fakeSS, wp["sheetId"], gp["sheetId"])
				}
			}
		}
	}
}

type comparer struct {
	t     *testing.T
	label string
}

func (c *comparer) eq(field string, want, got any) {
	if !reflect.DeepEqual(want, got) {
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		c.t.Errorf("%s: %s: recorded %s, fake %s", c.label, field, wj, gj)
	}
}

// valueFields compares the fields of value responses, recursing into the
// nested shapes of append, batchGet and batchUpdate.
func (c *comparer) valueFields(prefix string, want, got map[string]any) {
	for _, k := range []string{"values", "range", "majorDimension", "updatedRange", "updatedRows",
		"updatedColumns", "updatedCells", "clearedRange", "clearedRanges", "tableRange",
		"totalUpdatedRows", "totalUpdatedColumns", "totalUpdatedCells", "totalUpdatedSheets"} {
		w, inW := want[k]
		g, inG := got[k]
		if inW || inG {
			c.eq(prefix+k, w, g)
		}
	}
	for _, k := range []string{"updates", "updatedData"} {
		w, inW := want[k].(map[string]any)
		g, inG := got[k].(map[string]any)
		if inW != inG {
			c.eq(prefix+k, want[k], got[k])
			continue
		}
		if inW {
			c.valueFields(prefix+k+".", w, g)
		}
	}
	for _, k := range []string{"valueRanges", "responses"} {
		w, _ := want[k].([]any)
		g, _ := got[k].([]any)
		if len(w) != len(g) {
			c.eq(prefix+k, w, g)
			continue
		}
		for j := range w {
			wm, _ := w[j].(map[string]any)
			gm, _ := g[j].(map[string]any)
			c.valueFields(fmt.Sprintf("%s%s[%d].", prefix, k, j), wm, gm)
		}
	}
}

// withoutKeys copies a JSON object minus IDs that legitimately differ.
func withoutKeys(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if !contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

func (c *comparer) sheets(want, got []any) {
	if len(want) != len(got) {
		c.eq("sheets (count)", len(want), len(got))
		return
	}
	for j := range want {
		w, _ := want[j].(map[string]any)
		g, _ := got[j].(map[string]any)
		wp, _ := w["properties"].(map[string]any)
		gp, _ := g["properties"].(map[string]any)
		c.eq(fmt.Sprintf("sheets[%d].properties", j), withoutKeys(wp, "sheetId"), withoutKeys(gp, "sheetId"))
		wpr, _ := w["protectedRanges"].([]any)
		gpr, _ := g["protectedRanges"].([]any)
		c.protectedRanges(fmt.Sprintf("sheets[%d].protectedRanges", j), wpr, gpr)
	}
}

// protectedRanges compares shape and range; IDs and the editor accounts
// (which name the recording's service account) are not compared.
func (c *comparer) protectedRanges(field string, want, got []any) {
	if len(want) != len(got) {
		c.eq(field+" (count)", len(want), len(got))
		return
	}
	for j := range want {
		w, _ := want[j].(map[string]any)
		g, _ := got[j].(map[string]any)
		c.eq(fmt.Sprintf("%s[%d] keys", field, j), keysOf(w), keysOf(g))
		wr, _ := w["range"].(map[string]any)
		gr, _ := g["range"].(map[string]any)
		c.eq(fmt.Sprintf("%s[%d].range", field, j), withoutKeys(wr, "sheetId"), withoutKeys(gr, "sheetId"))
		c.eq(fmt.Sprintf("%s[%d].requestingUserCanEdit", field, j), w["requestingUserCanEdit"], g["requestingUserCanEdit"])
		we, _ := w["editors"].(map[string]any)
		ge, _ := g["editors"].(map[string]any)
		c.eq(fmt.Sprintf("%s[%d].editors keys", field, j), keysOf(we), keysOf(ge))
	}
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *comparer) replies(want, got []any) {
	if len(want) != len(got) {
		c.eq("replies (count)", len(want), len(got))
		return
	}
	for j := range want {
		w, _ := want[j].(map[string]any)
		g, _ := got[j].(map[string]any)
		field := fmt.Sprintf("replies[%d]", j)
		c.eq(field+" keys", keysOf(w), keysOf(g))
		if wa, ok := w["addSheet"].(map[string]any); ok {
			ga, _ := g["addSheet"].(map[string]any)
			wp, _ := wa["properties"].(map[string]any)
			gp, _ := ga["properties"].(map[string]any)
			c.eq(field+".addSheet.properties", withoutKeys(wp, "sheetId"), withoutKeys(gp, "sheetId"))
		}
		if wa, ok := w["addProtectedRange"].(map[string]any); ok {
			ga, _ := g["addProtectedRange"].(map[string]any)
			wp, _ := wa["protectedRange"].(map[string]any)
			gp, _ := ga["protectedRange"].(map[string]any)
			c.protectedRanges(field+".addProtectedRange.protectedRange", []any{wp}, []any{gp})
		}
	}
}
