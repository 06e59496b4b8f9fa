package text

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/unspun/unspun/internal/swar"
)

// Token is one word or number of a body.
type Token struct {
	Start, End int    // byte offsets of the raw characters
	Norm       string // folded form used for matching: NFKC, lower case, "U.S." → "us"
	Acronym    bool   // written in capitals: US, U.S., NATO (not a one-letter word)
	Capital    bool   // starts with a capital letter
	Number     bool   // starts with a digit
}

// Tokens splits s into words and numbers. A word is a run of letters, digits
// and marks; an apostrophe between letters (Russia's, don't) and a dot in an
// initialism (U.S.) stay inside it, as do the separators of a number (1,200.5).
// Hyphens and every other punctuation mark separate tokens.
func Tokens(s string) []Token {
	return AppendTokens(make([]Token, 0, len(s)/6+1), s, 0) // news runs about six bytes a word
}

// AppendTokens appends the tokens of s to dst, adding base to every offset, so
// that the tokens of a sentence can point into the whole body.
func AppendTokens(dst []Token, s string, base int) []Token {
	// The lowered plain words with capitals, one after the other in one
	// buffer made at the first: their Norms share it instead of each
	// allocating its own.
	var lower strings.Builder
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++ // the common case, spaces and punctuation, without decoding
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); !isWordRune(r) {
			i += size
			continue
		}
		// The token is made in its place at the end of dst: a Token is 40
		// bytes, and returning and then appending one cost more than making
		// it (0.5 s of a 100k add).
		dst = slices.Grow(dst, 1)
		t := &dst[:len(dst)+1][len(dst)]
		if end, lowered, ok := asciiToken(t, s, i); ok {
			if lowered {
				if lower.Cap() == 0 {
					// The words from here on fit, so the buffer is never
					// moved and the Norms made from it stay valid.
					lower.Grow(len(s) - i)
				}
				from := lower.Len()
				for k := i; k < end; k++ {
					c := s[k]
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					lower.WriteByte(c)
				}
				t.Norm = lower.String()[from:]
			}
			t.Start, t.End = i+base, end+base
			dst = dst[:len(dst)+1]
			i = end
			continue
		}
		start := i
		end := scanWord(s, i)
		dst = append(dst, makeToken(s[start:end], start+base, end+base))
		i = end
	}
	return dst
}

// asciiToken makes the token at i in one pass when it is a plain word
// (plainWord). Its Norm is left for the caller to set when the word has a
// capital (lowered true), to the lower-case copy. Each field of t is
// written once: t is in the heap, where writing its Norm twice costs two
// write barriers.
func asciiToken(t *Token, s string, i int) (end int, lowered, ok bool) {
	j, seen, ok := plainWord(s, i)
	if !ok {
		return 0, false, false
	}
	first := s[i]
	capital := first >= 'A' && first <= 'Z'
	acronym := false
	if capital && seen&classLower == 0 { // two capitals or more make an acronym
		for k := i + 1; k < j; k++ {
			if wordClass[s[k]] == classUpper {
				acronym = true
				break
			}
		}
	}
	t.Number, t.Capital, t.Acronym = first >= '0' && first <= '9', capital, acronym
	if seen&classUpper == 0 {
		t.Norm = s[i:j]
		return j, false, true
	}
	return j, true, true
}

// plainWord finds the end of the word at i when it is a plain word: ASCII
// letters and digits ended by a character that cannot continue it. It
// returns the classes of character the word has. It reports false for
// everything scanWord and makeToken must look at more closely (an
// initialism, a letter or mark beyond ASCII, an apostrophe or a number's
// separator before a character that may continue the word), which they
// then handle; the tokens of plain words are theirs
// (TestASCIITokensMatchGeneral). Most words of news are plain: this is
// most of tokenising.
func plainWord(s string, i int) (end int, seen uint8, ok bool) {
	if i+1 < len(s) && s[i+1] == '.' {
		return 0, 0, false // "U.S.": an initialism, perhaps
	}
	number := s[i] >= '0' && s[i] <= '9'
	// Which classes of character the word has, eight bytes at a time
	// while eight remain, then one table load a byte.
	j := i
	for j+8 <= len(s) {
		w := swar.Load(s, j)
		upper, lower, digit := swarClasses(w)
		stop := ^(upper | lower | digit) & swar.Highs
		if stop != 0 {
			in := stop&-stop - 1 // the bits below the first byte that ends the word
			seen |= classOf(upper&in, lower&in, digit&in)
			j += bits.TrailingZeros64(stop) >> 3
			break
		}
		seen |= classOf(upper, lower, digit)
		j += 8
	}
	if j+8 > len(s) {
		for ; j < len(s); j++ {
			c := wordClass[s[j]]
			if c == 0 {
				break
			}
			seen |= c
		}
	}
	if j < len(s) {
		c := s[j]
		if c >= utf8.RuneSelf {
			return 0, 0, false // a letter or mark may go on
		}
		if j+1 < len(s) {
			next := s[j+1]
			mayGoOn := next >= utf8.RuneSelf || asciiWord[next]
			if c == '\'' && !number && mayGoOn || (c == ',' || c == '.') && number && mayGoOn {
				return 0, 0, false
			}
		}
	}
	return j, seen, true
}

// swarClasses marks the bytes of w that are ASCII capitals, small letters
// and digits. Each byte is tested on its own: its low seven bits are moved
// so that the high bit says "at least the range's first" and, in a second
// sum, "past its last", and no sum carries into the next byte. Letters are
// one range with the case bit (0x20) set: a byte with it set is in a–z
// only if it was in a–z or A–Z; the case bit, moved to the high bit, then
// tells small letters from capitals.
func swarClasses(w uint64) (upper, lower, digit uint64) {
	low := w &^ swar.Highs
	ascii := ^w & swar.Highs
	in := func(v, first, last uint64) uint64 {
		return (v + (0x80-first)*swar.Ones) &^ (v + (0x7f-last)*swar.Ones) & ascii
	}
	letters := in(low|0x20*swar.Ones, 'a', 'z')
	small := w << 2 & swar.Highs // each byte's case bit, in its high bit
	return letters &^ small, letters & small, in(low, '0', '9')
}

// classOf is the word classes of the bytes marked in the three masks.
func classOf(upper, lower, digit uint64) uint8 {
	var c uint8
	if upper != 0 {
		c |= classUpper
	}
	if lower != 0 {
		c |= classLower
	}
	if digit != 0 {
		c |= classDigit
	}
	return c
}

// Classes of the ASCII bytes that make plain words, for asciiToken.
const (
	classLower = 1 << iota
	classUpper
	classDigit
)

// wordClass is the class of each byte: 0 for all but ASCII letters and
// digits.
var wordClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z':
			t[c] = classLower
		case c >= 'A' && c <= 'Z':
			t[c] = classUpper
		case c >= '0' && c <= '9':
			t[c] = classDigit
		}
	}
	return t
}()

// asciiWord marks the ASCII bytes that are word runes: letters and digits,
// the bytes wordClass classes.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = wordClass[c] != 0
	}
	return t
}()

func isWordRune(r rune) bool {
	if r >= 0 && r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

// scanWord returns the end of the word that starts at i.
func scanWord(s string, i int) int {
	if end := scanInitialism(s, i); end > i {
		return end
	}
	first, _ := utf8.DecodeRuneInString(s[i:])
	number := unicode.IsDigit(first)
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf && asciiWord[c] {
			i++ // most of a word is ASCII letters: no decoding
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			i += size
			continue
		}
		if i+size >= len(s) {
			return i
		}
		next, nsize := utf8.DecodeRuneInString(s[i+size:])
		switch {
		case isApostrophe(r) && !number && unicode.IsLetter(next):
			i += size + nsize
		case number && (r == ',' || r == '.') && unicode.IsDigit(next):
			i += size + nsize
		default:
			return i
		}
	}
	return i
}

// scanInitialism returns the end of an initialism such as "U.S." or "U.N."
// starting at i (its final dot included), or i if there is none: two or more
// single letters, each followed by a dot.
func scanInitialism(s string, i int) int {
	if i+1 < len(s) && s[i] < utf8.RuneSelf && s[i+1] != '.' {
		return i // an ASCII letter not followed by a dot: most words
	}
	j, letters := i, 0
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) || j+size >= len(s) || s[j+size] != '.' {
			break
		}
		j += size + 1
		letters++
		if j < len(s) && isWordRune(runeAt(s, j)) && !unicode.IsLetter(runeAt(s, j)) {
			return i
		}
		if next := runeAt(s, j); isWordRune(next) {
			// the next letter must itself be a single letter followed by a dot
			_, nsize := utf8.DecodeRuneInString(s[j:])
			if j+nsize >= len(s) || s[j+nsize] != '.' {
				return i
			}
		} else {
			break
		}
	}
	if letters < 2 {
		return i
	}
	return j
}

func runeAt(s string, i int) rune {
	if i >= len(s) {
		return ' '
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func makeToken(raw string, start, end int) Token {
	t := Token{Start: start, End: end}
	if c := raw[0]; c < utf8.RuneSelf {
		t.Number = c >= '0' && c <= '9'
		t.Capital = c >= 'A' && c <= 'Z'
	} else {
		first, _ := utf8.DecodeRuneInString(raw)
		t.Number = unicode.IsDigit(first)
		t.Capital = unicode.IsUpper(first)
	}
	t.Norm = Fold(raw)
	if t.Capital && !t.Number {
		letters, upper := 0, 0
		for _, r := range raw {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
		t.Acronym = letters >= 2 && upper == letters
	}
	return t
}

// Fold returns the matching form of a word: NFKC, lower case, curly
// apostrophes straightened, dots of initialisms and number separators removed.
func Fold(word string) string {
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		word = norm.NFKC.String(word)
		word = strings.ReplaceAll(word, "’", "'")
	}
	lowerNeeded, dots := false, false
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			lowerNeeded = true
		}
		if c == '.' || c == ',' {
			dots = true
		}
	}
	if lowerNeeded {
		word = strings.ToLower(word)
	}
	if dots {
		word = strings.Map(func(r rune) rune {
			if r == '.' || r == ',' {
				return -1
			}
			return r
		}, word)
	}
	return word
}

// FoldWords returns the folded words of s, as matching sees them.
func FoldWords(s string) []string {
	toks := Tokens(s)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Norm
	}
	return out
}
