// Package story groups articles into stories: the articles that report one
// event. It clusters online, in publication order: each article joins the
// story most similar to it (the mean of its cosines with the story's
// articles, all vectors less the mean of all articles: see centering),
// among the stories with a member published within Window of it, when that
// similarity reaches Threshold; otherwise it starts a story. A second pass
// joins stories as similar as MergeThreshold, or, when no dates of the two
// meet within Window, as ResurfaceThreshold (a story back after months).
// An article is a TF-IDF vector of its words, the headline and lead
// weighted up (they name the event) and capitalised words weighted up
// (names of people, places and organisations tell events apart better than
// the words every story uses).
package story

import (
	"cmp"
	"container/heap"
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/text"
)

// Options tune the clustering. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	Threshold                           float64       // least similarity to join a story (see centering)
	Window                              time.Duration // a story takes articles published this close to one of its members
	TitleWeight, LeadWeight, NameWeight float64
	LeadSentences                       int // sentences of the body that are its lead
	// MergeThreshold is the least similarity of two stories (the mean over
	// their pairs of articles) at which the second pass joins them; 0 turns
	// the pass off.
	MergeThreshold float64
	// ResurfaceThreshold is the least similarity at which the second pass
	// joins two stories whose dates do not meet within Window: a story that
	// comes back after months (the verdict a year after the crash, a reprint,
	// the next round of the same dispute) is one story, but after a long gap
	// a shared place or topic is no longer evidence enough, so it needs more
	// than MergeThreshold. 0 never joins them.
	ResurfaceThreshold float64
}

// DefaultOptions are the settings measured on the development set and on
// synthetic event streams of 10,000 and 100,000 articles (README).
var DefaultOptions = Options{Threshold: 0.08, Window: 180 * 24 * time.Hour,
	TitleWeight: 3, LeadWeight: 2, NameWeight: 2, LeadSentences: 3, MergeThreshold: 0.08, ResurfaceThreshold: 0.16}

// Story is a group of articles about one event, in the order they joined.
type Story struct {
	Members []unspun.Article
	// Title is the headline of the member closest to the story's centroid.
	Title       string
	First, Last time.Time // earliest and latest known publication dates (zero when none is known)
}

// Doc is an article as clustering sees it: its metadata (the body is not
// kept) and its weighted word counts. Building it is the costly part of
// clustering (the words of the whole text); buildDocs and batch build them on
// every core, a Builder builds them from the words' keys another pass made (add's
// analysis), and callers keep only them.
type Doc struct {
	Article unspun.Article // without its Body
	terms   []uint64       // word hashes, ascending
	counts  []float32      // weighted count of each term
}

// Builder builds Docs, an article at a time: Begin, then Sentence for
// each sentence of the body in order, then End. It reuses its scratch space
// from one article to the next; one goroutine uses it at a time. Built
// from text.Sentences of the body and text.AppendWordKeys of each
// sentence, a Doc is the same as clustering builds from the article itself.
type Builder struct {
	opts        Options
	a           unspun.Article
	sentences   int
	words, tmp  []weightedTerm
	title, body []text.WordKey // the title's words' keys; a sentence's, in doc
}

// NewBuilder returns a Builder of Docs for clustering with opts.
func NewBuilder(opts Options) *Builder { return &Builder{opts: opts} }

// weightedTerm is one occurrence of a word, with its weight.
type weightedTerm struct {
	term   uint64
	weight float32
}

// Begin starts the Doc of a: its title's words.
func (b *Builder) Begin(a unspun.Article) {
	b.a, b.sentences, b.words = a, 0, b.words[:0]
	b.title = text.AppendWordKeys(b.title[:0], a.Title)
	b.add(b.title, float32(b.opts.TitleWeight))
}

// Sentence adds the body's next sentence, by its words' keys
// (text.AppendWordKeys).
func (b *Builder) Sentence(words []text.WordKey) {
	w := float32(1)
	if b.sentences < b.opts.LeadSentences {
		w = float32(b.opts.LeadWeight)
	}
	b.sentences++
	b.add(words, w)
}

func (b *Builder) add(words []text.WordKey, weight float32) {
	for k, t := range words {
		if t.Number || t.NormLen < 2 || t.Stopword {
			continue
		}
		w := weight
		if t.Capital && k > 0 {
			w *= float32(b.opts.NameWeight)
		}
		b.words = append(b.words, weightedTerm{t.Hash, w})
	}
}

// End returns the Doc begun.
func (b *Builder) End() Doc {
	// Sorted, each word's weights are summed in the order of the text, as a
	// map from word to count summed them: the same float32 sums.
	b.words, b.tmp = sortByTerm(b.words, b.tmp)
	words := b.words
	d := Doc{Article: b.a}
	d.Article.Body = ""
	b.a = unspun.Article{}
	n := 0
	for i := range words {
		if i == 0 || words[i].term != words[i-1].term {
			n++
		}
	}
	d.terms, d.counts = make([]uint64, 0, n), make([]float32, 0, n)
	for i, w := range words {
		if i == 0 || w.term != words[i-1].term {
			d.terms, d.counts = append(d.terms, w.term), append(d.counts, 0)
		}
		d.counts[len(d.counts)-1] += w.weight
	}
	return d
}

// doc builds the Doc of a from its text.
func (b *Builder) doc(a unspun.Article) Doc {
	b.Begin(a)
	for _, sp := range text.Sentences(a.Body) {
		b.body = text.AppendWordKeys(b.body[:0], a.Body[sp.Start:sp.End])
		b.Sentence(b.body)
	}
	return b.End()
}

// sortByTerm sorts words by term, keeping the order of equal terms: a radix
// sort, a byte a pass, with tmp as the other buffer. A comparison sort of a
// doc's words was a seventh of clustering an index. It returns the sorted
// slice and the buffer to reuse, which are words and tmp in some order.
func sortByTerm(words, tmp []weightedTerm) ([]weightedTerm, []weightedTerm) {
	if cap(tmp) < len(words) {
		tmp = make([]weightedTerm, len(words), 2*len(words))
	}
	tmp = tmp[:len(words)]
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int32
		for i := range words {
			count[byte(words[i].term>>shift)]++
		}
		var pos int32
		for d := range count {
			pos, count[d] = pos+count[d], pos
		}
		for i := range words {
			d := byte(words[i].term >> shift)
			tmp[count[d]] = words[i]
			count[d]++
		}
		words, tmp = tmp, words
	}
	return words, tmp
}

// buildDocs builds the docs of arts on every core, but for the articles
// known has a doc of (by ID), which it takes with their metadata.
func buildDocs(arts []unspun.Article, opts Options, known map[string]Doc) []Doc {
	docs := make([]Doc, len(arts))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(arts)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			b := NewBuilder(opts)
			for i := w; i < len(arts); i += workers {
				if d, ok := known[arts[i].ID]; ok {
					d.Article = arts[i]
					d.Article.Body = ""
					docs[i] = d
					continue
				}
				docs[i] = b.doc(arts[i])
			}
		})
	}
	wg.Wait()
	return docs
}

// batch builds the docs of a stream of articles, a batch at a time on every
// core while the caller reads the next batch, so that a caller reading
// articles one by one (an index scan) keeps no more than two batches of
// their texts. The zero value is not ready: set opts before the first
// add.
type batch struct {
	opts    Options
	known   map[string]Doc // docs built before, by article ID
	pending []unspun.Article
	work    chan []unspun.Article
	done    chan struct{}
	docs    []Doc
}

// batchSize is how many articles batch hands over at a time.
const batchSize = 1024

// add takes the next article.
func (b *batch) add(a unspun.Article) {
	if b.work == nil {
		b.work, b.done = make(chan []unspun.Article), make(chan struct{})
		go func() {
			defer close(b.done)
			for arts := range b.work {
				b.docs = append(b.docs, buildDocs(arts, b.opts, b.known)...)
			}
		}()
	}
	if b.pending = append(b.pending, a); len(b.pending) == batchSize {
		b.work <- b.pending
		b.pending = make([]unspun.Article, 0, batchSize)
	}
}

// finish returns the docs of the articles taken, in order. add may not be
// called after it.
func (b *batch) finish() []Doc {
	if b.work == nil {
		return buildDocs(b.pending, b.opts, b.known)
	}
	b.work <- b.pending
	close(b.work)
	<-b.done
	return b.docs
}

// Collect groups into stories the articles that each emits (an index scan,
// a reader), keeping no more than two batches of their texts.
func Collect(ctx context.Context, each func(emit func(unspun.Article) error) error, opts Options) ([]Story, error) {
	return collect(ctx, each, opts, nil)
}

// collect is Collect taking from known the docs of the articles it has
// (by ID) instead of building them.
func collect(ctx context.Context, each func(emit func(unspun.Article) error) error, opts Options, known map[string]Doc) ([]Story, error) {
	b := batch{opts: opts, known: known}
	if err := each(func(a unspun.Article) error { b.add(a); return nil }); err != nil {
		b.finish() // stops the batch's worker
		return nil, err
	}
	return clusterDocs(ctx, b.finish(), opts)
}

// Cluster groups articles into stories. Articles are taken in publication
// order (unknown dates after known ones, ties in the given order), so the
// result depends on the input order only among articles of equal or
// unknown dates. Document frequencies come from the articles themselves.
func Cluster(ctx context.Context, arts []unspun.Article, opts Options) ([]Story, error) {
	return clusterDocs(ctx, buildDocs(arts, opts, nil), opts)
}

// vec is an article's TF-IDF vector, L2-normalised: weights of the doc's
// terms, in the doc's term order.
type vec []float32

// cluster is a story being built: its members (doc numbers, in the order
// they joined), the sum of their vectors (terms ascending, so that a doc is
// compared with it in one merge-walk of two sorted lists), its sum's dot
// product with the mean of all vectors (see centering), and its members'
// known dates, ascending.
type cluster struct {
	members []int32
	terms   []uint64
	sum     []float32 // a one-member story shares its member's vector: never changed in place
	dates   []time.Time
	smu     float64 // the sum's dot product with the mean vector
}

// centering is the mean of all docs' vectors, as far as similarities need
// it: each doc's dot product with it, and its squared norm.
//
// An article's similarity to a story is the mean of its cosines with the
// story's articles, all vectors less the mean of all articles (for two
// stories, the mean over their pairs of articles). Both halves matter at
// scale, where plain centroid cosines let stories swallow the corpus:
//   - Every article shares the corpus' common words, so a big story's
//     centroid turns towards the mean of all articles, to which any
//     article is about as similar as the join threshold (0.15 to 0.19).
//     Less the mean, only what sets a story's articles apart is left.
//   - A centroid's cosine grows with its story's size even so: the
//     articles' own words cancel out in it and their event's and topic's
//     add up, so two big stories of one topic look alike. The mean of
//     article pairs does not grow with size.
//
// On 10,000 synthetic event articles, plain centroid cosines put nearly all
// of them in one story; centered centroids still merged whole topics at
// 100,000 (README, "Stories").
type centering struct {
	vmu  []float64 // each doc's vector's dot product with the mean
	muMu float64
}

// similarity is the mean centered cosine of doc i's vector v with the
// cluster's articles' vectors, from the cluster's sum (c.dot) and its sum's
// dot product with the mean. Each centered vector's norm is taken as the
// mean of its cluster's (vectors are unit before centering), so that the
// sum suffices.
func (m *centering) similarity(c *cluster, d *Doc, v vec, i int32) float64 {
	n := float64(len(c.members))
	num := c.dot(d, v)/n - m.vmu[i] - c.smu/n + m.muMu
	return num / math.Sqrt(m.norm2(1, m.vmu[i])*m.norm2(n, c.smu))
}

// pairSimilarity is the mean centered cosine of two clusters' article
// pairs, given the dot product of their sums.
func (m *centering) pairSimilarity(a, b *cluster, dot float64) float64 {
	na, nb := float64(len(a.members)), float64(len(b.members))
	num := dot/(na*nb) - a.smu/na - b.smu/nb + m.muMu
	return num / math.Sqrt(m.norm2(na, a.smu)*m.norm2(nb, b.smu))
}

// norm2 is the mean squared norm of n unit vectors less the mean, whose
// dot products with the mean sum to smu (never below a small floor: a
// vector much like the mean has nearly nothing left).
func (m *centering) norm2(n, smu float64) float64 {
	return max(1-2*smu/n+m.muMu, 1e-9)
}

// dot is the dot product of doc d's vector v and the cluster's sum.
func (c *cluster) dot(d *Doc, v vec) float64 { return dotSorted(d.terms, v, c.terms, c.sum) }

// add makes doc number i (vector v) a member.
func (c *cluster) add(i int32, d *Doc, v vec, cen *centering) {
	if len(c.members) == 0 {
		c.terms, c.sum = d.terms, v // most stories keep one member: no copy
	} else {
		c.terms, c.sum = addSorted(c.terms, c.sum, d.terms, v)
	}
	c.members = append(c.members, i)
	c.smu += cen.vmu[i]
	if p := d.Article.Published; !p.IsZero() {
		c.dates = append(c.dates, p) // publication order: stays ascending
	}
}

// absorb makes b's members c's.
func (c *cluster) absorb(b *cluster) {
	c.smu += b.smu
	c.terms, c.sum = addSorted(c.terms, c.sum, b.terms, b.sum)
	c.members = append(c.members, b.members...)
	dates := make([]time.Time, 0, len(c.dates)+len(b.dates))
	dates = append(append(dates, c.dates...), b.dates...)
	slices.SortStableFunc(dates, time.Time.Compare)
	c.dates = dates
}

// addSorted returns the sum of two sparse vectors whose terms ascend.
func addSorted(at []uint64, aw []float32, bt []uint64, bw []float32) ([]uint64, []float32) {
	terms := make([]uint64, 0, len(at)+len(bt))
	sum := make([]float32, 0, len(at)+len(bt))
	i, j := 0, 0
	for i < len(at) && j < len(bt) {
		switch {
		case at[i] < bt[j]:
			terms, sum = append(terms, at[i]), append(sum, aw[i])
			i++
		case at[i] > bt[j]:
			terms, sum = append(terms, bt[j]), append(sum, bw[j])
			j++
		default:
			terms, sum = append(terms, at[i]), append(sum, aw[i]+bw[j])
			i++
			j++
		}
	}
	terms, sum = append(terms, at[i:]...), append(sum, aw[i:]...)
	terms, sum = append(terms, bt[j:]...), append(sum, bw[j:]...)
	return terms, sum
}

// dotSorted is the dot product of two sparse vectors whose terms ascend.
// The products are summed in term order whichever way it walks, so the
// result does not depend on which list is longer.
func dotSorted(at []uint64, aw []float32, bt []uint64, bw []float32) float64 {
	if len(at) > len(bt) {
		at, aw, bt, bw = bt, bw, at, aw
	}
	s := 0.0
	if len(bt) > 16*len(at) {
		// A big story's sum holds thousands of terms: look the few terms
		// of the short list up by binary search instead of walking them all.
		base := 0
		for i, t := range at {
			k, found := slices.BinarySearch(bt[base:], t)
			base += k
			if found {
				s += float64(aw[i]) * float64(bw[base])
			}
		}
		return s
	}
	for i, j := 0, 0; i < len(at) && j < len(bt); {
		switch {
		case at[i] < bt[j]:
			i++
		case at[i] > bt[j]:
			j++
		default:
			s += float64(aw[i]) * float64(bw[j])
			i++
			j++
		}
	}
	return s
}

// clusterDocs groups docs into stories, as Cluster groups their articles.
func clusterDocs(ctx context.Context, docs []Doc, opts Options) ([]Story, error) {
	order := make([]int32, len(docs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int {
		a, b := docs[i].Article.Published, docs[j].Article.Published
		switch {
		case unspun.Earlier(a, b):
			return -1
		case unspun.Earlier(b, a):
			return 1
		}
		return 0
	})
	vecs, tops, cen := vectors(docs)
	var cs []*cluster
	// byTerm lists, for each term, the stories that have it among the top
	// terms of one of their articles: an article is compared only with
	// stories that share top terms with it, not with every story so far,
	// so that articles that form no story (each its own) cost linear time,
	// not quadratic.
	byTerm := map[uint64][]int32{}
	var shared tally
	var cands []int32
	for n, i := range order {
		if n%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err() // interrupted: a long run stops at once
		}
		d, v, top := &docs[i], vecs[i], tops[i]
		for _, t := range top {
			if l := byTerm[d.terms[t]]; len(l) <= maxSharing { // a term more stories share tells none apart
				shared.count(l)
			}
		}
		cands = shared.take(cands[:0])
		best, bestSim := int32(-1), opts.Threshold
		published := d.Article.Published
		for _, k := range cands {
			c := cs[k]
			// Articles come in publication order: a story's last date is the
			// one nearest a dated article.
			if !published.IsZero() && len(c.dates) > 0 && published.Sub(c.dates[len(c.dates)-1]) > opts.Window {
				continue
			}
			if sim := cen.similarity(c, d, v, i); sim > bestSim || sim == bestSim && k > best {
				best, bestSim = k, sim
			}
		}
		if best < 0 {
			cs = append(cs, &cluster{})
			best = int32(len(cs) - 1)
		}
		cs[best].add(i, d, v, cen)
		for _, t := range top {
			w := d.terms[t]
			if l := byTerm[w]; len(l) == 0 || l[len(l)-1] != best {
				byTerm[w] = append(l, best)
			}
		}
	}
	clear(byTerm)
	if opts.MergeThreshold > 0 {
		var err error
		if cs, err = merge(ctx, cs, tops, cen, opts); err != nil {
			return nil, err
		}
	}
	out := make([]Story, 0, len(cs))
	for _, c := range cs {
		s := Story{Members: make([]unspun.Article, 0, len(c.members))}
		central, centralSim := int32(0), math.Inf(-1)
		for _, i := range c.members {
			s.Members = append(s.Members, docs[i].Article)
			if sim := c.dot(&docs[i], vecs[i]); sim > centralSim {
				central, centralSim = i, sim
			}
		}
		if len(c.dates) > 0 {
			s.First, s.Last = c.dates[0], c.dates[len(c.dates)-1]
		}
		s.Title = docs[central].Article.Title
		out = append(out, s)
	}
	return out, nil
}

// vectors returns every doc's TF-IDF vector, the positions of its top
// candidateTerms terms, and the centering of the vectors. Document
// frequencies and the mean vector are counted in shards by term (each
// worker counts its own terms over all docs, in doc order) and the vectors
// built on every core: all are the same whatever the number of workers.
func vectors(docs []Doc) ([]vec, [][]int, *centering) {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(docs)/256))
	type shard struct {
		index map[uint64]int32 // a term's place in df and mu
		terms []uint64
		df    []int32
		mu    []float64
	}
	shards := make([]shard, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			sh := shard{index: make(map[uint64]int32, len(docs)*16/workers)}
			for i := range docs {
				for _, t := range docs[i].terms {
					if int(t%uint64(workers)) != w {
						continue
					}
					k, ok := sh.index[t]
					if !ok {
						k = int32(len(sh.df))
						sh.index[t] = k
						sh.terms, sh.df = append(sh.terms, t), append(sh.df, 0)
					}
					sh.df[k]++
				}
			}
			shards[w] = sh
		})
	}
	wg.Wait()
	n := float64(len(docs))
	vecs := make([]vec, len(docs))
	tops := make([][]int, len(docs))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				d := &docs[i]
				v := make(vec, len(d.terms))
				var ss float64
				for k, t := range d.terms {
					sh := &shards[t%uint64(workers)]
					x := (1 + math.Log(float64(d.counts[k]))) * math.Log(1+n/float64(sh.df[sh.index[t]]))
					v[k] = float32(x)
					ss += x * x
				}
				if ss > 0 {
					norm := math.Sqrt(ss)
					for k := range v {
						v[k] = float32(float64(v[k]) / norm)
					}
				}
				vecs[i] = v
				tops[i] = topTerms(v, candidateTerms, nil)
			}
		})
	}
	wg.Wait()
	for w := range workers {
		wg.Go(func() {
			sh := &shards[w]
			sh.mu = make([]float64, len(sh.df))
			for i := range docs {
				for k, t := range docs[i].terms {
					if int(t%uint64(workers)) == w {
						sh.mu[sh.index[t]] += float64(vecs[i][k])
					}
				}
			}
			for k := range sh.mu {
				sh.mu[k] /= n + meanPrior
			}
		})
	}
	wg.Wait()
	cen := &centering{vmu: make([]float64, len(docs))}
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				var s float64
				for k, t := range docs[i].terms {
					sh := &shards[t%uint64(workers)]
					s += float64(vecs[i][k]) * sh.mu[sh.index[t]]
				}
				cen.vmu[i] = s
			}
		})
	}
	// The mean's squared norm, summed in term order.
	type weight struct {
		term uint64
		mu   float64
	}
	var all []weight
	for _, sh := range shards {
		for k, t := range sh.terms {
			all = append(all, weight{t, sh.mu[k]})
		}
	}
	slices.SortFunc(all, func(a, b weight) int { return cmp.Compare(a.term, b.term) })
	for _, x := range all {
		cen.muMu += x.mu * x.mu
	}
	wg.Wait()
	return vecs, tops, cen
}

// merge is the second pass (docTops are the top terms of each doc's
// vector, as vectors gives them): stories as similar as mergeBar asks are
// one story that the first pass split because their first articles differed
// or because it came back after the window (most similar pair first). An
// online pass sees each article once; this lets the story see its articles
// together. Only stories whose centroids share
// minSharedTerms of their top terms are compared, each pair once; after a
// merge, only the merged story's pairs are compared again.
func merge(ctx context.Context, cs []*cluster, docTops [][]int, cen *centering, opts Options) ([]*cluster, error) {
	byTop := map[uint64][]int32{} // stories by top term, ascending
	tops := make([][]uint64, len(cs))
	var buf []int
	for k, c := range cs {
		terms := c.terms
		top := docTops[c.members[0]] // right when its sum is its one doc's vector
		if len(c.members) > 1 {
			buf = topTerms(c.sum, candidateTerms, buf[:0])
			top = buf
		}
		tops[k] = make([]uint64, len(top))
		for x, t := range top {
			tops[k][x] = terms[t]
			byTop[terms[t]] = append(byTop[terms[t]], int32(k))
		}
	}
	alive := make([]bool, len(cs))
	version := make([]int32, len(cs))
	nbr := make([]map[int32]bool, len(cs))
	for k := range cs {
		alive[k] = true
	}
	var queue pairQueue
	// dots keeps the dot products of the sums of pairs measured so far:
	// after a merge the new story's product with a neighbour is the sum of
	// its two parts' (known, or measured on the smaller part), so a story
	// that grows by many merges is not walked again for every neighbour.
	dots := map[pair]float64{}
	dot := func(p pair) float64 {
		d, ok := dots[p]
		if !ok {
			d = dotSorted(cs[p.i].terms, cs[p.i].sum, cs[p.j].terms, cs[p.j].sum)
			dots[p] = d
		}
		return d
	}
	similar := func(p pair) {
		a, b := cs[p.i], cs[p.j]
		if len(a.terms) == 0 || len(b.terms) == 0 {
			return
		}
		need := mergeBar(a.dates, b.dates, opts)
		if need <= 0 {
			return
		}
		if sim := cen.pairSimilarity(a, b, dot(p)); sim >= need {
			heap.Push(&queue, candidate{p, sim, version[p.i], version[p.j]})
		}
	}
	link := func(i, j int32) {
		if nbr[i] == nil {
			nbr[i] = map[int32]bool{}
		}
		nbr[i][j] = true
	}
	// Each story is paired with the later stories that share top terms
	// with it, counted as the online pass counts an article's.
	var shared tally
	var cands []int32
	for k := range cs {
		if k%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for _, t := range tops[k] {
			if ks := byTop[t]; len(ks) <= maxPairSharing { // a term more stories share tells no pair apart
				shared.count(ks[sort.Search(len(ks), func(x int) bool { return ks[x] > int32(k) }):])
			}
		}
		cands = shared.take(cands[:0])
		for _, j := range cands {
			link(int32(k), j)
			link(j, int32(k))
			similar(pair{int32(k), j})
		}
	}
	for merges := 0; queue.Len() > 0; {
		c := heap.Pop(&queue).(candidate)
		i, j := c.i, c.j
		if !alive[i] || !alive[j] || version[i] != c.vi || version[j] != c.vj {
			continue // a pair of a story merged since
		}
		if merges++; merges%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// The merged story's products with its neighbours, from its parts'.
		merged := map[int32]float64{}
		for _, side := range [2]int32{i, j} {
			for k := range nbr[side] {
				if k != i && k != j {
					merged[k] += dot(ordered(side, k))
				}
			}
		}
		for k := range merged {
			if !nbr[i][k] {
				merged[k] += dot(ordered(i, k)) // a neighbour of j only
			}
			if !nbr[j][k] {
				merged[k] += dot(ordered(j, k))
			}
		}
		for k := range nbr[j] {
			delete(dots, ordered(j, k))
		}
		for k := range nbr[i] {
			delete(dots, ordered(i, k))
		}
		cs[i].absorb(cs[j])
		alive[j] = false
		version[i]++
		for k := range nbr[j] {
			delete(nbr[k], j)
			if k != i {
				nbr[k][i] = true
				nbr[i][k] = true
			}
		}
		nbr[j] = nil
		delete(nbr[i], j)
		for k, d := range merged {
			dots[ordered(i, k)] = d
		}
		for k := range nbr[i] {
			similar(ordered(i, k))
		}
	}
	kept := cs[:0]
	for k, c := range cs {
		if alive[k] {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// candidate is a pair of stories similar enough to merge, with the
// versions of the two stories it was measured on.
type candidate struct {
	pair
	sim    float64
	vi, vj int32
}

// pairQueue orders candidates most similar first; ties go to the last
// pair in story order, so that the result does not depend on map order.
type pairQueue []candidate

func (q pairQueue) Len() int { return len(q) }
func (q pairQueue) Less(x, y int) bool {
	a, b := q[x], q[y]
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	if a.i != b.i {
		return a.i > b.i
	}
	return a.j > b.j
}
func (q pairQueue) Swap(x, y int) { q[x], q[y] = q[y], q[x] }
func (q *pairQueue) Push(x any)   { *q = append(*q, x.(candidate)) }
func (q *pairQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// An article is compared with the stories that share one of its
// candidateTerms highest-weighted terms with one of their articles, and two stories are compared to be
// merged when their centroids share one of their candidateTerms top terms.
const candidateTerms = 60

// minSharedTerms is how many of an article's top terms a story must share
// with it to be compared: stories of one event share names, places and
// their own words; unrelated articles share a word or two.
const minSharedTerms = 3

// maxPairSharing bounds how many stories' centroids may have a term among
// their top terms for it to make pairs of them candidates to merge: the
// pairs of a list grow with its square.
const maxPairSharing = 100

// maxCandidates is how many candidate stories are compared with an
// article (or a story, to merge): those sharing the most top terms with it.
// A corpus of one narrow topic can make hundreds of stories share three
// top terms with every article; the most similar is among those sharing
// the most.
const maxCandidates = 32

// tally counts, for the article or story being placed, how many of its top
// terms each story shares with it, touching only the stories it counts.
type tally struct {
	shared  []int32 // by story
	touched []int32 // stories with shared > 0
}

// count adds one shared term for each story of ks.
func (t *tally) count(ks []int32) {
	for _, k := range ks {
		if int(k) >= len(t.shared) {
			t.shared = append(t.shared, make([]int32, int(k)+1-len(t.shared))...)
		}
		if t.shared[k] == 0 {
			t.touched = append(t.touched, k)
		}
		t.shared[k]++
	}
}

// take appends to dst the stories counted that are candidates (see
// candidates) and starts a new count.
func (t *tally) take(dst []int32) []int32 {
	dst = candidates(t.touched, t.shared, dst)
	for _, k := range t.touched {
		t.shared[k] = 0
	}
	t.touched = t.touched[:0]
	return dst
}

// candidates appends to dst the stories of touched that share at least
// minSharedTerms top terms, at most maxCandidates of them: the most shared
// first, ties to the later story.
func candidates(touched, shared []int32, dst []int32) []int32 {
	for _, k := range touched {
		if shared[k] >= minSharedTerms {
			dst = append(dst, k)
		}
	}
	if len(dst) > maxCandidates {
		slices.SortFunc(dst, func(a, b int32) int {
			if c := cmp.Compare(shared[b], shared[a]); c != 0 {
				return c
			}
			return cmp.Compare(b, a)
		})
		dst = dst[:maxCandidates]
	}
	return dst
}

// maxSharing bounds how many stories a term may be registered for and
// still make them candidates to merge.
const maxSharing = 200

// topTerms appends to dst the positions of the n highest weights (ties to
// the lower position: the terms ascend, so the choice does not depend on
// map order), highest first. Weights are not negative.
func topTerms(weights []float32, n int, dst []int) []int {
	keys := make([]uint64, len(weights))
	for k, w := range weights {
		// Non-negative floats order as their bits: one integer sort, the
		// weight descending in the high half, the position in the low.
		keys[k] = uint64(^math.Float32bits(w))<<32 | uint64(k)
	}
	slices.Sort(keys)
	for _, key := range keys[:min(n, len(keys))] {
		dst = append(dst, int(uint32(key)))
	}
	return dst
}

// pair is two stories by number, the smaller first.
type pair struct{ i, j int32 }

// ordered returns the pair of story numbers a and b.
func ordered(a, b int32) pair {
	if a > b {
		a, b = b, a
	}
	return pair{a, b}
}

// mergeBar returns the similarity at which the second pass joins stories
// of these dates (each ascending): MergeThreshold when they meet within the
// window, ResurfaceThreshold when they do not; 0 or less means never.
func mergeBar(a, b []time.Time, opts Options) float64 {
	if datesMeet(a, b, opts.Window) {
		return opts.MergeThreshold
	}
	return opts.ResurfaceThreshold
}

// datesMeet reports whether some date of a is within w of some date of b
// (stories without dates meet any). Both ascend.
func datesMeet(a, b []time.Time, w time.Duration) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		d := a[i].Sub(b[j])
		if d <= w && d >= -w {
			return true
		}
		if d < 0 {
			i++
		} else {
			j++
		}
	}
	return false
}

// Index clusters every article of s and keeps the stories in it, replacing
// those kept before, and returns them. The store's scan order (for Pebble,
// the order articles were added) breaks ties between articles of one date.
// Nothing may be put into s meanwhile, or the stories kept would leave it
// out. known, if not nil, holds docs of stored articles by ID (built with
// opts from the text s holds for them, as add's analysis builds them): those
// are not built again.
func Index(ctx context.Context, s store.Store, opts Options, known map[string]Doc) ([]Story, error) {
	stories, err := collect(ctx, func(emit func(unspun.Article) error) error { return s.Articles(ctx, emit) }, opts, known)
	if err != nil {
		return nil, err
	}
	records := make([]store.Story, len(stories))
	for n, st := range stories {
		records[n] = Record(n, st)
	}
	if err := s.PutStories(ctx, records); err != nil {
		return nil, err
	}
	return stories, nil
}

// Record is the n-th story as the index keeps it.
func Record(n int, st Story) store.Story {
	r := store.Story{Number: n, Title: st.Title, First: st.First, Last: st.Last, Members: make([]store.StoryMember, len(st.Members))}
	for i, m := range st.Members {
		r.Members[i] = store.StoryMember{ID: m.ID, URL: m.URL, Site: m.Site, Published: m.Published}
	}
	return r
}

// FromRecord is a story the index keeps; its members carry what the index
// keeps of them (ID, URL, site, date).
func FromRecord(r store.Story) Story {
	st := Story{Title: r.Title, First: r.First, Last: r.Last, Members: make([]unspun.Article, len(r.Members))}
	for i, m := range r.Members {
		st.Members[i] = unspun.Article{ID: m.ID, URL: m.URL, Site: m.Site, Published: m.Published}
	}
	return st
}

// meanPrior is the number of empty articles the mean is taken over besides
// the clustered ones: a prior that shrinks the mean of a few articles
// towards nothing. The mean of a small index is mostly its own articles'
// words, and when they all report one event, taking it away takes the
// event away: the demo's 17 articles on the Brenno flood fall into 7
// stories with a prior of 50, 5 with 100, 3 with 200 (as without
// centering). Over thousands of articles the prior hardly counts.
const meanPrior = 200
