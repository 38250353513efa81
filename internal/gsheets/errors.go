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
	"google.golang.org/api/sheets/v4"

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
	case code == http.StatusForbidden && isScopeRefusal(err):
		return s.scopeError(op, err)
	case code == http.StatusForbidden:
		if s.account == "" {
			return newError(sheet.ErrPermission, err, "the spreadsheet is not shared with the account of these credentials (403): share it with that account as 編集者 (Editor)")
		}
		return newError(sheet.ErrPermission, err, "the spreadsheet is not shared with the service account (403): open it, click 共有 (Share) and add %s as 編集者 (Editor)", s.account)
	case code == http.StatusUnauthorized:
		return s.unauthenticatedError(op, err)
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
	_, md := errorInfo(err)
	v, _ := md["quota_limit_value"].(string)
	return v
}

// errorInfo is the reason and metadata of a Google error's ErrorInfo
// detail, which tells apart refusals sharing one status (a 403 for a
// token's scopes from one for the sheet's sharing).
func errorInfo(err error) (string, map[string]any) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return "", nil
	}
	for _, d := range ge.Details {
		m, _ := d.(map[string]any)
		if m["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			reason, _ := m["reason"].(string)
			md, _ := m["metadata"].(map[string]any)
			return reason, md
		}
	}
	return "", nil
}

// isScopeRefusal reports Google's 403 for a token without a scope the
// method allows, as after `gcloud auth application-default login`
// without --scopes.
func isScopeRefusal(err error) bool {
	code, msg := apiCode(err)
	reason, _ := errorInfo(err)
	return code == http.StatusForbidden &&
		(reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || strings.Contains(msg, "insufficient authentication scopes"))
}

// adcScopes are the scopes a login for Application Default Credentials
// must ask for: the job's, and cloud-platform, which gcloud requires.
var adcScopes = strings.Join([]string{sheets.SpreadsheetsScope, "https://www.googleapis.com/auth/cloud-platform"}, ",")

func (s *Spreadsheet) scopeError(op string, err error) *Error {
	return newError(sheet.ErrPermission, err, "Google Sheets %s: the access token of %s lacks the Google Sheets scope (403 ACCESS_TOKEN_SCOPE_INSUFFICIENT): "+
		"log in again with `gcloud auth application-default login --scopes=%s`, or use a service-account key (--credentials KEY.json)", op, s.who(), adcScopes)
}

// unauthenticatedError is a 401 that a new token did not cure (a first
// one renews the token: see callIf).
func (s *Spreadsheet) unauthenticatedError(op string, err error) *Error {
	what := "401"
	if reason, _ := errorInfo(err); reason != "" {
		what += " " + reason
	}
	again := ""
	if s.tokens != nil {
		again = ", also with a new access token"
	}
	return newError(sheet.ErrPermission, err, "Google Sheets %s: Google rejected the credentials of %s (%s)%s: check the credentials: "+
		"--credentials or GOOGLE_APPLICATION_CREDENTIALS must name a current key of the service account (create a new key if it was deleted), "+
		"or log in again with `gcloud auth application-default login --scopes=%s`", op, s.who(), what, again, adcScopes)
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
