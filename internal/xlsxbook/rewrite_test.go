package xlsxbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"onboard/internal/sheet"
)

// brokenBook writes a workbook of two tabs, 申込 and セッション, whose
// セッション sheet part ends in the middle of its rows.
func brokenBook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "申込"))
	_, err := f.NewSheet("セッション")
	must(t, err)
	for _, tab := range []string{"申込", "セッション"} {
		for r := 1; r <= 50; r++ {
			must(t, f.SetSheetRow(tab, sheet.CellName(r, 1), &[]any{r, strings.Repeat("備考", 10)}))
		}
	}
	var whole bytes.Buffer
	must(t, f.Write(&whole))
	f.Close()
	zr, err := zip.NewReader(bytes.NewReader(whole.Bytes()), int64(whole.Len()))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		data, err := io.ReadAll(rc)
		rc.Close()
		must(t, err)
		if zf.Name == "xl/worksheets/sheet2.xml" {
			data = data[:len(data)/2]
		}
		dst, err := zw.Create(zf.Name)
		must(t, err)
		_, err = dst.Write(data)
		must(t, err)
	}
	must(t, zw.Close())
	path := filepath.Join(t.TempDir(), "book.xlsx")
	must(t, os.WriteFile(path, out.Bytes(), 0o644))
	return path
}

// TestRewriteFailures: a sheet part that cannot be rewritten fails the
// save with an error naming the workbook and the tab, and a cancelled
// context stops it, also in the middle of a part; either way the file is
// not touched, and no scratch file is left open or beside it.
func TestRewriteFailures(t *testing.T) {
	update := func(tab string) sheet.Update {
		return sheet.Update{Tab: tab, Row: 2, Col: 3, Value: sheet.TextValue("完了")}
	}
	wrap := []sheet.SetupStep{{Kind: sheet.FormatColumns, Tab: "申込", Formats: []sheet.ColumnFormat{{Col: 2, Wrap: true}}},
		{Kind: sheet.FormatColumns, Tab: "セッション", Formats: []sheet.ColumnFormat{{Col: 2, Wrap: true}}}}
	for _, tc := range []struct {
		name   string
		change func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error
		cancel bool
		want   string // in the error; "" for context.Canceled
	}{
		{"write to a broken tab", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			return w.Write(ctx, []sheet.Update{update("申込"), update("セッション")})
		}, false, `tab "セッション"`},
		{"format a broken tab", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			return w.Prepare(ctx, wrap)
		}, false, `tab "セッション"`},
		{"init on a broken tab", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			return w.Prepare(ctx, append(initSteps("申込"), initSteps("セッション")...))
		}, false, `tab "セッション"`},
		{"init cancelled", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			return w.Prepare(ctx, initSteps("申込"))
		}, true, ""},
		{"write cancelled", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			return w.Write(ctx, []sheet.Update{update("申込")})
		}, true, ""},
		{"format cancelled", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			return w.Prepare(ctx, wrap[:1])
		}, true, ""},
		{"cancelled in the middle of a part", func(ctx context.Context, cancel context.CancelFunc, w *Workbook) error {
			p, err := w.changing()
			if err != nil {
				return err
			}
			defer p.done()
			tp, _ := p.tab("申込")
			var readErr error // the rewrite's own: its reads stop
			_, err = w.rewriteParts(ctx, p, []partRewrite{{part: tp.part, tab: "申込", write: func(dst io.Writer, rc io.Reader) error {
				cancel()
				_, readErr = io.Copy(dst, rc)
				return readErr
			}}})
			if !errors.Is(err, context.Canceled) {
				return err
			}
			return readErr
		}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := brokenBook(t)
			before := readBytes(t, path)
			w := Open(path)
			if _, err := w.Read(context.Background(), []string{"申込"}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				cancel()
			}
			fds := openFiles(t)
			err := tc.change(ctx, cancel, w)
			if n := openFiles(t); n != fds {
				t.Errorf("%d files open after the save, %d before", n, fds)
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("files beside the workbook: %v", entries)
			}
			switch {
			case tc.want == "" && !errors.Is(err, context.Canceled):
				t.Errorf("error %v, want the context's", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path)):
				t.Errorf("error %v, want one naming %s and %s", err, path, tc.want)
			}
			if !bytes.Equal(readBytes(t, path), before) {
				t.Error("the file changed")
			}
		})
	}
}

// openFiles counts the process's open files.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}
