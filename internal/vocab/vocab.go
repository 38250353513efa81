// Package vocab holds the words a manager reads for the kinds of problem,
// in one place: sync's summary, check, the チェック cells, the report, the
// mails and the sheet guide all say 要確認 and お知らせ, never a synonym.
package vocab

import "strconv"

const (
	// Blocking names a problem that stops the job from judging a client:
	// the client's status is 要確認 until it is fixed.
	Blocking = "要確認"
	// Note names a problem that is only worth knowing: the status stands.
	Note = "お知らせ"
	// DataProblems names the problems in the data, the set sync writes
	// into the チェック cells and the report lists on its own tab.
	DataProblems = "データの問題"
	// Stalled names a client with no activity for --stall-days.
	Stalled = "停滞"
	// TechnicalDetails labels the error text in an alert mail.
	TechnicalDetails = "技術的な詳細"
)

// Retired lists the words that once named a problem's kind and must not
// come back in what a manager reads about problems (check, sync, the
// report, the mails, the sheet guide).
var Retired = []string{"[note]", "注意"}

// Kind names a problem's kind.
func Kind(blocking bool) string {
	if blocking {
		return Blocking
	}
	return Note
}

// Tag prefixes a message with its kind, as the チェック cells show it:
// 【要確認】LINE公式アカウント: ...
func Tag(blocking bool, message string) string {
	return "【" + Kind(blocking) + "】" + message
}

// Counts renders a count of problems by kind: "要確認 9 · お知らせ 4".
func Counts(blocking, notes int) string {
	return Blocking + " " + strconv.Itoa(blocking) + " · " + Note + " " + strconv.Itoa(notes)
}
