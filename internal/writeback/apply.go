package writeback

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"onboard/internal/contract"
	"onboard/internal/parse"
	"onboard/internal/sheet"
)

// ErrHeaderChanged means a header row changed between the read and the
// write: the columns may have moved, so the run must start over.
var ErrHeaderChanged = errors.New("a header row changed while the job ran")

// Outcome counts what Apply did.
type Outcome struct {
	Written int // cells written
	// Moved counts changes that went to another row than at read time
	// (rows inserted, deleted or sorted meanwhile).
	Moved int
	// Gone counts changes skipped because their row disappeared.
	Gone int
	// Filled counts blank-only changes skipped because a manager filled
	// the cell meanwhile.
	Filled int
	// Verified: the read after the write found every written row still
	// holding its client and every written column its header.
	Verified bool
	// VerifyErr is why the read after a stored write could not be made
	// (the write itself succeeded); nil otherwise.
	VerifyErr error
	// Resent counts cells written again after a write's answer was lost
	// and a read showed them not stored.
	Resent int
	// Withheld counts changes not written because another change of their
	// group was refused (Gone or Filled): an assignment lands whole or
	// not at all.
	Withheld int
}

// maxWrites bounds the writes of one Apply: a write whose answer was lost
// is written again only after a read shows it was not stored.
const maxWrites = 4

// placed is an update with the change it carries out.
type placed struct {
	sheet.Update
	ch *Change
}

// Apply re-reads the key columns and the must-still-be-blank cells, sends
// every change to the row where its key is now, and writes them in one call.
// The Sheets API has no conditional write, so rows moved between that read
// and the write can take cells that are not theirs; one more read after the
// write checks every written cell against its client and header
// (*MisplacedError). A write whose answer was lost is settled by that same
// read: stored, not stored (written again), or else checked the same way.
func Apply(ctx context.Context, ss sheet.Spreadsheet, s *contract.Sheet, changes []Change) (Outcome, error) {
	var out Outcome
	if len(changes) == 0 {
		return out, nil
	}
	if _, ok := ss.(sheet.Conditional); ok {
		return applyAsRead(ctx, ss, changes)
	}
	layouts := map[string]*contract.Layout{}
	for _, l := range s.Layouts() {
		layouts[l.Name] = l
	}
	cols := map[string]map[int]bool{}
	appends := map[string]map[int]bool{} // append-only owned tabs: columns 1 to the widest row planned
	for _, c := range changes {
		if c.Owned {
			if c.BlankOnly && c.Row > 1 {
				if appends[c.Tab] == nil {
					appends[c.Tab] = map[int]bool{}
				}
				for k := 1; k <= c.Col; k++ {
					appends[c.Tab][k] = true
				}
			}
			continue
		}
		if cols[c.Tab] == nil {
			cols[c.Tab] = map[int]bool{}
			for _, k := range layouts[c.Tab].KeyCols() {
				cols[c.Tab][k] = true
			}
		}
		if c.BlankOnly && c.Row > 1 {
			cols[c.Tab][c.Col] = true
		}
	}
	now, err := ss.ReadColumns(ctx, append(columnsRequests(cols), columnsRequests(appends)...))
	if err != nil {
		return out, fmt.Errorf("re-read key columns: %w", err)
	}
	shift := appendShifts(now, changes, appends)
	anchors := appendAnchors(now, changes, appends, shift)

	// Google answers a column read only down to the last row with a value
	// in those columns, so rows at the end whose key cells are blank (a
	// row with only a stray note) are not in the answer: they are blank-key
	// rows still, and are counted as such up to the last row planned.
	lastRow := map[string]int{}
	for _, c := range changes {
		if !c.Owned {
			lastRow[c.Tab] = max(lastRow[c.Tab], c.Row)
		}
	}
	before, err := indexKeys(now, layouts, cols, lastRow, true)
	if err != nil {
		return out, err
	}

	updates := make([]placed, 0, len(changes))
	refused := map[int]bool{} // groups with a change refused
	for i := range changes {
		c := &changes[i]
		row := c.Row
		if c.Owned {
			if c.BlankOnly && c.Row > 1 && shift[c.Tab] > 0 {
				row += shift[c.Tab]
				out.Moved++
			}
			updates = append(updates, placed{Update: sheet.Update{Tab: c.Tab, Row: row, Col: c.Col, Value: c.New}, ch: c})
			continue
		}
		if row > 1 {
			rows := before.rows[c.Tab][c.Key]
			if c.Occurrence >= len(rows) {
				out.Gone++
				refused[c.Group] = true
				continue
			}
			row = rows[c.Occurrence]
			if row != c.Row {
				out.Moved++
			}
		}
		if c.BlankOnly && !now.Tab(c.Tab).Cell(row, c.Col).IsEmpty() {
			out.Filled++
			refused[c.Group] = true
			continue
		}
		updates = append(updates, placed{Update: sheet.Update{Tab: c.Tab, Row: row, Col: c.Col, Value: c.New}, ch: c})
	}
	if len(refused) > 0 {
		// An assignment lands whole or not at all.
		kept := updates[:0]
		for _, u := range updates {
			if g := u.ch.Group; g != 0 && refused[g] {
				out.Withheld++
				continue
			}
			kept = append(kept, u)
		}
		updates = kept
	}
	if len(updates) == 0 {
		return out, nil
	}
	headers := expectedHeaders(before, updates)

	// The write leaves time for the read that settles or verifies it.
	pending := updates
	for writes := 1; ; writes++ {
		err = write(ctx, ss, pending)
		if err == nil {
			break
		}
		if !errors.Is(err, sheet.ErrUncertain) || ctx.Err() != nil {
			if writes > 1 || len(pending) < len(updates) {
				err = fmt.Errorf("%w (%d cells were stored before this write)", err, len(updates)-len(pending))
			}
			out.Written = len(updates) - len(pending)
			return out, fmt.Errorf("write %d cells: %w", len(pending), err)
		}
		// Settle by reading the written cells with the keys and headers.
		readCols := copyCols(cols)
		for _, u := range pending {
			if readCols[u.Tab] == nil {
				readCols[u.Tab] = map[int]bool{} // a job-owned tab
			}
			readCols[u.Tab][u.Col] = true
		}
		after, rerr := ss.ReadColumns(ctx, columnsRequests(readCols))
		if rerr != nil {
			return out, fmt.Errorf("write %d cells: %w; reading them back failed too (%v): the next run checks them", len(pending), err, rerr)
		}
		idx, ierr := indexKeys(after, layouts, cols, lastRow, false)
		if ierr != nil {
			return out, fmt.Errorf("write %d cells: %w; reading them back: %w", len(pending), err, ierr)
		}
		var left []placed
		var wrong []Misplaced
		for _, u := range pending {
			if m, bad := misplaced(u, before, idx, headers, true); bad && !u.ch.Owned {
				wrong = append(wrong, m)
				continue
			}
			// Anything but the old value is settled: the write's, or a
			// manager's since (the next run plans from it).
			if v := after.Tab(u.Tab).Cell(u.Row, u.Col); !v.Equal(u.Value) && v.Equal(oldValue(u)) {
				left = append(left, u)
			}
		}
		out.Written = len(updates) - len(left)
		if len(wrong) > 0 {
			return out, &MisplacedError{Cells: wrong}
		}
		if len(left) == 0 {
			out.Verified = true // this read was the verification
			return out, nil
		}
		if writes >= maxWrites {
			return out, fmt.Errorf("write %d cells: %w; a read showed them not stored, %d times", len(left), err, writes)
		}
		out.Resent += len(left)
		pending = left
	}
	out.Written = len(updates)

	// The same read checks the rows appended to a job-owned log: they
	// must hold what was written (a row someone added in the window
	// since the re-read would have taken the write).
	after, err := ss.ReadColumns(ctx, append(columnsRequests(cols), columnsRequests(appends)...))
	if err != nil {
		out.VerifyErr = err
		return out, nil
	}
	idx, err := indexKeys(after, layouts, cols, lastRow, false)
	if err != nil {
		out.VerifyErr = err
		return out, nil
	}
	var wrong []Misplaced
	for _, u := range updates {
		if u.ch.Owned {
			if u.ch.BlankOnly && u.Row > 1 {
				if now := after.Tab(u.Tab).Cell(u.Row, u.Col); !same(now, u.Value) {
					wrong = append(wrong, Misplaced{Tab: u.Tab, Row: u.Row, Col: u.Col, Header: u.ch.Header, Value: u.Value,
						NowHeader: u.ch.Header, Appended: true, NowValue: now, ByHand: true})
				}
			}
			continue // no client or header to check on a job-owned tab
		}
		if m, bad := misplaced(u, before, idx, headers, false); bad {
			wrong = append(wrong, m)
		}
	}
	wrong = append(wrong, movedAnchors(after, anchors)...)
	if len(wrong) > 0 {
		return out, &MisplacedError{Cells: wrong}
	}
	out.Verified = true
	return out, nil
}

// applyAsRead writes the changes where the read found their rows: the
// backend refuses the write when the spreadsheet changed since. A refused
// write is the run's error; the next run plans from the change.
func applyAsRead(ctx context.Context, ss sheet.Spreadsheet, changes []Change) (Outcome, error) {
	updates := make([]sheet.Update, len(changes))
	for i, c := range changes {
		updates[i] = sheet.Update{Tab: c.Tab, Row: c.Row, Col: c.Col, Value: c.New}
	}
	if err := ss.Write(ctx, updates); err != nil {
		return Outcome{}, fmt.Errorf("write %d cells: %w", len(updates), err)
	}
	return Outcome{Written: len(updates), Verified: true}, nil
}

// anchor is the row just above a log's appended rows, as the re-read had
// it: were rows inserted or deleted above it during the write, it moves,
// and the appended rows may have landed on rows that were there.
type anchor struct {
	tab   string
	row   int
	cells []sheet.Value
}

func appendAnchors(now *sheet.Book, changes []Change, appends map[string]map[int]bool, shift map[string]int) []anchor {
	var out []anchor
	for name, cols := range appends {
		first := 0
		for _, c := range changes {
			if c.Tab == name && c.Owned && c.BlankOnly && c.Row > 1 && (first == 0 || c.Row < first) {
				first = c.Row
			}
		}
		row := first + shift[name] - 1
		if first == 0 || row < 1 {
			continue
		}
		a := anchor{tab: name, row: row}
		for c := 1; c <= len(cols); c++ {
			a.cells = append(a.cells, now.Tab(name).Cell(row, c))
		}
		out = append(out, a)
	}
	return out
}

// movedAnchors names the logs whose anchor row no longer holds what it did.
func movedAnchors(after *sheet.Book, anchors []anchor) []Misplaced {
	var out []Misplaced
	for _, a := range anchors {
		for c, v := range a.cells {
			if now := after.Tab(a.tab).Cell(a.row, c+1); !same(now, v) && !(now.IsEmpty() && v.IsEmpty()) {
				out = append(out, Misplaced{Tab: a.tab, Row: a.row, Col: c + 1, Value: v, Appended: true, Moved: true, NowValue: now, ByHand: true})
				break
			}
		}
	}
	return out
}

// appendShifts is, per append-only tab, how far its planned rows move
// down: 0 when every planned row is still blank in the re-read, else below
// the last row holding anything now (rows a person or a concurrent run
// added since the read), so an append never overwrites a row.
func appendShifts(now *sheet.Book, changes []Change, appends map[string]map[int]bool) map[string]int {
	shift := map[string]int{}
	for name := range appends {
		tab := now.Tab(name)
		if tab == nil {
			continue
		}
		occupied := func(r int) bool {
			for c := range appends[name] {
				if !tab.Cell(r, c).IsEmpty() {
					return true
				}
			}
			return false
		}
		first, taken := 0, false
		for _, c := range changes {
			if c.Tab == name && c.Owned && c.BlankOnly && c.Row > 1 {
				if first == 0 || c.Row < first {
					first = c.Row
				}
				taken = taken || occupied(c.Row)
			}
		}
		if !taken {
			continue
		}
		last := 1
		for r := len(tab.Rows); r > 1; r-- {
			if occupied(r) {
				last = r
				break
			}
		}
		shift[name] = max(0, last+1-first)
	}
	return shift
}

// write sends the updates with a deadline that keeps a third of the time
// left for the read that settles or verifies the write.
func write(ctx context.Context, ss sheet.Spreadsheet, us []placed) error {
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)*2/3))
		defer cancel()
	}
	updates := make([]sheet.Update, len(us))
	for i, u := range us {
		updates[i] = u.Update
	}
	err := ss.Write(ctx, updates)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, sheet.ErrUncertain) {
		// The write's own deadline passed with the request possibly sent.
		err = fmt.Errorf("%w: %w", sheet.ErrUncertain, err)
	}
	return err
}

// oldValue is what the cell held before the write: blank for a fill, the
// value read for a job cell.
func oldValue(u placed) sheet.Value {
	if u.ch.BlankOnly {
		return sheet.Value{}
	}
	return u.ch.Old
}

func columnsRequests(cols map[string]map[int]bool) []sheet.ColumnsRequest {
	var reqs []sheet.ColumnsRequest
	for tab, set := range cols {
		req := sheet.ColumnsRequest{Tab: tab}
		for c := range set {
			req.Cols = append(req.Cols, c)
		}
		sort.Ints(req.Cols)
		reqs = append(reqs, req)
	}
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].Tab < reqs[j].Tab })
	return reqs
}

func copyCols(cols map[string]map[int]bool) map[string]map[int]bool {
	out := make(map[string]map[int]bool, len(cols))
	for tab, set := range cols {
		out[tab] = make(map[int]bool, len(set))
		for c := range set {
			out[tab][c] = true
		}
	}
	return out
}

// keyIndex is a read of the key columns: each tab's header row, the rows
// of each key, and each row's key.
type keyIndex struct {
	header map[string][]sheet.Value
	rows   map[string]map[string][]int
	// keyOf and occOf give each row's key and its occurrence among the
	// rows of that key, by row number (slices: a first sync of a large
	// sheet indexes hundreds of thousands of rows, twice).
	keyOf map[string][]string
	occOf map[string][]int32
	// keyCols are each tab's key columns; jobHeaders its job-owned
	// headers (names and aliases, as parse.Header normalises them).
	keyCols    map[string][]int
	jobHeaders map[string]map[string]bool
}

// indexKeys indexes a read of the key columns. Before the write, a header
// row that differs from the one the plan was made on is ErrHeaderChanged;
// after it (strict false) each written column is checked on its own.
func indexKeys(book *sheet.Book, layouts map[string]*contract.Layout, cols map[string]map[int]bool, lastRow map[string]int, strict bool) (*keyIndex, error) {
	idx := &keyIndex{header: map[string][]sheet.Value{}, rows: map[string]map[string][]int{},
		keyOf: map[string][]string{}, occOf: map[string][]int32{}, keyCols: map[string][]int{}, jobHeaders: map[string]map[string]bool{}}
	for name := range cols {
		tab := book.Tab(name)
		l := layouts[name]
		var header []sheet.Value
		if tab != nil && len(tab.Rows) > 0 {
			header = tab.Rows[0]
		}
		if tab == nil {
			return nil, fmt.Errorf("tab %q: %w", name, sheet.ErrTabNotFound)
		}
		if strict && !l.SameHeader(header) {
			return nil, fmt.Errorf("tab %q: %w", name, ErrHeaderChanged)
		}
		idx.header[name] = header
		idx.keyCols[name] = l.KeyCols()
		jobs := map[string]bool{}
		for _, c := range l.Spec.Columns {
			if c.Owner == contract.Job {
				jobs[parse.Header(c.Name)] = true
				jobs[parse.Header(c.Alias)] = true
			}
		}
		idx.jobHeaders[name] = jobs
		last := max(len(tab.Rows), lastRow[name])
		rows, keyOf, occOf := map[string][]int{}, make([]string, last+1), make([]int32, last+1)
		for r := 2; r <= last; r++ {
			var k string
			if r <= len(tab.Rows) {
				k = l.RowKey(tab.Rows[r-1])
			} else {
				k = l.RowKey(nil)
			}
			occOf[r] = int32(len(rows[k]))
			rows[k] = append(rows[k], r)
			keyOf[r] = k
		}
		idx.rows[name], idx.keyOf[name], idx.occOf[name] = rows, keyOf, occOf
	}
	return idx, nil
}

// key is the key of a row as read, "" beyond the read.
func (x *keyIndex) key(tab string, row int) string {
	if k := x.keyOf[tab]; row < len(k) {
		return k[row]
	}
	return ""
}

// occurrence is a row's place among the rows of its key, -1 beyond the read.
func (x *keyIndex) occurrence(tab string, row int) int {
	if o := x.occOf[tab]; row < len(o) {
		return int(o[row])
	}
	return -1
}

// expectedHeaders is each written column's header after the write: as
// read, or as the write sets it.
func expectedHeaders(idx *keyIndex, us []placed) map[string]map[int]string {
	out := map[string]map[int]string{}
	for _, u := range us {
		if out[u.Tab] == nil {
			out[u.Tab] = map[int]string{}
		}
		if _, ok := out[u.Tab][u.Col]; !ok {
			h := idx.header[u.Tab]
			if u.Col <= len(h) {
				out[u.Tab][u.Col] = h[u.Col-1].String()
			} else {
				out[u.Tab][u.Col] = ""
			}
		}
	}
	for _, u := range us {
		if u.Row == 1 {
			out[u.Tab][u.Col] = u.Value.String()
		}
	}
	return out
}
