package text

import (
	"slices"
	"unicode/utf8"

	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/internal/swar"
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
			var h uint64
			var stopword bool
			if n := end - i; n <= 8 && i+8 <= len(s) {
				// A short word is lowered, hashed and looked up among the
				// stopwords eight bytes at once, without a branch on its
				// length or its letters. A plain word is ASCII letters and
				// digits, and a digit has the case bit (0x20) set: setting
				// it in every byte lowers the capitals and nothing else.
				w := (swar.Load(s, i) | 0x20*swar.Ones) & (^uint64(0) >> (64 - 8*n)) // the bytes after the word cleared
				h = fingerprint.HashShort(w, n)
				stopword = isShortStopword(w, h)
			} else {
				h = fingerprint.HashLower(word)
				stopword = isStopwordLowered(h, word, seen&classUpper != 0)
			}
			first := word[0]
			// The key is written field by field in its place: built on the
			// stack and copied whole, its 16 bytes were read back before
			// the byte-sized stores reached them, which stalled the copy
			// (a third of this function's time).
			dst = slices.Grow(dst, 1)
			k := &dst[:len(dst)+1][len(dst)]
			k.Hash, k.NormLen = h, int32(len(word))
			k.Stopword = stopword
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
