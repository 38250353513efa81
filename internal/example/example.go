// Package example generates the bundled example workbook and the large
// synthetic sheets used by benchmarks: realistic clients, sessions and a
// support-account pool, deterministic for a seed.
package example

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"onboard/internal/civil"
	"onboard/internal/matrix"
	"onboard/internal/sheet"
)

// Config says what to generate.
type Config struct {
	Clients int
	Seed    uint64
	// Today is the date the sheet is a snapshot of.
	Today civil.Date
	// Problems adds the handful of realistic data problems of the bundled
	// example (unknown words, bad dates, a duplicate ID...).
	Problems bool
	// SessionsPerClient, when set, gives every started client exactly this
	// many sessions (for benchmarks); otherwise 1–3 as in real life.
	SessionsPerClient int
}

// ExampleToday is the date the bundled example is a snapshot of.
var ExampleToday = civil.New(2026, 11, 25)

// ExampleConfig is the bundled example: 60 clients.
func ExampleConfig() Config {
	return Config{Clients: 60, Seed: 20261125, Today: ExampleToday, Problems: true}
}

type stage int

const (
	notStarted stage = iota
	scheduled
	inProgress
	awaiting
	completed
)

var (
	companies  = []string{"カフェ", "美容室", "整体院", "学習塾", "歯科医院", "不動産", "工務店", "ネイルサロン", "ヨガスタジオ", "花屋", "税理士事務所", "パン工房", "写真館", "英会話教室", "動物病院", "酒店"}
	places     = []string{"さくら", "ひまわり", "青空", "みなと", "つばさ", "山田", "北斗", "こもれび", "あおば", "なごみ", "いろは", "すずらん", "はなみずき", "陽だまり"}
	families   = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山口", "松本", "井上"}
	givens     = []string{"陽子", "健太", "美咲", "翔", "さくら", "大輔", "由美", "拓也", "真由美", "直樹"}
	operators  = []string{"佐藤（オペ）", "鈴木（オペ）", "高橋（オペ）", "田中（オペ）"}
	businesses = []string{"店舗の予約受付", "会員向けクーポン配信", "イベント告知", "オンライン講座の案内", "EC の新商品案内", "来店後のフォロー"}
	scales     = []string{"1〜5名", "6〜20名", "21〜100名"}
	literacy   = []string{"高", "中", "中", "低"}
	memos      = []string{"", "", "Zoom の画面共有に慣れていない", "次回は担当者の上司も同席", "LINE Developers 初アクセス", "", "規約は後で確認するとのこと"}
)

// Headers of the generated tabs: the managers' columns only. The job adds
// its own columns on the first sync.
var (
	appHeaders     = []string{"クライアントID", "申込日", "事業者名", "担当者名", "管理メールアドレス", "LINE公式アカウント", "既存アカウントで検証", "LINEビジネスID", "担当オペレーター", "セッション予定日", "担当作業完了日", "サポートアカウント"}
	sessionHeaders = []string{"クライアントID", "実施日", "オペレーター", "確認:LINE公式アカウント", "確認:既存アカウントで検証", "確認:LINEビジネスID", "LINEビジネスID作成", "LINE公式アカウント", "Messaging API", "LINEログイン", "エルメアカウント", "事業内容", "事業規模", "ITリテラシー", "メモ"}
	poolHeaders    = []string{"メールアドレス", "LINEビジネスID作成済", "エルメアカウント作成済", "割当クライアントID", "割当日"}
)

// needs per matrix column of the default matrix (○ = 1, 確認 = 2).
var needs = [4][5]int{
	{0, 0, 2, 2, 1},
	{0, 1, 1, 1, 1},
	{0, 1, 1, 1, 1},
	{1, 1, 1, 1, 1},
}

type client struct {
	id        string
	applied   civil.Date
	column    int
	stage     stage
	scheduled civil.Date
	handover  civil.Date
	support   string
	row       []sheet.Value
}

// Generate builds the workbook's tabs.
func Generate(cfg Config) *sheet.Book {
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	yes := func(b bool) sheet.Value {
		// Managers write yes/no in several ways; all are accepted.
		words := [][2]string{{"あり", "なし"}, {"あり", "なし"}, {"あり", "なし"}, {"○", "×"}, {"はい", "いいえ"}}
		w := words[rng.IntN(len(words))]
		if b {
			return sheet.TextValue(w[0])
		}
		return sheet.TextValue(w[1])
	}
	day := func(d civil.Date) sheet.Value { return sheet.DayValue(d) }

	apps := &sheet.Tab{Name: "申込", Rows: [][]sheet.Value{texts(appHeaders)}}
	sessions := &sheet.Tab{Name: "セッション", Rows: [][]sheet.Value{texts(sessionHeaders)}}
	pool := &sheet.Tab{Name: "サポートアカウント", Rows: [][]sheet.Value{texts(poolHeaders)}}

	clients := make([]*client, cfg.Clients)
	span := 84 // twelve weeks of applications
	for i := range clients {
		c := &client{id: strconv.Itoa(10001 + i)}
		// Older IDs applied earlier; applications grow over the span, so
		// recent weeks hold more of them.
		x := 1 - float64(i)/float64(max(cfg.Clients, 1))
		c.applied = cfg.Today.AddDays(-int(float64(span)*x*x) - rng.IntN(2))
		c.column = rng.IntN(4)
		age := int(cfg.Today - c.applied)
		r := rng.IntN(100)
		switch {
		case age < 5:
			c.stage = pickStage(r, 40, notStarted, scheduled)
		case age < 14:
			c.stage = pickStage(r, 10, notStarted, pickStage(r-10, 50, scheduled, inProgress))
		case age < 35:
			c.stage = pickStage(r, 55, inProgress, pickStage(r-55, 30, awaiting, completed))
		default:
			c.stage = pickStage(r, 70, completed, pickStage(r-70, 15, awaiting, inProgress))
		}
		if cfg.SessionsPerClient > 0 && c.stage < inProgress {
			// Benchmarks ask for exactly this many sessions per client.
			c.stage = inProgress
		}
		clients[i] = c
	}

	var poolRows []int
	nextSupport := 0
	supportEmail := func(n int) string { return fmt.Sprintf("support_%d@uetaya.com", 10001+n) }
	for i, c := range clients {
		name := pick(places) + pick(companies)
		if rng.IntN(3) == 0 {
			name = "株式会社" + name
		}
		contact := pick(families) + " " + pick(givens)
		email := fmt.Sprintf("info%d@example.jp", 10001+i)
		oa, use, bid := conditions(c.column, rng)
		var firstSession civil.Date
		switch c.stage {
		case scheduled:
			c.scheduled = cfg.Today.AddDays(1 + rng.IntN(10))
			if rng.IntN(5) == 0 {
				c.scheduled = cfg.Today.AddDays(-1 - rng.IntN(3)) // overdue
			}
		case inProgress, awaiting, completed:
			firstSession = c.applied.AddDays(3 + rng.IntN(7))
			if c.stage == inProgress && rng.IntN(5) != 0 {
				// Most open clients had their latest session recently;
				// the rest are the stalled ones the team must chase.
				firstSession = max(firstSession, cfg.Today.AddDays(-4-rng.IntN(10)))
			}
			if firstSession >= cfg.Today {
				firstSession = cfg.Today.AddDays(-1)
			}
			c.scheduled = firstSession
		}
		// Most started clients already have a support account; a few
		// wait for the job to assign one.
		if c.stage != notStarted && rng.IntN(6) != 0 {
			c.support = supportEmail(nextSupport)
			poolRows = append(poolRows, i)
			nextSupport++
		}
		last := addSessions(cfg, rng, sessions, c, firstSession, oa, use, bid)
		if c.stage == completed {
			c.handover = last.AddDays(1 + rng.IntN(5))
			if c.handover > cfg.Today {
				c.handover = cfg.Today
			}
		}
		row := []sheet.Value{sheet.TextValue(c.id), day(c.applied), sheet.TextValue(name), sheet.TextValue(contact),
			sheet.TextValue(email), yes(oa), useValue(oa, use, yes), yes(bid), sheet.TextValue(pick(operators)),
			dayOrEmpty(c.scheduled), dayOrEmpty(c.handover), sheet.TextValue(c.support)}
		c.row = row
		apps.Rows = append(apps.Rows, row)
	}

	// The pool: accounts in use, then prepared free ones, then some not
	// yet prepared.
	for n, ci := range poolRows {
		c := clients[ci]
		assigned := c.scheduled
		if assigned.IsZero() || assigned > cfg.Today {
			assigned = c.applied
		}
		pool.Rows = append(pool.Rows, []sheet.Value{sheet.TextValue(supportEmail(n)), sheet.TextValue("済"), sheet.TextValue("済"), sheet.TextValue(c.id), day(assigned)})
	}
	free := max(8, cfg.Clients/3) + 3
	for n := 0; n < free; n++ {
		bidReady, lmReady := "済", "済"
		if n >= free-3 {
			lmReady = "未" // still being prepared
		}
		pool.Rows = append(pool.Rows, []sheet.Value{sheet.TextValue(supportEmail(nextSupport + n)), sheet.TextValue(bidReady), sheet.TextValue(lmReady)})
	}

	if cfg.Problems {
		injectProblems(cfg, clients, apps, sessions)
	}
	return &sheet.Book{Tabs: []*sheet.Tab{apps, sessions, pool, matrixTab()}}
}

// matrixTab is the default condition matrix as the team keeps it in the
// sheet, where they can change it without a release.
func matrixTab() *sheet.Tab {
	m, err := matrix.Default("")
	if err != nil {
		panic("embedded matrix: " + err.Error()) // a build defect, caught by tests
	}
	t := &sheet.Tab{Name: matrix.TabName}
	for _, r := range m.Table() {
		t.Rows = append(t.Rows, texts(r))
	}
	return t
}

// pickStage returns a when r < pct, else b.
func pickStage(r, pct int, a, b stage) stage {
	if r < pct {
		return a
	}
	return b
}

func texts(ss []string) []sheet.Value {
	row := make([]sheet.Value, len(ss))
	for i, s := range ss {
		row[i] = sheet.TextValue(s)
	}
	return row
}

func dayOrEmpty(d civil.Date) sheet.Value {
	if d.IsZero() {
		return sheet.Value{}
	}
	return sheet.DayValue(d)
}

// conditions returns the application's yes/no answers for a matrix column.
func conditions(column int, rng *rand.Rand) (oa, use, bid bool) {
	switch column {
	case 0:
		return true, true, true
	case 1:
		return true, false, rng.IntN(4) != 0
	case 2:
		return false, false, true
	}
	return false, false, false
}

// useValue leaves 既存アカウントで検証 blank for most clients without an OA,
// as managers do.
func useValue(oa, use bool, yes func(bool) sheet.Value) sheet.Value {
	if !oa {
		return sheet.Value{}
	}
	return yes(use)
}

// addSessions records the client's sessions and returns the last date.
func addSessions(cfg Config, rng *rand.Rand, tab *sheet.Tab, c *client, first civil.Date, oa, use, bid bool) civil.Date {
	if c.stage < inProgress {
		return 0
	}
	n := 1
	switch {
	case cfg.SessionsPerClient > 0:
		n = cfg.SessionsPerClient
	case c.stage == inProgress:
		n = 1 + rng.IntN(3)
	default:
		n = 2 + rng.IntN(2)
	}
	need := needs[c.column]
	// Which works are finished at the end: all of them unless in progress.
	finished := [5]bool{true, true, true, true, true}
	if c.stage == inProgress {
		open := 1 + rng.IntN(2)
		for k := 4; k >= 0 && open > 0; k-- {
			if need[k] > 0 {
				finished[k] = false
				open--
			}
		}
	}
	date := first
	for s := 0; s < n; s++ {
		if s > 0 {
			date = date.AddDays(3 + rng.IntN(8))
			if date >= cfg.Today {
				date = cfg.Today.AddDays(-1)
			}
		}
		lastSession := s == n-1
		row := make([]sheet.Value, len(sessionHeaders))
		row[0] = sheet.TextValue(c.id)
		row[1] = sheet.DayValue(date)
		row[2] = sheet.TextValue(operators[rng.IntN(len(operators))])
		if s == 0 { // the first session re-confirms the conditions
			row[3], row[5] = yn(oa), yn(bid)
			if oa {
				row[4] = yn(use)
			}
		}
		for k := 0; k < 5; k++ {
			if need[k] == 0 {
				continue
			}
			// Earlier sessions leave part of the work for the next one.
			doneNow := finished[k] && (lastSession || k < 2+s)
			switch {
			case doneNow && need[k] == 2 && rng.IntN(2) == 0:
				row[6+k] = sheet.TextValue("既存あり")
			case doneNow:
				row[6+k] = sheet.TextValue("完了")
			case lastSession && rng.IntN(3) == 0:
				row[6+k] = sheet.TextValue("保留")
			case lastSession && need[k] == 2:
				// 確認 not reached yet: left blank
			default:
				row[6+k] = sheet.TextValue("未完了")
			}
		}
		row[11] = sheet.TextValue(businesses[rng.IntN(len(businesses))])
		row[12] = sheet.TextValue(scales[rng.IntN(len(scales))])
		row[13] = sheet.TextValue(literacy[rng.IntN(len(literacy))])
		row[14] = sheet.TextValue(memos[rng.IntN(len(memos))])
		tab.Rows = append(tab.Rows, row)
	}
	return date
}

func yn(b bool) sheet.Value {
	if b {
		return sheet.TextValue("あり")
	}
	return sheet.TextValue("なし")
}
