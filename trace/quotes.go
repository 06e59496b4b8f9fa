package trace

import (
	"context"
	"sort"
	"strings"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/text"
)

// traceQuotes sets Sources on each quote long enough to trace: the stored
// articles whose words match the quoted words, whatever sentence frames them
// there or here. A quote is traced as a quote, so that a sentence which
// only quotes a few words of a source is not taken for a copy of the
// source's sentence, while the quote itself still leads to the source. A
// quote inside a sentence that was traced is verified against that
// sentence's sources, which carry it if anything does; any other quote is
// looked up in the index like a sentence. It returns the source articles
// it found, by ID.
func (t *Tracer) traceQuotes(ctx context.Context, a unspun.Article, qs []unspun.Quote, sentences []unspun.SentenceTrace) (map[string]*sourceDoc, error) {
	type pending struct {
		qi    int
		units []align.Unit
		cands []index.Candidate
	}
	var list []*pending
	var lookup index.Analysis
	var looked []*pending
	var toks []text.Token
	firstOf := map[string]int{} // a quote repeated in the article is traced once
	var repeats [][2]int        // (quote, its first occurrence)
	for qi, q := range qs {
		if f, ok := firstOf[q.Text]; ok {
			repeats = append(repeats, [2]int{qi, f})
			continue
		}
		firstOf[q.Text] = qi
		toks = text.AppendTokens(toks[:0], a.Body[q.Span.Start:q.Span.End], q.Span.Start)
		units := align.Units(nil, toks, t.aligner.Aliases)
		words := 0
		for k := range units {
			if !units[k].Stopword {
				words++
			}
		}
		if words < t.opts.MinQuoteWords {
			continue
		}
		p := &pending{qi: qi, units: units}
		list = append(list, p)
		if st := sentenceAt(sentences, q.Span.Start); st != nil && q.Span.End <= st.Span.End && len(st.Sources) > 0 {
			align.SetInfo(units, t.lookup.Info) // the sentence's words are in the lookup's cache
			for _, src := range st.Sources {
				if d := t.linked[src.Article.ID]; d != nil {
					p.cands = append(p.cands, index.Candidate{Hit: store.Hit{Doc: d.num, Sentence: uint16(d.sentenceOf(src.Span.Start))}})
				}
			}
			continue
		}
		lookup.Sentences = append(lookup.Sentences, q.Span)
		lookup.Units = append(lookup.Units, units)
		looked = append(looked, p)
	}
	if len(looked) > 0 {
		cands, err := t.lookup.Candidates(ctx, lookup)
		if err != nil {
			return nil, err
		}
		for n, p := range looked {
			p.cands = cands[n]
			align.SetInfo(p.units, t.lookup.Info)
		}
	}
	docs := map[string]*sourceDoc{}
	for _, p := range list {
		bestByDoc := map[uint32]unspun.QuoteSource{}
		for _, c := range p.cands {
			src, err := t.candidate(ctx, a, c)
			if err != nil {
				return nil, err
			}
			if src == nil {
				continue
			}
			if _, ok := bestByDoc[c.Doc]; ok {
				continue
			}
			t.window, t.bounds = t.sourceWindow(t.window[:0], t.bounds[:0], src, int(c.Sentence), false)
			r := t.aligner.Align(p.units, a.Body, t.window, src.article.Body, t.bounds)
			if r.Anchors < 2 || matchedShare(p.units, r.Credit) < t.opts.MinQuoteCoverage {
				continue
			}
			span := r.Source
			for _, sq := range src.quoteList() {
				if sq.Span.Start < span.End && sq.Span.End > span.Start {
					span = sq.Span // the source's own quote, marks included
					break
				}
			}
			docs[src.article.ID] = src
			bestByDoc[c.Doc] = unspun.QuoteSource{Article: src.meta(), Span: span, Text: src.article.Body[span.Start:span.End]}
		}
		out := make([]unspun.QuoteSource, 0, len(bestByDoc))
		for _, s := range bestByDoc {
			out = append(out, s)
		}
		sort.Slice(out, func(i, j int) bool {
			x, y := out[i].Article, out[j].Article
			if earlier(x, y) != earlier(y, x) {
				return earlier(x, y)
			}
			return x.ID < y.ID
		})
		qs[p.qi].Sources = out
	}
	for _, r := range repeats {
		qs[r[0]].Sources = qs[r[1]].Sources
	}
	return docs, nil
}

// matchedShare is the share of the units' Info matched word for word (or by
// an equivalence): a quote's words must be there, not merely its place.
func matchedShare(units []align.Unit, credit []float64) float64 {
	var m, total float64
	for k := range units {
		total += units[k].Info
		if credit[k] == 1 {
			m += units[k].Info
		}
	}
	if total == 0 {
		return 0
	}
	return m / total
}

// settleSpeakers weighs each quote's speaker against what its sources
// say. The sources' speaker is the one most of the sources that name one
// agree on, the earliest on a tie. It fills an orphan; it replaces a
// speaker that was only inherited; where this article names a speaker
// itself and the sources name another, the article's stays and the
// sources' is set beside it as a possible misattribution. An inherited
// speaker whose mention lies in a sentence copied from other source
// articles than the quote's sentence came across a stitch and is dropped.
// An orphan left without sources takes the speaker of an overlapping quote
// in the first-ranked source of its sentence.
func settleSpeakers(qs []unspun.Quote, sentences []unspun.SentenceTrace, origins []*sourceDoc, docs map[string]*sourceDoc) []unspun.Quote {
	for qi := range qs {
		q := &qs[qi]
		name, ids, cue := sourcesSpeaker(q.Sources, docs)
		if q.SpeakerFrom == unspun.FromInherited && q.Speaker != nil && q.Speaker.Mention != nil &&
			acrossStitch(sentences, q.Span.Start, q.Speaker.Mention.Start) {
			q.Speaker, q.Cue, q.SpeakerFrom = nil, "", ""
		}
		switch {
		case name == "":
		case q.Speaker == nil || q.SpeakerFrom == unspun.FromInherited && !samePerson(q.Speaker.Name, name):
			replaced := ""
			if q.Speaker != nil {
				replaced = q.Speaker.Name
			}
			q.Speaker = &unspun.Speaker{Name: name, RecoveredFrom: ids[0], Replaced: replaced}
			q.Cue, q.SpeakerFrom = cue, unspun.FromSource
		case q.SpeakerFrom == unspun.FromCue && isNamed(q.Speaker.Name) && !samePerson(q.Speaker.Name, name):
			q.SourceSpeaker = &unspun.SourceSpeaker{Name: name, Sources: ids}
		}
		if q.Speaker != nil {
			continue
		}
		for si, st := range sentences {
			if st.Span.End <= q.Span.Start || st.Span.Start >= q.Span.End || origins[si] == nil {
				continue
			}
			src := st.Sources[0]
			if sp, cue := speakerAt(origins[si], src.Span); sp != "" {
				q.Speaker = &unspun.Speaker{Name: sp, RecoveredFrom: src.Article.ID}
				q.Cue, q.SpeakerFrom = cue, unspun.FromSource
				break
			}
		}
	}
	return qs
}

// sourcesSpeaker returns the speaker that most of the sources naming one
// give the quote (the earliest on a tie), the IDs of the sources that name
// that speaker, earliest first, and the first one's cue.
func sourcesSpeaker(sources []unspun.QuoteSource, docs map[string]*sourceDoc) (string, []string, string) {
	type vote struct {
		name, cue string
		ids       []string
	}
	var votes []*vote
	for _, qsrc := range sources {
		d := docs[qsrc.Article.ID]
		if d == nil {
			continue
		}
		sp, cue := speakerAt(d, qsrc.Span)
		if !isNamed(sp) {
			continue
		}
		var v *vote
		for _, x := range votes {
			if samePerson(x.name, sp) {
				v = x
				break
			}
		}
		if v == nil {
			v = &vote{name: sp, cue: cue}
			votes = append(votes, v)
		}
		if len(strings.Fields(sp)) > len(strings.Fields(v.name)) {
			v.name = sp // the fuller form of the name
		}
		v.ids = append(v.ids, qsrc.Article.ID)
	}
	var best *vote
	for _, v := range votes { // votes are in order of their earliest source
		if best == nil || len(v.ids) > len(best.ids) {
			best = v
		}
	}
	if best == nil {
		return "", nil, ""
	}
	return best.name, best.ids, best.cue
}

// acrossStitch reports whether the sentences holding positions a and b were
// both copied, from source articles of which they share none.
func acrossStitch(sentences []unspun.SentenceTrace, a, b int) bool {
	sa, sb := sentenceAt(sentences, a), sentenceAt(sentences, b)
	if sa == nil || sb == nil || sa == sb || len(sa.Sources) == 0 || len(sb.Sources) == 0 {
		return false
	}
	for _, x := range sa.Sources {
		for _, y := range sb.Sources {
			if x.Article.ID == y.Article.ID {
				return false
			}
		}
	}
	return true
}

func sentenceAt(sentences []unspun.SentenceTrace, pos int) *unspun.SentenceTrace {
	i := sort.Search(len(sentences), func(i int) bool { return sentences[i].Span.End > pos })
	if i < len(sentences) && sentences[i].Span.Start <= pos {
		return &sentences[i]
	}
	return nil
}

// isNamed reports whether a speaker name holds a name, not only a pronoun
// or a description ("he", "a spokesman").
func isNamed(name string) bool {
	for _, t := range text.Tokens(name) {
		if t.Capital && !text.IsStopword(t.Norm) {
			return true
		}
	}
	return false
}

// samePerson reports whether two speaker names can be one person: the same
// surname (their last capitalised words agree), or one name's words all in
// the other ("Ortega" and "Paul Ortega").
func samePerson(a, b string) bool {
	wa, wb := nameWords(a), nameWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	if wa[len(wa)-1] == wb[len(wb)-1] {
		return true
	}
	return subset(wa, wb) || subset(wb, wa)
}

func nameWords(name string) []string {
	var out []string
	for _, t := range text.Tokens(name) {
		if t.Capital && !text.IsStopword(t.Norm) {
			out = append(out, strings.TrimSuffix(t.Norm, "'s"))
		}
	}
	return out
}

func subset(a, b []string) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// speakerAt returns the speaker and cue of the first attributed quote of d
// that overlaps span.
func speakerAt(d *sourceDoc, span unspun.Span) (string, string) {
	for _, sq := range d.quoteList() {
		if sq.Speaker != nil && sq.Span.End > span.Start && sq.Span.Start < span.End {
			return sq.Speaker.Name, sq.Cue
		}
	}
	return "", ""
}
