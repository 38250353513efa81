package fakesheets

import (
	"math"
	"strconv"
	"strings"
)

// The fake evaluates a deliberately small formula language so USER_ENTERED
// writes such as "=4/2" or "=SUM(A1:A3)" read back with plausible values:
// number/string/boolean literals, + - * / ^ & % and comparisons, cell and
// range references (optionally on another sheet), and the functions in
// formulaFuncs. Everything else evaluates to "#NAME?" (Google would compute
// it). Formulas are evaluated when read, so they follow later edits, but
// their references are not rewritten when rows or columns move, unlike
// Google.

// maxFormulaDepth bounds reference chains; deeper chains give "#REF!".
const maxFormulaDepth = 256

type fval struct {
	kind cellKind // kindEmpty, kindText, kindNumber, kindBool, kindError
	num  float64
	str  string
	b    bool
	// cells holds the values of a range reference, row-major.
	cells []fval
	isRng bool
}

func errVal(code string) fval { return fval{kind: kindError, str: code} }

type cellKey struct {
	sh   *sheet
	r, c int
}

// evalCtx evaluates formulas for one read. It memoises results, so shared
// references are computed once, and tracks the cells being evaluated, so a
// circular reference gives "#REF!" (as Google shows) instead of recursing.
type evalCtx struct {
	ss       *spreadsheet
	memo     map[cellKey]cell
	visiting map[cellKey]bool
}

func (ss *spreadsheet) newEval() *evalCtx {
	return &evalCtx{ss: ss, memo: map[cellKey]cell{}, visiting: map[cellKey]bool{}}
}

// at returns the evaluation hook renderCell needs for the cell (r, c) of sh.
func (e *evalCtx) at(sh *sheet, r, c int) func(cell) cell {
	return func(cv cell) cell { return e.eval(sh, r, c, cv) }
}

// eval returns the value of cell cv stored at (r, c) of sh.
func (e *evalCtx) eval(sh *sheet, r, c int, cv cell) cell {
	if cv.kind != kindFormula {
		return cv
	}
	k := cellKey{sh, r, c}
	if v, ok := e.memo[k]; ok {
		return v
	}
	if e.visiting[k] || len(e.visiting) >= maxFormulaDepth {
		return cell{kind: kindError, text: "#REF!"}
	}
	e.visiting[k] = true
	v := e.compute(sh, cv.text[1:])
	delete(e.visiting, k)
	e.memo[k] = v
	return v
}

func (e *evalCtx) compute(home *sheet, src string) cell {
	p := &formulaParser{ev: e, home: home, src: src}
	v := p.parseExpr()
	p.skipSpace()
	if p.err == "" && p.pos < len(p.src) {
		p.err = "#ERROR!"
	}
	if p.err != "" {
		return cell{kind: kindError, text: p.err}
	}
	if v.isRng {
		// Google would spill an array; the fake keeps the top-left value.
		if len(v.cells) == 0 {
			return cell{}
		}
		v = v.cells[0]
	}
	switch v.kind {
	case kindNumber:
		if math.IsNaN(v.num) || math.IsInf(v.num, 0) {
			return cell{kind: kindError, text: "#NUM!"}
		}
		return cell{kind: kindNumber, num: v.num}
	case kindText:
		return cell{kind: kindText, text: v.str}
	case kindBool:
		return cell{kind: kindBool, bool: v.b}
	case kindError:
		return cell{kind: kindError, text: v.str}
	}
	return cell{}
}

type formulaParser struct {
	ev   *evalCtx
	home *sheet
	src  string
	pos  int
	// err is set to an error code ("#ERROR!" for a parse error) once
	// parsing cannot go on.
	err string
}

func (p *formulaParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func (p *formulaParser) peek(s string) bool {
	p.skipSpace()
	return strings.HasPrefix(p.src[p.pos:], s)
}

func (p *formulaParser) accept(s string) bool {
	if p.peek(s) {
		p.pos += len(s)
		return true
	}
	return false
}

func (p *formulaParser) parseExpr() fval {
	left := p.parseConcat()
	for p.err == "" {
		var op string
		for _, cand := range []string{"<=", ">=", "<>", "=", "<", ">"} {
			if p.accept(cand) {
				op = cand
				break
			}
		}
		if op == "" {
			return left
		}
		right := p.parseConcat()
		left = compareVals(scalar(left), scalar(right), op)
	}
	return left
}

func (p *formulaParser) parseConcat() fval {
	left := p.parseAdditive()
	for p.err == "" && p.accept("&") {
		right := p.parseAdditive()
		l, r := scalar(left), scalar(right)
		if l.kind == kindError {
			return l
		}
		if r.kind == kindError {
			return r
		}
		left = fval{kind: kindText, str: toText(l) + toText(r)}
	}
	return left
}

func (p *formulaParser) parseAdditive() fval {
	left := p.parseTerm()
	for p.err == "" {
		switch {
		case p.accept("+"):
			left = arith(left, p.parseTerm(), '+')
		case p.accept("-"):
			left = arith(left, p.parseTerm(), '-')
		default:
			return left
		}
	}
	return left
}

func (p *formulaParser) parseTerm() fval {
	left := p.parsePower()
	for p.err == "" {
		switch {
		case p.accept("*"):
			left = arith(left, p.parsePower(), '*')
		case p.accept("/"):
			left = arith(left, p.parsePower(), '/')
		default:
			return left
		}
	}
	return left
}

func (p *formulaParser) parsePower() fval {
	left := p.parseUnary()
	for p.err == "" && p.accept("^") {
		left = arith(left, p.parseUnary(), '^')
	}
	return left
}

func (p *formulaParser) parseUnary() fval {
	if p.accept("-") {
		return arith(fval{kind: kindNumber}, p.parseUnary(), '-')
	}
	if p.accept("+") {
		return p.parseUnary()
	}
	v := p.parsePrimary()
	for p.err == "" && p.accept("%") {
		v = arith(v, fval{kind: kindNumber, num: 100}, '/')
	}
	return v
}

func (p *formulaParser) parsePrimary() fval {
	p.skipSpace()
	if p.pos >= len(p.src) {
		p.err = "#ERROR!"
		return fval{}
	}
	ch := p.src[p.pos]
	switch {
	case ch == '(':
		p.pos++
		v := p.parseExpr()
		if !p.accept(")") {
			p.err = "#ERROR!"
		}
		return v
	case ch == '"':
		return p.parseString()
	case ch >= '0' && ch <= '9' || ch == '.':
		return p.parseNumber()
	case ch == '\'':
		title, n, ok := unquoteTitle(p.src[p.pos:])
		if !ok || !strings.HasPrefix(p.src[p.pos+n:], "!") {
			p.err = "#ERROR!"
			return fval{}
		}
		p.pos += n + 1
		return p.parseRef(title)
	}
	start := p.pos
	for p.pos < len(p.src) && isWordByte(p.src[p.pos]) {
		p.pos++
	}
	word := p.src[start:p.pos]
	if word == "" {
		p.err = "#ERROR!"
		return fval{}
	}
	if p.pos < len(p.src) && p.src[p.pos] == '!' {
		p.pos++
		return p.parseRef(word)
	}
	if p.peek("(") {
		p.pos++
		return p.parseCall(strings.ToUpper(word))
	}
	switch strings.ToUpper(word) {
	case "TRUE":
		return fval{kind: kindBool, b: true}
	case "FALSE":
		return fval{kind: kindBool}
	}
	p.pos = start
	return p.parseRef("")
}

func isWordByte(c byte) bool {
	return isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$' || c >= 0x80
}

func (p *formulaParser) parseString() fval {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '"' {
			b.WriteByte('"')
			p.pos++
			continue
		}
		return fval{kind: kindText, str: b.String()}
	}
	p.err = "#ERROR!"
	return fval{}
}

func (p *formulaParser) parseNumber() fval {
	start := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
		p.pos++
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		q := p.pos + 1
		if q < len(p.src) && (p.src[q] == '+' || p.src[q] == '-') {
			q++
		}
		if q < len(p.src) && p.src[q] >= '0' && p.src[q] <= '9' {
			p.pos = q
			for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
				p.pos++
			}
		}
	}
	n, err := strconv.ParseFloat(p.src[start:p.pos], 64)
	if err != nil {
		p.err = "#ERROR!"
		return fval{}
	}
	return fval{kind: kindNumber, num: n}
}

// parseRef reads "A1" or "A1:B2" (after an optional sheet prefix) and
// returns the referenced value(s).
func (p *formulaParser) parseRef(sheetTitle string) fval {
	start := p.pos
	for p.pos < len(p.src) && (isLetter(p.src[p.pos]) || p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '$' || p.src[p.pos] == ':') {
		p.pos++
	}
	text := p.src[start:p.pos]
	var ref a1Ref
	if text == "" || ref.parseCells(text) != nil {
		return errVal("#NAME?")
	}
	sh := p.home
	if sheetTitle != "" {
		if sh = p.ev.ss.sheetByTitle(sheetTitle); sh == nil {
			return errVal("#REF!")
		}
	}
	r0, c0, r1, c1 := ref.bounds(sh)
	if r1 >= sh.rowCount || c1 >= sh.colCount {
		return errVal("#REF!")
	}
	single := r0 == r1 && c0 == c1 && !strings.Contains(text, ":")
	// Only stored data can be non-empty, so ranges are walked over it.
	var out []fval
	for r := r0; r <= r1 && r < len(sh.rows); r++ {
		for c := c0; c <= c1 && c < len(sh.rows[r]); c++ {
			out = append(out, p.cellValue(sh, r, c))
		}
	}
	if single {
		if len(out) == 0 {
			return fval{}
		}
		return out[0]
	}
	return fval{isRng: true, cells: out}
}

func (p *formulaParser) cellValue(sh *sheet, r, c int) fval {
	cv := p.ev.eval(sh, r, c, sh.get(r, c))
	switch cv.kind {
	case kindNumber:
		return fval{kind: kindNumber, num: cv.num}
	case kindText:
		return fval{kind: kindText, str: cv.text}
	case kindBool:
		return fval{kind: kindBool, b: cv.bool}
	case kindError:
		return errVal(cv.text)
	}
	return fval{}
}

func (p *formulaParser) parseCall(name string) fval {
	var args []fval
	if !p.accept(")") {
		for p.err == "" {
			args = append(args, p.parseExpr())
			if p.accept(",") {
				continue
			}
			if !p.accept(")") {
				p.err = "#ERROR!"
			}
			break
		}
	}
	if p.err != "" {
		return fval{}
	}
	fn, ok := formulaFuncs[name]
	if !ok {
		return errVal("#NAME?")
	}
	return fn(args)
}

var formulaFuncs = map[string]func([]fval) fval{
	"SUM": func(a []fval) fval {
		return foldNumbers(a, 0, func(acc, n float64) float64 { return acc + n })
	},
	"MIN": func(a []fval) fval {
		v := foldNumbers(a, math.Inf(1), math.Min)
		if v.kind == kindNumber && math.IsInf(v.num, 1) {
			v.num = 0
		}
		return v
	},
	"MAX": func(a []fval) fval {
		v := foldNumbers(a, math.Inf(-1), math.Max)
		if v.kind == kindNumber && math.IsInf(v.num, -1) {
			v.num = 0
		}
		return v
	},
	"AVERAGE": func(a []fval) fval {
		sum := foldNumbers(a, 0, func(acc, n float64) float64 { return acc + n })
		if sum.kind == kindError {
			return sum
		}
		n := countNumbers(a)
		if n == 0 {
			return errVal("#DIV/0!")
		}
		return fval{kind: kindNumber, num: sum.num / float64(n)}
	},
	"COUNT": func(a []fval) fval { return fval{kind: kindNumber, num: float64(countNumbers(a))} },
	"COUNTA": func(a []fval) fval {
		n := 0
		for _, v := range flatten(a) {
			if v.kind != kindEmpty {
				n++
			}
		}
		return fval{kind: kindNumber, num: float64(n)}
	},
	"IF": func(a []fval) fval {
		if len(a) < 2 || len(a) > 3 {
			return errVal("#N/A")
		}
		cond := scalar(a[0])
		if cond.kind == kindError {
			return cond
		}
		b, ok := toBool(cond)
		if !ok {
			return errVal("#VALUE!")
		}
		if b {
			return scalar(a[1])
		}
		if len(a) == 3 {
			return scalar(a[2])
		}
		return fval{kind: kindBool}
	},
	"AND": func(a []fval) fval { return foldBools(a, true, func(x, y bool) bool { return x && y }) },
	"OR":  func(a []fval) fval { return foldBools(a, false, func(x, y bool) bool { return x || y }) },
	"NOT": func(a []fval) fval {
		if len(a) != 1 {
			return errVal("#N/A")
		}
		b, ok := toBool(scalar(a[0]))
		if !ok {
			return errVal("#VALUE!")
		}
		return fval{kind: kindBool, b: !b}
	},
	"CONCATENATE": concatFunc,
	"CONCAT":      concatFunc,
	"LEN": textFunc(func(s string) fval {
		return fval{kind: kindNumber, num: float64(len([]rune(s)))}
	}),
	"UPPER": textFunc(func(s string) fval { return fval{kind: kindText, str: strings.ToUpper(s)} }),
	"LOWER": textFunc(func(s string) fval { return fval{kind: kindText, str: strings.ToLower(s)} }),
	"TRIM": textFunc(func(s string) fval {
		return fval{kind: kindText, str: strings.Join(strings.Fields(s), " ")}
	}),
	"ABS": func(a []fval) fval {
		if len(a) != 1 {
			return errVal("#N/A")
		}
		n, err := toNumber(scalar(a[0]))
		if err != nil {
			return *err
		}
		return fval{kind: kindNumber, num: math.Abs(n)}
	},
	"ROUND": func(a []fval) fval {
		if len(a) < 1 || len(a) > 2 {
			return errVal("#N/A")
		}
		n, err := toNumber(scalar(a[0]))
		if err != nil {
			return *err
		}
		places := 0.0
		if len(a) == 2 {
			pl, err := toNumber(scalar(a[1]))
			if err != nil {
				return *err
			}
			places = math.Trunc(pl)
		}
		f := math.Pow(10, places)
		return fval{kind: kindNumber, num: math.Round(n*f) / f}
	},
}

func concatFunc(a []fval) fval {
	var b strings.Builder
	for _, v := range flatten(a) {
		if v.kind == kindError {
			return v
		}
		b.WriteString(toText(v))
	}
	return fval{kind: kindText, str: b.String()}
}

func textFunc(f func(string) fval) func([]fval) fval {
	return func(a []fval) fval {
		if len(a) != 1 {
			return errVal("#N/A")
		}
		v := scalar(a[0])
		if v.kind == kindError {
			return v
		}
		return f(toText(v))
	}
}

// flatten expands range arguments into their cells.
func flatten(a []fval) []fval {
	var out []fval
	for _, v := range a {
		if v.isRng {
			out = append(out, v.cells...)
			continue
		}
		out = append(out, v)
	}
	return out
}

// foldNumbers follows spreadsheet rules: numbers in ranges count, text and
// booleans in ranges are skipped, direct arguments are coerced.
func foldNumbers(a []fval, init float64, f func(acc, n float64) float64) fval {
	acc := init
	for _, v := range a {
		if v.isRng {
			for _, c := range v.cells {
				switch c.kind {
				case kindError:
					return c
				case kindNumber:
					acc = f(acc, c.num)
				}
			}
			continue
		}
		n, err := toNumber(v)
		if err != nil {
			return *err
		}
		acc = f(acc, n)
	}
	return fval{kind: kindNumber, num: acc}
}

func countNumbers(a []fval) int {
	n := 0
	for _, v := range a {
		if v.isRng {
			for _, c := range v.cells {
				if c.kind == kindNumber {
					n++
				}
			}
			continue
		}
		if _, err := toNumber(v); err == nil {
			n++
		}
	}
	return n
}

func foldBools(a []fval, init bool, f func(x, y bool) bool) fval {
	acc := init
	for _, v := range flatten(a) {
		if v.kind == kindError {
			return v
		}
		if v.kind == kindEmpty {
			continue
		}
		b, ok := toBool(v)
		if !ok {
			return errVal("#VALUE!")
		}
		acc = f(acc, b)
	}
	return fval{kind: kindBool, b: acc}
}

// scalar reduces a range used where one value is expected to its first cell.
func scalar(v fval) fval {
	if !v.isRng {
		return v
	}
	if len(v.cells) == 0 {
		return fval{}
	}
	return v.cells[0]
}

func toNumber(v fval) (float64, *fval) {
	v = scalar(v)
	switch v.kind {
	case kindNumber:
		return v.num, nil
	case kindBool:
		if v.b {
			return 1, nil
		}
		return 0, nil
	case kindEmpty:
		return 0, nil
	case kindText:
		if c, ok := parseNumberInput(strings.TrimSpace(v.str)); ok {
			return c.num, nil
		}
		e := errVal("#VALUE!")
		return 0, &e
	}
	e := v
	return 0, &e
}

func toText(v fval) string {
	switch v.kind {
	case kindNumber:
		return formatGeneral(v.num)
	case kindBool:
		if v.b {
			return "TRUE"
		}
		return "FALSE"
	case kindText, kindError:
		return v.str
	}
	return ""
}

func toBool(v fval) (bool, bool) {
	switch v.kind {
	case kindBool:
		return v.b, true
	case kindNumber:
		return v.num != 0, true
	case kindEmpty:
		return false, true
	case kindText:
		switch strings.ToUpper(v.str) {
		case "TRUE":
			return true, true
		case "FALSE":
			return false, true
		}
	}
	return false, false
}

func arith(l, r fval, op byte) fval {
	a, err := toNumber(l)
	if err != nil {
		return *err
	}
	b, err := toNumber(r)
	if err != nil {
		return *err
	}
	switch op {
	case '+':
		return fval{kind: kindNumber, num: a + b}
	case '-':
		return fval{kind: kindNumber, num: a - b}
	case '*':
		return fval{kind: kindNumber, num: a * b}
	case '/':
		if b == 0 {
			return errVal("#DIV/0!")
		}
		return fval{kind: kindNumber, num: a / b}
	}
	return fval{kind: kindNumber, num: math.Pow(a, b)}
}

// compareVals orders values like Sheets: numbers before text before
// booleans, text case-insensitively.
func compareVals(l, r fval, op string) fval {
	if l.kind == kindError {
		return l
	}
	if r.kind == kindError {
		return r
	}
	rank := func(v fval) int {
		switch v.kind {
		case kindText:
			return 1
		case kindBool:
			return 2
		}
		return 0
	}
	cmp := 0
	switch {
	case l.kind == kindEmpty && r.kind == kindText:
		cmp = strings.Compare("", strings.ToLower(r.str))
	case r.kind == kindEmpty && l.kind == kindText:
		cmp = strings.Compare(strings.ToLower(l.str), "")
	case rank(l) != rank(r):
		cmp = rank(l) - rank(r)
	case rank(l) == 1:
		cmp = strings.Compare(strings.ToLower(l.str), strings.ToLower(r.str))
	default:
		a, _ := toNumber(l)
		b, _ := toNumber(r)
		switch {
		case a < b:
			cmp = -1
		case a > b:
			cmp = 1
		}
	}
	var res bool
	switch op {
	case "=":
		res = cmp == 0
	case "<>":
		res = cmp != 0
	case "<":
		res = cmp < 0
	case ">":
		res = cmp > 0
	case "<=":
		res = cmp <= 0
	case ">=":
		res = cmp >= 0
	}
	return fval{kind: kindBool, b: res}
}
