package align

import unspun "github.com/unspun/unspun"

// Informative weight: what a matched unit says about copying.
//
// Similarity (Unit.Weight) treats every shared content word alike, which is
// right for telling a spun copy from its source but wrong for telling a copy
// from another outlet's sentence about the same event: those share the
// story's names, titles, places and figures, and little else. Coverage is
// measured in Info instead, which the caller derives from the index (a word
// in many stored sentences weighs little, so a story's recurring names weigh
// little inside that story's coverage) and which SetInfo adjusts for a
// word's role: a run of capitalised words counts as one name.

// stopInfo is the Info of a stopword, against up to 1 for a word never seen
// in the index: "the" and "of" carry next to no evidence.
const stopInfo = 0.05

// SetInfo sets Info on the units of one sentence. idf gives a non-stopword
// unit's informative weight, from 0 (in every stored sentence) to 1 (in
// none); stopwords get a small fixed weight. Every run of name units —
// capitalised words, alias phrases, and a capitalised sentence opener or an
// "of" joining them ("Secretary of State Ada Quill") — is marked Name and
// shares the weight of its most informative unit, so that a titled name
// counts once, not once per word.
func SetInfo(units []Unit, idf func(*Unit) float64) {
	for i := range units {
		u := &units[i]
		if u.Stopword {
			u.Info = stopInfo
		} else {
			u.Info = idf(u)
		}
	}
	for i := 0; i < len(units); {
		if !startsName(units, i) {
			i++
			continue
		}
		j := i + 1
		for j < len(units) {
			switch {
			case units[j].Name || units[j].Capital && !units[j].Stopword:
				j++
				continue
			case units[j].Norm == "of" && j+1 < len(units) && units[j+1].Capital && !units[j+1].Stopword:
				j += 2
				continue
			}
			break
		}
		if i == 0 && j == 1 && !units[0].Name {
			i = j // a lone capitalised opener is an ordinary word
			continue
		}
		most := 0.0
		for k := i; k < j; k++ {
			most = max(most, units[k].Info)
		}
		for k := i; k < j; k++ {
			units[k].Name = true
			units[k].Info = most / float64(j-i)
		}
		i = j
	}
}

// startsName reports whether a name run may start at unit i: a name unit,
// or a capitalised content word at the sentence's start.
func startsName(units []Unit, i int) bool {
	u := &units[i]
	return u.Name || i == 0 && u.Capital && !u.Stopword
}

// MarkQuoted sets Quoted on the units that lie inside one of quotes (spans
// sorted by start, as quote.Spans returns them).
func MarkQuoted(units []Unit, quotes []unspun.Span) {
	k := 0
	for u := range units {
		for k < len(quotes) && quotes[k].End <= units[u].Start {
			k++
		}
		units[u].Quoted = k < len(quotes) && quotes[k].Start <= units[u].Start && units[u].End <= quotes[k].End
	}
}
