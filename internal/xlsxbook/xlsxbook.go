// Package xlsxbook is the local workbook backend: an .xlsx file read by scanning its parts, changed
// by patching only the parts a change owns, saved atomically, never over a file changed since read.
package xlsxbook

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"onboard/internal/atomicfile"
	"onboard/internal/sheet"
)

// Workbook is a local .xlsx spreadsheet.
type Workbook struct {
	path    string
	sum     [32]byte       // the file's SHA-256 as read or last saved: a save checks the disk holds it
	haveSum bool           // sum is set: the file was read or saved
	used    map[partID]int // the cell counts of the sheet parts read, for Cells
	styles  *styleBook     // styles.xml as last parsed (openStyles)
}

var (
	_ sheet.Spreadsheet     = (*Workbook)(nil)
	_ sheet.Conditional     = (*Workbook)(nil)
	_ sheet.FilteringReader = (*Workbook)(nil)
	_ sheet.Creator         = (*Workbook)(nil)
)

// WritesOnlyUnchanged marks the workbook's saves as conditional: each
// refuses a file whose checksum is not the one read or last saved.
func (w *Workbook) WritesOnlyUnchanged() {}

// Open returns the backend for the workbook at path; the file is read by Read.
func Open(path string) *Workbook { return &Workbook{path: path, used: map[partID]int{}} }

// Describe names the workbook.
func (w *Workbook) Describe() string { return w.path }

// Missing reports whether there is no workbook at the path yet: no file,
// or an empty regular one (0 bytes, as touch leaves it).
func (w *Workbook) Missing() bool {
	info, err := os.Stat(w.path)
	return errors.Is(err, fs.ErrNotExist) || (err == nil && info.Mode().IsRegular() && info.Size() == 0)
}

// CreateTabs writes a new workbook at the path holding the named tabs,
// empty (Create).
func (w *Workbook) CreateTabs(ctx context.Context, tabs []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(w.path), ".xlsm") {
		return fmt.Errorf("create workbook %s: onboard makes new workbooks as .xlsx only; give a --sheet ending in .xlsx", w.path)
	}
	book := &sheet.Book{}
	for _, name := range tabs {
		book.Tabs = append(book.Tabs, &sheet.Tab{Name: name})
	}
	if err := Create(w.path, book); err != nil {
		return fmt.Errorf("create workbook %s: %w", w.path, err)
	}
	return nil
}

// snapshot is the workbook file held open: a save renames a new file over
// it, so a large workbook is read where it is, never held whole.
type snapshot struct {
	*os.File
	size int64
	sum  [32]byte // when summed
}

// openFile opens the file's package, read through snap, which the caller
// closes; summed sums the file too (for a save to check against).
func (w *Workbook) openFile(summed bool) (*xlsxPackage, *snapshot, error) {
	f, err := os.Open(w.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("workbook %s: %w; check --sheet, or create it with 'onboard init --sheet %s'", w.path, sheet.ErrNotFound, w.path)
		}
		return nil, nil, fmt.Errorf("read workbook %s: %w", w.path, err)
	}
	snap := &snapshot{File: f}
	h := sha256.New()
	if summed {
		snap.size, err = io.Copy(h, f)
		h.Sum(snap.sum[:0])
	} else if st, err2 := f.Stat(); err2 == nil {
		snap.size = st.Size()
	} else {
		err = err2
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read workbook %s: %w", w.path, err)
	}
	if snap.size == 0 {
		f.Close()
		return nil, nil, fmt.Errorf("workbook %s is an empty file (0 bytes): set it up with 'onboard init --sheet %s'", w.path, w.path)
	}
	p, err := openPackageAt(snap, snap.size)
	if err != nil {
		if r := sniffCompound(snap, snap.size); r != nil {
			err = r
		}
		snap.Close()
		return nil, nil, w.notXLSX(err)
	}
	p.keptStyles = &w.styles
	return p, snap, nil
}

// Read reads the workbook from disk and returns the named tabs (all of them
// for nil names).
func (w *Workbook) Read(ctx context.Context, names []string) (*sheet.Book, error) {
	return w.ReadKeeping(ctx, names, nil)
}

// ReadKeeping is Read keeping below each header only the columns keep names
// (sheet.FilteringReader): the others are never held.
func (w *Workbook) ReadKeeping(ctx context.Context, names []string, keep sheet.KeepColumns) (*sheet.Book, error) {
	return w.readTabs(ctx, names, keep, nil)
}

// readTabs reads the named tabs (all for nil names), tail's as its head
// and tail when tail is set.
func (w *Workbook) readTabs(ctx context.Context, names []string, keep sheet.KeepColumns, tail *sheet.Tail) (*sheet.Book, error) {
	_, _ = atomicfile.CleanStale(w.path) // a killed save's temporary file, also when nothing is written
	p, snap, err := w.openFile(true)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.tail = tail
	// Only the tabs asked for (by the names ResolveTab resolved): a team's
	// own large tabs cost nothing.
	var want func(string) bool
	if names != nil {
		want = func(name string) bool { return slices.Contains(names, name) }
	}
	book, err := p.readTabs(want, keep, w.used)
	if err != nil {
		return nil, fmt.Errorf("workbook %s: %w", w.path, err)
	}
	w.sum, w.haveSum = snap.sum, true
	return book, nil
}

// Titles lists the workbook's tabs, in order, from the file as it is now.
func (w *Workbook) Titles(ctx context.Context) ([]string, error) {
	p, snap, err := w.openFile(false)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	names := make([]string, len(p.tabs))
	for i, t := range p.tabs {
		names[i] = t.name
	}
	return names, ctx.Err()
}

// ReadColumns reads, from the file as it is now, each requested tab's
// header row and the requested columns of its other rows.
func (w *Workbook) ReadColumns(ctx context.Context, reqs []sheet.ColumnsRequest) (*sheet.Book, error) {
	p, snap, err := w.openFile(!w.haveSum)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	if !w.haveSum {
		// A caller that only reads columns (送信履歴) writes over what it read.
		w.sum, w.haveSum = snap.sum, true
	}
	cols := map[string][]int{}
	for _, req := range reqs {
		if _, ok := p.tab(req.Tab); !ok {
			return nil, fmt.Errorf("workbook %s tab %q: %w", w.path, req.Tab, sheet.ErrTabNotFound)
		}
		cols[req.Tab] = append(cols[req.Tab], req.Cols...)
	}
	read, err := p.readTabs(func(name string) bool { _, ok := cols[name]; return ok }, keepOnly(cols), nil)
	if err != nil {
		return nil, fmt.Errorf("workbook %s: %w", w.path, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	book := &sheet.Book{}
	for _, req := range reqs {
		book.Tabs = append(book.Tabs, read.Tab(req.Tab))
	}
	return book, nil
}

// checkUnchanged is an ErrConflict when the file is not the one read (or
// last saved).
func (w *Workbook) checkUnchanged() error {
	f, err := os.Open(w.path)
	if err == nil {
		defer f.Close()
		h := sha256.New()
		if _, err = io.Copy(h, f); err == nil && [32]byte(h.Sum(nil)) != w.sum {
			return w.conflict()
		}
	}
	if err != nil {
		return fmt.Errorf("check workbook %s before saving: %w", w.path, err)
	}
	return nil
}

func (w *Workbook) conflict() error {
	return fmt.Errorf("workbook %s changed on disk since it was read; nothing was saved, the next run picks the change up: %w", w.path, sheet.ErrConflict)
}
