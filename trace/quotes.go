package trace

import (
	"context"
	"errors"
	"sort"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/text"
)

// traceQuotes sets Sources on each quote long enough to trace: the stored
// articles whose words match the quoted words, whatever sentence frames them
// there or here. A quote is traced as a quote, so that a sentence which
// only quotes a few words of a source is not taken for a copy of the
// source's sentence, while the quote itself still leads to the source.
// It returns the source articles it found, by ID.
func (t *Tracer) traceQuotes(ctx context.Context, a unspun.Article, qs []unspun.Quote) (map[string]*sourceDoc, error) {
	docs := map[string]*sourceDoc{}
	var qan index.Analysis
	var which []int
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
		qan.Sentences = append(qan.Sentences, q.Span)
		qan.Units = append(qan.Units, units)
		which = append(which, qi)
	}
	if len(which) == 0 {
		return docs, nil
	}
	cands, err := t.lookup.Candidates(ctx, qan)
	if err != nil {
		return nil, err
	}
	for n, qi := range which {
		units := qan.Units[n]
		align.SetInfo(units, t.lookup.Info)
		bestByDoc := map[uint32]unspun.QuoteSource{}
		for _, c := range cands[n] {
			src, err := t.doc(ctx, c.Doc)
			if errors.Is(err, unspun.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if src.article.ID == a.ID || a.URL != "" && src.article.URL == a.URL || int(c.Sentence) >= len(src.sentences) {
				continue
			}
			if _, ok := bestByDoc[c.Doc]; ok {
				continue
			}
			t.window, t.bounds = t.sourceWindow(t.window[:0], t.bounds[:0], src, int(c.Sentence))
			r := t.aligner.Align(units, a.Body, t.window, src.article.Body, t.bounds)
			if r.Anchors < 2 || matchedShare(units, r.Credit) < t.opts.MinQuoteCoverage {
				continue
			}
			span := r.Source
			for _, sq := range src.quoteList() {
				if sq.Span.Start < span.End && sq.Span.End > span.Start {
					span = sq.Span // the source's own quote, marks included
					break
				}
			}
			meta := src.article
			meta.Body = ""
			docs[meta.ID] = src
			bestByDoc[c.Doc] = unspun.QuoteSource{Article: meta, Span: span, Text: src.article.Body[span.Start:span.End]}
		}
		list := make([]unspun.QuoteSource, 0, len(bestByDoc))
		for _, s := range bestByDoc {
			list = append(list, s)
		}
		sort.Slice(list, func(i, j int) bool {
			x, y := list[i].Article, list[j].Article
			if earlier(x, y) != earlier(y, x) {
				return earlier(x, y)
			}
			return x.ID < y.ID
		})
		qs[qi].Sources = list
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

// recoverSpeakers gives an orphan quote the speaker its source gave it: the
// earliest source of the quote whose own quote there has a speaker, else a
// quote of the first-ranked source of the quote's sentence that overlaps
// the aligned span.
func recoverSpeakers(qs []unspun.Quote, sentences []unspun.SentenceTrace, origins []*sourceDoc, docs map[string]*sourceDoc) []unspun.Quote {
	for qi := range qs {
		q := &qs[qi]
		if q.Speaker != nil {
			continue
		}
		for _, qsrc := range q.Sources {
			d := docs[qsrc.Article.ID]
			if d == nil {
				continue
			}
			if sp, cue := speakerAt(d, qsrc.Span); sp != "" {
				q.Speaker, q.Cue = &unspun.Speaker{Name: sp, RecoveredFrom: qsrc.Article.ID}, cue
				break
			}
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
				q.Speaker, q.Cue = &unspun.Speaker{Name: sp, RecoveredFrom: src.Article.ID}, cue
				break
			}
		}
	}
	return qs
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
