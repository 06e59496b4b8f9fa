// Package story groups articles into stories: the articles that report one
// event. It clusters online, in publication order: each article joins the
// story whose centroid is most similar to it, among the stories with a
// member published within Window of it, when that similarity reaches
// Threshold; otherwise it starts a story. An article is a TF-IDF vector of
// its words, the headline and lead weighted up (they name the event) and
// capitalised words weighted up (names of people, places and organisations
// tell events apart better than the words every story uses).
package story

import (
	"context"
	"math"
	"sort"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/text"
)

// Options tune the clustering. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	Threshold                           float64       // least cosine similarity to join a story
	Window                              time.Duration // a story takes articles published this close to one of its members
	TitleWeight, LeadWeight, NameWeight float64
	LeadSentences                       int // sentences of the body that are its lead
	// MergeThreshold is the least centroid similarity at which the second
	// pass joins two stories; 0 turns the pass off.
	MergeThreshold float64
}

// DefaultOptions are the settings measured on the development set (README).
var DefaultOptions = Options{Threshold: 0.15, Window: 180 * 24 * time.Hour,
	TitleWeight: 3, LeadWeight: 2, NameWeight: 2, LeadSentences: 3, MergeThreshold: 0.2}

// Story is a group of articles about one event, in the order they joined.
type Story struct {
	Members []unspun.Article
	// Title is the headline of the member closest to the story's centroid.
	Title       string
	First, Last time.Time // earliest and latest known publication dates (zero when none is known)
}

// vector is a sparse weighted bag of words, L2-normalised.
type vector map[uint64]float64

// Cluster groups articles into stories. Articles are taken in publication
// order (unknown dates after known ones, ties in the given order), so the
// result depends on the input order only among articles of equal or
// unknown dates. Document frequencies come from the articles themselves.
func Cluster(ctx context.Context, arts []unspun.Article, opts Options) ([]Story, error) {
	order := make([]int, len(arts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		return unspun.Earlier(arts[order[i]].Published, arts[order[j]].Published)
	})
	bags := make([]map[uint64]float64, len(arts))
	df := map[uint64]int{}
	for i, a := range arts {
		bags[i] = bag(a, opts)
		for w := range bags[i] {
			df[w]++
		}
	}
	n := float64(len(arts))
	vecs := make([]vector, len(arts))
	for i, b := range bags {
		v := vector{}
		for w, tf := range b {
			v[w] = (1 + math.Log(tf)) * math.Log(1+n/float64(df[w]))
		}
		vecs[i] = normalise(v)
	}
	type cluster struct {
		members  []int
		sum      vector // sum of member vectors
		centroid vector
		dates    []time.Time
	}
	var cs []*cluster
	// byTerm lists, for each term, the stories that have it among the top
	// terms of one of their articles: an article is compared only with
	// stories that share one of its own top terms, not with every story so
	// far, so that articles that form no story (each its own) cost linear
	// time, not quadratic.
	byTerm := map[uint64][]int32{}
	shared := map[int32]int{} // stories sharing top terms with the article: how many
	for n, i := range order {
		if n%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err() // interrupted: a long run stops at once
		}
		a := arts[i]
		top := topTerms(vecs[i], candidateTerms)
		clear(shared)
		for _, w := range top {
			if len(byTerm[w]) > maxSharing {
				continue // a term this many stories share tells none apart
			}
			for _, k := range byTerm[w] {
				shared[k]++
			}
		}
		best, bestSim := -1, opts.Threshold
		for k, n := range shared {
			if n < minSharedTerms {
				continue
			}
			c := cs[k]
			if !a.Published.IsZero() && !near(c.dates, a.Published, opts.Window) {
				continue
			}
			if sim := dot(vecs[i], c.centroid); sim > bestSim || sim == bestSim && int(k) > best {
				best, bestSim = int(k), sim
			}
		}
		if best < 0 {
			cs = append(cs, &cluster{sum: vector{}})
			best = len(cs) - 1
		}
		c := cs[best]
		c.members = append(c.members, i)
		for w, x := range vecs[i] {
			c.sum[w] += x
		}
		c.centroid = normalise(copyVector(c.sum))
		if !a.Published.IsZero() {
			c.dates = append(c.dates, a.Published)
		}
		for _, w := range top {
			if l := byTerm[w]; len(l) == 0 || l[len(l)-1] != int32(best) {
				byTerm[w] = append(l, int32(best))
			}
		}
	}
	// Second pass: stories whose centroids are as similar as an article
	// must be to join, and whose dates meet within the window, are one
	// story that the first pass split because their first articles
	// differed (most similar pair first). An online pass sees each article
	// once; this lets the story see its articles together.
	// Only stories whose centroids share minSharedTerms of their top terms
	// are compared, each pair once; after a merge, only the merged story's
	// pairs are compared again.
	byTop := map[uint64][]int32{}
	for k, c := range cs {
		for _, w := range topTerms(c.centroid, candidateTerms) {
			byTop[w] = append(byTop[w], int32(k))
		}
	}
	count := map[pair]int{}
	for _, ks := range byTop {
		if len(ks) > maxPairSharing {
			continue // a term this many stories share tells no pair apart
		}
		for x := range ks {
			for y := x + 1; y < len(ks); y++ {
				count[pair{ks[x], ks[y]}]++ // ks ascends: i < j
			}
		}
	}
	alive := make([]bool, len(cs))
	nbr := make([]map[int32]bool, len(cs))
	for k := range cs {
		alive[k], nbr[k] = true, map[int32]bool{}
	}
	mergeable := map[pair]float64{} // candidate pairs similar enough to merge
	similar := func(p pair) {
		if datesMeet(cs[p.i].dates, cs[p.j].dates, opts.Window) {
			if sim := dot(cs[p.i].centroid, cs[p.j].centroid); sim >= opts.MergeThreshold {
				mergeable[p] = sim
				return
			}
		}
		delete(mergeable, p)
	}
	for p, n := range count {
		if n >= minSharedTerms {
			nbr[p.i][p.j], nbr[p.j][p.i] = true, true
			similar(p)
		}
	}
	for opts.MergeThreshold > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		best, bs := pair{-1, -1}, -1.0
		for p, sim := range mergeable {
			// the most similar pair; ties to the last pair in story order
			if sim > bs || sim == bs && (p.i > best.i || p.i == best.i && p.j > best.j) {
				best, bs = p, sim
			}
		}
		if best.i < 0 {
			break
		}
		bi, bj := int(best.i), int(best.j)
		a, b := cs[bi], cs[bj]
		a.members = append(a.members, b.members...)
		for w, x := range b.sum {
			a.sum[w] += x
		}
		a.centroid = normalise(copyVector(a.sum))
		a.dates = append(a.dates, b.dates...)
		alive[bj] = false
		for k := range nbr[bj] {
			delete(nbr[k], int32(bj))
			delete(mergeable, ordered(k, int32(bj)))
			if int(k) != bi {
				nbr[k][int32(bi)], nbr[bi][k] = true, true
			}
		}
		nbr[bj] = nil
		delete(nbr[bi], int32(bj))
		for k := range nbr[bi] {
			similar(ordered(int32(bi), k))
		}
	}
	kept := cs[:0]
	for k, c := range cs {
		if alive[k] {
			kept = append(kept, c)
		}
	}
	cs = kept
	out := make([]Story, 0, len(cs))
	for _, c := range cs {
		s := Story{}
		central, centralSim := 0, -1.0
		for _, i := range c.members {
			s.Members = append(s.Members, arts[i])
			if sim := dot(vecs[i], c.centroid); sim > centralSim {
				central, centralSim = i, sim
			}
			if p := arts[i].Published; !p.IsZero() {
				if s.First.IsZero() || p.Before(s.First) {
					s.First = p
				}
				if p.After(s.Last) {
					s.Last = p
				}
			}
		}
		s.Title = arts[central].Title
		out = append(out, s)
	}
	return out, nil
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

// maxSharing bounds how many stories a term may be registered for and
// still make them candidates to merge.
const maxSharing = 1000

// topTerms returns the n terms of v with the highest weights (ties by
// term, so that the choice does not depend on map order).
func topTerms(v vector, n int) []uint64 {
	terms := make([]uint64, 0, len(v))
	for w := range v {
		terms = append(terms, w)
	}
	sort.Slice(terms, func(i, j int) bool {
		if v[terms[i]] != v[terms[j]] {
			return v[terms[i]] > v[terms[j]]
		}
		return terms[i] < terms[j]
	})
	return terms[:min(n, len(terms))]
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

// datesMeet reports whether some date of a is within w of some date of b
// (stories without dates meet any).
func datesMeet(a, b []time.Time, w time.Duration) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, t := range a {
		if near(b, t, w) {
			return true
		}
	}
	return false
}

// near reports whether t is within w of one of dates.
func near(dates []time.Time, t time.Time, w time.Duration) bool {
	if len(dates) == 0 {
		return true
	}
	for _, d := range dates {
		if diff := t.Sub(d); diff <= w && diff >= -w {
			return true
		}
	}
	return false
}

// bag counts an article's words: the title's and the lead's weighted up,
// capitalised words inside a sentence weighted up, stopwords and numbers
// left out.
func bag(a unspun.Article, opts Options) map[uint64]float64 {
	b := map[uint64]float64{}
	add := func(s string, weight float64) {
		for k, t := range text.Tokens(s) {
			if t.Number || len(t.Norm) < 2 || text.IsStopword(t.Norm) {
				continue
			}
			w := weight
			if t.Capital && k > 0 {
				w *= opts.NameWeight
			}
			b[fingerprint.Hash(t.Norm)] += w
		}
	}
	add(a.Title, opts.TitleWeight)
	for k, sp := range text.Sentences(a.Body) {
		w := 1.0
		if k < opts.LeadSentences {
			w = opts.LeadWeight
		}
		add(a.Body[sp.Start:sp.End], w)
	}
	return b
}

func normalise(v vector) vector {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	if ss == 0 {
		return v
	}
	norm := math.Sqrt(ss)
	for w := range v {
		v[w] /= norm
	}
	return v
}

func copyVector(v vector) vector {
	c := make(vector, len(v))
	for w, x := range v {
		c[w] = x
	}
	return c
}

// dot is the cosine similarity of two normalised vectors.
func dot(a, b vector) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	s := 0.0
	for w, x := range a {
		s += x * b[w]
	}
	return s
}
