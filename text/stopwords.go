package text

import (
	_ "embed"
	"strings"

	"github.com/unspun/unspun/fingerprint"
)

//go:embed stopwords.txt
var stopwordList string

var stopwords = func() map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(stopwordList, "\n") {
		for _, w := range strings.Fields(line) {
			if !strings.HasPrefix(w, "#") {
				m[w] = true
			}
		}
	}
	return m
}()

// IsStopword reports whether a folded word is a function word that carries
// no evidence of copying on its own (the, of, said, …).
func IsStopword(norm string) bool { return stopwords[norm] }

// stopwordHashes holds the fingerprint.Hash of every stopword.
var stopwordHashes = func() *fingerprint.Filter {
	var f fingerprint.Filter
	for w := range stopwords {
		f.Add(fingerprint.Hash(w))
	}
	return &f
}()

// IsStopwordHashed is IsStopword for a word whose fingerprint.Hash is h,
// for callers that hash every word anyway: most words fail a bit test on h
// and are never looked up by name.
func IsStopwordHashed(h uint64, norm string) bool {
	return stopwordHashes.MayHave(h) && stopwords[norm]
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
