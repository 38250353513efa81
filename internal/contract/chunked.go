package contract

import "slices"

// chunked is a list built by appending a chunk at a time: growing it
// copies nothing, and only its last chunk has room to spare. The records
// and kept cells of a large sheet are made as its rows are read, with no
// idea of how many there are; a slice grown by append would copy them
// over and over (a fifth of an idle sync's read).
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkLen = 1 << 12

func (c *chunked[T]) add(v T) {
	if c.n%chunkLen == 0 {
		c.chunks = append(c.chunks, make([]T, 0, chunkLen))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
}

func (c *chunked[T]) at(i int) T { return c.chunks[i/chunkLen][i%chunkLen] }

// all is the list in one slice of its length; nil when empty.
func (c *chunked[T]) all() []T {
	if c.n == 0 {
		return nil
	}
	return slices.Concat(c.chunks...)
}
