package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/internal/swar"
)

// MaxSentenceBytes bounds a sentence. A longer run without a sentence end (a
// crawl's navigation bar, a 100 MB line) is cut at a space near this size, so
// that alignment, which is quadratic in sentence length, stays bounded.
const MaxSentenceBytes = 2000

// abbreviations are words that end with a dot without ending a sentence when
// a name or number follows ("Mr. Lavrov", "Gen. Ortiz", "No. 10").
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "col": true,
	"lt": true, "sgt": true, "capt": true, "cpt": true, "maj": true, "adm": true, "cmdr": true,
	"sen": true, "rep": true, "gov": true, "rev": true, "st": true,
	"hon": true, "pres": true, "supt": true, "insp": true, "det": true, "fr": true,
	"vs": true, "no": true, "nos": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mt": true, "ft": true, "fig": true, "e.g": true, "i.e": true,
}

// Sentences splits body into sentences and returns their spans, trimmed of
// surrounding space. A sentence ends at . ! ? or … (with any closing quotes
// or brackets after it) followed by space and a capital, digit or opening
// quote; at a blank line; or at a line break after a line that has no final
// punctuation (a headline). A dot after an abbreviation, an initial or an
// initialism such as "U.S." does not end a sentence unless the next word is
// a common sentence opener ("The", "But").
func Sentences(body string) []unspun.Span { return AppendSentences(nil, body) }

// AppendSentences appends the spans of body's sentences to spans, as
// Sentences returns them.
func AppendSentences(spans []unspun.Span, body string) []unspun.Span {
	start := 0
	emit := func(end int) {
		s, e := trimSpace(body, start, end)
		for e-s > MaxSentenceBytes {
			cut := cutPoint(body, s, s+MaxSentenceBytes)
			a, b := trimSpace(body, s, cut)
			if b > a {
				spans = append(spans, unspun.Span{Start: a, End: b})
			}
			s, e = trimSpace(body, cut, e)
		}
		if e > s {
			spans = append(spans, unspun.Span{Start: s, End: e})
		}
		start = end
	}
	for i := 0; i < len(body); {
		if i+8 <= len(body) && !mayStop(swar.Load(body, i)) {
			i += 8 // eight bytes at a time through the run of words between stops
			continue
		}
		if c := body[i]; c < utf8.RuneSelf && !endsOrBreaks[c] {
			i++ // most bytes: plain ASCII that neither ends a sentence nor breaks a line
			continue
		}
		r, size := utf8.DecodeRuneInString(body[i:])
		switch {
		case r == '\n':
			j := skipHorizontalSpace(body, i+size)
			if j < len(body) && body[j] == '\n' || j >= len(body) {
				emit(i) // paragraph break
				i = j
				continue
			}
			if lineIsHeadline(body, start, i) && startsSentence(body, j) {
				emit(i)
			}
			i = j
			continue
		case r == '.' || r == '!' || r == '?' || r == '…':
			end := skipClosers(body, i+size)
			if end < len(body) && !isSpace(runeAt(body, end)) {
				i = end
				continue
			}
			next := skipSpace(body, end)
			if next >= len(body) {
				i = end
				continue
			}
			if !startsSentence(body, next) {
				i = end
				continue
			}
			if r == '.' && end == i+1 && !endsSentenceAfterDot(body, start, i, next) {
				i = end
				continue
			}
			emit(end)
			i = end
			continue
		}
		i += size
	}
	emit(len(body))
	return spans
}

// mayStop reports whether any of the eight bytes in w is one the sentence
// loop stops at: a byte of endsOrBreaks or one beyond ASCII.
func mayStop(w uint64) bool {
	return swar.Equal(w, '\n')|swar.Equal(w, '.')|swar.Equal(w, '!')|swar.Equal(w, '?')|swar.NotASCII(w) != 0
}

// endsOrBreaks marks the ASCII bytes the sentence loop stops at.
var endsOrBreaks = [utf8.RuneSelf]bool{'\n': true, '.': true, '!': true, '?': true}

// endsSentenceAfterDot decides the ambiguous case of a bare dot at i followed
// by a word at next that could start a sentence.
func endsSentenceAfterDot(body string, start, i, next int) bool {
	ws := i
	for ws > start {
		if c := body[ws-1]; c < utf8.RuneSelf { // most words: ASCII, no decoding
			if !asciiWord[c] && c != '.' && c != '\'' {
				break
			}
			ws--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(body[:ws])
		if !isWordRune(r) && r != '.' && !isApostrophe(r) {
			break
		}
		ws -= size
	}
	word := body[ws:i]
	if word == "" {
		return true
	}
	if strings.IndexByte(word, '.') < 0 && utf8.RuneCountInString(word) > maxAbbreviationRunes {
		// Longer than any abbreviation (lowering keeps the number of runes),
		// and no initialism: most words before a dot, spared lowering and
		// the look-ups below.
		return true
	}
	folded := strings.ToLower(word)
	switch {
	case folded == "a.m" || folded == "p.m":
		// "5:10 a.m. Fire crews …" ends; "at 9 a.m. Monday" and "3 p.m. EST" do not.
		return !afterTime[nextWordFolded(body, next)] && !isAllCaps(body, next)
	case endingAbbreviations[folded]:
		return isOpener(body, next) // "Smith Jr. said" vs "… Holdings Inc. The"
	case abbreviations[folded]:
		return false
	case utf8.RuneCountInString(word) == 1 && unicode.IsUpper(runeAt(word, 0)):
		return isOpener(body, next) // an initial: "J. Smith"
	case isInitialism(word):
		return isOpener(body, next) // an initialism: "the U.S. Army" vs "in the U.S. The"
	}
	return true
}

// maxAbbreviationRunes is the length of the longest word that
// endsSentenceAfterDot looks up (TestMaxAbbreviationRunes).
const maxAbbreviationRunes = 6

// endingAbbreviations often end a sentence as well as a name ("Acme Inc.").
var endingAbbreviations = map[string]bool{"jr": true, "sr": true, "inc": true, "ltd": true, "co": true,
	"corp": true, "etc": true, "al": true, "est": true, "approx": true}

// afterTime are words that continue a sentence after "a.m." or "p.m.".
var afterTime = map[string]bool{"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true, "local": true}

// isInitialism reports whether a dotted word is an initialism (U.S, e.g,
// Ph.D) rather than a domain name or a dotted word ending a sentence
// ("Coinmarketcap.com").
func isInitialism(word string) bool {
	if !strings.Contains(word, ".") {
		return false
	}
	for _, part := range strings.Split(word, ".") {
		if utf8.RuneCountInString(part) > 2 {
			return false
		}
	}
	return true
}

func nextWordFolded(body string, i int) string {
	j := i
	for j < len(body) && isWordRune(runeAt(body, j)) {
		_, size := utf8.DecodeRuneInString(body[j:])
		j += size
	}
	return strings.ToLower(body[i:j])
}

// isAllCaps reports whether the word at i is written in capitals (a time
// zone: EST, GMT).
func isAllCaps(body string, i int) bool {
	w := 0
	for j := i; j < len(body); {
		r, size := utf8.DecodeRuneInString(body[j:])
		if !isWordRune(r) {
			break
		}
		if !unicode.IsUpper(r) {
			return false
		}
		w++
		j += size
	}
	return w >= 2
}

// isOpener reports whether the word at i is a function word that commonly
// opens a sentence, which disambiguates a dot after an initialism.
func isOpener(body string, i int) bool {
	j := i
	for j < len(body) && isWordRune(runeAt(body, j)) {
		_, size := utf8.DecodeRuneInString(body[j:])
		j += size
	}
	return IsStopword(strings.ToLower(body[i:j]))
}

func startsSentence(body string, i int) bool {
	r := runeAt(body, i)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || isOpeningQuote(r) || r == '(' || r == '['
}

func isOpeningQuote(r rune) bool {
	return r == '"' || r == '“' || r == '‘' || r == '«' || r == '„' || r == '\''
}

func isCloser(r rune) bool {
	return r == '"' || r == '”' || r == '’' || r == '»' || r == '\'' || r == ')' || r == ']' ||
		r == '.' || r == '!' || r == '?' || r == '…'
}

func skipClosers(body string, i int) int {
	for i < len(body) {
		r, size := utf8.DecodeRuneInString(body[i:])
		if !isCloser(r) {
			break
		}
		i += size
	}
	return i
}

// lineIsHeadline reports whether the line ending at i lacks final punctuation,
// as a headline or a list item does.
func lineIsHeadline(body string, start, i int) bool {
	_, e := trimSpace(body, start, i)
	if e <= start {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(body[:e])
	return !isCloser(r) && r != ',' && r != ';' && r != ':'
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// asciiSpace marks the ASCII bytes that unicode.IsSpace takes for space.
var asciiSpace = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = unicode.IsSpace(rune(c))
	}
	return t
}()

func skipSpace(body string, i int) int {
	for i < len(body) {
		if c := body[i]; c < utf8.RuneSelf { // ASCII: no decoding
			if !asciiSpace[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(body[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func skipHorizontalSpace(body string, i int) int {
	for i < len(body) {
		r, size := utf8.DecodeRuneInString(body[i:])
		if r == '\n' || !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func trimSpace(body string, s, e int) (int, int) {
	for s < e {
		r, size := utf8.DecodeRuneInString(body[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		r, size := utf8.DecodeLastRuneInString(body[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= size
	}
	return s, e
}

// cutPoint finds a place to cut an over-long sentence at or before limit: the
// last space after the middle of the range, else the last rune boundary
// there, else limit itself. It never returns s, so a cut always advances:
// in invalid UTF-8 (a run of continuation bytes) no boundary may come before
// s, and cutting at s would cut nothing, forever.
func cutPoint(body string, s, limit int) int {
	mid := s + (limit-s)/2
	for j := limit; j > mid; j-- {
		if body[j] == ' ' || body[j] == '\n' || body[j] == '\t' {
			return j
		}
	}
	for j := limit; j > mid; j-- {
		if utf8.RuneStart(body[j]) {
			return j
		}
	}
	return limit // no rune starts there: not UTF-8, any byte will do
}
