// Package xlsxbook is the local workbook backend: an .xlsx file read and
// written with excelize, saved atomically, and never saved over a file that
// changed on disk since it was read.
package xlsxbook

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"onboard/internal/atomicfile"
	"onboard/internal/sheet"
)

// Workbook is a local .xlsx spreadsheet.
type Workbook struct {
	path string
	file *excelize.File
	// sum is the SHA-256 of the file as read (or last saved): a save first
	// checks the disk still holds exactly this.
	sum [32]byte
	// dateStyles caches, by style index, whether a style formats a date.
	dateStyles map[int]bool
	dateStyle  int // the style the job gives date cells it writes; 0 = not made yet
	// broken is set when a failed write left the in-memory copy ahead of
	// the disk; the next call must read again.
	broken bool
	// cache is the book as read, kept in step with every write, so
	// ReadColumns need not decode the sheets again.
	cache *sheet.Book
}

var _ sheet.Spreadsheet = (*Workbook)(nil)

// Open returns the backend for the workbook at path; the file is read by Read.
func Open(path string) *Workbook { return &Workbook{path: path} }

// Describe names the workbook.
func (w *Workbook) Describe() string { return w.path }

// Path is the workbook's file path.
func (w *Workbook) Path() string { return w.path }

func (w *Workbook) load() error {
	// Every run reads first: the temporary file of a run killed mid-save
	// goes now, also when this run has nothing to write.
	_, _ = atomicfile.CleanStale(w.path)
	b, err := os.ReadFile(w.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("workbook %s: %w; check --sheet, or create it with 'onboard init --sheet %s'", w.path, sheet.ErrNotFound, w.path)
		}
		return fmt.Errorf("read workbook %s: %w", w.path, err)
	}
	if len(b) == 0 {
		return fmt.Errorf("workbook %s is an empty file (0 bytes): set it up with 'onboard init --sheet %s'", w.path, w.path)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("workbook %s is not an .xlsx file (%v): save it from Excel as an Excel workbook (.xlsx), or check --sheet", w.path, err)
	}
	if w.file != nil {
		_ = w.file.Close()
	}
	w.file, w.sum, w.broken = f, sha256.Sum256(b), false
	w.dateStyles, w.dateStyle = map[int]bool{}, 0
	return nil
}

// Read loads the workbook from disk and returns all its tabs: the contract
// finds its tabs by name, also when a manager wrote them a little
// differently, so the backend does not filter.
func (w *Workbook) Read(ctx context.Context, names []string) (*sheet.Book, error) {
	if err := w.load(); err != nil {
		return nil, err
	}
	book, err := w.book(ctx)
	if err != nil {
		return nil, err
	}
	w.cache = book
	return copyBook(book), nil
}

// copyBook copies the row slices so a caller cannot change the cache.
func copyBook(b *sheet.Book) *sheet.Book {
	out := &sheet.Book{Tabs: make([]*sheet.Tab, len(b.Tabs))}
	for i, t := range b.Tabs {
		rows := make([][]sheet.Value, len(t.Rows))
		for r, row := range t.Rows {
			rows[r] = append([]sheet.Value(nil), row...)
		}
		out.Tabs[i] = &sheet.Tab{Name: t.Name, Rows: rows}
	}
	return out
}

// Titles lists the workbook's tabs as last read (reading it when it was
// not yet).
func (w *Workbook) Titles(ctx context.Context) ([]string, error) {
	if w.file == nil || w.broken {
		if err := w.load(); err != nil {
			return nil, err
		}
	}
	return w.file.GetSheetList(), nil
}

// ReadColumns returns header rows and columns from the copy read last (kept
// in step with this process's writes). The local file cannot change under
// the job unnoticed: Write refuses to save over a file that changed on disk.
func (w *Workbook) ReadColumns(ctx context.Context, reqs []sheet.ColumnsRequest) (*sheet.Book, error) {
	if w.cache == nil || w.broken {
		if _, err := w.Read(ctx, nil); err != nil {
			return nil, err
		}
	}
	book := &sheet.Book{}
	for _, req := range reqs {
		src := w.cache.Tab(req.Tab)
		if src == nil {
			return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, req.Tab, sheet.ErrTabNotFound)
		}
		tab := &sheet.Tab{Name: src.Name, Rows: make([][]sheet.Value, len(src.Rows))}
		for r, row := range src.Rows {
			if r == 0 {
				tab.Rows[0] = append([]sheet.Value(nil), row...)
				continue
			}
			out := make([]sheet.Value, len(row))
			for _, c := range req.Cols {
				if c >= 1 && c <= len(row) {
					out[c-1] = row[c-1]
				}
			}
			tab.Rows[r] = out
		}
		book.Tabs = append(book.Tabs, tab)
	}
	return book, nil
}

// book converts every tab of the in-memory file.
func (w *Workbook) book(ctx context.Context) (*sheet.Book, error) {
	book := &sheet.Book{}
	for _, name := range w.file.GetSheetList() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tab, err := w.tab(name)
		if err != nil {
			return nil, err
		}
		book.Tabs = append(book.Tabs, tab)
	}
	return book, nil
}

func (w *Workbook) tab(name string) (*sheet.Tab, error) {
	raw, err := w.file.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read tab %q: %w", name, err)
	}
	tab := &sheet.Tab{Name: name, Rows: make([][]sheet.Value, len(raw))}
	for r, row := range raw {
		vals := make([]sheet.Value, len(row))
		for c, s := range row {
			if s == "" {
				continue
			}
			vals[c], err = w.value(name, r+1, c+1, s)
			if err != nil {
				return nil, err
			}
		}
		tab.Rows[r] = vals
	}
	return tab, nil
}

// value types a raw cell. Only cells that read as numbers need a look at
// the cell's type and style (bool, date or number); everything else is text.
func (w *Workbook) value(tab string, row, col int, raw string) (sheet.Value, error) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return sheet.Value{Kind: sheet.Text, Str: raw}, nil
	}
	axis := sheet.CellName(row, col)
	typ, err := w.file.GetCellType(tab, axis)
	if err != nil {
		return sheet.Value{}, fmt.Errorf("read tab %q cell %s: %w", tab, axis, err)
	}
	switch typ {
	case excelize.CellTypeBool:
		return sheet.BoolValue(f != 0), nil
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		return sheet.Value{Kind: sheet.Text, Str: raw}, nil
	case excelize.CellTypeDate:
		return sheet.Value{Kind: sheet.Date, Num: f}, nil
	}
	style, err := w.file.GetCellStyle(tab, axis)
	if err != nil {
		return sheet.Value{}, fmt.Errorf("read tab %q cell %s style: %w", tab, axis, err)
	}
	if w.isDateStyle(style) {
		return sheet.Value{Kind: sheet.Date, Num: f}, nil
	}
	return sheet.NumberValue(f), nil
}

func (w *Workbook) isDateStyle(idx int) bool {
	if idx == 0 {
		return false
	}
	if v, ok := w.dateStyles[idx]; ok {
		return v
	}
	st, err := w.file.GetStyle(idx)
	is := err == nil && st != nil && (builtinDate(st.NumFmt) || (st.CustomNumFmt != nil && customDate(*st.CustomNumFmt)))
	w.dateStyles[idx] = is
	return is
}

// builtinDate reports whether a built-in number format shows a date.
func builtinDate(id int) bool {
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
}

// customDate reports whether a format code shows a date: it has a year or
// day part outside quoted text and brackets.
func customDate(code string) bool {
	var b strings.Builder
	quoted, bracket := false, false
	for _, r := range code {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		default:
			b.WriteRune(r)
		}
	}
	s := strings.ReplaceAll(strings.ToLower(b.String()), "general", "")
	return strings.ContainsAny(s, "ydg") || strings.Contains(s, "年") || strings.Contains(s, "日")
}

// Write applies updates and saves the workbook atomically. If the file on
// disk changed since it was read, nothing is saved and the error wraps
// sheet.ErrConflict.
func (w *Workbook) Write(ctx context.Context, updates []sheet.Update) error {
	if w.file == nil || w.broken {
		return fmt.Errorf("workbook %s: write before read: %w", w.path, sheet.ErrInvalid)
	}
	if err := w.checkUnchanged(); err != nil {
		return err
	}
	w.broken = true // until the save below succeeds
	for _, u := range updates {
		if err := w.set(u); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.save(); err != nil {
		return err
	}
	for _, u := range updates {
		w.cacheSet(u)
	}
	w.broken = false
	return nil
}

func (w *Workbook) cacheSet(u sheet.Update) {
	if w.cache == nil {
		return
	}
	t := w.cache.Tab(u.Tab)
	if t == nil {
		return
	}
	for len(t.Rows) < u.Row {
		t.Rows = append(t.Rows, nil)
	}
	row := t.Rows[u.Row-1]
	for len(row) < u.Col {
		row = append(row, sheet.Value{})
	}
	row[u.Col-1] = u.Value
	t.Rows[u.Row-1] = row
}

func (w *Workbook) set(u sheet.Update) error {
	if u.Row < 1 || u.Col < 1 || u.Row > excelize.TotalRows || u.Col > excelize.MaxColumns {
		return fmt.Errorf("tab %q row %d column %d: %w", u.Tab, u.Row, u.Col, sheet.ErrOutOfRange)
	}
	if idx, err := w.file.GetSheetIndex(u.Tab); err != nil || idx < 0 {
		return fmt.Errorf("workbook %s tab %q: %w", w.path, u.Tab, sheet.ErrTabNotFound)
	}
	axis := sheet.CellName(u.Row, u.Col)
	var err error
	switch u.Value.Kind {
	case sheet.Empty:
		err = w.file.SetCellValue(u.Tab, axis, nil)
	case sheet.Text:
		err = w.setText(u.Tab, axis, u.Value.Str)
	case sheet.Number:
		err = w.file.SetCellFloat(u.Tab, axis, u.Value.Num, -1, 64)
	case sheet.Bool:
		err = w.file.SetCellBool(u.Tab, axis, u.Value.Bool())
	case sheet.Date:
		if err = w.file.SetCellFloat(u.Tab, axis, u.Value.Num, -1, 64); err == nil {
			var style int
			if style, err = w.dateStyleID(); err == nil {
				err = w.file.SetCellStyle(u.Tab, axis, axis, style)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("set tab %q cell %s: %w", u.Tab, axis, err)
	}
	return nil
}

// setText stores a string cell: "=1+1" stays text, never a formula.
//
// Text holding the .xlsx escape form _xHHHH_ (which excelize decodes on
// reading: _x0041_ reads as "A") goes in as a one-run rich text, the one
// path where excelize escapes it (as _x005F_x0041_, as Excel does):
// SetCellStr stores it unescaped, and its table of shared strings is keyed
// by the escaped form, so a later text equal to that form would get the
// earlier one's cell. The conformance suite's storable-text test shows the
// round trip.
func (w *Workbook) setText(tab, axis, s string) error {
	if !strings.Contains(s, "_x") {
		return w.file.SetCellStr(tab, axis, s)
	}
	// Clear first: a rich text leaves a formula in the cell in place.
	if err := w.file.SetCellValue(tab, axis, nil); err != nil {
		return err
	}
	return w.file.SetCellRichText(tab, axis, []excelize.RichTextRun{{Text: s}})
}

func (w *Workbook) dateStyleID() (int, error) {
	if w.dateStyle == 0 {
		code := "yyyy/mm/dd"
		id, err := w.file.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return 0, err
		}
		w.dateStyle = id
		w.dateStyles[id] = true
	}
	return w.dateStyle, nil
}

// AddTab creates a tab with a header row and saves the workbook.
func (w *Workbook) AddTab(ctx context.Context, name string, header []string) error {
	if w.file == nil || w.broken {
		if err := w.load(); err != nil {
			return err
		}
	}
	if idx, err := w.file.GetSheetIndex(name); err == nil && idx >= 0 {
		return fmt.Errorf("workbook %s tab %q: %w", w.path, name, sheet.ErrTabExists)
	}
	if err := w.checkUnchanged(); err != nil {
		return err
	}
	w.broken = true
	if _, err := w.file.NewSheet(name); err != nil {
		return fmt.Errorf("add tab %q: %w", name, err)
	}
	if w.cache != nil {
		w.cache.Tabs = append(w.cache.Tabs, &sheet.Tab{Name: name})
	}
	for i, h := range header {
		if err := w.file.SetCellStr(name, sheet.CellName(1, i+1), h); err != nil {
			return fmt.Errorf("add tab %q header: %w", name, err)
		}
	}
	if err := w.save(); err != nil {
		return err
	}
	for i, h := range header {
		w.cacheSet(sheet.Update{Tab: name, Row: 1, Col: i + 1, Value: sheet.TextValue(h)})
	}
	w.broken = false
	return nil
}

func (w *Workbook) checkUnchanged() error {
	b, err := os.ReadFile(w.path)
	if err != nil {
		return fmt.Errorf("check workbook %s before saving: %w", w.path, err)
	}
	if sha256.Sum256(b) != w.sum {
		return fmt.Errorf("workbook %s changed on disk since it was read; nothing was saved, the next run picks the change up: %w", w.path, sheet.ErrConflict)
	}
	return nil
}

// save writes the workbook to a temporary file beside the real file (links
// followed) and renames it over it, so a reader never sees half a file; the
// file keeps its mode and owner (atomicfile).
func (w *Workbook) save() error {
	h := sha256.New()
	fill := func(out io.Writer) error {
		if _, err := w.file.WriteTo(io.MultiWriter(out, h)); err != nil {
			return fmt.Errorf("save workbook %s: %w", w.path, err)
		}
		return nil
	}
	// Last look just before the rename: the window for a lost edit is the
	// rename itself.
	if err := atomicfile.Write(w.path, 0o644, fill, w.checkUnchanged); err != nil {
		return err
	}
	copy(w.sum[:], h.Sum(nil))
	return nil
}

// Close releases the in-memory workbook.
func (w *Workbook) Close() error {
	if w.file == nil {
		return nil
	}
	err := w.file.Close()
	w.file = nil
	return err
}
