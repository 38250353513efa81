package gsheets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"onboard/internal/sheet"
)

// Error is a failed call said in one line for the user. errors.Is finds
// its sheet.Err* kind and errors.As the client's error (*googleapi.Error).
type Error struct {
	msg   string
	kind  error
	cause error
}

func (e *Error) Error() string { return e.msg }

// Unwrap returns the kind and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	for _, err := range []error{e.kind, e.cause} {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

func newError(kind, cause error, format string, args ...any) *Error {
	return &Error{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}

// apiCode returns the HTTP status and message of a Google API error.
func apiCode(err error) (int, string) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return 0, ""
	}
	return ge.Code, ge.Message
}

// isBadRange reports Google's 400 for a range naming a tab that does not
// exist.
func isBadRange(err error) bool {
	code, msg := apiCode(err)
	return code == http.StatusBadRequest && strings.Contains(msg, "Unable to parse range")
}

// isGridLimit reports Google's 400 for a write outside the tab's grid.
func isGridLimit(err error) bool {
	code, msg := apiCode(err)
	return code == http.StatusBadRequest && strings.Contains(msg, "exceeds grid limits")
}

// fail turns a call's error into one clear line naming what to do.
func (s *Spreadsheet) fail(op string, err error) error {
	var done *Error
	if err == nil || errors.As(err, &done) {
		return err // nothing to say, or already said
	}
	if errors.Is(err, context.DeadlineExceeded) {
		if s.throttled {
			return quotaError(op, err, "")
		}
		if s.retrying != "" {
			return newError(nil, err, "Google Sheets %s: the run's deadline (--timeout) passed while retrying after %s", op, s.retrying)
		}
		return newError(nil, err, "Google Sheets %s: the run's deadline (--timeout) passed", op)
	}
	if errors.Is(err, context.Canceled) {
		return newError(nil, err, "Google Sheets %s: canceled", op)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code, desc := re.ErrorCode, re.ErrorDescription
		if code == "" { // the JWT flow leaves the body unparsed
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if json.Unmarshal(re.Body, &body) == nil {
				code, desc = body.Error, body.Description
			}
		}
		what := code
		if desc != "" {
			what += ": " + desc
		}
		if what == "" && re.Response != nil {
			what = re.Response.Status
		}
		return newError(sheet.ErrPermission, err, "could not get a Google access token for %s (%s): check the key file, or create a new key for the service account", s.who(), firstLine(what))
	}
	code, msg := apiCode(err)
	msg = firstLine(msg)
	switch {
	case code == http.StatusNotFound:
		return newError(sheet.ErrNotFound, err, "the spreadsheet was not found (404): check the ID or URL given to --sheet")
	case code == http.StatusForbidden && (strings.Contains(msg, "has not been used") || strings.Contains(msg, "is disabled")):
		return newError(sheet.ErrPermission, err, "the Google Sheets API is not enabled for the credentials' Google Cloud project: enable it (APIs & Services → Google Sheets API) and retry (%s)", msg)
	case code == http.StatusForbidden:
		if s.account == "" {
			return newError(sheet.ErrPermission, err, "the spreadsheet is not shared with the account of these credentials (403): share it with that account as 編集者 (Editor)")
		}
		return newError(sheet.ErrPermission, err, "the spreadsheet is not shared with the service account (403): open it, click 共有 (Share) and add %s as 編集者 (Editor)", s.account)
	case code == http.StatusUnauthorized:
		return newError(sheet.ErrPermission, err, "Google rejected the credentials for %s (401): check --credentials or GOOGLE_APPLICATION_CREDENTIALS", s.who())
	case code == http.StatusBadRequest && strings.Contains(msg, "not supported for this document"):
		return newError(sheet.ErrInvalid, err, "%s is not a Google Sheets spreadsheet (an .xlsx kept in Drive?): open it and use ファイル → Google スプレッドシートとして保存, then pass the new ID", s.id)
	case code == http.StatusBadRequest && strings.Contains(msg, "above the limit of"):
		return newError(sheet.ErrInvalid, err, "Google Sheets %s: the spreadsheet is at Google's size limit (%s): delete unused empty rows and columns (or tabs) to make room, then run again", op, msg)
	case code == http.StatusBadRequest:
		return newError(sheet.ErrInvalid, err, "Google Sheets %s: the request was refused (400): %s", op, msg)
	case code == http.StatusTooManyRequests:
		return quotaError(op, err, msg)
	case code >= 500:
		return newError(nil, err, "Google Sheets %s: the service answered %d on every attempt: run again later", op, code)
	case code != 0:
		return newError(nil, err, "Google Sheets %s: %d %s", op, code, msg)
	}
	return newError(nil, err, "Google Sheets %s: %s", op, firstLine(err.Error()))
}

// quotaLimit finds the limit a 429 names: "limit 'Read requests per
// minute per user' of service" in the message.
var quotaLimit = regexp.MustCompile(`limit '([^']+)'`)

// quotaError says that the Sheets API's per-minute quota, not the sheet,
// kept the run from finishing within --timeout, and what lifts it.
func quotaError(op string, err error, msg string) *Error {
	limit := "per-minute quota"
	if m := quotaLimit.FindStringSubmatch(msg); m != nil {
		limit = fmt.Sprintf("quota %q", m[1])
		if v := quotaValue(err); v != "" {
			limit += " (" + v + ")"
		}
	}
	return newError(nil, err, "Google Sheets %s: the Sheets API's %s stayed used up until --timeout ran out (429 RESOURCE_EXHAUSTED): "+
		"spread the jobs' start times (--spread), put fewer sheets on one service account, or ask Google for a higher quota (Google Cloud console → IAM & Admin → Quotas, Google Sheets API)", op, limit)
}

// quotaValue is the quota_limit_value of a 429's ErrorInfo, or "".
func quotaValue(err error) string {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return ""
	}
	for _, d := range ge.Details {
		m, _ := d.(map[string]any)
		md, _ := m["metadata"].(map[string]any)
		if v, ok := md["quota_limit_value"].(string); ok {
			return v
		}
	}
	return ""
}

func (s *Spreadsheet) who() string {
	if s.account != "" {
		return s.account
	}
	return "these credentials"
}

// short is an error for a log line: status and the first line of the
// message (a 502 from Google's front end is a whole HTML page).
func short(err error) string {
	if code, msg := apiCode(err); code != 0 {
		if msg == "" {
			msg = http.StatusText(code)
		}
		return fmt.Sprintf("%d %s", code, firstLine(msg))
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}
