package contract

import "slices"

// chunked is a list built by appending a chunk at a time: growing it
// copies nothing, and only its last chunk has room to spare. The records
// and kept cells of a large sheet are made as its rows are read; a slice
// grown by append would copy them over and over (a fifth of an idle
// sync's read). When the backend says how many rows to expect, the first
// chunk holds them all, and the list is that one slice, never copied.
type chunked[T any] struct {
	chunks [][]T
	first  int // the first chunk's capacity
	n      int
}

const chunkLen = 1 << 12

// reserve makes room for n items in the first chunk, before any is added.
func (c *chunked[T]) reserve(n int) {
	if c.n == 0 && n > 0 {
		c.chunks, c.first = [][]T{make([]T, 0, n)}, n
	}
}

func (c *chunked[T]) add(v T) {
	if len(c.chunks) == 0 || len(c.chunks[len(c.chunks)-1]) == cap(c.chunks[len(c.chunks)-1]) {
		c.chunks = append(c.chunks, make([]T, 0, chunkLen))
		if len(c.chunks) == 1 {
			c.first = chunkLen
		}
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
}

func (c *chunked[T]) at(i int) T {
	if i < c.first {
		return c.chunks[0][i]
	}
	i -= c.first
	return c.chunks[1+i/chunkLen][i%chunkLen]
}

// all is the list in one slice of its length; nil when empty.
func (c *chunked[T]) all() []T {
	switch {
	case c.n == 0:
		return nil
	case len(c.chunks) == 1:
		return c.chunks[0]
	}
	return slices.Concat(c.chunks...)
}
