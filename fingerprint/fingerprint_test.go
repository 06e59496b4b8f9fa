package fingerprint

import (
	"fmt"
	"math"
	"testing"
)

func words(n, offset int) []uint64 {
	w := make([]uint64, n)
	for i := range w {
		w[i] = Hash(fmt.Sprint("w", i+offset))
	}
	return w
}

func TestHashIsStable(t *testing.T) {
	// The index stores these values: a change here silently breaks old indexes.
	if got, want := Hash("velmora"), Hash("velmora"); got != want {
		t.Fatal("Hash is not deterministic")
	}
	if Hash("a") == Hash("b") {
		t.Fatal("trivial collision")
	}
}

func TestOPHEstimatesJaccard(t *testing.T) {
	// Two sets of 400 shingles sharing 200: Jaccard 200/600 = 1/3.
	const bins = 256
	a := Shingles(nil, words(400, 0), 1)
	b := Shingles(nil, words(400, 200), 1)
	sa, sb := OPH(make([]uint64, bins), a), OPH(make([]uint64, bins), b)
	agree := 0
	for i := range sa {
		if sa[i] == sb[i] {
			agree++
		}
	}
	got := float64(agree) / bins
	if math.Abs(got-1.0/3) > 0.1 {
		t.Errorf("estimated Jaccard %.3f, want about 0.333", got)
	}
}

func TestOPHDensifiesSmallSets(t *testing.T) {
	sig := OPH(make([]uint64, 16), Shingles(nil, words(3, 0), 1))
	for i, v := range sig {
		if v == empty {
			t.Errorf("bin %d left empty", i)
		}
	}
	same := OPH(make([]uint64, 16), Shingles(nil, words(3, 0), 1))
	for i := range sig {
		if sig[i] != same[i] {
			t.Fatal("OPH is not deterministic")
		}
	}
}

func TestBandsMatchOnlyWhenRowsAgree(t *testing.T) {
	a := []uint64{1, 2, 3, 4}
	b := []uint64{1, 2, 9, 4}
	ka, kb := Bands(nil, a, 2), Bands(nil, b, 2)
	if ka[0] != kb[0] || ka[1] == kb[1] {
		t.Errorf("bands %x vs %x: want first equal, second different", ka, kb)
	}
	if x := Bands(nil, []uint64{3, 4, 1, 2}, 2); x[0] == ka[1] {
		t.Error("equal rows in different bands collide")
	}
}

func BenchmarkShingleAndSketch(b *testing.B) {
	w := words(600, 0)
	sig := make([]uint64, 128)
	var sh []uint64
	b.ReportAllocs()
	b.ReportMetric(600, "words/op")
	for b.Loop() {
		sh = Shingles(sh[:0], w, 3)
		OPH(sig, sh)
	}
}

func TestFilter(t *testing.T) {
	var f Filter
	in := map[uint64]bool{}
	for i := range 300 {
		h := Hash(fmt.Sprint("word", i))
		f.Add(h)
		in[h] = true
	}
	false1 := 0
	for i := range 100000 {
		h := Hash(fmt.Sprint("other", i))
		if f.MayHave(h) && !in[h] {
			false1++
		}
	}
	for h := range in {
		if !f.MayHave(h) {
			t.Fatalf("%x added but not found", h)
		}
	}
	if false1 > 1000 { // 300 of 65,536 bits set: about 0.5 % expected
		t.Errorf("%d false positives in 100,000", false1)
	}
}

// TestHashLower checks HashLower against Hash of the lowered copy, for
// every byte.
func TestHashLower(t *testing.T) {
	for c := range 256 {
		s := "Ab" + string([]byte{byte(c)}) + "Zq9"
		lower := []byte(s)
		for i, b := range lower {
			if b >= 'A' && b <= 'Z' {
				lower[i] = b + 'a' - 'A'
			}
		}
		if got, want := HashLower(s), Hash(string(lower)); got != want {
			t.Fatalf("HashLower(%q) = %x, Hash(%q) = %x", s, got, lower, want)
		}
	}
}

// TestHashShort holds HashShort to Hash for every length and, at each
// position, bytes of every value but zero (a word has none).
func TestHashShort(t *testing.T) {
	for n := 1; n <= 8; n++ {
		for pos := range n {
			for c := 1; c < 256; c++ {
				b := []byte("Ab3zQ9xw")[:n]
				b[pos] = byte(c)
				var w uint64
				for i, x := range b {
					w |= uint64(x) << (8 * i)
				}
				if got, want := HashShort(w, n), Hash(string(b)); got != want {
					t.Fatalf("HashShort(%q) = %x, Hash = %x", b, got, want)
				}
			}
		}
	}
}
