package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
	"github.com/unspun/unspun/synth"
	"github.com/unspun/unspun/text"
)

func anchorKeys(d store.Doc) map[uint64]bool {
	m := map[uint64]bool{}
	for _, t := range d.Terms {
		if t.Check == 0 {
			m[t.Key] = true
		}
	}
	return m
}

func TestAliasesIndexAsOneTerm(t *testing.T) {
	a := Doc(unspun.Article{ID: "a", Body: "Grain from the U.S. reached Tallinn."}, align.DefaultAliases)
	b := Doc(unspun.Article{ID: "b", Body: "Grain from the United States of America reached Tallinn."}, align.DefaultAliases)
	ka, kb := anchorKeys(a), anchorKeys(b)
	if len(ka) != len(kb) {
		t.Fatalf("anchor counts differ: %d vs %d", len(ka), len(kb))
	}
	for k := range ka {
		if !kb[k] {
			t.Fatalf("U.S. and United States of America do not index as one term")
		}
	}
	c := Doc(unspun.Article{ID: "c", Body: "Give us grain."}, align.DefaultAliases)
	if len(anchorKeys(c)) != 2 { // "give", "grain": the pronoun "us" is a stopword, not the U.S.
		t.Errorf("pronoun us indexed as an anchor: %d anchors", len(anchorKeys(c)))
	}
}

// synthStore indexes n synthetic articles in memory and returns the store,
// the generator (for pages copied from them) and the articles.
func synthStore(t *testing.T, opts synth.Options, n int) (*storetest.Memory, *synth.Generator, []unspun.Article) {
	t.Helper()
	s := storetest.NewMemory()
	g := synth.New(opts)
	var arts []unspun.Article
	var docs []store.Doc
	for range n {
		a := g.Article()
		arts = append(arts, a)
		docs = append(docs, Doc(a, align.DefaultAliases))
	}
	if err := s.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return s, g, arts
}

func TestCandidatesFindSpunSource(t *testing.T) {
	ctx := context.Background()
	s, g, arts := synthStore(t, synth.Options{Seed: 3, Vocabulary: 3000, Names: 500}, 300)
	st, _ := s.Stats(ctx)
	l := Lookup{Store: s, Sentences: st.Sentences, PerSentence: 5, MinShare: 0.2}
	for _, spin := range []float64{0, 0.3, 0.6} {
		page, gold := g.Page("p", arts[10:13], 2, spin, 1)
		cands, err := l.Candidates(ctx, Analyze(page.Body, align.DefaultAliases))
		if err != nil {
			t.Fatal(err)
		}
		found, want := 0, 0
		for i, gs := range gold.Sentences {
			if len(gs.Sources) == 0 {
				continue
			}
			want++
			for _, c := range cands[i] {
				a, _ := s.Doc(ctx, c.Doc)
				if a.ID == gs.Sources[0] {
					found++
					break
				}
			}
		}
		if found < want {
			t.Errorf("spin %.1f: the source is among the candidates of %d of %d copied sentences", spin, found, want)
		}
	}
}

// BenchmarkCandidateLookup measures finding candidates for a 10-sentence
// farm page against an in-memory index of N synthetic articles.
func BenchmarkCandidateLookup(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			s := storetest.NewMemory()
			g := synth.New(synth.Options{Seed: 4})
			var arts []unspun.Article
			for i := 0; i < n; i += 500 {
				var docs []store.Doc
				for range min(500, n-i) {
					a := g.Article()
					arts = append(arts, a)
					docs = append(docs, Doc(a, align.DefaultAliases))
				}
				s.Put(ctx, docs)
			}
			st, _ := s.Stats(ctx)
			page, _ := g.Page("p", arts[:5], 2, 0.3, 0)
			an := Analyze(page.Body, align.DefaultAliases)
			l := Lookup{Store: s, Sentences: st.Sentences, PerSentence: 6, MinShare: 0.2}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Candidates(ctx, an); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDoc measures analysing a 600-word article into index terms,
// going through 2,000 different articles as add does. On one article
// analysed again and again the branch predictor learnt its text, and the
// benchmark ran 34 µs an article where add's profile showed 60: most of
// the difference was branches guessed wrong on text not seen before.
func BenchmarkDoc(b *testing.B) {
	g := synth.New(synth.Options{Seed: 5, Vocabulary: 5000, Names: 800})
	articles := make([]unspun.Article, 2000)
	bytes := 0
	for i := range articles {
		articles[i] = g.Article()
		bytes += len(articles[i].Body)
	}
	b.ReportAllocs()
	b.ReportMetric(float64(bytes)/float64(len(articles)), "input-bytes/op")
	i := 0
	for b.Loop() {
		Doc(articles[i%len(articles)], align.DefaultAliases)
		i++
	}
}

// countingStore counts the posting lists read from it.
type countingStore struct {
	inner Postings
	reads int
}

func (c *countingStore) Postings(ctx context.Context, key uint64, max int, dst []store.Hit) ([]store.Hit, int, error) {
	c.reads++
	return c.inner.Postings(ctx, key, max, dst)
}

// TestSharedPostingCache checks that Lookups sharing a cache give the
// candidates an unshared Lookup gives, read each list once, and keep no
// more hits than the cache's bound.
func TestSharedPostingCache(t *testing.T) {
	ctx := context.Background()
	s, g, arts := synthStore(t, synth.Options{Seed: 5, Vocabulary: 2000, Names: 300}, 200)
	st, _ := s.Stats(ctx)
	page, _ := g.Page("p", arts[20:23], 2, 0.3, 1)
	an := Analyze(page.Body, align.DefaultAliases)
	plain := Lookup{Store: s, Sentences: st.Sentences, PerSentence: 5, MinShare: 0.2}
	want, err := plain.Candidates(ctx, an)
	if err != nil {
		t.Fatal(err)
	}
	for _, maxHits := range []int{1 << 20, 50} {
		cache := NewPostingCache(maxHits)
		counted := &countingStore{inner: s}
		for round := range 3 {
			l := Lookup{Store: counted, Sentences: st.Sentences, PerSentence: 5, MinShare: 0.2, Shared: cache}
			before := counted.reads
			got, err := l.Candidates(ctx, an)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("cache of %d hits, round %d: candidates differ from an unshared lookup's", maxHits, round)
			}
			if round > 0 && maxHits > 1000 && counted.reads != before {
				t.Errorf("round %d read %d lists again; all were cached", round, counted.reads-before)
			}
		}
		if n := cache.hits(); n > maxHits {
			t.Errorf("cache holds %d hits, bound %d", n, maxHits)
		}
	}
}

// TestVotesTable checks the open-addressing vote table against a map, over
// resets and growth, with refs that collide in their low bits.
func TestVotesTable(t *testing.T) {
	var v votes
	rng := uint64(1)
	next := func() uint64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
	for round := range 6 {
		v.reset()
		model := map[sentenceRef]float64{}
		n := 10 << (2 * round) // up to 10k votes: several growths
		for range 3 * n {
			ref := sentenceRef(next()%uint64(n)) << 16 // same low bits: a hard case for the hash
			admit := next()%2 == 0
			got := v.at(ref, admit)
			_, had := model[ref]
			switch {
			case got == nil && (had || admit):
				t.Fatalf("round %d: ref %x lost (had %v, admit %v)", round, ref, had, admit)
			case got != nil && !had && !admit:
				t.Fatalf("round %d: ref %x found without a vote", round, ref)
			case got != nil:
				if got.ref != ref {
					t.Fatalf("round %d: ref %x gave the vote of %x", round, ref, got.ref)
				}
				got.score++
				model[ref]++
			}
		}
		if len(v.list) != len(model) {
			t.Fatalf("round %d: %d votes, want %d", round, len(v.list), len(model))
		}
		for _, vt := range v.list {
			if float64(vt.score) != model[vt.ref] {
				t.Fatalf("round %d: ref %x scored %v, want %v", round, vt.ref, vt.score, model[vt.ref])
			}
		}
	}
}

// TestLaterDates checks the later-article test against the dates
// themselves, page after page, in any order of hits, across a wrap of the
// generation counter.
func TestLaterDates(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dates := make([]int64, 1000)
	for i := range dates {
		if rng.IntN(5) > 0 {
			dates[i] = rng.Int64N(300) + 1 // 0: unknown, never later; many ties
		}
	}
	dates[7] = math.MaxInt64
	l := Lookup{Dates: NewDates(dates)}
	for page := range 40 {
		l.NotAfter = rng.Int64N(330)
		switch page {
		case 0, 7, 14:
			l.NotAfter = 0 // a page without a date: nothing is later
		case 1:
			l.NotAfter = math.MaxInt64
		case 2:
			l.NotAfter = math.MinInt64 + 1
		}
		l.markLater()
		for doc := range uint32(len(dates) + 50) { // some past the end: articles added since
			want := l.NotAfter != 0 && int(doc) < len(dates) && dates[doc] > l.NotAfter
			if got := l.isLater(doc); got != want {
				t.Fatalf("page %d (not after %d): doc %d (date %v) later = %v, want %v", page, l.NotAfter, doc, dates[min(int(doc), len(dates)-1)], got, want)
			}
		}
	}
	var none Lookup // no dates: nothing is later
	none.NotAfter = 5
	none.markLater()
	if none.isLater(0) {
		t.Error("a lookup without dates finds an article later")
	}
}

// TestEarlierHits checks that skipping the block of later articles keeps
// every hit of an article not later than the page, when articles were
// numbered in time order (the block is skipped), nearly so, and at random.
func TestEarlierHits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, order := range []string{"in time order", "nearly", "at random"} {
		dates := make([]int64, 500)
		for i := range dates {
			switch order {
			case "in time order":
				dates[i] = int64(i/3) + 1 // ties too
			case "nearly":
				dates[i] = int64(i) + rng.Int64N(20) + 1
			default:
				dates[i] = rng.Int64N(600) + 1
			}
			if rng.IntN(20) == 0 {
				dates[i] = 0 // unknown: never later
			}
		}
		l := Lookup{Dates: NewDates(dates)}
		skipped := 0
		for page := range 200 {
			l.NotAfter = rng.Int64N(700) - 50
			if page == 0 {
				l.NotAfter = 0
			}
			l.markLater()
			var hits []store.Hit
			for doc := range uint32(len(dates) + 20) { // some added since Dates
				if rng.IntN(3) == 0 {
					hits = append(hits, store.Hit{Doc: doc, Sentence: uint16(rng.IntN(4))})
				}
			}
			var want, got []store.Hit
			for _, h := range hits {
				if l.NotAfter == 0 || int(h.Doc) >= len(dates) || dates[h.Doc] <= l.NotAfter {
					want = append(want, h)
				}
			}
			parts := l.earlier(hits)
			skipped += len(hits) - len(parts[0]) - len(parts[1])
			for _, part := range parts {
				for _, h := range part {
					if !l.isLater(h.Doc) {
						got = append(got, h)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s, page %d (not after %d): kept %v, want %v", order, page, l.NotAfter, got, want)
			}
		}
		if order == "in time order" && skipped == 0 {
			t.Errorf("%s: no hit skipped", order)
		}
	}
}

// TestBestMatchesSort checks the candidates kept of a sentence against the
// rule written as a full sort and a cut: random scores from a few values
// (many ties), strong and weak bests, PerSentence 0 to 7, few and many ties
// allowed.
func TestBestMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 3000 {
		l := &Lookup{PerSentence: rng.IntN(8), MaxTies: rng.IntN(6) * rng.IntN(6)}
		cands := make([]Candidate, rng.IntN(60))
		levels := 1 + rng.IntN(5)
		for k := range cands {
			cands[k] = Candidate{store.Hit{Doc: uint32(rng.IntN(20)), Sentence: uint16(k)}, float64(rng.IntN(levels))}
		}
		total := float64(rng.IntN(2*levels + 1))
		want, wantCapped := sortAndCut(slices.Clone(cands), l.PerSentence, l.MaxTies, total)
		got, capped := l.best(slices.Clone(cands), total)
		if !slices.Equal(got, want) || capped != wantCapped {
			t.Fatalf("round %d (PerSentence %d, MaxTies %d, total %v): kept %v capped %v, want %v capped %v",
				round, l.PerSentence, l.MaxTies, total, got, capped, want, wantCapped)
		}
	}
}

// sortAndCut is the rule of Lookup.best as a full sort and a cut.
func sortAndCut(cands []Candidate, perSentence, maxTies int, total float64) ([]Candidate, bool) {
	slices.SortFunc(cands, better)
	if len(cands) <= perSentence {
		return cands, false
	}
	keep := perSentence
	strong := cands[0].Score >= tieMinShare*total
	for strong && keep < len(cands) && keep < perSentence+maxTies && cands[keep].Score >= cands[0].Score {
		keep++
	}
	capped := strong && keep == perSentence+maxTies && keep < len(cands) && cands[keep].Score >= cands[0].Score
	return cands[:keep], capped
}

// TestIndexChecks checks that a band bucket indexed by check gives, for
// every check, a part of the hits holding all of its hits, in order of
// number.
func TestIndexChecks(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for round := range 50 {
		hits := make([]store.Hit, rng.IntN(400))
		for k := range hits {
			hits[k] = store.Hit{Doc: uint32(k / 3), Sentence: uint16(k % 3), Check: uint16(rng.IntN(1<<16)) | 1}
			if k > 0 && rng.IntN(4) == 0 {
				hits[k].Check = hits[rng.IntN(k)].Check // checks that repeat
			}
		}
		want := map[uint16][]store.Hit{}
		for _, h := range hits {
			want[h.Check] = append(want[h.Check], h)
		}
		pl := postingList{hits: slices.Clone(hits)}
		pl.groups = indexChecks(pl.hits)
		for check, w := range want {
			var got []store.Hit
			for _, h := range pl.withCheck(check) {
				if h.Check == check {
					got = append(got, h)
				}
			}
			if !slices.Equal(got, w) {
				t.Fatalf("round %d, check %04x: %v, want %v", round, check, got, w)
			}
		}
	}
}

// TestSortTerms checks the insertion sort of a sentence's terms against the
// library sort, on both sides of the size where it hands over, with
// repeated keys and repeated checks of one key.
func TestSortTerms(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 100 {
		for range 20 {
			terms := make([]term, n)
			for i := range terms {
				terms[i] = term{key: r.Uint64N(8) << 60, check: uint16(r.UintN(3))}
			}
			want := slices.Clone(terms)
			slices.SortFunc(want, func(a, b term) int {
				if a.key != b.key {
					return cmp.Compare(a.key, b.key)
				}
				return cmp.Compare(a.check, b.check)
			})
			sortTerms(terms)
			if !slices.Equal(terms, want) {
				t.Fatalf("%d terms sorted to %v, want %v", n, terms, want)
			}
		}
	}
}

// TestDocTermsMatchAnalysis checks that Doc, which reuses one buffer of
// units, stores the terms that the units of Analyze give: a page is looked
// up by the latter, so any difference would lose sources.
func TestDocTermsMatchAnalysis(t *testing.T) {
	g := synth.New(synth.Options{Seed: 11})
	articles := []unspun.Article{{ID: "u", Body: "The U.S. envoy met Russia’s minister in Zürich. “We agreed,” she said. " +
		"The United States and the Russian Federation signed 1,200.5 pages, said the U.N. Secretary-General."}}
	for range 50 {
		articles = append(articles, g.Article())
	}
	for _, a := range articles {
		an := Analyze(a.Body, align.DefaultAliases)
		var want []store.Term
		var sc scratch
		for i, units := range an.Units {
			for _, tm := range sentenceTerms(nil, sc.unitKeys(units), &sc) {
				want = append(want, store.Term{Key: tm.key, Sentence: uint16(i), Check: tm.check})
			}
		}
		calls := 0
		d := DocEach(a, align.DefaultAliases, func(words []text.WordKey) {
			// Each sentence's words' keys are those of its tokens.
			var want []text.WordKey
			if calls < len(an.Sentences) {
				sp := an.Sentences[calls]
				for _, tok := range text.Tokens(a.Body[sp.Start:sp.End]) {
					want = append(want, text.KeyOf(tok))
				}
			}
			if !slices.Equal(words, want) {
				t.Errorf("article %s, sentence %d: words' keys %v, its tokens' %v", a.ID, calls, words, want)
			}
			calls++
		})
		// Doc leaves a sentence's terms in no set order: compare them
		// sorted, as sentenceTerms gives them.
		got := slices.Clone(d.Terms)
		slices.SortStableFunc(got, func(x, y store.Term) int {
			if x.Sentence != y.Sentence {
				return int(x.Sentence) - int(y.Sentence)
			}
			return compareTerms(term{x.Key, x.Check}, term{y.Key, y.Check})
		})
		if !slices.Equal(got, want) || d.Sentences != len(an.Sentences) || calls != len(an.Sentences) {
			t.Fatalf("article %s: Doc gave %d terms of %d sentences (%d calls), Analyze %d of %d", a.ID, len(d.Terms), d.Sentences, calls, len(want), len(an.Sentences))
		}
	}
}

// TestCandidatesMatchCount checks Candidates, which counts a stored
// sentence's first hit apart from the others and passes over hits it can
// prove useless, against the rule counted in full: every stored sentence
// scored with every term it shares with the sentence looked up. Pages
// copy, spin and stitch stored articles; dates make some articles later
// than the page; a low MaxDF leaves common words unread; a stored
// sentence of a small index is hit by many words, which fills the bitmaps
// of first hits with collisions.
func TestCandidatesMatchCount(t *testing.T) {
	ctx := context.Background()
	g := synth.New(synth.Options{Seed: 11, Vocabulary: 800, Names: 120})
	s := storetest.NewMemory()
	var arts []unspun.Article
	var docs []store.Doc
	for range 400 {
		a := g.Article()
		arts = append(arts, a)
		docs = append(docs, Doc(a, align.DefaultAliases))
	}
	if err := s.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	nums := make([]int, len(docs))
	dates := make([]int64, len(docs)+1)
	for i := range docs {
		n, err := s.Number(ctx, docs[i].Article.ID)
		if err != nil || int(n) >= len(dates) {
			t.Fatalf("article %d numbered %d (%v)", i, n, err)
		}
		nums[i] = int(n)
		if rng.IntN(10) > 0 {
			dates[n] = int64(i) + rng.Int64N(40) + 1 // nearly in number order; 0: unknown
		}
	}
	// The terms of every stored sentence, and each anchor's count.
	type stored struct {
		doc   int
		terms map[term]bool
	}
	var sentences []stored
	df := map[uint64]int{}
	for i, d := range docs {
		bySentence := map[uint16]map[term]bool{}
		for _, tm := range d.Terms {
			if bySentence[tm.Sentence] == nil {
				bySentence[tm.Sentence] = map[term]bool{}
			}
			bySentence[tm.Sentence][term{tm.Key, tm.Check}] = true
			if tm.Check == 0 {
				df[tm.Key]++
			}
		}
		for j := range uint16(d.Sentences) {
			sentences = append(sentences, stored{nums[i]<<16 | int(j), bySentence[j]})
		}
	}
	st, _ := s.Stats(ctx)
	for _, maxDF := range []int{0, 40} {
		for _, shared := range []bool{false, true} {
			l := Lookup{Store: s, Sentences: st.Sentences, PerSentence: 4, MaxTies: 3, MinShare: 0.2, MaxDF: maxDF, Dates: NewDates(dates)}
			if shared {
				l.Shared = NewPostingCache(1 << 20)
			}
			limit := maxDF
			if limit == 0 {
				limit = 2000
			}
			for p := range 12 {
				from := rng.IntN(len(arts) - 4)
				page, _ := g.Page("p", arts[from:from+1+rng.IntN(3)], 2, float64(p%4)*0.2, 1)
				l.NotAfter = 0
				if p%3 > 0 {
					l.NotAfter = int64(from) + rng.Int64N(60)
				}
				an := Analyze(page.Body, align.DefaultAliases)
				got, err := l.Candidates(ctx, an)
				if err != nil {
					t.Fatal(err)
				}
				n := float64(st.Sentences)
				var sc scratch
				for i, units := range an.Units {
					var total float64
					weights := map[term]score{}
					for _, tm := range sentenceTerms(nil, sc.unitKeys(units), &sc) {
						switch {
						case tm.check != 0:
							weights[tm] = scoreOf(bandVote)
						case df[tm.key] == 0:
							total += math.Log(1 + n)
						default:
							w := math.Log(1 + n/float64(df[tm.key]))
							total += w
							if df[tm.key] <= limit {
								weights[tm] = scoreOf(w)
							}
						}
					}
					need := scoreOf(0.2 * total)
					var cands []Candidate
					for _, ss := range sentences {
						doc := ss.doc >> 16
						if l.NotAfter != 0 && dates[doc] > l.NotAfter {
							continue
						}
						var sum score
						band := false
						for tm, w := range weights {
							if ss.terms[tm] {
								sum += w
								band = band || tm.check != 0
							}
						}
						if band || (sum > 0 && sum >= need) {
							cands = append(cands, Candidate{store.Hit{Doc: uint32(doc), Sentence: uint16(ss.doc)}, sum.float()})
						}
					}
					want, _ := l.best(cands, total)
					if !slices.Equal(got[i], want) {
						t.Fatalf("max df %d, shared %v, page %d, sentence %d: got %v, want %v", maxDF, shared, p, i, got[i], want)
					}
				}
			}
		}
	}
}

// TestPostingCacheTable checks a cache part's table against a map: keys
// that share their low bits (long probe runs), key 0, growth, a list put
// twice (two workers reading it at once), and forgetting everything when
// the hits would pass the bound.
func TestPostingCacheTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const maxHits = 5000
	c := NewPostingCache(maxHits * cacheParts)
	model := map[uint64]int{} // key: number of hits of its list
	held := 0
	for op := range 40000 {
		key := uint64(rng.IntN(3000)) << 20 // the same low bits: one probe run
		if op%7 == 0 {
			key = 0
		}
		if pl, ok := c.get(key); ok != (model[key] > 0) || ok && len(pl.hits) != model[key] {
			t.Fatalf("op %d: key %x gave %d hits (%v), want %d", op, key, len(pl.hits), ok, model[key])
		}
		if rng.IntN(2) == 0 {
			continue
		}
		n := 1 + rng.IntN(4)             // short lists: thousands fit, so the table grows
		if held-model[key]+n > maxHits { // part 0 holds every key here
			clear(model)
			held = 0
		}
		held += n - model[key]
		model[key] = n
		c.put(key, postingList{hits: make([]store.Hit, n), df: n})
		if got := c.hits(); got != held {
			t.Fatalf("op %d: cache holds %d hits, want %d", op, got, held)
		}
	}
}

// TestDistinctSentenceTerms checks the terms Doc indexes a sentence by
// against sentenceTerms, as sets: random units with repeats, stopwords, and
// twice the unit whose anchor term is zero, the table's empty slot.
func TestDistinctSentenceTerms(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var sc scratch
	for round := range 2000 {
		var units []align.UnitKey
		for range r.IntN(70) {
			u := align.UnitKey{Hash: uint64(r.IntN(40)) * 0x9e3779b97f4a7c15, Stopword: r.IntN(4) == 0}
			if r.IntN(30) == 0 {
				u = align.UnitKey{Hash: 0x77a1c0d3e5f70913} // anchorTerm of it is 0
			}
			units = append(units, u)
		}
		want := sentenceTerms(nil, units, &sc)
		got := distinctSentenceTerms(nil, units, &sc)
		sortTerms(got)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d distinct terms, sentenceTerms gives %d:\n%v\n%v", round, len(got), len(want), got, want)
		}
	}
}
