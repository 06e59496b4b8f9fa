// Package trace finds where each sentence of an article came from: it asks
// the index for candidate source sentences, verifies each with the aligner,
// names the earliest verified source as the origin, learns the copier's
// word swaps into the spin lexicon, and sums it all up.
package trace

import (
	"context"
	"errors"
	"sort"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/quote"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/text"
)

// Options tune tracing. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	Candidates   int     // candidate sentences verified per sentence
	MinVoteShare float64 // …whose index vote is at least this share of the best's
	MinShare     float64 // see index.Lookup.MinShare
	MaxDF        int     // see index.Lookup.MaxDF
	Window       int     // source sentences on each side of a candidate the aligner may use
	KeepWithin   float64 // keep sources whose similarity is within this of the best
	Learn        bool    // learn substitutions of verified copies into the lexicon
	LearnMinSim  float64 // …from pairs at least this similar
	LexiconCount int64   // a learned swap counts as equal after this many sightings
	CacheDocs    int     // analysed source articles kept in memory
}

// DefaultOptions are the settings measured on the development set (README).
var DefaultOptions = Options{Candidates: 6, MinVoteShare: 0.4, MinShare: 0.2, Window: 1, KeepWithin: 0.25,
	Learn: true, LearnMinSim: 0.6, LexiconCount: 3, CacheDocs: 4096}

// Tracer traces articles against a store. It is not safe for concurrent
// use; make one per goroutine (they may share the store and the lexicon).
type Tracer struct {
	store   store.Store
	opts    Options
	aligner *align.Aligner
	lexicon *Lexicon
	lookup  index.Lookup
	docs    map[uint32]*sourceDoc
}

// sourceDoc is a stored article, analysed sentence by sentence as the
// aligner needs them: most candidates need three sentences of a long article.
type sourceDoc struct {
	article   unspun.Article
	sentences []unspun.Span
	units     [][]align.Unit // nil until needed
	tokens    []text.Token   // scratch
	quotes    []unspun.Quote // nil until needed
	quoted    bool
}

func (d *sourceDoc) quoteList() []unspun.Quote {
	if !d.quoted {
		d.quotes, d.quoted = quote.Extract(d.article.Body), true
	}
	return d.quotes
}

func (d *sourceDoc) sentenceUnits(i int, aliases *align.Aliases) []align.Unit {
	if d.units[i] == nil {
		sp := d.sentences[i]
		d.tokens = text.AppendTokens(d.tokens[:0], d.article.Body[sp.Start:sp.End], sp.Start)
		d.units[i] = align.Units(make([]align.Unit, 0, len(d.tokens)), d.tokens, aliases)
	}
	return d.units[i]
}

// New returns a Tracer over s that shares lex (which may be loaded with
// LoadLexicon) with other tracers.
func New(ctx context.Context, s store.Store, lex *Lexicon, opts Options) (*Tracer, error) {
	st, err := s.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if lex == nil {
		lex = NewLexicon(opts.LexiconCount)
	}
	a := align.New(lex)
	return &Tracer{
		store: s, opts: opts, aligner: a, lexicon: lex,
		lookup: index.Lookup{Store: s, Sentences: st.Sentences, PerSentence: opts.Candidates, MinShare: opts.MinShare, MaxDF: opts.MaxDF},
		docs:   make(map[uint32]*sourceDoc),
	}, nil
}

// Trace returns the provenance of article a. An article never counts as its
// own source: stored articles with the same ID or URL are passed over.
func (t *Tracer) Trace(ctx context.Context, a unspun.Article) (unspun.Trace, error) {
	an := index.Analyze(a.Body, t.aligner.Aliases)
	cands, err := t.lookup.Candidates(ctx, an)
	if err != nil {
		return unspun.Trace{}, err
	}
	tr := unspun.Trace{Article: a, Sentences: make([]unspun.SentenceTrace, len(an.Sentences))}
	origins := make([]*sourceDoc, len(an.Sentences)) // the first-ranked source of each sentence
	var window []align.Unit
	var bounds []int
	for i, sp := range an.Sentences {
		st := unspun.SentenceTrace{Index: i, Span: sp, Text: a.Body[sp.Start:sp.End], Sources: []unspun.Source{}}
		best := map[uint32]unspun.Source{} // best verified alignment per source article
		docs := map[string]*sourceDoc{}    // the verified source articles, by ID
		for _, c := range cands[i] {
			if c.Score < t.opts.MinVoteShare*cands[i][0].Score {
				break // far weaker than the best candidate: not worth verifying
			}
			src, err := t.doc(ctx, c.Doc)
			if errors.Is(err, unspun.ErrNotFound) {
				continue // replaced since it was indexed
			}
			if err != nil {
				return unspun.Trace{}, err
			}
			if src.article.ID == a.ID || a.URL != "" && src.article.URL == a.URL {
				continue
			}
			if int(c.Sentence) >= len(src.sentences) {
				continue // a posting of a replaced article's sentence
			}
			window, bounds = t.window(window[:0], bounds[:0], src, int(c.Sentence))
			r := t.aligner.Align(an.Units[i], a.Body, window, src.article.Body, bounds)
			if !r.Accepted {
				continue
			}
			if prev, ok := best[c.Doc]; ok && prev.Similarity >= r.Similarity {
				continue
			}
			meta := src.article
			meta.Body = ""
			docs[src.article.ID] = src
			best[c.Doc] = unspun.Source{Article: meta, Span: r.Source,
				Text: src.article.Body[r.Source.Start:r.Source.End], Similarity: r.Similarity, Edits: r.Edits}
		}
		st.Sources = t.rank(best)
		if len(st.Sources) > 0 {
			origins[i] = docs[st.Sources[0].Article.ID]
		}
		if t.opts.Learn && len(st.Sources) > 0 && st.Sources[0].Similarity >= t.opts.LearnMinSim {
			for _, e := range st.Sources[0].Edits {
				if e.Op == unspun.Substitute && (e.Kind == "" || e.Kind == unspun.KindLearned) {
					t.lexicon.Learn(a.Site, e.From, e.To)
				}
			}
		}
		tr.Sentences[i] = st
	}
	tr.Quotes = recoverSpeakers(quote.Extract(a.Body), tr.Sentences, origins)
	tr.Summary = Summarize(tr)
	return tr, nil
}

// recoverSpeakers gives an orphan quote the speaker its source gave it: the
// quote's sentence was traced to a source, and a quote of that source
// overlapping the aligned span has a speaker.
func recoverSpeakers(qs []unspun.Quote, sentences []unspun.SentenceTrace, origins []*sourceDoc) []unspun.Quote {
	for qi := range qs {
		q := &qs[qi]
		if q.Speaker != nil {
			continue
		}
		for si, st := range sentences {
			if st.Span.End <= q.Span.Start || st.Span.Start >= q.Span.End || origins[si] == nil {
				continue
			}
			src := st.Sources[0]
			for _, sq := range origins[si].quoteList() {
				if sq.Speaker == nil || sq.Span.End <= src.Span.Start || sq.Span.Start >= src.Span.End {
					continue
				}
				q.Speaker = &unspun.Speaker{Name: sq.Speaker.Name, RecoveredFrom: src.Article.ID}
				q.Cue = sq.Cue
				break
			}
			if q.Speaker != nil {
				break
			}
		}
	}
	return qs
}

// window gathers the units of the source sentences around sentence c.
func (t *Tracer) window(units []align.Unit, bounds []int, src *sourceDoc, c int) ([]align.Unit, []int) {
	lo, hi := max(0, c-t.opts.Window), min(len(src.sentences)-1, c+t.opts.Window)
	for s := lo; s <= hi; s++ {
		bounds = append(bounds, len(units))
		units = append(units, src.sentenceUnits(s, t.aligner.Aliases)...)
	}
	return units, append(bounds, len(units))
}

// rank orders verified sources best first, keeps those close to the best,
// and marks the earliest published as the origin (unknown dates rank after
// known ones; ties go to the more similar).
func (t *Tracer) rank(best map[uint32]unspun.Source) []unspun.Source {
	out := make([]unspun.Source, 0, len(best))
	for _, s := range best {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Similarity != out[j].Similarity {
			return out[i].Similarity > out[j].Similarity
		}
		if earlier(out[i].Article, out[j].Article) != earlier(out[j].Article, out[i].Article) {
			return earlier(out[i].Article, out[j].Article)
		}
		return out[i].Article.ID < out[j].Article.ID
	})
	if len(out) == 0 {
		return out
	}
	keep := 1
	for keep < len(out) && out[keep].Similarity >= out[0].Similarity-t.opts.KeepWithin {
		keep++
	}
	out = out[:keep]
	origin := 0
	for i := 1; i < len(out); i++ {
		if earlier(out[i].Article, out[origin].Article) {
			origin = i
		}
	}
	out[origin].Earliest = true
	return out
}

// earlier reports whether a was published before b; an unknown date is
// later than any known one.
func earlier(a, b unspun.Article) bool {
	switch {
	case a.Published.IsZero():
		return false
	case b.Published.IsZero():
		return true
	}
	return a.Published.Before(b.Published)
}

func (t *Tracer) doc(ctx context.Context, num uint32) (*sourceDoc, error) {
	if d, ok := t.docs[num]; ok {
		return d, nil
	}
	a, err := t.store.Doc(ctx, num)
	if err != nil {
		return nil, err
	}
	if len(t.docs) >= t.opts.CacheDocs {
		clear(t.docs) // simple and bounded; sources of one farm cluster together in time
	}
	spans := text.Sentences(a.Body)
	d := &sourceDoc{article: a, sentences: spans, units: make([][]align.Unit, len(spans))}
	t.docs[num] = d
	return d, nil
}

// Summarize computes the summary of a trace from its sentences and quotes.
func Summarize(tr unspun.Trace) unspun.Summary {
	s := unspun.Summary{Sentences: len(tr.Sentences)}
	sources := map[string]bool{}
	for _, st := range tr.Sentences {
		if len(st.Sources) == 0 {
			continue
		}
		s.CopiedSentences++
		for _, src := range st.Sources {
			sources[src.Article.ID] = true
		}
		for _, e := range st.Sources[0].Edits {
			if e.Op == unspun.Substitute {
				s.SpinEdits++
			}
		}
	}
	s.Sources = len(sources)
	if s.Sentences > 0 {
		s.CopiedFraction = float64(s.CopiedSentences) / float64(s.Sentences)
	}
	s.Originality = 1 - s.CopiedFraction
	for _, q := range tr.Quotes {
		switch {
		case q.Speaker == nil:
			s.OrphanQuotes++
		case q.Speaker.RecoveredFrom != "": // an orphan in its own article, its speaker found in a source
			s.OrphanQuotes++
			s.RecoveredQuotes++
		}
	}
	return s
}
