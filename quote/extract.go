// Package quote finds the quotations in an article and who said them, by
// rules: paired quote marks of every common style, the news convention for
// quotes that run over paragraphs, and attribution by cue verbs on either
// side, appositions, colon lead-ins, the previous quote's speaker, pronouns,
// and full names resolved from earlier mentions. Word lists (cue verbs,
// titles, pronouns) are embedded data files. Everything runs in time linear
// in the article's length.
package quote

import (
	"sync"
	"unicode"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/text"
)

// kind is the family of a quote mark: double or single.
type kind int

const (
	double kind = iota
	single
)

// span is a quote found in the text, before attribution.
type span struct {
	start, end int // the marks included
}

// marks decides, for the rune r at i, whether it can open or close a quote.
func openerKind(body string, i int, r rune) (kind, bool) {
	switch r {
	case '“', '«', '„':
		return double, true
	case '"':
		return double, isOpenContext(body, i, r)
	case '‘':
		return single, isOpenContext(body, i, r)
	case '\'':
		// A straight apostrophe opens a quote only before a letter or digit:
		// '' (two apostrophes, a typewriter convention) is not a quote mark.
		next, _ := utf8.DecodeRuneInString(body[i+1:])
		return single, isOpenContext(body, i, r) && (unicode.IsLetter(next) || unicode.IsDigit(next))
	}
	return 0, false
}

func closes(k kind, opener rune, body string, i int, r rune) bool {
	switch k {
	case double:
		switch r {
		case '”', '»':
			return true
		case '“': // closes only „…“, the low-high style
			return opener == '„'
		case '"':
			return !isOpenContext(body, i, r) || isCloseContext(body, i, r)
		}
	case single:
		if r == '’' || r == '\'' {
			return isCloseContext(body, i, r)
		}
	}
	return false
}

// isOpenContext: a straight or single mark opens when it follows the start,
// a space, an opening bracket or dash, and precedes a non-space.
func isOpenContext(body string, i int, r rune) bool {
	prev, _ := utf8.DecodeLastRuneInString(body[:i])
	next, _ := utf8.DecodeRuneInString(body[i+utf8.RuneLen(r):])
	prevOK := i == 0 || unicode.IsSpace(prev) || prev == '(' || prev == '[' || prev == '—' || prev == '–' || prev == '-' || prev == '“' || prev == '"'
	nextOK := i+utf8.RuneLen(r) < len(body) && !unicode.IsSpace(next)
	return prevOK && nextOK
}

// isCloseContext: a single mark closes when it does not sit between two
// letters (an apostrophe: don’t, Russia’s) and is followed by the end, a
// space or punctuation.
func isCloseContext(body string, i int, r rune) bool {
	prev, _ := utf8.DecodeLastRuneInString(body[:i])
	end := i + utf8.RuneLen(r)
	if end >= len(body) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(body[end:])
	if unicode.IsLetter(prev) && unicode.IsLetter(next) {
		return false
	}
	if (prev == 's' || prev == 'S') && unicode.IsSpace(next) && r == '’' {
		return false // a curly mark after s and before a space is a plural possessive: "the states’ rights"
	}
	return unicode.IsSpace(next) || unicode.IsPunct(next) || next == '”' || next == '"'
}

// findQuotes pairs quote marks left to right. A new paragraph that re-opens
// a quote continues it; a quote still open at a paragraph end that is not
// re-opened, or at the end of the text, is dropped with its opening mark
// (unpaired marks are ignored). Marks of the other family inside a quote are
// part of it. Linear: each paragraph is scanned at most twice, and after a
// mark family finds no closer before the end of the text, its openers are
// ignored.
func findQuotes(body string) []span {
	var out []span
	dead := [2]bool{} // no closer of this family anywhere after the last failure
	i := 0
	for i < len(body) {
		if c := body[i]; c < utf8.RuneSelf && c != '"' && c != '\'' {
			i++ // not a mark: most bytes, skipped without decoding
			continue
		}
		r, size := utf8.DecodeRuneInString(body[i:])
		k, ok := openerKind(body, i, r)
		if !ok || dead[k] {
			i += size
			continue
		}
		start := i
		j := i + size
		closed, restart := -1, -1
		depth, lastClose := 0, -1 // curly quotes of the same family nested inside: “… calls it “hell” …”
		for j < len(body) {
			if b := body[j]; b < utf8.RuneSelf && b != '"' && b != '\'' && b != '\n' {
				j++
				continue
			}
			c, csize := utf8.DecodeRuneInString(body[j:])
			if k == double && r != '"' && (c == '“' && r != '„' || c == '«' && r == '«') {
				depth++
				j += csize
				continue
			}
			if c == '\n' {
				// Paragraph break: continue only if the next paragraph opens a quote.
				p := j
				for p < len(body) && (body[p] == '\n' || body[p] == ' ' || body[p] == '\t' || body[p] == '\r') {
					p++
				}
				if p < len(body) {
					nr, _ := utf8.DecodeRuneInString(body[p:])
					if nk, ok := openerKind(body, p, nr); ok && nk == k {
						j = p + utf8.RuneLen(nr)
						continue
					}
				}
				if lastClose > 0 {
					closed = lastClose // the nesting never balanced: close at the last closer seen
					break
				}
				restart = p
				break
			}
			if closes(k, r, body, j, c) {
				if depth > 0 {
					depth--
					lastClose = j + csize
					j += csize
					continue
				}
				closed = j + csize
				break
			}
			j += csize
		}
		if closed < 0 && restart < 0 && lastClose > 0 {
			closed = lastClose
		}
		switch {
		case closed > 0:
			if hasLetter(body[start:closed]) {
				out = append(out, span{start, closed})
			}
			i = closed
		case restart >= 0:
			i = max(restart, start+size)
		default: // end of text: nothing of this family closes after here
			dead[k] = true
			i = start + size
		}
	}
	return out
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// Spans returns the spans of body's quotations, marks included, without
// attributing them: the cheap half of Extract, for callers that only need
// to know which words are quoted. Titles and scare quotes are included.
func Spans(body string) []unspun.Span {
	spans := findQuotes(body)
	out := make([]unspun.Span, len(spans))
	for i, sp := range spans {
		out[i] = unspun.Span{Start: sp.start, End: sp.end}
	}
	return out
}

// tokenBufs recycles the token slices of Extract: a long article's words
// take hundreds of kilobytes, allocated and cleared on every call otherwise.
var tokenBufs = sync.Pool{New: func() any { return new([]text.Token) }}

// Extract returns the quotes of body with their speakers.
func Extract(body string) []unspun.Quote {
	spans := findQuotes(body)
	if len(spans) == 0 {
		return nil // nothing to attribute: no need to read the words
	}
	out := make([]unspun.Quote, 0, len(spans))
	buf := tokenBufs.Get().(*[]text.Token)
	a := newAttributor(body, spans, (*buf)[:0])
	defer func() {
		clear(a.toks) // drop the words' strings before the buffer is reused
		*buf = a.toks[:0]
		tokenBufs.Put(buf)
	}()
	for i, sp := range spans {
		if a.isNotSpeech(i) {
			continue
		}
		q := unspun.Quote{Span: unspun.Span{Start: sp.start, End: sp.end}, Text: body[sp.start:sp.end]}
		q.Speaker, q.Cue, q.SpeakerFrom = a.attribute(i)
		if q.SpeakerFrom != unspun.FromCue && a.isScareQuote(i) {
			a.found[i] = nil
			continue
		}
		out = append(out, q)
	}
	return out
}
