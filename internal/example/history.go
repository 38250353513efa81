package example

import (
	"math/rand/v2"
	"time"

	"onboard/internal/civil"
	"onboard/internal/onboarding"
	"onboard/internal/sheet"
	"onboard/internal/statuslog"
)

// CellLimit is the most cells Google allows in one spreadsheet.
const CellLimit = 10_000_000

// ChangesPerDay is how many status rows a day of history holds per 1,000
// clients: a client's status changes four to six times over its
// onboarding (申込, セッション予定, 進行中, 担当作業待ち, 完了, now and then
// 要確認), and a sheet of many clients takes on a few new ones every day.
const ChangesPerDay = 8

// History is a ステータス履歴 tab of days of history before today, as the
// job writes it: the first day records every client's starting status
// (記録開始) and the totals, each later day a client's status change per
// row, a few per 1,000 clients, and the day's totals. It stops at maxRows
// rows (the header included), keeping the latest days; the result says
// how many days it holds.
func History(book *sheet.Book, days, maxRows int, today civil.Date, seed uint64) (*sheet.Tab, int) {
	apps := book.Tab("申込")
	var ids, companies []string
	for _, r := range apps.Rows[1:] {
		if len(r) > 1 {
			ids, companies = append(ids, r[0].String()), append(companies, r[1].String())
		}
	}
	rng := rand.New(rand.NewPCG(seed, 23))
	perDay := max(1, len(ids)*ChangesPerDay/1000)
	// Rows a day: changes and the totals; the first day every client.
	for days > 1 && 1+len(ids)+1+(days-1)*(perDay+1) > maxRows {
		days--
	}
	tab := &sheet.Tab{Name: statuslog.TabName, Rows: [][]sheet.Value{texts(statuslog.Header)}}
	if days < 1 || 1+len(ids)+1 > maxRows {
		return tab, 0
	}
	tokyo := time.FixedZone("JST", 9*3600)
	status := make([]onboarding.Status, len(ids))
	totals := statuslog.Totals{NeedsReview: len(ids) / 50, Stalled: len(ids) / 20, PoolLeft: 200}
	for d := range days {
		day := today.AddDays(d - days)
		at := sheet.TextValue(day.Time(tokyo).Add(9 * time.Hour).Format(statuslog.TimeLayout))
		add := func(i int, old, trigger string) {
			tab.Rows = append(tab.Rows, []sheet.Value{at, sheet.TextValue(ids[i]), sheet.TextValue(companies[i]),
				sheet.TextValue(old), sheet.TextValue(string(status[i])), sheet.TextValue(trigger)})
		}
		if d == 0 {
			for i := range ids {
				status[i] = onboarding.Statuses[rng.IntN(len(onboarding.Statuses)-1)]
				add(i, "", statuslog.StartTrigger)
			}
		} else {
			for range perDay {
				i := rng.IntN(len(ids))
				old := status[i]
				status[i] = onboarding.Statuses[rng.IntN(len(onboarding.Statuses))]
				add(i, string(old), "セッション "+sheet.DayValue(day).String())
			}
		}
		totals.NeedsReview += rng.IntN(5) - 2
		totals.Stalled += rng.IntN(5) - 2
		totals.PoolLeft = max(0, totals.PoolLeft+rng.IntN(5)-2)
		tab.Rows = append(tab.Rows, []sheet.Value{at, {}, {}, {}, {}, sheet.TextValue(statuslog.TotalsTrigger),
			sheet.NumberValue(float64(max(0, totals.NeedsReview))), sheet.NumberValue(float64(max(0, totals.Stalled))), sheet.NumberValue(float64(totals.PoolLeft))})
	}
	return tab, days
}

// Cells counts the book's cells as Google's limit does for a sheet made
// of it: every tab's rows times its widest row.
func Cells(book *sheet.Book) int {
	n := 0
	for _, t := range book.Tabs {
		cols := 0
		for _, r := range t.Rows {
			cols = max(cols, len(r))
		}
		n += len(t.Rows) * cols
	}
	return n
}
