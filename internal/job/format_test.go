package job_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/api/sheets/v4"

	"onboard/internal/contract"
	"onboard/internal/example"
	"onboard/internal/fakesheets"
	"onboard/internal/gsheets"
	"onboard/internal/job"
	"onboard/internal/prep"
	"onboard/internal/report"
	"onboard/internal/sheet"
	"onboard/internal/xlsxbook"
)

// formatConfig is a sync that keeps the セッション準備 tab and colours
// statuses with the report's embedded colours, as `onboard sync` does.
func formatConfig(t *testing.T) job.Config {
	t.Helper()
	cfg := config(t)
	in, err := prep.LoadInstructions("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Prep, cfg.PrepDays = in, 14
	l, err := report.LoadLayout("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Look = contract.Look{StatusColors: l.StatusColors}
	return cfg
}

// openpyxlReport is what an independent reader sees of the formats.
type openpyxlReport struct {
	Widths  map[string]map[string]float64 `json:"widths"`  // tab → column → width
	Wrap    map[string]map[string]bool    `json:"wrap"`    // tab → column → row 2 wraps
	NumFmt  map[string]map[string]string  `json:"numfmt"`  // tab → column → row 2 number format
	Rules   map[string][][3]string        `json:"rules"`   // tab → [range, formula, colour]
	Frozen  map[string]string             `json:"frozen"`  // tab → freeze panes
	Fill    string                        `json:"fill"`    // 申込!C2's fill (the manager's)
	Names   []string                      `json:"names"`   // defined names
	Comment string                        `json:"comment"` // the note on the first job header
}

const openpyxlScript = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"widths": {}, "wrap": {}, "numfmt": {}, "rules": {}, "frozen": {}, "names": [], "comment": ""}
for ws in wb:
    out["widths"][ws.title] = {k: v.width for k, v in ws.column_dimensions.items() if v.customWidth}
    out["wrap"][ws.title] = {c.column_letter: bool(c.alignment.wrap_text) for c in ws[2]} if ws.max_row >= 2 else {}
    out["numfmt"][ws.title] = {c.column_letter: c.number_format for c in ws[2]} if ws.max_row >= 2 else {}
    rules = []
    for cf in ws.conditional_formatting:
        for r in cf.rules:
            rules.append([str(cf.sqref), r.formula[0] if r.formula else "", (r.dxf.fill.bgColor.rgb if r.dxf.fill.bgColor.rgb != "00000000" else r.dxf.fill.fgColor.rgb) if r.dxf and r.dxf.fill else ""])
    out["rules"][ws.title] = rules
    out["frozen"][ws.title] = ws.freeze_panes or ""
    for name in getattr(ws, "defined_names", {}):
        out["names"].append(ws.title + "!" + name)
    for c in ws[1]:
        if c.comment and not out["comment"]:
            out["comment"] = c.comment.text
for dn in getattr(wb.defined_names, "definedName", []):
    if dn.localSheetId is not None:
        out["names"].append(wb.sheetnames[dn.localSheetId] + "!" + dn.name)
out["fill"] = wb["申込"]["C2"].fill.fgColor.rgb or ""
print(json.dumps(out))
`

func readFormats(t *testing.T, path string) openpyxlReport {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "-c", openpyxlScript, path).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var r openpyxlReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("openpyxl output %s: %v", out, err)
	}
	return r
}

// TestFormatsOnXLSX: the first sync of the example formats the columns it
// adds and the セッション準備 tab it creates, as openpyxl reads them back; a
// manager's own format on a manager column stays; a second sync leaves the
// file byte for byte.
func TestFormatsOnXLSX(t *testing.T) {
	path := copyExample(t)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("申込", "C2", "C2", mine); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cfg := formatConfig(t)
	ss := openXLSX(t, path)
	run := syncOn(t, ss, cfg)
	if strings.Join(run.Formatted, ",") != "申込,セッション,サポートアカウント,セッション準備" {
		t.Errorf("formatted %v", run.Formatted)
	}
	got := readFormats(t, path)

	// 申込: M 必要作業 … S ステータス更新日 were added by the sync.
	wantWidths := map[string]float64{"M": 20, "N": 18, "O": 7, "P": 14, "Q": 40, "R": 50, "S": 14}
	for col, w := range wantWidths {
		if got.Widths["申込"][col] != w {
			t.Errorf("申込 column %s width %v, want %v", col, got.Widths["申込"][col], w)
		}
	}
	for _, col := range []string{"A", "B", "C", "L"} {
		if _, ok := got.Widths["申込"][col]; ok && got.Widths["申込"][col] != 16 {
			t.Errorf("manager column 申込!%s width changed to %v", col, got.Widths["申込"][col])
		}
	}
	for _, col := range []string{"Q", "R", "M"} {
		if !got.Wrap["申込"][col] {
			t.Errorf("申込!%s2 does not wrap", col)
		}
	}
	if got.NumFmt["申込"]["S"] != "yyyy/mm/dd" {
		t.Errorf("申込!S2 number format %q, want yyyy/mm/dd", got.NumFmt["申込"]["S"])
	}
	if got.Fill != "00FFFF00" && got.Fill != "FFFFFF00" {
		t.Errorf("the manager's fill on 申込!C2 is %q, want FFFF00 kept", got.Fill)
	}
	colours := map[string]string{}
	for _, r := range got.Rules["申込"] {
		if r[0] != "P2:P1048576" {
			t.Errorf("conditional rule over %s, want P2:P1048576 (ステータス)", r[0])
		}
		colours[strings.Trim(r[1], `"`)] = strings.ToUpper(r[2])
	}
	for st, hex := range cfg.Look.StatusColors {
		if !strings.HasSuffix(colours[st], hex) {
			t.Errorf("ステータス %s coloured %q, want %s", st, colours[st], hex)
		}
	}
	if got.NumFmt["サポートアカウント"]["E"] != "yyyy/mm/dd" || !got.Wrap["セッション"]["P"] {
		t.Errorf("サポートアカウント!E2 %q (want a date), セッション!P2 wrap %v (want true)", got.NumFmt["サポートアカウント"]["E"], got.Wrap["セッション"]["P"])
	}
	// セッション準備: PrepWidths, wrapped long columns, 予定日 a date, frozen.
	for i, w := range contract.PrepWidths {
		col := sheet.ColumnName(i + 1)
		if got.Widths[contract.PrepTabName][col] != w {
			t.Errorf("セッション準備 column %s width %v, want %v", col, got.Widths[contract.PrepTabName][col], w)
		}
	}
	if got.NumFmt[contract.PrepTabName]["A"] != "yyyy/mm/dd" || !got.Wrap[contract.PrepTabName]["J"] || got.Frozen[contract.PrepTabName] != "A2" {
		t.Errorf("セッション準備: A2 %q, J2 wrap %v, frozen %q", got.NumFmt[contract.PrepTabName]["A"], got.Wrap[contract.PrepTabName]["J"], got.Frozen[contract.PrepTabName])
	}
	for _, tab := range []string{"申込", "セッション", "サポートアカウント", contract.PrepTabName} {
		if !slices.Contains(got.Names, tab+"!onboard_formatted") {
			t.Errorf("tab %s not marked formatted: names %v", tab, got.Names)
		}
	}

	before := fileSum(t, path)
	again := syncOn(t, openXLSX(t, path), cfg)
	if len(again.Formatted) != 0 || fileSum(t, path) != before {
		t.Errorf("idle sync formatted %v / changed the file", again.Formatted)
	}
}

// TestFormatsOnGoogle: the same through the real client against the fake
// server, read back with spreadsheets.get as Google returns it; the
// formatting costs one batchUpdate on the first sync and nothing on an
// idle one.
func TestFormatsOnGoogle(t *testing.T) {
	ctx := context.Background()
	srv := fakesheets.NewServer()
	t.Cleanup(srv.Close)
	id := srv.CreateSpreadsheet("onboarding", fakesheets.TabsFromBook(example.Generate(example.ExampleConfig()), 0)...)
	svc := srv.Service(ctx)
	appsID, err := srv.SheetID(id, "申込")
	if err != nil {
		t.Fatal(err)
	}
	// A manager's own fill on 事業者名 (C) and width on column C.
	yellow := &sheets.Color{Red: 1, Green: 1}
	_, err = svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{RepeatCell: &sheets.RepeatCellRequest{Range: &sheets.GridRange{SheetId: appsID, StartRowIndex: 1, StartColumnIndex: 2, EndColumnIndex: 3, ForceSendFields: []string{"SheetId"}},
			Cell: &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{BackgroundColor: yellow}}, Fields: "userEnteredFormat.backgroundColor"}},
		{UpdateDimensionProperties: &sheets.UpdateDimensionPropertiesRequest{Range: &sheets.DimensionRange{SheetId: appsID, Dimension: "COLUMNS", StartIndex: 2, EndIndex: 3, ForceSendFields: []string{"SheetId"}},
			Properties: &sheets.DimensionProperties{PixelSize: 222}, Fields: "pixelSize"}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	// The formatting requests, seen as the server receives them.
	var formatCalls atomic.Int32
	srv.SetHook(func(r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "repeatCell") || strings.Contains(string(body), "updateDimensionProperties") {
			formatCalls.Add(1)
		}
	})
	open := func() sheet.Spreadsheet {
		ss, err := gsheets.Open(ctx, id, gsheets.Options{Endpoint: srv.URL(), Getenv: func(string) string { return "" }, Retry: gsheets.Retry{Attempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	cfg := formatConfig(t)
	syncOn(t, open(), cfg)
	if n := formatCalls.Load(); n != 1 {
		t.Errorf("first sync sent %d formatting batchUpdates, want 1", n)
	}

	doc, err := svc.Spreadsheets.Get(id).Ranges("'申込'!A1:S3", "'セッション準備'!A1:K2").IncludeGridData(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	apps, prepTab := doc.Sheets[0], doc.Sheets[1]
	if apps.Properties.Title != "申込" || prepTab.Properties.Title != contract.PrepTabName {
		t.Fatalf("tabs %s, %s", apps.Properties.Title, prepTab.Properties.Title)
	}
	px := func(sh *sheets.Sheet, col int) int64 { return sh.Data[0].ColumnMetadata[col-1].PixelSize }
	for col, chars := range map[int]float64{13: 20, 16: 14, 17: 40, 18: 50, 19: 14} {
		if want := int64(sheet.WidthPixels(chars)); px(apps, col) != want {
			t.Errorf("申込 column %s is %d px, want %d", sheet.ColumnName(col), px(apps, col), want)
		}
	}
	if px(apps, 3) != 222 || px(apps, 1) != 100 {
		t.Errorf("manager columns A, C are %d, %d px, want 100, 222 (untouched)", px(apps, 1), px(apps, 3))
	}
	cell := func(sh *sheets.Sheet, row, col int) *sheets.CellData {
		rd := sh.Data[0].RowData[row-1]
		if col > len(rd.Values) {
			return &sheets.CellData{}
		}
		return rd.Values[col-1]
	}
	if c := cell(apps, 2, 3); c.UserEnteredFormat == nil || c.UserEnteredFormat.BackgroundColor == nil || c.UserEnteredFormat.BackgroundColor.Green != 1 {
		t.Errorf("the manager's fill on 申込!C2 is gone: %+v", c.UserEnteredFormat)
	}
	changed := cell(apps, 2, 19)
	if nf := changed.UserEnteredFormat; nf == nil || nf.NumberFormat == nil || nf.NumberFormat.Type != "DATE" || nf.NumberFormat.Pattern != "yyyy/mm/dd" {
		t.Errorf("申込!S2 format %+v, want DATE yyyy/mm/dd", changed.UserEnteredFormat)
	} else if !strings.HasPrefix(changed.FormattedValue, "20") || strings.Count(changed.FormattedValue, "/") != 2 {
		t.Errorf("申込!S2 shows %q, want a yyyy/mm/dd date", changed.FormattedValue)
	}
	for _, col := range []int{17, 18} {
		if c := cell(apps, 2, col); c.UserEnteredFormat == nil || c.UserEnteredFormat.WrapStrategy != "WRAP" {
			t.Errorf("申込!%s2 does not wrap", sheet.ColumnName(col))
		}
	}
	status := cell(apps, 2, 16)
	hex := cfg.Look.StatusColors[*status.EffectiveValue.StringValue]
	if bg := status.EffectiveFormat.BackgroundColor; hex == "" || bg == nil || colourHex(bg) != hex {
		t.Errorf("申込!P2 (%s) background %+v, want %s", *status.EffectiveValue.StringValue, bg, hex)
	}
	if len(apps.ConditionalFormats) != len(cfg.Look.StatusColors) {
		t.Errorf("申込 has %d conditional rules, want one per status (%d)", len(apps.ConditionalFormats), len(cfg.Look.StatusColors))
	}
	if prepTab.Properties.GridProperties.FrozenRowCount != 1 || px(prepTab, 10) != int64(sheet.WidthPixels(contract.PrepWidths[9])) {
		t.Errorf("セッション準備: frozen %d, J %d px", prepTab.Properties.GridProperties.FrozenRowCount, px(prepTab, 10))
	}
	if c := cell(prepTab, 2, 1); c.UserEnteredFormat == nil || c.UserEnteredFormat.NumberFormat == nil || c.UserEnteredFormat.NumberFormat.Type != "DATE" {
		t.Errorf("セッション準備!A2 is not a date: %+v", c.UserEnteredFormat)
	}

	// An idle sync: no formatting, and no call but its one read.
	srv.ResetRequests()
	formatCalls.Store(0)
	ss := open()
	if run := syncOn(t, ss, cfg); len(run.Formatted) != 0 {
		t.Errorf("idle sync formatted %v", run.Formatted)
	}
	if n := formatCalls.Load(); n != 0 {
		t.Errorf("idle sync sent %d formatting requests", n)
	}
	for _, r := range srv.Requests() {
		if r.Operation != "spreadsheets.values.batchGet" {
			t.Errorf("idle sync called %s", r.Operation)
		}
	}
}

func colourHex(c *sheets.Color) string {
	b := func(v float64) byte { return byte(v*255 + 0.5) }
	return strings.ToUpper(string(hexByte(b(c.Red)) + hexByte(b(c.Green)) + hexByte(b(c.Blue))))
}

func hexByte(v byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[v>>4], digits[v&15]})
}

func openXLSX(t *testing.T, path string) sheet.Spreadsheet {
	t.Helper()
	return xlsxbook.Open(path)
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
