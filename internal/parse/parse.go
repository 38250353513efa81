// Package parse reads what managers type into the sheet: header names,
// yes/no words, dates, client IDs and e-mail addresses. Every function is
// pure and total: bad input gives ok=false, never a panic.
package parse

import (
	"math"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"onboard/internal/civil"
	"onboard/internal/sheet"
)

// Header normalises a header for matching: NFKC (full-width to half-width),
// lower case, and without spaces, underscores or brackets, so that
// "（クライアント ID）", "クライアントID" and "Client_ID" compare by content.
func Header(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Dropping a space can let a combining mark meet a new base letter, so
	// normalise until nothing changes (two rounds in practice).
	for range 4 {
		next := headerRound(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

func headerRound(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || r == '_' || isBracket(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isBracket(r rune) bool {
	switch r {
	case '(', ')', '[', ']', '{', '}', '<', '>', '「', '」', '『', '』', '【', '】',
		'〔', '〕', '〈', '〉', '《', '》', '〖', '〗', '〘', '〙', '〚', '〛', '“', '”', '"', '\'':
		return true
	}
	return false
}

// Word normalises a typed word: NFKC, trimmed, lower case.
func Word(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}

var yesWords, noWords = map[string]bool{}, map[string]bool{}

func init() {
	// NFKC maps 〇 (U+3007) to itself and ○ (U+25CB) to itself, so both are
	// listed; ✕ and × likewise.
	for _, w := range []string{"あり", "有り", "有", "○", "〇", "◯", "はい", "する", "使用", "使う", "済", "済み", "yes", "y", "true", "1", "on", "✓", "✔"} {
		yesWords[Word(w)] = true
	}
	for _, w := range []string{"なし", "無し", "無", "×", "✕", "✖", "x", "いいえ", "しない", "不使用", "使わない", "未", "未済", "no", "n", "false", "0", "off", "-", "ー", "－"} {
		noWords[Word(w)] = true
	}
}

// YesNo reads a yes/no cell. ok is false for an empty cell (set is false) or
// a word that is not one of the accepted ones.
func YesNo(v sheet.Value) (yes, set, ok bool) {
	switch v.Kind {
	case sheet.Empty:
		return false, false, true
	case sheet.Bool:
		return v.Bool(), true, true
	case sheet.Number:
		switch v.Num {
		case 1:
			return true, true, true
		case 0:
			return false, true, true
		}
		return false, true, false
	case sheet.Text:
		// Most cells hold a listed word as typed: skip normalising them.
		if yesWords[v.Str] {
			return true, true, true
		}
		if noWords[v.Str] {
			return false, true, true
		}
		w := Word(v.Str)
		if w == "" {
			return false, false, true
		}
		if yesWords[w] {
			return true, true, true
		}
		if noWords[w] {
			return false, true, true
		}
	}
	return false, true, false
}

// A time of day may follow a date, after spaces or a T (ISO 8601), the
// one rule for 2026/12/03 10:00 and 2026-12-03T10:00 alike; the text is
// lower case by then (Word), so the T is a t.
var (
	reYMD    = regexp.MustCompile(`^(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?(?:(?:\s+|\s*t\s*)(\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	reReiwa  = regexp.MustCompile(`^(?:r|令和)\s*(\d{1,2}|元)\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?$`)
	reDigits = regexp.MustCompile(`^\d{8}$`)
)

// Date reads a date cell: a serial number or date cell, or text written as
// 2026/11/24, 2026-11-24, 2026年11月24日, 20261124, or in the Reiwa era as
// R8.11.24 or 令和8年11月24日. Full-width digits are accepted.
func Date(v sheet.Value) (d civil.Date, set, ok bool) {
	switch v.Kind {
	case sheet.Empty:
		return 0, false, true
	case sheet.Number, sheet.Date:
		// The range test is on the float, before a conversion could wrap.
		if math.IsNaN(v.Num) || v.Num < float64(civil.Min) || v.Num >= float64(civil.Max)+1 {
			return 0, true, false
		}
		return civil.Date(math.Floor(v.Num)), true, true
	case sheet.Text:
		s := Word(v.Str)
		if s == "" {
			return 0, false, true
		}
		if m := reYMD.FindStringSubmatch(s); m != nil {
			if !clock(m[4], m[5], m[6]) {
				return 0, true, false
			}
			return ymd(m[1], m[2], m[3], 0)
		}
		if m := reReiwa.FindStringSubmatch(s); m != nil {
			era := m[1]
			if era == "元" {
				era = "1"
			}
			return ymd(era, m[2], m[3], 2018)
		}
		if reDigits.MatchString(s) {
			return ymd(s[:4], s[4:6], s[6:], 0)
		}
	}
	return 0, true, false
}

func ymd(ys, ms, ds string, yearOffset int) (civil.Date, bool, bool) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, true, false
	}
	date, ok := civil.Make(y+yearOffset, time.Month(m), d)
	if !ok {
		return 0, true, false
	}
	return date, true, true
}

// clock reports whether an optional time of day after a date is a real
// one (00:00 to 23:59:59); the job keeps only the date.
func clock(hh, mm, ss string) bool {
	if hh == "" {
		return true
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	s := 0
	if ss != "" {
		s, _ = strconv.Atoi(ss)
	}
	return h <= 23 && m <= 59 && s <= 59
}

// ClientID normalises a client ID: NFKC (so １０００１ is 10001), spaces
// removed, and a number cell written without a decimal part.
func ClientID(v sheet.Value) string {
	switch v.Kind {
	case sheet.Number, sheet.Date:
		if v.Num == math.Trunc(v.Num) && math.Abs(v.Num) < 1e15 {
			return strconv.FormatInt(int64(v.Num), 10)
		}
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case sheet.Text:
		s := strings.ToValidUTF8(v.Str, "\uFFFD")
		for range 4 { // removing spaces can make NFKC compose anew
			next := strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) {
					return -1
				}
				return r
			}, norm.NFKC.String(s))
			if next == s {
				break
			}
			s = next
		}
		return s
	case sheet.Bool:
		return v.String()
	}
	return ""
}

// Text returns a cell as trimmed text.
func Text(v sheet.Value) string {
	if v.Kind == sheet.Text && !edgeSpace(v.Str) { // most cells: nothing to trim
		return v.Str
	}
	return strings.TrimSpace(v.String())
}

// edgeSpace reports whether s begins or ends with white space; a letter
// above U+3000, the last space unicode knows (kana, kanji), is none.
func edgeSpace(s string) bool {
	isSpace := func(r rune) bool { return r <= 0x3000 && unicode.IsSpace(r) }
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return isSpace(first) || isSpace(last)
}

// Email reads an e-mail address: trimmed, NFKC (full-width ＠ becomes @),
// and a bare address without a display name.
func Email(v sheet.Value) (addr string, set, ok bool) {
	s := strings.TrimSpace(norm.NFKC.String(v.String()))
	if s == "" {
		return "", false, true
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return s, true, false
	}
	return strings.ToLower(s), true, true
}
