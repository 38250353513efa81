package fakesheets

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// fmtKind is the number format family Google infers from typed input.
type fmtKind uint8

const (
	fmtGeneral  fmtKind = iota
	fmtGrouped          // "#,##0" / "#,##0.00", inferred from "2,000,000.01"
	fmtPercent          // "0%" / "0.00%", inferred from "50%"
	fmtCurrency         // "$#,##0.00", inferred from "$5"
	fmtDate             // inferred from "2020-01-01", "2020/01/01", "1/2/2020"
	fmtDateTime         // a date followed by a time
	fmtTime             // "10:30" or "10:30:15"
)

// dateLayout remembers how a date was typed so it renders back the same way.
type dateLayout uint8

const (
	layoutISO      dateLayout = iota // 2020-01-02
	layoutYMDSlash                   // 2020/01/02
	layoutUS                         // 1/2/2020 (en_US month first)
)

type numFormat struct {
	kind     fmtKind
	decimals int
	layout   dateLayout
}

func (f numFormat) isDateTime() bool {
	return f.kind == fmtDate || f.kind == fmtDateTime || f.kind == fmtTime
}

// valueRender and dateTimeRender mirror Google's ValueRenderOption and
// DateTimeRenderOption.
type valueRender uint8

const (
	renderFormatted valueRender = iota
	renderUnformatted
	renderFormula
)

type dateTimeRender uint8

const (
	dateSerial dateTimeRender = iota
	dateFormatted
)

type renderOpts struct {
	value    valueRender
	dateTime dateTimeRender
}

// maxCellChars is Google's per-cell text limit.
const maxCellChars = 50000

var (
	rePlainNumber = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)
	reGrouped     = regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$`)
	rePercent     = regexp.MustCompile(`^([-+]?(\d+\.?\d*|\.\d+))%$`)
	reCurrency    = regexp.MustCompile(`^([-+]?)\$(\d{1,3}(,\d{3})+(\.\d*)?|\d+\.?\d*|\.\d+)$`)
	reDateISO     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	reDateYMD     = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	reDateUS      = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	reTime        = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2}))?$`)
)

// sheetsEpoch is day 0 of Google's (and Excel's) date serial numbers.
var sheetsEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialOf is the date serial of a UTC wall-clock time, counted from Unix
// seconds: a time.Duration (t.Sub) stops at 292 years, and Sheets holds
// dates up to 9999-12-31.
func serialOf(t time.Time) float64 {
	secs := t.Unix() - sheetsEpoch.Unix()
	return float64(secs)/86400 + float64(t.Nanosecond())/86400e9
}

// parseUserEntered interprets a string the way Google does for
// valueInputOption=USER_ENTERED in the en_US locale: numbers (with grouping,
// percent, currency), booleans, dates and times become typed values with an
// inferred format, a leading '=' makes a formula (its value still to be
// resolved: store.typed) and a leading apostrophe forces text. Anything
// else stays text.
func parseUserEntered(s string) cell {
	if s == "" {
		return cell{}
	}
	if s[0] == '\'' {
		if len(s) == 1 {
			return cell{}
		}
		return cell{kind: kindText, text: s[1:]}
	}
	if s[0] == '=' && len(s) > 1 {
		return cell{formula: s}
	}
	t := strings.TrimSpace(s)
	switch {
	case strings.EqualFold(t, "TRUE"):
		return cell{kind: kindBool, bool: true}
	case strings.EqualFold(t, "FALSE"):
		return cell{kind: kindBool, bool: false}
	}
	if c, ok := parseNumberInput(t); ok {
		return c
	}
	if c, ok := parseDateInput(t); ok {
		return c
	}
	return cell{kind: kindText, text: s}
}

func parseNumberInput(t string) (cell, bool) {
	if rePlainNumber.MatchString(t) {
		n, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsInf(n, 0) {
			return cell{}, false
		}
		return cell{kind: kindNumber, num: n}, true
	}
	if reGrouped.MatchString(t) {
		n, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", ""), 64)
		if err != nil {
			return cell{}, false
		}
		dec := 0
		if strings.Contains(t, ".") {
			dec = 2
		}
		return cell{kind: kindNumber, num: n, fmt: numFormat{kind: fmtGrouped, decimals: dec}}, true
	}
	if m := rePercent.FindStringSubmatch(t); m != nil {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return cell{}, false
		}
		dec := 0
		if strings.Contains(m[1], ".") {
			dec = 2
		}
		return cell{kind: kindNumber, num: n / 100, fmt: numFormat{kind: fmtPercent, decimals: dec}}, true
	}
	if m := reCurrency.FindStringSubmatch(t); m != nil {
		n, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
		if err != nil {
			return cell{}, false
		}
		if m[1] == "-" {
			n = -n
		}
		return cell{kind: kindNumber, num: n, fmt: numFormat{kind: fmtCurrency, decimals: 2}}, true
	}
	return cell{}, false
}

func parseDateInput(t string) (cell, bool) {
	var y, mo, d string
	var m []string
	layout := layoutISO
	if m = reDateISO.FindStringSubmatch(t); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m = reDateYMD.FindStringSubmatch(t); m != nil {
		y, mo, d = m[1], m[2], m[3]
		layout = layoutYMDSlash
	} else if m = reDateUS.FindStringSubmatch(t); m != nil {
		mo, d, y = m[1], m[2], m[3]
		layout = layoutUS
	}
	if m != nil {
		yi, _ := strconv.Atoi(y)
		mi, _ := strconv.Atoi(mo)
		di, _ := strconv.Atoi(d)
		if mi < 1 || mi > 12 || di < 1 || di > 31 {
			return cell{}, false
		}
		day := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
		if day.Day() != di {
			return cell{}, false // e.g. 2021-02-30 stays text, as in Sheets
		}
		serial := serialOf(day)
		kind := fmtDate
		if m[4] != "" {
			frac, ok := timeFraction(m[4], m[5], m[6])
			if !ok {
				return cell{}, false
			}
			serial += frac
			kind = fmtDateTime
		}
		return cell{kind: kindNumber, num: serial, fmt: numFormat{kind: kind, layout: layout}}, true
	}
	if m := reTime.FindStringSubmatch(t); m != nil {
		frac, ok := timeFraction(m[1], m[2], m[3])
		if !ok {
			return cell{}, false
		}
		return cell{kind: kindNumber, num: frac, fmt: numFormat{kind: fmtTime}}, true
	}
	return cell{}, false
}

func timeFraction(h, m, s string) (float64, bool) {
	hi, _ := strconv.Atoi(h)
	mi, _ := strconv.Atoi(m)
	si := 0
	if s != "" {
		si, _ = strconv.Atoi(s)
	}
	if hi > 23 || mi > 59 || si > 59 {
		return 0, false
	}
	return float64(hi*3600+mi*60+si) / 86400, true
}

// formatNumber renders n with format f like Google's FORMATTED_VALUE.
func formatNumber(n float64, f numFormat) string {
	switch f.kind {
	case fmtGrouped:
		return groupThousands(strconv.FormatFloat(n, 'f', f.decimals, 64))
	case fmtPercent:
		return strconv.FormatFloat(n*100, 'f', f.decimals, 64) + "%"
	case fmtCurrency:
		s := groupThousands(strconv.FormatFloat(math.Abs(n), 'f', 2, 64))
		if n < 0 {
			return "-$" + s
		}
		return "$" + s
	case fmtDate, fmtDateTime, fmtTime:
		return formatSerial(n, f)
	}
	return formatGeneral(n)
}

// formatGeneral approximates Sheets' automatic number format: up to 10
// significant digits, trailing zeros dropped, scientific notation only for
// very large or very small magnitudes.
func formatGeneral(n float64) string {
	if n == 0 {
		return "0"
	}
	a := math.Abs(n)
	if a >= 1e15 || a < 1e-10 {
		s := strconv.FormatFloat(n, 'E', 5, 64)
		mant, exp, _ := strings.Cut(s, "E")
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		return mant + "E" + exp
	}
	if n == math.Trunc(n) {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	// Decimal places that keep 10 significant digits.
	digits := int(math.Floor(math.Log10(a))) + 1
	prec := 10 - digits
	if prec < 0 {
		prec = 0
	}
	s := strconv.FormatFloat(n, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, ch := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// formatSerial renders a date/time serial number with the layout it was
// typed in.
func formatSerial(n float64, f numFormat) string {
	secs := math.Round(n * 86400)
	if math.IsNaN(secs) || math.Abs(secs) > 1e12 {
		return formatGeneral(n)
	}
	t := sheetsEpoch.Add(time.Duration(secs) * time.Second)
	var date string
	switch f.layout {
	case layoutYMDSlash:
		date = t.Format("2006/01/02")
	case layoutUS:
		date = t.Format("1/2/2006")
	default:
		date = t.Format("2006-01-02")
	}
	switch f.kind {
	case fmtDateTime:
		return date + " " + t.Format("15:04:05")
	case fmtTime:
		return t.Format("15:04:05")
	}
	return date
}

// renderCell turns a cell into the JSON value Google returns for the given
// render options: a formula's text for FORMULA, its value otherwise.
func renderCell(c cell, opts renderOpts) any {
	if c.formula != "" && opts.value == renderFormula {
		return c.formula
	}
	switch c.kind {
	case kindText, kindError:
		return c.text
	case kindBool:
		if opts.value == renderFormatted {
			if c.bool {
				return "TRUE"
			}
			return "FALSE"
		}
		return c.bool
	case kindNumber:
		if opts.value == renderFormatted {
			return formatNumber(c.num, c.fmt)
		}
		if c.fmt.isDateTime() && opts.dateTime == dateFormatted {
			return formatSerial(c.num, c.fmt)
		}
		return c.num
	}
	return ""
}

// effectiveValue returns the Go value a test sees through Values: string
// (error values included), float64, bool or nil.
func effectiveValue(c cell) any {
	switch c.kind {
	case kindText, kindError:
		return c.text
	case kindNumber:
		return c.num
	case kindBool:
		return c.bool
	}
	return nil
}
