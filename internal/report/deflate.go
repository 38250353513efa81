package report

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// deflateBlock is how much of a part each block of parallelDeflate takes.
const deflateBlock = 1 << 20

// deflateAhead is how many blocks may be deflating or waiting to be
// written at once, which bounds the memory held.
const deflateAhead = 4

// flateWriters are reused across blocks: a writer is large to set up.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// blocks are reused too, their buffers grown to a block already.
var blocks = sync.Pool{New: func() any {
	b := &block{}
	b.in.Grow(deflateBlock)
	return b
}}

// block is one block of a part and, once done is closed, its deflated
// bytes.
type block struct {
	in, out bytes.Buffer
	done    chan struct{}
}

// parallelDeflate deflates what is written to it at the fastest level, a
// block at a time on goroutines of its own, and writes the blocks to out
// in order: each is a whole deflate stream ended by a sync flush rather
// than its final block, so that they follow one another as one stream,
// which Close ends. The writer that feeds it (the zip of the report's
// parts) does not wait for the deflate but for the blocks ahead of it.
type parallelDeflate struct {
	out    io.Writer
	cur    *block
	queue  chan *block
	wrote  chan error // the writer goroutine's first error, once it ends
	closed bool
}

func newParallelDeflate(out io.Writer) *parallelDeflate {
	d := &parallelDeflate{out: out, queue: make(chan *block, deflateAhead), wrote: make(chan error, 1)}
	go d.writeBlocks()
	return d
}

// writeBlocks writes the blocks to out in the order they were queued.
func (d *parallelDeflate) writeBlocks() {
	var err error
	for b := range d.queue {
		<-b.done
		if err == nil {
			_, err = d.out.Write(b.out.Bytes())
		}
		b.in.Reset()
		b.out.Reset()
		blocks.Put(b)
	}
	d.wrote <- err
}

func (d *parallelDeflate) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.cur == nil {
			d.cur = blocks.Get().(*block)
			d.cur.done = make(chan struct{})
		}
		take := min(len(p), deflateBlock-d.cur.in.Len())
		d.cur.in.Write(p[:take])
		p = p[take:]
		if d.cur.in.Len() == deflateBlock {
			d.send()
		}
	}
	return n, nil
}

// send starts deflating the current block and queues it for writing.
func (d *parallelDeflate) send() {
	b := d.cur
	d.cur = nil
	d.queue <- b
	go func() {
		defer close(b.done)
		w := flateWriters.Get().(*flate.Writer)
		w.Reset(&b.out)
		// Writes to a bytes.Buffer do not fail.
		_, _ = w.Write(b.in.Bytes())
		_ = w.Flush()
		flateWriters.Put(w)
	}()
}

// Close deflates the last block, waits for every block to be written and
// ends the stream with an empty final block.
func (d *parallelDeflate) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	if d.cur != nil {
		d.send()
	}
	close(d.queue)
	if err := <-d.wrote; err != nil {
		return err
	}
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(d.out)
	return w.Close()
}
