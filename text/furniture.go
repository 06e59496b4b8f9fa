package text

import (
	"strings"
	"unicode/utf8"
)

// Page furniture: bylines and date lines that crawled pages carry inside the
// body. They are not reporting: tracing them would link every page of a
// site to every other ("Posted March 3, 2031") and count them in a page's
// originality.

// dateLineLeads open a date line.
var dateLineLeads = map[string]bool{
	"posted": true, "updated": true, "published": true, "modified": true, "created": true,
	"last": true, "first": true, "date": true, "dated": true,
}

// dateLineWords may fill a date line besides numbers.
var dateLineWords = map[string]bool{
	"on": true, "at": true, "am": true, "pm": true, "a": true, "m": true, "p": true,
	"updated": true, "published": true, "posted": true, "modified": true, "last": true, "first": true, "and": true,
	"est": true, "edt": true, "cst": true, "cdt": true, "pst": true, "pdt": true, "gmt": true, "utc": true, "bst": true,
	"cet": true, "cest": true, "et": true, "pt": true, "ist": true, "aest": true, "ago": true, "hours": true,
	"hour": true, "minutes": true, "min": true, "mins": true, "days": true, "day": true,
	"date": true, "dated": true, "time": true, "read": true,
}

// bylineWords may follow the names in a byline.
var bylineWords = map[string]bool{
	"and": true, "staff": true, "reporter": true, "reporters": true, "writer": true, "writers": true,
	"correspondent": true, "editor": true, "in": true, "the": true, "of": true, "for": true, "with": true,
}

// IsFurniture reports whether a sentence is a byline ("By Ada Quill and Tom
// Berg, Staff Writers") or a date line ("Posted March 3, 2031", "Updated
// 3:41 PM", "Tuesday, March 3, 2031"): page furniture, not reporting.
func IsFurniture(sentence string) bool {
	if moreWordsThan(sentence, maxFurnitureWords) {
		return false // most sentences: no need to tokenise them
	}
	toks := Tokens(sentence)
	if len(toks) == 0 || len(toks) > maxFurnitureWords {
		return false
	}
	first := toks[0].Norm
	if first == "by" && toks[0].Capital && len(toks) >= 2 && len(toks) <= 10 && !strings.ContainsAny(sentence, ".!?") {
		for _, t := range toks[1:] {
			if !t.Capital && !bylineWords[t.Norm] {
				return false
			}
		}
		return true
	}
	hasDate := false
	for k, t := range toks {
		switch {
		case t.Number || dateNames[t.Norm] || datedWords[t.Norm]:
			hasDate = true
		case dateLineWords[t.Norm] || k == 0 && dateLineLeads[t.Norm]:
		default:
			return false
		}
	}
	return hasDate
}

// dateNames are the names of the months and the weekdays, folded.
var dateNames = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
}

// IsDateName reports whether a folded word names a month or a weekday.
func IsDateName(norm string) bool { return dateNames[norm] }

// datedWords name a day on their own, besides the month and weekday names.
var datedWords = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true,
	"today": true, "yesterday": true, "ago": true,
}

// maxFurnitureWords is the most words of a byline or a date line.
const maxFurnitureWords = 14

// moreWordsThan reports whether s surely has more than n tokens: each run of
// bytes between ASCII spaces that holds an ASCII letter or digit holds at
// least one token (a token never spans a space), so counting those runs is
// a lower bound that costs no decoding and no allocation.
func moreWordsThan(s string, n int) bool {
	words, counted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			counted = false
		case !counted && c < utf8.RuneSelf && asciiWord[c]:
			counted = true
			if words++; words > n {
				return true
			}
		}
	}
	return false
}
