package gsheets

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/api/sheets/v4"

	"onboard/internal/sheet"
)

// Google refuses a write into a protected range (one that is not
// warning-only and does not list the caller as an editor) with this
// message, prefixed "Invalid data[N]: " for the Nth range of a
// values.batchUpdate. The recordings hold no such answer; public reports
// show it as 400 INVALID_ARGUMENT, and the test here does not rely on the
// status.
const protectedMessage = "You are trying to edit a protected cell or object"

var dataIndex = regexp.MustCompile(`data\[(\d+)\]`)

// isProtected reports Google's refusal of a write into a protected range.
func isProtected(err error) bool {
	code, msg := apiCode(err)
	return code >= 400 && code < 500 && strings.Contains(msg, protectedMessage)
}

// protectedError names the tab and the columns of the refused write, and
// the protection over them when Google lists it (one spreadsheets.get).
func (s *Spreadsheet) protectedError(ctx context.Context, batch []*block, err error) error {
	_, msg := apiCode(err)
	b := batch[0]
	if m := dataIndex.FindStringSubmatch(msg); m != nil {
		if i, convErr := strconv.Atoi(m[1]); convErr == nil && i < len(batch) {
			b = batch[i]
		}
	}
	c0, c1 := b.col, b.col+b.cols-1
	what := ""
	if p := s.protectionOver(ctx, b); p != nil {
		if p.Range.StartColumnIndex > int64(c0-1) {
			c0 = int(p.Range.StartColumnIndex) + 1
		}
		if p.Range.EndColumnIndex > 0 && p.Range.EndColumnIndex < int64(c1) {
			c1 = int(p.Range.EndColumnIndex)
		}
		if p.Description != "" {
			what = fmt.Sprintf(" 「%s」", p.Description)
		}
	}
	return newError(sheet.ErrPermission, err,
		"tab %q %s is in a protected range%s that %s may not edit: open データ → 保護されたシートと範囲 and add %s as an editor of that range, or set it to 警告を表示 (show a warning); the job writes only its own columns",
		b.tab, s.columnsName(b.tab, c0, c1), what, s.who(), s.who())
}

// protectionOver returns a protected range over the block that the caller
// cannot edit, or nil when Google does not say (or the call fails).
func (s *Spreadsheet) protectionOver(ctx context.Context, b *block) *sheets.ProtectedRange {
	var resp *sheets.Spreadsheet
	err := s.call(ctx, "list protected ranges", func(ctx context.Context) error {
		var err error
		resp, err = s.svc.Spreadsheets.Get(s.id).
			Fields("sheets(properties(title),protectedRanges(range,description,warningOnly,requestingUserCanEdit))").
			Context(ctx).Do()
		return err
	})
	if err != nil {
		s.log.Debug("protected ranges not listed", "err", short(err))
		return nil
	}
	r0, r1 := int64(b.row-1), int64(b.row-1+len(b.vals))
	c0, c1 := int64(b.col-1), int64(b.col-1+b.cols)
	for _, sh := range resp.Sheets {
		if sh.Properties == nil || sh.Properties.Title != b.tab {
			continue
		}
		for _, p := range sh.ProtectedRanges {
			if p.WarningOnly || p.RequestingUserCanEdit || p.Range == nil {
				continue
			}
			g := p.Range
			if overlaps(g.StartRowIndex, g.EndRowIndex, r0, r1) && overlaps(g.StartColumnIndex, g.EndColumnIndex, c0, c1) {
				return p
			}
		}
	}
	return nil
}

// overlaps reports whether [a0,a1) meets [b0,b1); a1 == 0 is unbounded
// (GridRange omits an open end).
func overlaps(a0, a1, b0, b1 int64) bool {
	return a0 < b1 && (a1 == 0 || b0 < a1)
}

// columnsName says "column P (ステータス)" or "columns M–S (必要作業 … ステータス更新日)"
// from the header row last read.
func (s *Spreadsheet) columnsName(tab string, c0, c1 int) string {
	head := func(c int) string {
		if ti := s.tabs[tab]; ti != nil && c <= len(ti.header) {
			if h := strings.TrimSpace(ti.header[c-1].String()); h != "" {
				return h
			}
		}
		return ""
	}
	if c0 == c1 {
		if h := head(c0); h != "" {
			return fmt.Sprintf("column %s (%s)", sheet.ColumnName(c0), h)
		}
		return "column " + sheet.ColumnName(c0)
	}
	name := fmt.Sprintf("columns %s–%s", sheet.ColumnName(c0), sheet.ColumnName(c1))
	if h0, h1 := head(c0), head(c1); h0 != "" && h1 != "" {
		name += fmt.Sprintf(" (%s … %s)", h0, h1)
	}
	return name
}

// isViewerRefusal reports a 403 on a write after this backend has read the
// spreadsheet: the account can see it but not edit it.
func (s *Spreadsheet) isViewerRefusal(err error) bool {
	code, _ := apiCode(err)
	return code == http.StatusForbidden && s.readOK && !isProtected(err) && !isScopeRefusal(err)
}

func (s *Spreadsheet) viewerError(err error) error {
	return newError(sheet.ErrPermission, err,
		"%s is shared with %s only as 閲覧者 (Viewer) or 閲覧者（コメント可） (Commenter): the job could read it but not write; open it, click 共有 (Share) and change that account's role to 編集者 (Editor)",
		s.Describe(), s.who())
}
