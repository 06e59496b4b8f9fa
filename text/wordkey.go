package text

import (
	"slices"
	"unicode/utf8"

	"github.com/unspun/unspun/fingerprint"
)

// WordKey is what indexing and story docs need of a token: the
// fingerprint.Hash of its Norm, the Norm's length, whether it is a
// stopword, and the token's Number and Capital.
type WordKey struct {
	Hash     uint64
	NormLen  int32
	Stopword bool
	Number   bool // as Token.Number
	Capital  bool // as Token.Capital
}

// KeyOf is the WordKey of a token.
func KeyOf(t Token) WordKey {
	h := fingerprint.Hash(t.Norm)
	return WordKey{Hash: h, NormLen: int32(len(t.Norm)), Stopword: IsStopwordHashed(h, t.Norm), Number: t.Number, Capital: t.Capital}
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
			first := word[0]
			// The key is written field by field in its place: built on the
			// stack and copied whole, its 16 bytes were read back before
			// the byte-sized stores reached them, which stalled the copy
			// (a third of this function's time).
			dst = slices.Grow(dst, 1)
			k := &dst[:len(dst)+1][len(dst)]
			k.Hash, k.NormLen = h, int32(len(word))
			k.Stopword = isStopwordLowered(h, word, seen&classUpper != 0)
			k.Number, k.Capital = first >= '0' && first <= '9', first >= 'A' && first <= 'Z'
			dst = dst[:len(dst)+1]
			i = end
			continue
		}
		end := scanWord(s, i)
		dst = append(dst, KeyOf(makeToken(s[i:end], i, end)))
		i = end
	}
	return dst
}
