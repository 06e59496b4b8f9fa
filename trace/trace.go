// Package trace finds where each sentence of an article came from: it asks
// the index for candidate source sentences, verifies each with the aligner,
// names the earliest verified source as the origin, learns the copier's
// word swaps into the spin lexicon, and sums it all up.
package trace

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

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
	MaxTies      int     // candidates beyond Candidates verified when they tie with the last (copies of one sentence)

	// A sentence is linked only when its sources together cover at least
	// MinCoverage of its informative weight (align.Result.Coverage), each
	// of them at least MinPartCoverage with Evidence of at least
	// MinEvidence: a source carries the sentence, or a whole part of a
	// merged one, and shares more than its names and numbers.
	MinCoverage, MinPartCoverage, MinEvidence float64
	// AddCoverage keeps a less similar source that covers this much of the
	// sentence that better sources do not: the other half of a merge.
	AddCoverage float64
	// MaxSources is how many sources a sentence lists; the origin is
	// always among them, and Carriers counts them all.
	MaxSources int
	// MinQuoteWords is the fewest non-stopword words a quote needs to be
	// traced on its own, and MinQuoteCoverage the share of its weight a
	// source must match.
	MinQuoteWords    int
	MinQuoteCoverage float64
	// Postings, if set, keeps posting lists across traces and tracers
	// (index.Lookup.Shared): for a run that traces many pages while no
	// article is put.
	Postings *index.PostingCache
	// SourceDates, if set, are the publication times of the stored
	// articles (index.Lookup.Dates): articles published after
	// the traced one are then not looked up as its sources. Link's view.
	SourceDates *index.Dates
}

// DefaultOptions are the settings measured on the development sets (README).
var DefaultOptions = Options{Candidates: 6, MinVoteShare: 0.4, MinShare: 0.2, Window: 1, KeepWithin: 0.25,
	Learn: true, LearnMinSim: 0.6, LexiconCount: 3, CacheDocs: 4096, MaxTies: 250,
	MinCoverage: 0.8, MinPartCoverage: 0.3, MinEvidence: 0.02, AddCoverage: 0.25, MaxSources: 10,
	MinQuoteWords: 3, MinQuoteCoverage: 0.8}

// Tracer traces articles against a store. It is not safe for concurrent
// use; make one per goroutine (they may share the store and the lexicon).
type Tracer struct {
	store   store.Store
	opts    Options
	aligner *align.Aligner
	lexicon *Lexicon
	lookup  index.Lookup
	docs    map[uint32]*sourceDoc

	window []align.Unit // scratch: the source units being aligned
	bounds []int        // …and where their sentences start
	// linked holds the articles of the sources listed in the current
	// trace, by ID, to verify quotes against.
	linked map[string]*sourceDoc
	// self is the store's number of the article being traced, when it is
	// stored (link traces stored articles): its sentences are every
	// sentence's best candidates, passed over without reading it back.
	self    uint32
	hasSelf bool
}

// sourceDoc is a stored article, analysed sentence by sentence as the
// aligner needs them: most candidates need three sentences of a long article.
type sourceDoc struct {
	num       uint32 // the store's number of the article
	article   unspun.Article
	sentences []unspun.Span
	units     [][]align.Unit // nil until needed
	tokens    []text.Token   // scratch
	quotes    []unspun.Quote // nil until needed
	quoted    bool
	// quoteSpans are the spans of the quotations in the body (not nil once
	// computed), to mark which words are quoted.
	quoteSpans []unspun.Span
}

// meta is the article without its body: what a reported source carries.
func (d *sourceDoc) meta() unspun.Article {
	m := d.article
	m.Body = ""
	return m
}

func (d *sourceDoc) quoteList() []unspun.Quote {
	if !d.quoted {
		d.quotes, d.quoted = quote.Extract(d.article.Body), true
	}
	return d.quotes
}

// sentenceOf returns the index of the sentence that holds pos.
func (d *sourceDoc) sentenceOf(pos int) int {
	i := sort.Search(len(d.sentences), func(i int) bool { return d.sentences[i].End > pos })
	return min(i, len(d.sentences)-1)
}

func (d *sourceDoc) sentenceUnits(i int, aliases *align.Aliases) []align.Unit {
	if d.units[i] == nil {
		sp := d.sentences[i]
		d.tokens = text.AppendTokens(d.tokens[:0], d.article.Body[sp.Start:sp.End], sp.Start)
		d.units[i] = align.Units(make([]align.Unit, 0, len(d.tokens)), d.tokens, aliases)
	}
	return d.units[i]
}

// quotations returns the spans of the body's quotations, found once.
func (d *sourceDoc) quotations() []unspun.Span {
	if d.quoteSpans == nil {
		d.quoteSpans = quote.Spans(d.article.Body)
	}
	return d.quoteSpans
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
		lookup: index.Lookup{Store: s, Sentences: st.Sentences, PerSentence: opts.Candidates, MaxTies: opts.MaxTies, MinShare: opts.MinShare, MaxDF: opts.MaxDF, Shared: opts.Postings, Dates: opts.SourceDates},
		docs:   make(map[uint32]*sourceDoc),
	}, nil
}

// verified is one source article's best alignment to a sentence.
type verified struct {
	doc *sourceDoc
	r   align.Result
}

// Trace returns the provenance of article a. An article never counts as its
// own source: stored articles with the same ID or URL are passed over.
func (t *Tracer) Trace(ctx context.Context, a unspun.Article) (unspun.Trace, error) {
	t.linked = map[string]*sourceDoc{}
	page := PageKey(a)
	own, _, err := t.store.Lesson(ctx, page)
	if err != nil {
		return unspun.Trace{}, err
	}
	t.aligner.Lexicon = t.lexicon.Without(own)
	t.self, err = t.store.Number(ctx, a.ID)
	t.hasSelf = err == nil
	if err != nil && !errors.Is(err, unspun.ErrNotFound) {
		return unspun.Trace{}, err
	}
	an := index.Analyze(a.Body, t.aligner.Aliases)
	// A sentence repeated in the article is looked up and verified once:
	// work grows with the distinct sentences, so a page that repeats one
	// sentence thousands of times costs what one sentence costs.
	distinct, firstOf, at := collapse(a.Body, an)
	t.lookup.NotAfter = 0
	if t.opts.SourceDates != nil && !a.Published.IsZero() {
		t.lookup.NotAfter = a.Published.UnixNano()
	}
	cands, err := t.lookup.Candidates(ctx, distinct)
	if err != nil {
		return unspun.Trace{}, err
	}
	tr := unspun.Trace{Article: a, Sentences: make([]unspun.SentenceTrace, len(an.Sentences))}
	if n := len(t.lookup.Capped); n > 0 {
		tr.Limits = append(tr.Limits, fmt.Sprintf("%d sentences have more than %d copies in the index: only the first %d were verified, so carriers and the origin are among those",
			n, t.opts.Candidates+t.opts.MaxTies, t.opts.Candidates+t.opts.MaxTies))
	}
	origins := make([]*sourceDoc, len(an.Sentences)) // the first-ranked source of each sentence
	qs := quote.Extract(a.Body)
	attribution := attributionSpans(a.Body, qs)
	quoted := quote.Spans(a.Body)
	for i, sp := range an.Sentences {
		if err := ctx.Err(); err != nil {
			return unspun.Trace{}, err // the caller gave up (a server's client went away): stop between sentences
		}
		st := unspun.SentenceTrace{Index: i, Span: sp, Text: a.Body[sp.Start:sp.End], Sources: []unspun.Source{}}
		if f := firstOf[i]; f < i {
			same := tr.Sentences[f]
			st.Sources, st.Carriers, st.Furniture = same.Sources, same.Carriers, same.Furniture
			origins[i] = origins[f]
			tr.Sentences[i] = st
			continue
		}
		if text.IsFurniture(st.Text) {
			st.Furniture = true
			tr.Sentences[i] = st
			continue
		}
		align.SetInfo(an.Units[i], t.lookup.Info)
		discountAttribution(an.Units[i], attribution)
		align.MarkQuoted(an.Units[i], quoted)
		found, err := t.verify(ctx, a, an.Units[i], cands[at[i]])
		if err != nil {
			return unspun.Trace{}, err
		}
		var first *sourceDoc
		st.Sources, st.Carriers, first = t.rank(a, an.Units[i], found)
		if first != nil {
			origins[i] = first
		}
		if t.opts.Learn && first != nil && !st.Sources[0].Later && st.Sources[0].Similarity >= t.opts.LearnMinSim {
			for _, e := range st.Sources[0].Edits {
				if e.Op == unspun.Substitute && (e.Kind == "" || e.Kind == unspun.KindLearned) {
					t.lexicon.Learn(page, a.Site, e.From, e.To)
				}
			}
		}
		tr.Sentences[i] = st
	}
	if err := t.setStories(ctx, tr.Sentences); err != nil {
		return unspun.Trace{}, err
	}
	quoteDocs, err := t.traceQuotes(ctx, a, qs, tr.Sentences)
	if err != nil {
		return unspun.Trace{}, err
	}
	tr.Quotes = settleSpeakers(qs, tr.Sentences, origins, quoteDocs)
	tr.Stories = stitched(tr.Sentences)
	tr.Summary = Summarize(tr)
	if t.opts.Learn {
		t.lexicon.Seen(page)
	}
	return tr, nil
}

// setStories names the story of every source, as the index keeps them
// (each source article looked up once).
func (t *Tracer) setStories(ctx context.Context, sentences []unspun.SentenceTrace) error {
	of := map[string]string{}
	for i := range sentences {
		for k := range sentences[i].Sources {
			src := &sentences[i].Sources[k]
			n, seen := of[src.Article.ID]
			if !seen {
				num, ok, err := t.store.StoryOf(ctx, src.Article.ID)
				if err != nil {
					return err
				}
				if ok {
					n = strconv.Itoa(num)
				}
				of[src.Article.ID] = n
			}
			src.Story = n
		}
	}
	return nil
}

// maxAttribution bounds the bytes of a mention: a quote's speaker phrase is
// at most a few words.
const maxAttribution = 400

// attributionSpans returns the spans of the words that attribute the
// article's quotes: each speaker's mention and its cue word. A copy may
// change or drop who a quote is attributed to; the quote's words are the
// evidence of copying, so these words do not count in coverage.
func attributionSpans(body string, qs []unspun.Quote) []unspun.Span {
	var out []unspun.Span
	for _, q := range qs {
		if q.Speaker == nil || q.Speaker.Mention == nil || q.SpeakerFrom != unspun.FromCue {
			continue
		}
		m := *q.Speaker.Mention
		if m.End-m.Start > maxAttribution {
			continue
		}
		out = append(out, m)
		if q.Cue == "" {
			continue
		}
		// The cue stands between the quote and the mention, or next to the mention.
		lo, hi := min(q.Span.End, m.Start), max(q.Span.Start, m.End)
		if m.End <= q.Span.Start {
			lo, hi = m.End, q.Span.Start
		}
		if k := strings.Index(body[lo:hi], q.Cue); k >= 0 && lo < hi {
			out = append(out, unspun.Span{Start: lo + k, End: lo + k + len(q.Cue)})
		} else if k := strings.Index(body[m.End:min(len(body), m.End+40)], q.Cue); k >= 0 {
			out = append(out, unspun.Span{Start: m.End + k, End: m.End + k + len(q.Cue)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// discountAttribution marks the units inside spans (sorted by start; each
// a mention or a cue, shorter than maxAttribution bytes) as attribution: a
// copy that changed them still carries the sentence.
func discountAttribution(units []align.Unit, spans []unspun.Span) {
	if len(units) == 0 || len(spans) == 0 {
		return
	}
	from := units[0].Start - maxAttribution
	k := sort.Search(len(spans), func(k int) bool { return spans[k].Start >= from })
	for ; k < len(spans) && spans[k].Start < units[len(units)-1].End; k++ {
		for u := range units {
			if units[u].Start >= spans[k].Start && units[u].End <= spans[k].End {
				units[u].Attribution = true
			}
		}
	}
}

// collapse returns the analysis of the article's distinct sentences; for
// each sentence, the index of its first occurrence; and for each first
// occurrence, its index in the collapsed analysis.
func collapse(body string, an index.Analysis) (d index.Analysis, firstOf, at []int) {
	firstOf = make([]int, len(an.Sentences))
	at = make([]int, len(an.Sentences))
	seen := make(map[string]int, len(an.Sentences))
	for i, sp := range an.Sentences {
		key := body[sp.Start:sp.End]
		if f, ok := seen[key]; ok {
			firstOf[i] = f
			continue
		}
		seen[key] = i
		firstOf[i], at[i] = i, len(d.Sentences)
		d.Sentences = append(d.Sentences, sp)
		d.Units = append(d.Units, an.Units[i])
	}
	return d, firstOf, at
}

// candidate returns the stored article of a candidate sentence, or nil when
// the candidate is to be passed over: the article was replaced since it was
// indexed (it is gone, or the posting names a sentence it no longer has), or
// it is the traced article itself (same ID or URL).
func (t *Tracer) candidate(ctx context.Context, a unspun.Article, c index.Candidate) (*sourceDoc, error) {
	if t.hasSelf && c.Doc == t.self {
		return nil, nil // the article itself, by number: no need to read it
	}
	src, err := t.doc(ctx, c.Doc)
	if errors.Is(err, unspun.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if src.article.ID == a.ID || a.URL != "" && src.article.URL == a.URL || int(c.Sentence) >= len(src.sentences) {
		return nil, nil
	}
	return src, nil
}

// maxPerDoc bounds the candidate sentences of one source article that are
// verified for one sentence: two places for a merged sentence's two parts,
// and one more; a hostile article that repeats a sentence thousands of
// times does not multiply the work.
const maxPerDoc = 3

// verify aligns a sentence's units to each candidate and returns the
// accepted alignments, the best one per source span: a source article may
// carry two parts of a merged sentence in two places.
func (t *Tracer) verify(ctx context.Context, a unspun.Article, units []align.Unit, cands []index.Candidate) ([]verified, error) {
	type part struct {
		doc   uint32
		start int
	}
	at := map[part]int{}
	perDoc := map[uint32]int{}
	var found []verified
	// Candidates past the first Candidates tie with the best (see
	// index.Lookup.MaxTies). They are worth verifying only while they are
	// copies: when all of the first were accepted, and until two in a row
	// are not.
	accepted, misses := 0, 0
	quoted := anyQuoted(units)
	for n, c := range cands {
		if c.Score < t.opts.MinVoteShare*cands[0].Score {
			break // far weaker than the best candidate: not worth verifying
		}
		if n >= t.opts.Candidates && (accepted < t.opts.Candidates || misses >= 2) {
			break
		}
		if perDoc[c.Doc] >= maxPerDoc {
			continue // an article that repeats the sentence: its first places tell all
		}
		perDoc[c.Doc]++
		src, err := t.candidate(ctx, a, c)
		if err != nil {
			return nil, err
		}
		if src == nil {
			continue
		}
		t.window, t.bounds = t.sourceWindow(t.window[:0], t.bounds[:0], src, int(c.Sentence), quoted)
		r := t.aligner.Align(units, a.Body, t.window, src.article.Body, t.bounds)
		if !r.Accepted || r.Coverage < t.opts.MinPartCoverage || r.Evidence < t.opts.MinEvidence {
			misses++
			continue
		}
		accepted, misses = accepted+1, 0
		key := part{c.Doc, r.Source.Start}
		if k, ok := at[key]; ok {
			if found[k].r.Similarity < r.Similarity {
				found[k].r = r
			}
			continue
		}
		at[key] = len(found)
		found = append(found, verified{src, r})
	}
	return found, nil
}

// rank decides whether the verified sources carry the sentence and orders
// those that do. Together they must cover MinCoverage of its informative
// weight. Best first, it keeps one alignment per article within KeepWithin
// of the best similarity, and any alignment that covers AddCoverage of the
// sentence that the ones kept before do not (the other part of a merge,
// also from an article already kept); sources published after
// the traced article are marked Later. The origin (Earliest) is the
// earliest published source that is not later (unknown dates rank after
// known ones; ties go to the more similar). At most MaxSources are listed,
// the origin always among them; carriers counts them all. first is the
// article of the first listed source, for speaker recovery.
func (t *Tracer) rank(a unspun.Article, units []align.Unit, vs []verified) (out []unspun.Source, carriers int, first *sourceDoc) {
	out = []unspun.Source{}
	if len(vs) == 0 {
		return out, 0, nil
	}
	sort.Slice(vs, func(i, j int) bool {
		x, y := vs[i], vs[j]
		if x.r.Similarity != y.r.Similarity {
			return x.r.Similarity > y.r.Similarity
		}
		if earlier(x.doc.article, y.doc.article) != earlier(y.doc.article, x.doc.article) {
			return earlier(x.doc.article, y.doc.article)
		}
		return x.doc.article.ID < y.doc.article.ID
	})
	union := make([]float64, len(units))
	for _, v := range vs {
		for k, c := range v.r.Credit {
			union[k] = max(union[k], c)
		}
	}
	if cov, _ := align.Coverage(units, union); cov < t.opts.MinCoverage {
		return out, 0, nil
	}
	clear(union)
	kept := vs[:0]
	keptDoc := map[*sourceDoc]bool{}
	gain := make([]float64, len(units))
	for k, v := range vs {
		if k > 0 && (keptDoc[v.doc] || v.r.Similarity < vs[0].r.Similarity-t.opts.KeepWithin) {
			for u, c := range v.r.Credit {
				gain[u] = max(0, c-union[u])
			}
			if g, _ := align.Coverage(units, gain); g < t.opts.AddCoverage {
				continue
			}
		}
		keptDoc[v.doc] = true
		for u, c := range v.r.Credit {
			union[u] = max(union[u], c)
		}
		kept = append(kept, v)
	}
	origin := -1
	for k, v := range kept {
		if isLater(v.doc.article, a) {
			continue
		}
		if origin < 0 || earlier(v.doc.article, kept[origin].doc.article) {
			origin = k
		}
	}
	if origin >= t.opts.MaxSources && t.opts.MaxSources > 0 {
		kept[t.opts.MaxSources-1], kept[origin] = kept[origin], kept[t.opts.MaxSources-1]
		origin = t.opts.MaxSources - 1
	}
	carriers = len(kept)
	if t.opts.MaxSources > 0 && len(kept) > t.opts.MaxSources {
		kept = kept[:t.opts.MaxSources]
	}
	for k, v := range kept {
		t.linked[v.doc.article.ID] = v.doc
		out = append(out, unspun.Source{Article: v.doc.meta(), Span: v.r.Source,
			Text: v.doc.article.Body[v.r.Source.Start:v.r.Source.End], Similarity: v.r.Similarity,
			Coverage: v.r.Coverage, Earliest: k == origin, Later: isLater(v.doc.article, a), Edits: v.r.Edits})
	}
	return out, carriers, kept[0].doc
}

// isLater reports whether src was published after the traced article a:
// both dates known, src's after a's.
func isLater(src, a unspun.Article) bool {
	return !src.Published.IsZero() && !a.Published.IsZero() && src.Published.After(a.Published)
}

// sourceWindow gathers the units of the source sentences around sentence c.
// When quoted is set (the copy's sentence quotes something), the window's
// units are marked Quoted where the source quotes them; otherwise the
// marks do not matter and the source's quotations are not looked for.
func (t *Tracer) sourceWindow(units []align.Unit, bounds []int, src *sourceDoc, c int, quoted bool) ([]align.Unit, []int) {
	lo, hi := max(0, c-t.opts.Window), min(len(src.sentences)-1, c+t.opts.Window)
	start := len(units)
	for s := lo; s <= hi; s++ {
		bounds = append(bounds, len(units))
		units = append(units, src.sentenceUnits(s, t.aligner.Aliases)...)
	}
	if quoted {
		align.MarkQuoted(units[start:], src.quotations())
	}
	return units, append(bounds, len(units))
}

// anyQuoted reports whether some unit is inside quotation marks.
func anyQuoted(units []align.Unit) bool {
	for k := range units {
		if units[k].Quoted {
			return true
		}
	}
	return false
}

// earlier reports whether a was published before b (unspun.Earlier).
func earlier(a, b unspun.Article) bool { return unspun.Earlier(a.Published, b.Published) }

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
	d := &sourceDoc{num: num, article: a, sentences: spans, units: make([][]align.Unit, len(spans))}
	t.docs[num] = d
	return d, nil
}

// stitched returns the stories the copied sentences come from, by their
// first-ranked source: most sentences first, ties by first appearance.
func stitched(sentences []unspun.SentenceTrace) []unspun.StoryShare {
	var out []unspun.StoryShare
	at := map[string]int{}
	for _, st := range sentences {
		if st.Furniture || !st.Copied() || st.Sources[0].Story == "" {
			continue
		}
		s := st.Sources[0].Story
		k, ok := at[s]
		if !ok {
			k = len(out)
			at[s] = k
			out = append(out, unspun.StoryShare{Story: s})
		}
		out[k].Sentences++
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sentences > out[j].Sentences })
	return out
}

// Summarize computes the summary of a trace from its sentences, quotes and
// stories (set them first).
// Furniture is left out of the fractions, and a sentence counts as copied
// only when a source is not later than the article (a page that every
// carrier copied later is their origin, not their copy).
func Summarize(tr unspun.Trace) unspun.Summary {
	s := unspun.Summary{Sentences: len(tr.Sentences)}
	sources := map[string]bool{}
	for _, st := range tr.Sentences {
		if st.Furniture {
			s.Furniture++
			continue
		}
		if !st.Copied() {
			continue
		}
		s.CopiedSentences++
		for _, src := range st.Sources {
			if !src.Later {
				sources[src.Article.ID] = true
			}
		}
		for _, e := range st.Sources[0].Edits {
			if e.Kind == unspun.KindFact {
				s.FactEdits++
			}
			if e.Op == unspun.Substitute {
				s.SpinEdits++
			}
		}
	}
	s.Sources = len(sources)
	s.Stories = len(tr.Stories)
	if scored := s.Sentences - s.Furniture; scored > 0 {
		s.CopiedFraction = float64(s.CopiedSentences) / float64(scored)
	}
	s.Originality = 1 - s.CopiedFraction
	for _, q := range tr.Quotes {
		switch {
		case q.Speaker == nil:
			s.OrphanQuotes++
		case q.Speaker.RecoveredFrom != "" && q.Speaker.Replaced == "":
			// no speaker of its own here (an orphan, or one inherited across a stitch), found in a source
			s.OrphanQuotes++
			s.RecoveredQuotes++
		}
		if q.SourceSpeaker != nil {
			s.MisattributedQuotes++
		}
	}
	return s
}
