// Package align is unspun's verifier: it aligns a sentence of one article to
// a stretch of another, word by word, where words of one equivalence class
// count as equal — known aliases (U.S. ~ USA ~ United States), substitutions
// learned from earlier copies, inflections, and one-letter typos in long
// words. Its result is a similarity and the edit script that turns the
// source's words into the copy's.
package align

import (
	"strings"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/text"
)

// Unit is one word of a sentence, or a phrase the alias table collapses into
// one name ("Russian Federation").
type Unit struct {
	Norm       string  // folded words, space-separated
	Key        string  // canonical name: the alias class, else Norm
	Start, End int     // byte offsets in the article body
	Weight     float64 // evidence a match of this unit carries
	Stopword   bool
	Number     bool
	Capital    bool // written with a capital first letter
	// Name marks a unit of a name: an alias phrase, a capitalised word
	// inside a sentence, and after SetInfo every unit of a run of them
	// ("Secretary of State Ada Quill"). A shared name is evidence that two
	// sentences are about the same people, not that one copied the other.
	Name bool
	// Info is the unit's informative weight in the copy's sentence, set by
	// SetInfo: how much a match of it says that the sentence was copied.
	// Coverage is measured in it. Zero until set.
	Info float64
	// Quoted marks a unit inside quotation marks (set by the caller, see
	// MarkQuoted). A copy's quoted word matched by a word the source tells
	// in its own voice does not count as covered: a sentence that puts a
	// source's narration inside quotes is someone's statement, not the
	// source's sentence. (The other way round is common in copies: a
	// sentence taken from inside a long quote loses its marks.)
	Quoted bool
	// Attribution marks a word that attributes a quote of the copy (its
	// speaker's mention, its cue), set by the caller. A copy may change or
	// drop who a quote is attributed to: such a word counts when it
	// matches, and not against the copy when it does not.
	Attribution bool

	normHash, keyHash uint64 // fast equality in the alignment's inner loop
}

// Unit weights: a shared name or number is strong evidence of copying, a
// shared "the" almost none.
const (
	weightStopword = 0.25
	weightWord     = 1.0
	weightName     = 1.3
)

// Units turns tokens into units, collapsing alias phrases.
func Units(dst []Unit, toks []text.Token, aliases *Aliases) []Unit {
	for i := 0; i < len(toks); {
		t := &toks[i]
		h := fingerprint.Hash(t.Norm)
		if aliases != nil {
			if canonical, n := aliases.match(toks, i, h); n > 0 {
				u := Unit{Key: canonical, Start: t.Start, End: toks[i+n-1].End, Weight: weightName, Name: true, Capital: t.Capital}
				if n == 1 {
					u.Norm = t.Norm
				} else {
					parts := make([]string, n)
					for k := range parts {
						parts[k] = toks[i+k].Norm
					}
					u.Norm = strings.Join(parts, " ")
				}
				u.normHash, u.keyHash = fingerprint.Hash(u.Norm), fingerprint.Hash(u.Key)
				dst = append(dst, u)
				i += n
				continue
			}
		}
		dst = append(dst, Unit{Norm: t.Norm, Key: t.Norm, Start: t.Start, End: t.End, Weight: weightWord, Number: t.Number,
			Capital: t.Capital && !t.Number, normHash: h, keyHash: h})
		u := &dst[len(dst)-1]
		switch {
		case text.IsStopwordHashed(h, t.Norm):
			u.Weight, u.Stopword = weightStopword, true
		case t.Number:
			u.Weight = weightName
		case t.Capital && i > 0:
			u.Weight, u.Name = weightName, true
		}
		i++
	}
	return dst
}

// KeyHash is a 64-bit hash of Key, for indexing.
func (u *Unit) KeyHash() uint64 { return u.keyHash }

// UnitKey is what indexing needs of a unit: the hash of its Key and
// whether it is a stopword.
type UnitKey struct {
	Hash     uint64
	Stopword bool
}

// UnitKey returns u's key and stopword mark.
func (u *Unit) UnitKey() UnitKey { return UnitKey{u.keyHash, u.Stopword} }

// AppendUnitKeys appends the UnitKey of each unit that Units makes of toks,
// without making the units: indexing an article needs no more of them, and
// a Unit is about a hundred bytes to write. TestUnitKeysMatchUnits holds the
// two to the same units.
func AppendUnitKeys(dst []UnitKey, toks []text.Token, aliases *Aliases) []UnitKey {
	for i := 0; i < len(toks); {
		t := &toks[i]
		h := fingerprint.Hash(t.Norm)
		if aliases != nil {
			if canonical, n := aliases.match(toks, i, h); n > 0 {
				dst = append(dst, UnitKey{Hash: fingerprint.Hash(canonical)})
				i += n
				continue
			}
		}
		dst = append(dst, UnitKey{Hash: h, Stopword: text.IsStopwordHashed(h, t.Norm)})
		i++
	}
	return dst
}

// UnitKeysOfWords appends the UnitKeys that AppendUnitKeys makes of the
// tokens whose keys are words (text.AppendWordKeys), and reports true; or,
// if a word may begin an alias, appends nothing and reports false: an alias
// is matched on the tokens, which the caller then makes. Most sentences of
// news have no alias, and their units are their words.
func UnitKeysOfWords(dst []UnitKey, words []text.WordKey, aliases *Aliases) ([]UnitKey, bool) {
	start := len(dst)
	for _, w := range words {
		if aliases != nil && aliases.mayBegin(w.Hash) {
			return dst[:start], false
		}
		dst = append(dst, UnitKey{Hash: w.Hash, Stopword: w.Stopword})
	}
	return dst, true
}

// Lexicon says whether a copier is known to swap one word for another: the
// spin dictionary learned from earlier verified copies.
type Lexicon interface {
	Known(from, to string) bool
}

// Options tune the verifier. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	MinSimilarity float64 // accept a pair at or above this similarity
	MinAnchors    int     // …that shares at least this many non-stopword units
	MaxExtend     int     // unaligned units at a source sentence's edge still counted as edits

	// A copy's sentence that contains whole source sentences (a merge, an
	// added clause) is accepted when its aligned part alone is this similar
	// and shares this many non-stopword units.
	ContainMinSimilarity float64
	ContainMinAnchors    int

	// MaxSlot is the longest run of unrelated one-for-one substitutions,
	// between matched words on both sides, that still counts as a spinner's
	// word swap (in coverage and in the edit script). Longer runs, and runs
	// at a sentence's edge, are a deletion plus an insertion.
	MaxSlot int
	// SlotCredit is the share of a swapped word's Info that counts as
	// covered: its place in a matched run is evidence, its word is not.
	SlotCredit float64
}

// DefaultOptions are the settings measured on the development sets (README).
var DefaultOptions = Options{MinSimilarity: 0.55, MinAnchors: 2, MaxExtend: 8, ContainMinSimilarity: 0.8, ContainMinAnchors: 4,
	MaxSlot: 3, SlotCredit: 1}

// Result is the alignment of a copy's sentence to a source.
type Result struct {
	Source     unspun.Span // aligned span in the source body
	Copy       unspun.Span // aligned span in the copy body
	Similarity float64     // matched weight over total weight, both sides
	Anchors    int         // non-stopword units matched
	// Coverage is the share of the copy sentence's Info that the source
	// accounts for: matched and equivalent units fully, swapped words in a
	// matched run by SlotCredit. Measured over the whole sentence, also
	// when only part of it was aligned.
	Coverage float64
	// Evidence is the share of the sentence's Info matched by words that
	// are neither stopwords, names nor numbers: what a copy shares and an
	// independent report of the same facts does not.
	Evidence float64
	// Credit holds each copy unit's covered share of its Info (0..1), so a
	// caller can add up what several sources cover together.
	Credit    []float64
	Edits     []unspun.Edit
	Accepted  bool
	Contained bool // accepted by containment: Copy covers only part of the sentence
}

type op byte

const (
	opNone  op = iota
	opMatch    // identical words
	opEquiv    // equal by alias, lexicon, inflection or typo: reported as an edit
	opSub      // different words in the same place
	opIns      // a word of the copy that the source lacks
	opDel      // a word of the source that the copy lacks
	opSlot     // a different word in the place of one, inside a matched run: a swap
)

// Aligner aligns sentences. It keeps scratch space between calls, so it is
// not safe for concurrent use: give each goroutine its own.
type Aligner struct {
	Aliases *Aliases
	Lexicon Lexicon // may be nil
	Options Options

	score []float32
	trace []op
	ops   []op
}

// New returns an Aligner with the default aliases and options.
func New(lex Lexicon) *Aligner {
	return &Aligner{Aliases: DefaultAliases, Lexicon: lex, Options: DefaultOptions}
}

const (
	subPenalty = 0.3
	gapBase    = 0.3
	gapWeight  = 0.4
)

// Align aligns copyUnits (one sentence of the copy, whose text is copyBody)
// to srcUnits (a stretch of the source around a candidate sentence, whose
// text is srcBody). srcBounds holds the indexes into srcUnits where source
// sentences start, plus len(srcUnits); the aligned source span is widened to
// whole sentences when at most MaxExtend units were left out at an edge.
func (a *Aligner) Align(copyUnits []Unit, copyBody string, srcUnits []Unit, srcBody string, srcBounds []int) Result {
	n, m := len(copyUnits), len(srcUnits)
	if n == 0 || m == 0 {
		return Result{}
	}
	cols := m + 1
	need := (n + 1) * cols
	if cap(a.score) < need {
		a.score = make([]float32, need)
		a.trace = make([]op, need)
	}
	score, trace := a.score[:need], a.trace[:need]
	for j := 0; j <= m; j++ {
		score[j], trace[j] = 0, opNone
	}
	best, bi, bj := float32(0), 0, 0
	for i := 1; i <= n; i++ {
		cu := &copyUnits[i-1]
		row, prev := i*cols, (i-1)*cols
		score[row], trace[row] = 0, opNone
		gapCopy := float32(gapBase + gapWeight*cu.Weight)
		for j := 1; j <= m; j++ {
			su := &srcUnits[j-1]
			var diag float32
			var dop op
			switch kind := quickCompare(cu, su); kind {
			case opMatch:
				diag, dop = score[prev+j-1]+float32(cu.Weight), opMatch
			case opEquiv:
				diag, dop = score[prev+j-1]+float32(0.8*cu.Weight), opEquiv
			default:
				diag, dop = score[prev+j-1]-subPenalty, opSub
			}
			s, o := diag, dop
			if up := score[prev+j] - gapCopy; up > s {
				s, o = up, opIns
			}
			if left := score[row+j-1] - float32(gapBase+gapWeight*su.Weight); left > s {
				s, o = left, opDel
			}
			if s <= 0 {
				s, o = 0, opNone
			}
			score[row+j], trace[row+j] = s, o
			if s > best {
				best, bi, bj = s, i, j
			}
		}
	}
	if best == 0 {
		return Result{}
	}
	// Trace back the local alignment, in reverse.
	ops := a.ops[:0]
	i, j := bi, bj
	for i > 0 && j > 0 {
		o := trace[i*cols+j]
		if o == opNone {
			break
		}
		ops = append(ops, o)
		switch o {
		case opIns:
			i--
		case opDel:
			j--
		default:
			i--
			j--
		}
	}
	qi0, sj0 := i, j
	// Widen to the whole copy sentence and, where little is left out, to the
	// source's sentence edges: a dropped "he said" is an edit, not a miss.
	sStart, sEnd := sentenceAround(srcBounds, sj0, bj)
	if sj0-sStart > a.Options.MaxExtend {
		sStart = sj0
	}
	if sEnd-bj > a.Options.MaxExtend {
		sEnd = bj
	}
	full := make([]op, 0, len(ops)+(qi0+sj0-sStart)+(n-bi)+(sEnd-bj))
	full = appendLeadingEdge(full, copyUnits[:qi0], srcUnits[sStart:sj0])
	for k := len(ops) - 1; k >= 0; k-- {
		full = append(full, ops[k])
	}
	full = appendTrailingEdge(full, copyUnits[bi:], srcUnits[bj:sEnd])
	a.ops = ops
	r := a.finish(full, copyUnits, 0, copyBody, srcUnits[sStart:sEnd], srcBody)
	if r.Accepted || !isBound(srcBounds, sStart) || !isBound(srcBounds, sEnd) {
		return r
	}
	// Containment: the copy's sentence holds whole source sentences and
	// more (two sentences merged, a clause added). Judge the aligned part.
	local := make([]op, 0, len(ops)+(sj0-sStart)+(sEnd-bj))
	local = appendLeadingEdge(local, nil, srcUnits[sStart:sj0])
	for k := len(ops) - 1; k >= 0; k-- {
		local = append(local, ops[k])
	}
	local = appendTrailingEdge(local, nil, srcUnits[bj:sEnd])
	c := a.finish(local, copyUnits, qi0, copyBody, srcUnits[sStart:sEnd], srcBody)
	if c.Similarity >= a.Options.ContainMinSimilarity && c.Anchors >= a.Options.ContainMinAnchors {
		c.Accepted, c.Contained = true, true
		return c
	}
	return r
}

func isBound(bounds []int, i int) bool {
	for _, b := range bounds {
		if b == i {
			return true
		}
	}
	return false
}

// appendLeadingEdge appends ops for the units before the aligned core: the
// words next to the core are paired (identical, equivalent or substituted),
// and what one side has more is inserted (copy) or deleted (source) first.
func appendLeadingEdge(ops []op, copy, src []Unit) []op {
	ops = appendGaps(ops, len(copy)-len(src))
	n := min(len(copy), len(src))
	return appendPairs(ops, copy[len(copy)-n:], src[len(src)-n:])
}

// appendTrailingEdge is appendLeadingEdge for the units after the core.
func appendTrailingEdge(ops []op, copy, src []Unit) []op {
	n := min(len(copy), len(src))
	ops = appendPairs(ops, copy[:n], src[:n])
	return appendGaps(ops, len(copy)-len(src))
}

func appendPairs(ops []op, copy, src []Unit) []op {
	for k := range copy {
		ops = append(ops, quickCompare(&copy[k], &src[k]))
	}
	return ops
}

// appendGaps appends d insertions (d > 0) or -d deletions.
func appendGaps(ops []op, d int) []op {
	for ; d > 0; d-- {
		ops = append(ops, opIns)
	}
	for ; d < 0; d++ {
		ops = append(ops, opDel)
	}
	return ops
}

func sentenceAround(bounds []int, from, to int) (int, int) {
	start, end := 0, to
	for _, b := range bounds {
		if b <= from {
			start = b
		}
		if b >= to {
			end = b
			break
		}
	}
	return start, end
}

// finish computes similarity, coverage and edits from a complete op
// sequence that covers copy[lo:] (up to the units the ops consume) and src
// from their first to their last unit. Coverage is over all of copy.
func (a *Aligner) finish(ops []op, copy []Unit, lo int, copyBody string, src []Unit, srcBody string) Result {
	r := Result{Credit: make([]float64, len(copy))}
	a.resolve(ops, copy[lo:], src)
	var matched, total float64
	i, j := lo, 0
	runStart, runI, runJ := -1, 0, 0 // the current run of edits: its first op and units
	flush := func(end int) {
		if runStart >= 0 {
			r.Edits = a.appendRunEdits(r.Edits, ops, runStart, end, copy, copyBody, src, srcBody, runI, runJ)
			runStart = -1
		}
	}
	for k, o := range ops {
		if o == opMatch {
			flush(k)
		} else if runStart < 0 {
			runStart, runI, runJ = k, i, j
		}
		switch o {
		case opMatch, opEquiv:
			w := copy[i].Weight + src[j].Weight
			matched += w
			total += w
			if !copy[i].Stopword {
				r.Anchors++
			}
			if !copy[i].Quoted || src[j].Quoted {
				r.Credit[i] = 1
			}
			i++
			j++
		case opSub, opSlot:
			total += copyWeight(&copy[i]) + src[j].Weight
			if o == opSlot {
				r.Credit[i] = a.Options.SlotCredit
			}
			i++
			j++
		case opIns:
			total += copyWeight(&copy[i])
			i++
		case opDel:
			total += src[j].Weight
			j++
		}
	}
	flush(len(ops))
	if total > 0 {
		r.Similarity = matched / total
	}
	if len(src) > 0 {
		r.Source = unspun.Span{Start: src[0].Start, End: src[len(src)-1].End}
	}
	r.Copy = unspun.Span{Start: copy[lo].Start, End: copy[i-1].End}
	r.Coverage, r.Evidence = Coverage(copy, r.Credit)
	r.Accepted = r.Similarity >= a.Options.MinSimilarity && r.Anchors >= a.Options.MinAnchors
	return r
}

// copyWeight is the weight an unmatched word of the copy counts against it.
func copyWeight(u *Unit) float64 {
	if u.Attribution {
		return 0
	}
	return u.Weight
}

// Coverage returns the share of the units' Info that credit covers, and the
// share covered by words beyond stopwords, names and numbers (fully
// matched ones only: a swapped word is no evidence of its own). An
// attribution word left uncovered does not count.
func Coverage(units []Unit, credit []float64) (coverage, evidence float64) {
	var covered, beyond, total float64
	for k := range units {
		u := &units[k]
		if u.Attribution && credit[k] == 0 {
			continue
		}
		total += u.Info
		covered += credit[k] * u.Info
		if credit[k] == 1 && !u.Stopword && !u.Name && !u.Number {
			beyond += u.Info
		}
	}
	if total == 0 {
		return 0, 0
	}
	return covered / total, beyond / total
}

// resolve settles what each substitution of the chosen path is: equivalent
// words (alias, lexicon, inflection, typo), a swap inside a matched run (a
// run of at most MaxSlot one-for-one substitutions with matched words on
// both sides, or on its inner side at a sentence's edge), or unrelated
// words, which count as a deletion plus an insertion.
func (a *Aligner) resolve(ops []op, copy []Unit, src []Unit) {
	i, j := 0, 0
	for k, o := range ops {
		if o == opSub {
			if kind, _ := a.compare(&copy[i], &src[j]); kind == opEquiv {
				ops[k] = opEquiv
			}
		}
		if o != opDel {
			i++
		}
		if o != opIns {
			j++
		}
	}
	for k := 0; k < len(ops); {
		if ops[k] != opSub {
			k++
			continue
		}
		e := k
		for e < len(ops) && ops[e] == opSub {
			e++
		}
		// A run at a sentence's edge counts when it is matched on its inner
		// side: a swapped last word ("the stereo" → "the hi-fi").
		before := k == 0 || matches(ops[k-1])
		after := e == len(ops) || matches(ops[e])
		if e-k <= a.Options.MaxSlot && before && after && (k > 0 || e < len(ops)) {
			for s := k; s < e; s++ {
				ops[s] = opSlot
			}
		}
		k = e
	}
}

func matches(o op) bool { return o == opMatch || o == opEquiv }

// appendRunEdits turns the run ops[from:to] of non-identical ops into edits.
// Equivalent words and swaps give one substitution per word, as a synonym
// dictionary works word by word; every other stretch is a deletion of the
// source's words and an insertion of the copy's, never a substitution that
// pairs unrelated words.
func (a *Aligner) appendRunEdits(edits []unspun.Edit, ops []op, from, to int, copy []Unit, copyBody string, src []Unit, srcBody string, i, j int) []unspun.Edit {
	interior := from > 0 && to < len(ops)
	for k := from; k < to; {
		switch ops[k] {
		case opEquiv, opSlot:
			c, s := &copy[i], &src[j]
			_, kind := a.compare(c, s)
			if isFact(c, s) {
				kind = unspun.KindFact
			}
			edits = append(edits, unspun.Edit{Op: unspun.Substitute,
				From: srcBody[s.Start:s.End], To: copyBody[c.Start:c.End], Kind: kind})
			i, j, k = i+1, j+1, k+1
			continue
		}
		ci, sj := i, j
		for k < to && ops[k] != opEquiv && ops[k] != opSlot {
			if ops[k] != opDel {
				i++
			}
			if ops[k] != opIns {
				j++
			}
			k++
		}
		if j > sj {
			e := unspun.Edit{Op: unspun.Delete, From: srcBody[src[sj].Start:src[j-1].End]}
			if changesFact(src[sj:j], interior) {
				e.Kind = unspun.KindFact
			}
			edits = append(edits, e)
		}
		if i > ci {
			e := unspun.Edit{Op: unspun.Insert, To: copyBody[copy[ci].Start:copy[i-1].End]}
			if changesFact(copy[ci:i], interior) {
				e.Kind = unspun.KindFact
			}
			edits = append(edits, e)
		}
	}
	return edits
}

// quickCompare classifies a pair by identity and alias only: the inner loop
// of the alignment runs it for every pair. The costlier equivalences
// (lexicon, inflection, typo) are checked by compare on the substitutions
// of the chosen path: a one-for-one substitution takes the same diagonal
// step as a match, so the path rarely changes, and finish scores them.
func quickCompare(c, s *Unit) op {
	switch {
	case c.normHash == s.normHash && c.Norm == s.Norm:
		return opMatch
	case c.keyHash == s.keyHash && c.Key == s.Key:
		return opEquiv
	}
	return opSub
}

// compare classifies a pair of units and, for an equivalence, says why.
func (a *Aligner) compare(c, s *Unit) (op, string) {
	switch {
	case c.Norm == s.Norm:
		return opMatch, ""
	case c.Key == s.Key:
		return opEquiv, unspun.KindAlias
	case c.Number || s.Number:
		return opSub, "" // a changed number is a changed fact, never a typo
	case a.Lexicon != nil && a.Lexicon.Known(s.Norm, c.Norm):
		return opEquiv, unspun.KindLearned
	case sameStem(c.Norm, s.Norm):
		return opEquiv, unspun.KindInflection
	case isTypo(c.Norm, s.Norm):
		return opEquiv, unspun.KindTypo
	}
	return opSub, ""
}

// sameStem reports whether two words differ only by a common English
// inflection (report/reports/reported/reporting).
func sameStem(a, b string) bool {
	sa, sb := stem(a), stem(b)
	return len(sa) >= 4 && sa == sb
}

func stem(w string) string {
	for _, suf := range [...]string{"ing", "ed", "es", "s", "ly"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// isTypo reports whether two long words are one typo apart: one letter
// dropped, added or changed, or two adjacent letters swapped (Damerau
// distance 1). Short words are left out: "cat"/"cut" is a different word.
func isTypo(a, b string) bool {
	if len(a)-len(b) > 4 || len(b)-len(a) > 4 { // a rune is at most 4 bytes
		return false
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if la < 6 && lb < 6 || la-lb > 1 || lb-la > 1 {
		return false
	}
	if la == len(a) && lb == len(b) {
		return typoBytes(a, b)
	}
	ra, rb := []rune(a), []rune(b)
	i := 0
	for i < len(ra) && i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) && i == len(rb) {
		return true
	}
	switch {
	case la == lb:
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // changed letter
		}
		return i+1 < la && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	case la > lb:
		return string(ra[i+1:]) == string(rb[i:])
	default:
		return string(ra[i:]) == string(rb[i+1:])
	}
}

// typoBytes is isTypo for ASCII words, without converting to runes.
func typoBytes(a, b string) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b):
		if i == len(a) || a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case len(a) > len(b):
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}
