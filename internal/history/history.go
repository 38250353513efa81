// Package history records, in the spreadsheet itself, which weekly reports
// were sent: a job-owned tab 送信履歴 with one row per sent week. Keeping it
// in the sheet means a cron retry never sends a week twice and a missed
// week is caught up, whichever machine runs the job.
package history

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"onboard/internal/sheet"
)

// TabName is the job-owned tab.
const TabName = "送信履歴"

// Header is the tab's header row.
var Header = []string{"週", "ファイル名", "宛先", "送信日時", "メッセージID"}

// Entry is one sent report.
type Entry struct {
	Week      string // ISO week, 2026-W47
	File      string
	To        []string
	SentAt    time.Time
	MessageID string
}

// Sent returns the weeks already sent, read from the tab (none when the
// tab does not exist yet).
func Sent(ctx context.Context, ss sheet.Spreadsheet) (map[string]bool, error) {
	tab, err := read(ctx, ss)
	if err != nil || tab == nil {
		return map[string]bool{}, err
	}
	weeks := map[string]bool{}
	for r := 2; r <= len(tab.Rows); r++ {
		if w := strings.TrimSpace(tab.Cell(r, 1).String()); w != "" {
			weeks[w] = true
		}
	}
	return weeks, nil
}

func read(ctx context.Context, ss sheet.Spreadsheet) (*sheet.Tab, error) {
	book, err := ss.ReadColumns(ctx, []sheet.ColumnsRequest{{Tab: TabName, Cols: []int{1}}})
	if errors.Is(err, sheet.ErrTabNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read tab %q: %w", TabName, err)
	}
	return book.Tab(TabName), nil
}

// Append records a sent report on the first row after the last used one,
// creating the tab on first use.
func Append(ctx context.Context, ss sheet.Spreadsheet, e Entry) error {
	tab, err := read(ctx, ss)
	if err != nil {
		return err
	}
	if tab == nil {
		if err := ss.AddTab(ctx, TabName, Header); err != nil && !errors.Is(err, sheet.ErrTabExists) {
			return fmt.Errorf("create tab %q: %w", TabName, err)
		}
		if tab, err = read(ctx, ss); err != nil {
			return err
		}
	}
	row := 2
	if tab != nil {
		for r := len(tab.Rows); r >= 1; r-- {
			if !tab.Cell(r, 1).IsEmpty() {
				row = max(r+1, 2)
				break
			}
		}
	}
	values := []string{e.Week, e.File, strings.Join(e.To, ", "), e.SentAt.Format("2006-01-02 15:04:05 MST"), e.MessageID}
	updates := make([]sheet.Update, len(values))
	for i, v := range values {
		updates[i] = sheet.Update{Tab: TabName, Row: row, Col: i + 1, Value: sheet.TextValue(v)}
	}
	err = ss.Write(ctx, updates)
	if errors.Is(err, sheet.ErrUncertain) && ctx.Err() == nil {
		// The answer was lost: the row holds the week if it was stored.
		if now, rerr := read(ctx, ss); rerr == nil && now != nil {
			switch strings.TrimSpace(now.Cell(row, 1).String()) {
			case e.Week:
				return nil
			case "":
				err = ss.Write(ctx, updates)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("record week %s in tab %q: %w", e.Week, TabName, err)
	}
	return nil
}
