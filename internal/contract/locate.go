package contract

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"onboard/internal/matrix"
	"onboard/internal/onboarding"
	"onboard/internal/vocab"
)

// Located is a problem where a manager finds it in the spreadsheet, and
// in the words a manager reads: the message with the header in front.
type Located struct {
	Tab      string // as named in the sheet
	Row      int    // 0: the tab as a whole
	Col      int    // 1-based; 0: the row as a whole, or a column the tab lacks
	Header   string // the column's header as written in the sheet; "" for the row
	Message  string // e.g. "LINE公式アカウント: 「たぶん」は あり/なし で入力してください"
	Blocking bool
	ClientID string
}

// Kind names the problem's kind for a manager: 要確認 or お知らせ.
func (p Located) Kind() string { return vocab.Kind(p.Blocking) }

// Tagged is the message with its kind in front, as in the チェック cells.
func (p Located) Tagged() string { return vocab.Tag(p.Blocking, p.Message) }

// layoutOf is the layout of the tab holding a kind of record; nil when
// the sheet lacks it.
func (s *Sheet) layoutOf(r onboarding.Record) *Layout {
	switch r {
	case onboarding.ApplicationRecord:
		return s.Apps
	case onboarding.SessionRecord:
		return s.Sessions
	case onboarding.PoolRecord:
		return s.Pool
	}
	return nil
}

// Locate places a domain problem in the sheet: its record's tab and row,
// its field's column and header, and the message as a manager reads it.
func (s *Sheet) Locate(p onboarding.Problem) Located {
	loc := Located{Row: p.Row, Message: s.Text(p), Blocking: p.Blocking, ClientID: p.ClientID}
	if l := s.layoutOf(p.Record); l != nil {
		loc.Tab = l.Name
		if p.Field != "" {
			loc.Col, loc.Header = l.Col(p.Field), header(l, p)
		}
	}
	return loc
}

// header names a problem's column: a problem with what a cell holds by
// the header as written in the sheet, the domain's by the contract's name
// (a condition's or a work's as the matrix has it).
func header(l *Layout, p onboarding.Problem) string {
	if p.AsTyped {
		return l.HeaderText(p.Field)
	}
	if c := l.Column(p.Field); c != nil {
		return c.Name
	}
	return p.Field
}

// Text is the problem's message as a manager reads it: the column's name
// in front ("LINE公式アカウント: 「たぶん」は…"), and for a problem that
// repeats another record's, where that one is ("セッション 4行目 …", by
// the contract's tab name).
func (s *Sheet) Text(p onboarding.Problem) string { return s.Names(s.text(p)) }

func (s *Sheet) text(p onboarding.Problem) string {
	switch {
	case p.Via != nil:
		name := ""
		if l := s.layoutOf(p.Via.Record); l != nil {
			name = l.Spec.Name + " "
		}
		return name + strconv.Itoa(p.Via.Row) + "行目 " + s.text(*p.Via)
	case p.Field == "" || p.Bare:
		return p.Message
	}
	if l := s.layoutOf(p.Record); l != nil {
		return header(l, p) + ": " + p.Message
	}
	return p.Field + ": " + p.Message
}

// Names writes into a text of the domain's (a problem, a next action) the
// names its placeholders (keys.Name) stand for: the contract's names of
// tabs and columns.
func (s *Sheet) Names(text string) string {
	if !strings.Contains(text, "⟦") {
		return text
	}
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		return s.name(strings.TrimSuffix(strings.TrimPrefix(m, "⟦"), "⟧"))
	})
}

var placeholder = regexp.MustCompile(`⟦[^⟧]*⟧`)

func (s *Sheet) name(key string) string {
	names := s.names
	if names == nil { // a Sheet not made by Read
		names = contractNames(s.Matrix)
	}
	if n, ok := names[key]; ok {
		return n
	}
	return key
}

// contractNames maps every tab key (as "tab:"+key) and column key to the
// contract's name for it; a column key shared by tabs takes the first.
func contractNames(m *matrix.Matrix) map[string]string {
	names := map[string]string{}
	for _, spec := range Tabs(m) {
		names["tab:"+spec.Key] = spec.Name
		for _, c := range spec.Columns {
			if _, dup := names[c.Key]; !dup {
				names[c.Key] = c.Name
			}
		}
	}
	return names
}

// MaxProblemRunes bounds a problem list (the チェック column); Google
// allows 50,000 characters in a cell, a manager reads far fewer.
const MaxProblemRunes = 2000

// ProblemText joins the problems as the チェック column shows them: each
// as a manager reads it, tagged with its kind (【要確認】, 【お知らせ】),
// each once, in order, cut to MaxProblemRunes with an ellipsis.
func (s *Sheet) ProblemText(ps []onboarding.Problem) string {
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return cut(vocab.Tag(ps[0].Blocking, s.Text(ps[0])))
	}
	msgs := make([]string, 0, len(ps))
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if m := vocab.Tag(p.Blocking, s.Text(p)); !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	return cut(strings.Join(msgs, "; "))
}

func cut(s string) string {
	if len(s) <= MaxProblemRunes || utf8.RuneCountInString(s) <= MaxProblemRunes {
		return s
	}
	return string([]rune(s)[:MaxProblemRunes-1]) + "…"
}

// LocateAll locates each problem, in order.
func (s *Sheet) LocateAll(ps []onboarding.Problem) []Located {
	out := make([]Located, len(ps))
	for i, p := range ps {
		out[i] = s.Locate(p)
	}
	return out
}
