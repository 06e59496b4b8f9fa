// Package fingerprint computes the hashes unspun indexes: word shingles,
// one-permutation MinHash (OPH) signatures with densification, LSH band keys
// and anchor-term keys. Everything here is pure and deterministic: the
// hashes are persisted in the index, so they must never change between runs
// or machines (a change needs a new index format version).
package fingerprint

import "math/bits"

// FNV-1a's 64-bit offset basis and prime.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Hash returns a 64-bit hash of s: FNV-1a followed by a SplitMix64 finaliser,
// which spreads FNV's weak low bits across the word.
func Hash(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return Mix(h)
}

// HashLower is Hash of s with its ASCII capitals made small, without the
// copy: the key of a word whose lowered form is its Norm.
func HashLower(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= fnvPrime
	}
	return Mix(h)
}

// HashShort is Hash of the n bytes (1 ≤ n ≤ 8) packed little-endian in
// w, whose bytes from the n-th are zero: a short word's hash without a
// loop over its bytes. Every one of the eight steps is computed, and kept
// only if its byte is in the word, by a conditional move: a loop's end,
// at another length each word, is a branch the predictor misses often on
// text it has not seen. The eight steps are written out, each an inlined
// fnvStep: as a loop of eight, BenchmarkWordKeys ran 30 % slower.
func HashShort(w uint64, n int) uint64 {
	h := fnvStep(fnvOffset, w, true) // n ≥ 1
	h = fnvStep(h, w>>8, n > 1)
	h = fnvStep(h, w>>16, n > 2)
	h = fnvStep(h, w>>24, n > 3)
	h = fnvStep(h, w>>32, n > 4)
	h = fnvStep(h, w>>40, n > 5)
	h = fnvStep(h, w>>48, n > 6)
	h = fnvStep(h, w>>56, n > 7)
	return Mix(h)
}

// fnvStep is h after FNV-1a's step on c's low byte if keep, else h; it is
// inlined, and its choice made a conditional move.
func fnvStep(h, c uint64, keep bool) uint64 {
	next := (h ^ c&0xff) * fnvPrime
	if keep {
		return next
	}
	return h
}

// Mix is the SplitMix64 finaliser: a bijection with good avalanche.
func Mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// Shingles appends to dst the hashes of the word k-grams of the given word
// hashes (one shingle of all words when there are fewer than k).
func Shingles(dst []uint64, words []uint64, k int) []uint64 {
	if len(words) == 0 {
		return dst
	}
	if len(words) < k {
		k = len(words)
	}
	for i := 0; i+k <= len(words); i++ {
		h := uint64(0x9e3779b97f4a7c15)
		for _, w := range words[i : i+k] {
			h = Mix(h ^ w)
		}
		dst = append(dst, h)
	}
	return dst
}

// empty marks a bin that no shingle fell into.
const empty = ^uint64(0)

// OPH computes a one-permutation MinHash signature of len(sig) bins from
// shingle hashes: each hash goes to one bin by its high bits and the bin
// keeps its minimum. Empty bins are filled by rotation (Shrivastava & Li,
// 2014): a bin borrows the value of the next non-empty bin to its right,
// offset by the distance, so two sets agree on a bin with probability equal
// to their Jaccard similarity. sig is returned; all-empty input gives a
// signature of empty markers.
func OPH(sig []uint64, shingles []uint64) []uint64 {
	n := uint64(len(sig))
	for i := range sig {
		sig[i] = empty
	}
	if n == 0 || len(shingles) == 0 {
		return sig
	}
	for _, h := range shingles {
		bin, _ := bits.Mul64(h, n) // high bits pick the bin, uniformly
		// min, not a branch: whether a shingle is its bin's least so far
		// is a coin toss the branch predictor loses on text it has not
		// seen (BenchmarkDoc).
		sig[bin] = min(sig[bin], h)
	}
	for i := range sig {
		if sig[i] != empty {
			continue
		}
		for d := uint64(1); d < n; d++ {
			j := (uint64(i) + d) % n
			if v := sig[j]; v != empty && v != empty-1 {
				sig[i] = Mix(v+d) | 1 // |1 keeps borrowed values apart from real ones
				break
			}
		}
	}
	return sig
}

// Bands appends the LSH band keys of sig to dst: one key per run of rows
// values, tagged with the band's position so that equal values in different
// bands do not collide. Two signatures share a band key with probability
// J^rows, so at least one of b bands with 1-(1-J^rows)^b.
func Bands(dst []uint64, sig []uint64, rows int) []uint64 {
	for b := 0; b+rows <= len(sig); b += rows {
		h := Mix(uint64(b) + 0x5bd1e995)
		for _, v := range sig[b : b+rows] {
			h = Mix(h ^ v)
		}
		dst = append(dst, h)
	}
	return dst
}

// Filter is a set of hashes with false positives and no false negatives: a
// bit of 2^16 for each hash (its low 16 bits), 8 KiB, so it stays in the
// first-level cache. A word is tested against it before a map of a few
// hundred words (stopwords, the first words of aliases): most words are in
// neither, and the bit test turns them away for the cost of a load.
type Filter [1 << 10]uint64

// Add puts h in the set.
func (f *Filter) Add(h uint64) { f[h>>6&(1<<10-1)] |= 1 << (h & 63) }

// MayHave reports whether h may be in the set; false means it is not.
func (f *Filter) MayHave(h uint64) bool { return f[h>>6&(1<<10-1)]&(1<<(h&63)) != 0 }
