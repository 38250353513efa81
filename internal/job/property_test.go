package job_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/internal/civil"
	"onboard/internal/contract"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/matrix"
	"onboard/internal/parse"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// The property test syncs random messy workbooks twice and checks what
// must hold for any sheet a team can type. `make test` runs
// propertyDefaultN workbooks from a fixed seed; `make property` runs many
// more from a new seed. A failure prints the seed that replays it:
//
//	ONBOARD_PROPERTY_SEED=<seed> ONBOARD_PROPERTY_N=1 go test -run TestPropertyRandomWorkbooks ./internal/job
const (
	propertyDefaultN    = 200
	propertyDefaultSeed = 20261125
	// googleShare: one workbook in this many is synced on the fake Google
	// server as well.
	googleShare = 10
)

func TestPropertyRandomWorkbooks(t *testing.T) {
	n, base := propertyDefaultN, uint64(propertyDefaultSeed)
	if s := os.Getenv("ONBOARD_PROPERTY_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("ONBOARD_PROPERTY_N=%q: want a positive count", s)
		}
		n = v
	}
	if s := os.Getenv("ONBOARD_PROPERTY_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ONBOARD_PROPERTY_SEED=%q: want a number", s)
		}
		base = v
	}
	cfg := config(t)
	var srv *fakesheets.Server
	dir := t.TempDir()
	failed := 0
	kinds := map[string]int{}
	for i := range n {
		seed := base + uint64(i)
		g := generate(seed, cfg.Matrix, cfg.Today())
		for k, c := range g.kinds {
			kinds[k] += c
		}
		var problems []string
		problems = append(problems, checkLocal(cfg, g, filepath.Join(dir, fmt.Sprintf("w%d.xlsx", i)))...)
		if seed%googleShare == 0 {
			if srv == nil {
				srv = fakesheets.NewServer()
				defer srv.Close()
			}
			for _, p := range checkGoogle(cfg, g, srv) {
				problems = append(problems, "google: "+p)
			}
		}
		if len(problems) > 0 {
			failed++
			if len(problems) > 12 {
				problems = append(problems[:12], fmt.Sprintf("... and %d more", len(problems)-12))
			}
			t.Errorf("seed %d (replay: ONBOARD_PROPERTY_SEED=%d ONBOARD_PROPERTY_N=1 go test -run TestPropertyRandomWorkbooks ./internal/job):\n  %s",
				seed, seed, strings.Join(problems, "\n  "))
			if failed >= 5 {
				t.Fatalf("stopping after %d failing workbooks", failed)
			}
		}
	}
	// The generator must keep making every malformed kind the contract
	// names, or the test stops looking at them.
	if n >= propertyDefaultN {
		for _, k := range allKinds {
			if kinds[k] == 0 {
				t.Errorf("no workbook had a cell of kind %q", k)
			}
		}
	}
	t.Logf("%d workbooks from seed %d; kinds %v", n, base, kinds)
}

// genBook is a random workbook and what it holds.
type genBook struct {
	book  *sheet.Book
	kinds map[string]int
	// formulas are cells typed on Google as a formula that fails, so the
	// fake holds an error-typed cell (locally they are the error's text).
	formulas []typedCell
}

type typedCell struct {
	tab      string
	row, col int
	input    string
	shows    string // the error value Google shows for input
}

var allKinds = []string{
	"bad yes/no", "date form", "broken date", "far date", "future date", "error value", "control character",
	"formula text", "huge cell", "duplicate id", "unknown client", "blank row", "stray row", "aliased header",
	"aliased tab", "shuffled headers", "bad email", "stray header word", "bad result", "pool assigned",
}

// errorFormulas fail on Google with the error value shown.
var errorFormulas = map[string]string{"#DIV/0!": "=1/0", "#NAME?": "=NOSUCHFUNCTION(1)"}

var errorCodes = []string{"#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!", "#N/A", "#REF!"}

type generator struct {
	rng      *rand.Rand
	m        *matrix.Matrix
	today    civil.Date
	g        *genBook
	ids      []string // client IDs typed so far
	headers  []string // every contract header, for stray words
	tabName  string
	row, col int
}

func generate(seed uint64, m *matrix.Matrix, today civil.Date) *genBook {
	gen := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), m: m, today: today,
		g: &genBook{book: &sheet.Book{}, kinds: map[string]int{}}}
	specs := contract.Tabs(m)
	for _, s := range specs {
		for _, c := range s.Columns {
			gen.headers = append(gen.headers, c.Name)
		}
	}
	for i := range specs {
		spec := &specs[i]
		if spec.Key == contract.TabPool && gen.rng.IntN(10) == 0 {
			continue // a team without a pool
		}
		gen.tab(spec)
	}
	return gen.g
}

func (gen *generator) kind(k string) { gen.g.kinds[k]++ }

func (gen *generator) pick(n int) int { return gen.rng.IntN(n) }

func (gen *generator) chance(pct int) bool { return gen.rng.IntN(100) < pct }

// tab makes one contract tab: its columns in random order under their
// names or aliases, unknown columns of the managers' own, data rows with
// blank and stray rows between them.
func (gen *generator) tab(spec *contract.Tab) {
	name := spec.Name
	if gen.chance(20) {
		gen.kind("aliased tab")
		name = []string{spec.Alias, strings.ToUpper(spec.Alias[:1]) + spec.Alias[1:], spec.Alias + " ", "（" + spec.Name + "）"}[gen.pick(4)]
	}
	gen.tabName = name
	var cols []contract.Column
	for _, c := range spec.Columns {
		switch {
		case c.Required:
			cols = append(cols, c)
		case c.Owner == contract.Job && gen.chance(30):
			cols = append(cols, c) // synced before: the job's column is there
		case c.Owner != contract.Job && gen.chance(85):
			cols = append(cols, c)
		}
	}
	for i := range gen.pick(3) {
		cols = append(cols, contract.Column{Key: "own:" + strconv.Itoa(i), Name: "社内メモ" + strconv.Itoa(i)})
	}
	if gen.chance(70) {
		gen.kind("shuffled headers")
		gen.rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	}
	header := make([]sheet.Value, len(cols))
	for i, c := range cols {
		header[i] = sheet.TextValue(gen.headerText(c))
	}
	tab := &sheet.Tab{Name: name, Rows: [][]sheet.Value{header}}
	gen.g.book.Tabs = append(gen.g.book.Tabs, tab)

	rows := gen.pick(14)
	if spec.Key == contract.TabSessions {
		rows = gen.pick(22)
	}
	for range rows {
		switch {
		case gen.chance(8):
			gen.kind("blank row")
			tab.Rows = append(tab.Rows, make([]sheet.Value, gen.pick(len(cols)+1)))
			continue
		case gen.chance(5):
			gen.kind("stray row")
			stray := make([]sheet.Value, len(cols))
			if gen.chance(50) {
				copy(stray, header) // the header row pasted again
			} else {
				stray[gen.pick(len(cols))] = sheet.TextValue("メモだけの行")
			}
			tab.Rows = append(tab.Rows, stray)
			continue
		}
		gen.row = len(tab.Rows) + 1
		row := make([]sheet.Value, len(cols))
		for i, c := range cols {
			gen.col = i + 1
			row[i] = gen.cell(spec, c)
		}
		tab.Rows = append(tab.Rows, row)
	}
}

func (gen *generator) headerText(c contract.Column) string {
	if c.Alias == "" || !gen.chance(35) {
		return c.Name
	}
	gen.kind("aliased header")
	switch gen.pick(4) {
	case 0:
		return c.Alias
	case 1:
		return strings.ToUpper(c.Alias)
	case 2:
		return "（" + fullWidth(c.Name) + "）"
	}
	return " " + strings.ReplaceAll(c.Alias, "_", " ") + " "
}

func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r + 0xfee0
		}
		return r
	}, s)
}

// cell makes one cell of a column: mostly what a manager would type, else
// one of the malformed kinds (for job-owned columns, anything at all).
func (gen *generator) cell(spec *contract.Tab, c contract.Column) sheet.Value {
	if c.Owner == contract.Job || strings.HasPrefix(c.Key, "own:") {
		if gen.chance(50) {
			return sheet.Value{}
		}
		return gen.malformed()
	}
	if !c.Required && gen.chance(25) {
		return sheet.Value{}
	}
	if gen.chance(18) {
		return gen.malformed()
	}
	switch {
	case c.Key == contract.KeyClientID:
		return gen.clientID(spec.Key)
	case c.Key == contract.KeyAssignedTo:
		if gen.chance(70) || len(gen.ids) == 0 {
			return sheet.Value{}
		}
		gen.kind("pool assigned")
		if gen.chance(15) {
			return sheet.TextValue("88888")
		}
		return sheet.TextValue(gen.ids[gen.pick(len(gen.ids))])
	case c.Key == contract.KeyHeldOn:
		return gen.date(true)
	}
	switch c.Type {
	case contract.DateCol:
		return gen.date(false)
	case contract.YesNoCol:
		return gen.yesNo()
	case contract.EmailCol:
		return gen.email(c.Key == contract.KeyEmail)
	case contract.ResultCol:
		return gen.result()
	case contract.LiteracyCol:
		return sheet.TextValue([]string{"高", "中", "低", "high", "Low"}[gen.pick(5)])
	}
	return sheet.TextValue([]string{"さくら商店", "山田 太郎", "店舗の予約受付", "1〜5名", "ＡＢＣ株式会社", "Zoom に慣れていない"}[gen.pick(6)])
}

func (gen *generator) clientID(tab string) sheet.Value {
	if tab == contract.TabSessions {
		if len(gen.ids) == 0 || gen.chance(12) {
			gen.kind("unknown client")
			return sheet.TextValue(strconv.Itoa(90000 + gen.pick(100)))
		}
		return sheet.TextValue(gen.ids[gen.pick(len(gen.ids))])
	}
	if len(gen.ids) > 0 && gen.chance(8) {
		gen.kind("duplicate id")
		return sheet.TextValue(gen.ids[gen.pick(len(gen.ids))])
	}
	id := strconv.Itoa(10001 + len(gen.ids))
	gen.ids = append(gen.ids, id)
	switch gen.pick(4) {
	case 0:
		return sheet.NumberValue(float64(10001 + len(gen.ids) - 1))
	case 1:
		return sheet.TextValue(fullWidth(id))
	case 2:
		return sheet.TextValue(" " + id[:2] + " " + id[2:])
	}
	return sheet.TextValue(id)
}

func (gen *generator) date(required bool) sheet.Value {
	if gen.chance(15) {
		gen.kind("broken date")
		return sheet.TextValue([]string{"2026/02/30", "来週", "11月末", "2026/13/01", "2026-11-24T25:00", "10000/01/01", "1899/12/31"}[gen.pick(7)])
	}
	if gen.chance(6) {
		gen.kind("far date")
		return []sheet.Value{sheet.TextValue("9999/12/31"), sheet.TextValue("2500/06/15"), sheet.NumberValue(-5), sheet.NumberValue(1e12),
			sheet.DayValue(civil.Max), sheet.TextValue("2500-06-15T10:00")}[gen.pick(6)]
	}
	d := gen.today.AddDays(-gen.pick(120))
	if gen.chance(10) {
		gen.kind("future date")
		d = gen.today.AddDays(1 + gen.pick(30))
	}
	gen.kind("date form")
	t := d.Time(time.UTC)
	y, m, day := t.Date()
	switch gen.pick(10) {
	case 0:
		return sheet.NumberValue(float64(d))
	case 1:
		return sheet.NumberValue(float64(d) + 0.5)
	case 2:
		return sheet.TextValue(t.Format("2006/01/02"))
	case 3:
		return sheet.TextValue(t.Format("2006-01-02"))
	case 4:
		return sheet.TextValue(fmt.Sprintf("%d年%d月%d日", y, m, day))
	case 5:
		return sheet.TextValue(fmt.Sprintf("R%d.%d.%d", y-2018, m, day))
	case 6:
		return sheet.TextValue(t.Format("20060102"))
	case 7:
		return sheet.TextValue(t.Format("2006-01-02T15:04") + "")
	case 8:
		return sheet.TextValue(t.Format("2006/01/02") + " 10:30")
	}
	return sheet.DayValue(d)
}

func (gen *generator) yesNo() sheet.Value {
	if gen.chance(10) {
		gen.kind("bad yes/no")
		return sheet.TextValue([]string{"たぶん", "2", "maybe", "要確認", "あり?"}[gen.pick(5)])
	}
	return []sheet.Value{sheet.TextValue("あり"), sheet.TextValue("なし"), sheet.TextValue("有"), sheet.TextValue("無"),
		sheet.TextValue("○"), sheet.TextValue("×"), sheet.TextValue("はい"), sheet.TextValue("いいえ"), sheet.TextValue("使用"),
		sheet.TextValue("不使用"), sheet.TextValue("済"), sheet.TextValue("未"), sheet.TextValue("yes"), sheet.TextValue("FALSE"),
		sheet.BoolValue(true), sheet.BoolValue(false), sheet.NumberValue(1), sheet.NumberValue(0)}[gen.pick(18)]
}

func (gen *generator) email(pool bool) sheet.Value {
	if gen.chance(12) {
		gen.kind("bad email")
		return sheet.TextValue([]string{"abc", "=1+1", "サポートアカウント", "support_@", "a@@b.jp", "@x.jp"}[gen.pick(6)])
	}
	n := 10001 + gen.pick(40)
	if pool {
		n = 10001 + gen.pick(16)
	}
	addr := fmt.Sprintf("support_%d@uetaya.com", n)
	switch gen.pick(6) {
	case 0:
		return sheet.TextValue(strings.ToUpper(addr))
	case 1:
		return sheet.TextValue(strings.Replace(addr, "@", "＠", 1))
	}
	return sheet.TextValue(addr)
}

func (gen *generator) result() sheet.Value {
	if gen.chance(8) {
		gen.kind("bad result")
		return sheet.TextValue([]string{"済み?", "半分", "OKかも"}[gen.pick(3)])
	}
	return sheet.TextValue([]string{"完了", "既存あり", "不要", "保留", "未完了", "済", "対象外", "done"}[gen.pick(8)])
}

// malformed is one of the kinds a careless paste leaves in any cell.
func (gen *generator) malformed() sheet.Value {
	switch gen.pick(7) {
	case 0:
		gen.kind("error value")
		code := errorCodes[gen.pick(len(errorCodes))]
		if f, ok := errorFormulas[code]; ok && gen.chance(50) {
			gen.g.formulas = append(gen.g.formulas, typedCell{gen.tabName, gen.row, gen.col, f, code})
		}
		return sheet.TextValue(code)
	case 1:
		gen.kind("control character")
		return sheet.TextValue([]string{"a\x01b", "\x07", "行\x1f区切り", "タブ\tと改行\n", "\x00x"}[gen.pick(5)])
	case 2:
		gen.kind("formula text")
		return sheet.TextValue([]string{"=1+1", `=IMPORTXML("http://x","//a")`, "=A1", "+81-3", "@sum"}[gen.pick(5)])
	case 3:
		gen.kind("huge cell")
		return sheet.TextValue(strings.Repeat("長", 5001+gen.pick(500)))
	case 4:
		gen.kind("stray header word")
		return sheet.TextValue(gen.headers[gen.pick(len(gen.headers))])
	case 5:
		gen.kind("bad yes/no")
		return sheet.TextValue("たぶん")
	}
	return []sheet.Value{sheet.NumberValue(-3.25), sheet.BoolValue(true), sheet.TextValue("\u3000"), sheet.NumberValue(1e20)}[gen.pick(4)]
}

// syncTwice syncs, then syncs again, recovering a panic as a problem.
func syncTwice(cfg job.Config, open func() (sheet.Spreadsheet, error), after func() *sheet.Book) (first, second *sheet.Book, run2 *job.Run, lint []string, problems []string) {
	defer func() {
		if r := recover(); r != nil {
			problems = append(problems, fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 2 {
		ss, err := open()
		if err != nil {
			return nil, nil, nil, nil, []string{"open: " + err.Error()}
		}
		run, err := job.Sync(ctx, ss, cfg, false)
		if err != nil {
			return nil, nil, nil, nil, []string{fmt.Sprintf("sync %d: %v", i+1, err)}
		}
		if i == 0 {
			first = after()
		} else {
			second, run2 = after(), run
			for _, p := range run.Lint(cfg) {
				lint = append(lint, fmt.Sprintf("%s!%d %s", p.Tab, p.Row, p.Message))
			}
		}
	}
	return first, second, run2, lint, nil
}

func checkLocal(cfg job.Config, g *genBook, path string) []string {
	if err := xlsxbook.Create(path, g.book); err != nil {
		return []string{"create: " + err.Error()}
	}
	read := func() *sheet.Book {
		b, err := xlsxbook.Open(path).Read(context.Background(), nil)
		if err != nil {
			panic(err)
		}
		return b
	}
	before := read()
	first, second, run2, lint, problems := syncTwice(cfg, func() (sheet.Spreadsheet, error) { return xlsxbook.Open(path), nil }, read)
	if problems != nil {
		return problems
	}
	return checkRuns(cfg.Matrix, before, first, second, run2, lint)
}

func checkGoogle(cfg job.Config, g *genBook, srv *fakesheets.Server) []string {
	id := srv.CreateSpreadsheet("property", fakesheets.TabsFromBook(g.book, 0)...)
	defer func() { _ = srv.DeleteSpreadsheet(id) }()
	for _, f := range g.formulas {
		// The fake does not evaluate formulas: the formula is seeded with
		// the error value Google shows for it.
		if err := srv.SetFormula(id, f.tab, f.row, f.col, f.input, fakesheets.ErrorValue(f.shows)); err != nil {
			return []string{"type formula: " + err.Error()}
		}
		if _, ok := sheet.ErrorValue(valueOf(srv.Cell(id, f.tab, f.row, f.col))); !ok {
			return []string{fmt.Sprintf("%s!%s %s does not fail on the fake: %v", f.tab, sheet.CellName(f.row, f.col), f.input, srv.Cell(id, f.tab, f.row, f.col))}
		}
	}
	read := func() *sheet.Book {
		b := &sheet.Book{}
		for _, name := range srv.Tabs(id) {
			tab := &sheet.Tab{Name: name}
			for _, row := range srv.Values(id, name) {
				vals := make([]sheet.Value, len(row))
				for c, v := range row {
					vals[c] = valueOf(v)
				}
				tab.Rows = append(tab.Rows, vals)
			}
			b.Tabs = append(b.Tabs, tab)
		}
		return b
	}
	before := read()
	open := func() (sheet.Spreadsheet, error) {
		return gsheets.Open(context.Background(), id, gsheets.Options{Endpoint: srv.URL(), Getenv: func(string) string { return "" },
			Retry: gsheets.Retry{Initial: time.Millisecond, Max: 5 * time.Millisecond, QuotaWindow: 20 * time.Millisecond}})
	}
	first, second, run2, lint, problems := syncTwice(cfg, open, read)
	if problems != nil {
		return problems
	}
	return checkRuns(cfg.Matrix, before, first, second, run2, lint)
}

// valueOf types a value the fake server shows.
func valueOf(v any) sheet.Value {
	switch t := v.(type) {
	case string:
		return sheet.TextValue(t)
	case float64:
		return sheet.NumberValue(t)
	case bool:
		return sheet.BoolValue(t)
	}
	return sheet.Value{}
}

// checkRuns checks the properties of two syncs: manager cells kept by
// each, nothing written by the second, at most one pool account per
// client, the pool and 申込 agreeing, and check flagging what disagrees.
func checkRuns(m *matrix.Matrix, before, first, second *sheet.Book, run2 *job.Run, lint []string) []string {
	var problems []string
	problems = append(problems, managerDiffs(m, before, first, "first sync")...)
	problems = append(problems, managerDiffs(m, first, second, "second sync")...)
	if run2.Outcome.Written != 0 || len(run2.Changes) != 0 {
		var cs []string
		for i, c := range run2.Changes {
			if i == 5 {
				break
			}
			cs = append(cs, fmt.Sprintf("%s!%s %s %q → %q", c.Tab, sheet.CellName(c.Row, c.Col), c.Header, c.Old.String(), c.New.String()))
		}
		problems = append(problems, fmt.Sprintf("second sync wrote %d cells (%d changes: %s)", run2.Outcome.Written, len(run2.Changes), strings.Join(cs, "; ")))
	}
	problems = append(problems, poolAgreement(m, before, first)...)
	problems = append(problems, strayFlagged(m, second, lint)...)
	return problems
}

// managerDiffs lists the manager cells that changed and the fill cells
// overwritten (a fill may only go from blank to a value).
func managerDiffs(m *matrix.Matrix, before, after *sheet.Book, what string) []string {
	var out []string
	if len(before.Tabs) != len(after.Tabs) {
		return []string{fmt.Sprintf("%s: %d tabs before, %d after", what, len(before.Tabs), len(after.Tabs))}
	}
	for ti, bt := range before.Tabs {
		at := after.Tabs[ti]
		if bt.Name != at.Name {
			out = append(out, fmt.Sprintf("%s: tab %q renamed %q", what, bt.Name, at.Name))
			continue
		}
		for r := 1; r <= max(len(bt.Rows), len(at.Rows)); r++ {
			cols := 0
			if r <= len(bt.Rows) {
				cols = len(bt.Rows[r-1])
			}
			if r <= len(at.Rows) {
				cols = max(cols, len(at.Rows[r-1]))
			}
			for c := 1; c <= cols; c++ {
				old, now := bt.Cell(r, c), at.Cell(r, c)
				where := fmt.Sprintf("%s: %s!%s", what, bt.Name, sheet.CellName(r, c))
				if r == 1 {
					if !old.IsEmpty() && !old.Equal(now) {
						out = append(out, fmt.Sprintf("%s header changed %q → %q", where, old.String(), now.String()))
					}
					continue
				}
				switch columnOwner(m, bt.Name, at.Cell(1, c).String()) {
				case contract.Manager:
					if !old.Equal(now) || old.Kind != now.Kind && !(old.IsEmpty() && now.IsEmpty()) {
						out = append(out, fmt.Sprintf("%s (%s) manager cell changed: %v %q → %v %q", where, at.Cell(1, c).String(), old.Kind, short(old), now.Kind, short(now)))
					}
				case contract.Fill:
					if !old.IsEmpty() && !old.Equal(now) {
						out = append(out, fmt.Sprintf("%s (%s) filled cell overwritten: %q → %q", where, at.Cell(1, c).String(), short(old), short(now)))
					}
				}
			}
		}
	}
	return out
}

func short(v sheet.Value) string {
	s := v.String()
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// poolView is the pool and 申込 of a book, as a manager reads them.
type poolView struct {
	assigned map[string][]string // client ID → pool emails assigned to it
	rows     map[string][]int    // client ID → the pool rows assigned to it, as assigned
	poolTab  string              // the pool tab's name
	byEmail  map[string]string   // pool email → assigned client ID
	support  map[string]string   // client ID (unique rows only) → 申込 サポートアカウント cell
	typed    map[string]bool     // client ID → the cell held anything
	dup      map[string]bool     // client IDs on several rows
}

func viewPool(m *matrix.Matrix, b *sheet.Book) poolView {
	v := poolView{assigned: map[string][]string{}, rows: map[string][]int{}, byEmail: map[string]string{}, support: map[string]string{}, typed: map[string]bool{}, dup: map[string]bool{}}
	specs := contract.Tabs(m)
	apps, _ := contract.FindTab(b, &specs[0])
	if apps == nil || len(apps.Rows) == 0 {
		return v
	}
	al, err := contract.NewLayout(&specs[0], apps)
	if err != nil {
		return v
	}
	seen := map[string]bool{}
	for r := 2; r <= len(apps.Rows); r++ {
		id := clientID(apps.Cell(r, al.Col(contract.KeyClientID)))
		if id == "" {
			continue
		}
		if seen[id] {
			v.dup[id] = true
		}
		seen[id] = true
		cell := apps.Cell(r, al.Col(contract.KeySupportAccount))
		if addr, _, ok := parse.Email(cell); ok {
			v.support[id] = addr
		}
		v.typed[id] = !cell.IsEmpty()
	}
	pool, _ := contract.FindTab(b, &specs[2])
	if pool == nil || len(pool.Rows) == 0 {
		return v
	}
	pl, err := contract.NewLayout(&specs[2], pool)
	if err != nil {
		return v
	}
	v.poolTab = pool.Name
	for r := 2; r <= len(pool.Rows); r++ {
		email, _, ok := parse.Email(pool.Cell(r, pl.Col(contract.KeyEmail)))
		to := clientID(pool.Cell(r, pl.Col(contract.KeyAssignedTo)))
		if !ok || email == "" {
			email = fmt.Sprintf("row %d", r)
		}
		if to != "" {
			v.assigned[to] = append(v.assigned[to], email)
			v.rows[to] = append(v.rows[to], r)
		}
		if _, dup := v.byEmail[email]; !dup { // the first row of an address is the one
			v.byEmail[email] = to
		}
	}
	return v
}

// clientID reads an ID cell as a manager would: an error value is none.
func clientID(v sheet.Value) string {
	if _, isErr := sheet.ErrorValue(v); isErr {
		return ""
	}
	return parse.ClientID(v)
}

// poolAgreement checks what one sync did to the pool and 申込: no client
// gains a pool account it already had one of, none is given one over a
// サポートアカウント cell that held anything, and every assignment the sync
// made is on both sides.
func poolAgreement(m *matrix.Matrix, before, after *sheet.Book) []string {
	var out []string
	b, a := viewPool(m, before), viewPool(m, after)
	for id, emails := range a.assigned {
		had := len(b.assigned[id])
		if len(emails) <= had {
			continue
		}
		if had > 0 || len(emails) > 1 {
			out = append(out, fmt.Sprintf("client %s holds %d pool accounts (had %d): %v", id, len(emails), had, emails))
		}
		for _, e := range emails {
			// A manager's typed account is recorded in the pool; any other
			// cell that held something gets none.
			if b.typed[id] && b.byEmail[e] == "" && e != b.support[id] {
				out = append(out, fmt.Sprintf("client %s got pool account %s though its サポートアカウント held %q", id, e, b.support[id]))
			}
		}
		for _, e := range emails {
			if b.byEmail[e] == "" && !a.dup[id] && a.support[id] != e {
				out = append(out, fmt.Sprintf("pool %s marked for client %s, whose サポートアカウント reads %q", e, id, a.support[id]))
			}
		}
	}
	for id, addr := range a.support {
		if addr == "" || b.typed[id] {
			continue
		}
		// The sync filled this client's account: the pool row must say so.
		if to, inPool := a.byEmail[addr]; inPool && to != id {
			out = append(out, fmt.Sprintf("client %s given %s, which the pool assigns to %q", id, addr, to))
		}
		if _, inPool := a.byEmail[addr]; !inPool {
			out = append(out, fmt.Sprintf("client %s given %s, which is not in the pool", id, addr))
		}
	}
	return out
}

// strayFlagged: every pool row assigned to a client whose 申込 holds
// another readable address is named by check: as stray, or, when its
// 割当クライアントID is no ID the job accepts (a formula, control
// characters), as that cell's problem.
func strayFlagged(m *matrix.Matrix, b *sheet.Book, lint []string) []string {
	var out []string
	v := viewPool(m, b)
	for id, emails := range v.assigned {
		held, ok := v.support[id]
		if !ok || held == "" || v.dup[id] {
			continue
		}
		for i, e := range emails {
			if strings.HasPrefix(e, "row ") || e == held {
				continue
			}
			flagged := false
			cell := fmt.Sprintf("%s!%d 割当クライアントID: ", v.poolTab, v.rows[id][i])
			for _, l := range lint {
				if strings.Contains(l, "割当クライアントID: "+id+" の申込のサポートアカウントは") || strings.HasPrefix(l, cell) {
					flagged = true
				}
			}
			if !flagged {
				out = append(out, fmt.Sprintf("pool %s is assigned to client %s, who holds %s, and check does not say so (check: %s)", e, id, held, strings.Join(lint, " | ")))
			}
		}
	}
	return out
}
