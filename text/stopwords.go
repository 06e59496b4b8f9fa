package text

import (
	_ "embed"
	"strings"
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

// Stopwords returns the stopword list, for packages that build their own
// lookup structures over it.
func Stopwords() []string {
	out := make([]string, 0, len(stopwords))
	for w := range stopwords {
		out = append(out, w)
	}
	return out
}
