package swar

import (
	"math/rand/v2"
	"testing"
)

// TestTestsAreExact checks that each test finds a byte in a word exactly
// when one of its eight bytes, looked at alone, is one, on random words
// holding none, one or several such bytes.
func TestTestsAreExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		test func(uint64) uint64
		byte func(byte) bool
	}{
		{"Equal '.'", func(w uint64) uint64 { return Equal(w, '.') }, func(c byte) bool { return c == '.' }},
		{"Equal 0", func(w uint64) uint64 { return Equal(w, 0) }, func(c byte) bool { return c == 0 }},
		{"Equal 0xff", func(w uint64) uint64 { return Equal(w, 0xff) }, func(c byte) bool { return c == 0xff }},
		{"Less 0x20", func(w uint64) uint64 { return Less(w, 0x20) }, func(c byte) bool { return c < 0x20 }},
		{"Less 128", func(w uint64) uint64 { return Less(w, 128) }, func(c byte) bool { return c < 128 }},
		{"NotASCII", NotASCII, func(c byte) bool { return c >= 0x80 }},
	}
	for _, tt := range tests {
		for range 100000 {
			var b [8]byte
			base := byte(r.IntN(256))
			for k := range b {
				b[k] = base + byte(r.IntN(3)) // neighbours of one value: near misses and borrows
			}
			for range r.IntN(3) {
				b[r.IntN(8)] = byte(r.IntN(256))
			}
			want := false
			for _, c := range b {
				want = want || tt.byte(c)
			}
			if got := tt.test(Load(string(b[:]), 0)) != 0; got != want {
				t.Fatalf("%s of % x: %v, want %v", tt.name, b, got, want)
			}
			if Load(string(b[:]), 0) != Load(b[:], 0) {
				t.Fatalf("Load differs for string and bytes of % x", b)
			}
		}
	}
}

func TestLoadIsLittleEndian(t *testing.T) {
	if got := Load("\x01\x02\x03\x04\x05\x06\x07\x08rest", 0); got != 0x0807060504030201 {
		t.Fatalf("Load = %#x", got)
	}
	if got := Load("xx\x01\x00\x00\x00\x00\x00\x00\x80", 2); got != 0x8000000000000001 {
		t.Fatalf("Load at 2 = %#x", got)
	}
}
