// Package swar tests eight bytes at once in a 64-bit word (SIMD within a
// register), for the loops that skip long runs of ordinary text: the
// sentence splitter's search for a full stop, and the JSON reader's and
// writer's search for a byte to escape. Such runs are most of every body,
// and a test of eight bytes costs about what a test of one does.
//
// Each test marks the high bit of every byte it finds. A byte above a found
// one may be marked too (the borrow of the subtraction runs upwards), one
// below never is, and none is marked where none is found: so "is any byte
// marked" is exact, and that is the only question callers ask.
package swar

// Ones has a one in every byte; Highs has every byte's high bit.
const (
	Ones  = 0x0101010101010101
	Highs = 0x8080808080808080
)

// Load reads the eight bytes of s at i as a little-endian word; the
// compiler makes it one load. s must hold eight bytes from i.
func Load[T string | []byte](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Equal marks the bytes of w equal to c.
func Equal(w uint64, c byte) uint64 { return Less(w^(uint64(c)*Ones), 1) }

// Less marks the bytes of w below n, which must be at most 128.
func Less(w uint64, n byte) uint64 { return (w - uint64(n)*Ones) &^ w & Highs }

// NotASCII marks the bytes of w at 0x80 and above.
func NotASCII(w uint64) uint64 { return w & Highs }
