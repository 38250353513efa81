package sheet

import "hash/maphash"

// Interner hands out one string for each short text a sheet repeats (完了,
// なし, an operator's name): a large sheet holds millions of cells of a
// few hundred values, each otherwise its own allocation. Both backends
// decode their cells' texts through one. It keeps the texts last seen,
// each in a slot chosen by a hash of its bytes.
type Interner struct{ last [1 << 12]string }

// internMax bounds the length of the texts interned.
const internMax = 32

var internSeed = maphash.MakeSeed()

// Of is b as a string, the one handed out before for the same bytes
// when its slot still holds it.
func (in *Interner) Of(b []byte) string {
	if len(b) > internMax {
		return string(b)
	}
	slot := &in.last[maphash.Bytes(internSeed, b)>>52]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}
