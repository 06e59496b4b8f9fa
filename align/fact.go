package align

import (
	"strings"

	"github.com/unspun/unspun/text"
)

// Meaning-changing edits. A copy that turns "will" into "will not", 54 into
// 45 or one minister into another is still a copy, and the reader must see
// that it now says something else. These checks classify single edits; they
// know no grammar, so they look only at words that carry such facts.

// negations are the words that flip a statement ("n't" endings are checked
// apart).
var negations = map[string]bool{
	"not": true, "never": true, "no": true, "cannot": true, "nor": true, "neither": true,
	"none": true, "nobody": true, "nothing": true, "nowhere": true,
}

func isNegation(u *Unit) bool {
	return negations[u.Norm] || strings.HasSuffix(u.Norm, "n't") || strings.HasSuffix(u.Norm, "n’t")
}

// isDateWord reports whether a word names a month or a weekday: swapping
// one for another changes a date. "May" is left out: it is far more often
// the verb.
func isDateWord(norm string) bool { return norm != "may" && text.IsDateName(norm) }

// isFact reports whether substituting the source's unit s by the copy's c
// changes a fact: a different number or date, one negated and one not, or
// one name swapped for another (names the verifier does not know as
// aliases).
func isFact(c, s *Unit) bool {
	switch {
	case c.Norm == s.Norm || c.Key == s.Key:
		return false
	case c.Number || s.Number:
		return true
	case isNegation(c) != isNegation(s):
		return true
	case isDateWord(c.Norm) && isDateWord(s.Norm):
		return true
	}
	return c.Name && s.Name && !c.Stopword && !s.Stopword
}

// changesFact reports whether inserting or deleting units changes a fact: a
// negation anywhere, or a number or date dropped or added inside a run that
// otherwise matches (at a sentence's edge it is a trimmed clause).
func changesFact(units []Unit, interior bool) bool {
	for k := range units {
		u := &units[k]
		if isNegation(u) || interior && (u.Number || isDateWord(u.Norm)) {
			return true
		}
	}
	return false
}
