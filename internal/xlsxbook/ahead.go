package xlsxbook

import "io"

// aheadBytes: a part this large is inflated on a goroutine of its own, a
// few buffers ahead of its scan, which then never waits for it: a large
// tab's read is the longest of a sync's reads, and inflating is a third
// of it.
const aheadBytes = 8 << 20

// aheadReader reads r on a goroutine of its own, into buffers that go
// round between it (free) and the reader (full).
type aheadReader struct {
	full, free chan []byte
	done, gone chan struct{}
	buf, rest  []byte // the buffer being read, and what is left of it
	err        error  // r's, set before full is closed
}

func readAhead(r io.Reader) *aheadReader {
	const buffers = 3
	a := &aheadReader{full: make(chan []byte, buffers), free: make(chan []byte, buffers),
		done: make(chan struct{}), gone: make(chan struct{})}
	for range buffers {
		a.free <- make([]byte, 256<<10)
	}
	go a.fill(r)
	return a
}

func (a *aheadReader) fill(r io.Reader) {
	defer close(a.gone)
	defer close(a.full)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			return
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			a.full <- buf[:n] // never blocks: it has room for every buffer
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return
		} else if err != nil {
			a.err = err
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.rest) == 0 {
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
		}
		var ok bool
		if a.buf, ok = <-a.full; !ok {
			if a.err != nil {
				return 0, a.err
			}
			return 0, io.EOF
		}
		a.rest = a.buf
	}
	n := copy(p, a.rest)
	a.rest = a.rest[n:]
	return n, nil
}

// stop ends the reading and waits for it: r is the caller's again.
func (a *aheadReader) stop() {
	close(a.done)
	<-a.gone
}
