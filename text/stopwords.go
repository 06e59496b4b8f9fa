package text

import (
	_ "embed"
	"maps"
	"slices"
	"strings"

	"github.com/unspun/unspun/fingerprint"
)

//go:embed stopwords.txt
var stopwordList string

var stopwords = parseStopwords(stopwordList)

// parseStopwords reads a stopword list: words separated by spaces and
// lines, '#' starting a comment that runs to the end of its line.
func parseStopwords(list string) map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(list, "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, w := range strings.Fields(line) {
			m[w] = true
		}
	}
	return m
}

// IsStopword reports whether a folded word is a function word that carries
// no evidence of copying on its own (the, of, said, …).
func IsStopword(norm string) bool { return stopwords[norm] }

// stopwordTable holds every stopword by its fingerprint.Hash, in an
// open-addressing table a quarter full: a word is found or ruled out by
// comparing hashes in one or two slots, and its text is compared only when
// its hash is a stopword's. It replaced a bit filter in front of a map
// keyed by the word, which hashed the word again for the two words in five
// that are stopwords.
var stopwordTable = func() []stopwordSlot {
	size := 1
	for size < 4*len(stopwords) {
		size <<= 1
	}
	t := make([]stopwordSlot, size)
	for w := range stopwords {
		h := fingerprint.Hash(w)
		i := h & uint64(size-1)
		for t[i].word != "" {
			i = (i + 1) & uint64(size-1)
		}
		t[i] = stopwordSlot{h, w}
	}
	return t
}()

type stopwordSlot struct {
	hash uint64
	word string // "" marks an empty slot
}

// shortStopwords holds each stopword of at most eight bytes as its bytes
// packed little-endian, zero past its end, in one of the two slots its
// fingerprint.Hash picks (shortSlots); shortStopwordMask is its size less
// one. A short word is looked up with two loads, two comparisons and no
// branch: stopwordTable's probe branches on whether the word is a
// stopword, a coin toss on text the predictor has not seen.
var shortStopwords, shortStopwordMask = func() ([]uint64, uint64) {
	words := slices.Sorted(maps.Keys(stopwords)) // the same table every run
	for size := uint64(512); ; size <<= 1 {
		t := make([]uint64, size)
		placed := true
		for _, w := range words {
			if len(w) > 8 {
				continue
			}
			a, b := shortSlots(fingerprint.Hash(w), size-1)
			switch p := packShort(w); {
			case t[a] == 0:
				t[a] = p
			case t[b] == 0:
				t[b] = p
			default:
				placed = false
			}
		}
		if placed {
			return t, size - 1
		}
	}
}()

// shortSlots are the two slots of shortStopwords a word hashed to h may be in.
func shortSlots(h, mask uint64) (uint64, uint64) { return h & mask, h >> 32 & mask }

// packShort is w's bytes packed little-endian, for len(w) ≤ 8.
func packShort(w string) uint64 {
	var p uint64
	for i := range len(w) {
		p |= uint64(w[i]) << (8 * i)
	}
	return p
}

// isShortStopword reports whether the word packed in w (as packShort packs
// it, lowered) and hashed to h is a stopword. A word has no zero byte, so
// it never matches an empty slot, and its packed bytes are the word.
func isShortStopword(w, h uint64) bool {
	a, b := shortSlots(h, shortStopwordMask)
	return min(shortStopwords[a]^w, shortStopwords[b]^w) == 0 // a conditional move, not a branch
}

// IsStopwordHashed is IsStopword for a word whose fingerprint.Hash is h,
// for callers that hash every word anyway.
func IsStopwordHashed(h uint64, norm string) bool {
	mask := uint64(len(stopwordTable) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch slot := &stopwordTable[i]; {
		case slot.word == "":
			return false
		case slot.hash == h && slot.word == norm:
			return true
		}
	}
}

// Stopwords returns the stopword list, for packages that build their own
// lookup structures over it.
func Stopwords() []string {
	out := make([]string, 0, len(stopwords))
	for w := range stopwords {
		out = append(out, w)
	}
	return out
}

// isStopwordLowered is IsStopwordHashed for a plain word (ASCII letters and
// digits) whose lowered form hashes to h; upper says whether it has
// capitals, which are compared as small letters. Its probe is
// IsStopwordHashed's with another comparison: shared through a function
// value, it kept IsStopwordHashed from being inlined into its callers.
func isStopwordLowered(h uint64, word string, upper bool) bool {
	if !upper {
		return IsStopwordHashed(h, word)
	}
	mask := uint64(len(stopwordTable) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch slot := &stopwordTable[i]; {
		case slot.word == "":
			return false
		case slot.hash == h && equalLowered(slot.word, word):
			return true
		}
	}
}

// equalLowered reports whether lower is word with its ASCII capitals made
// small.
func equalLowered(lower, word string) bool {
	if len(lower) != len(word) {
		return false
	}
	for k := 0; k < len(word); k++ {
		c := word[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}
