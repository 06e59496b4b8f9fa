package text

import (
	"unicode/utf8"

	"github.com/unspun/unspun/fingerprint"
)

// WordKey is what indexing needs of a token: the fingerprint.Hash of its
// Norm and whether the Norm is a stopword.
type WordKey struct {
	Hash     uint64
	Stopword bool
}

// AppendWordKeys appends the WordKey of each token that AppendTokens makes
// of s, without making the tokens: a plain word (plainWord) is hashed as
// it is read, lowered on the way, and looked up among the stopwords in
// place. Indexing needs no more of most sentences, and a Token is 40 bytes
// to write and read again. TestWordKeysMatchTokens and FuzzWordKeys hold
// the two to the same words.
func AppendWordKeys(dst []WordKey, s string) []WordKey {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); !isWordRune(r) {
			i += size
			continue
		}
		if end, seen, ok := plainWord(s, i); ok {
			word := s[i:end]
			h := fingerprint.HashLower(word)
			dst = append(dst, WordKey{h, isStopwordLowered(h, word, seen&classUpper != 0)})
			i = end
			continue
		}
		end := scanWord(s, i)
		norm := makeToken(s[i:end], i, end).Norm
		h := fingerprint.Hash(norm)
		dst = append(dst, WordKey{h, IsStopwordHashed(h, norm)})
		i = end
	}
	return dst
}
