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
func Cluster(arts []unspun.Article, opts Options) []Story {
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
	for _, i := range order {
		a := arts[i]
		best, bestSim := -1, opts.Threshold
		for k, c := range cs {
			if !a.Published.IsZero() && !near(c.dates, a.Published, opts.Window) {
				continue
			}
			if sim := dot(vecs[i], c.centroid); sim >= bestSim {
				best, bestSim = k, sim
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
	}
	// Second pass: stories whose centroids are as similar as an article
	// must be to join, and whose dates meet within the window, are one
	// story that the first pass split because their first articles
	// differed (most similar pair first). An online pass sees each article
	// once; this lets the story see its articles together.
	for opts.MergeThreshold > 0 {
		bi, bj, bs := -1, -1, opts.MergeThreshold
		for i := range cs {
			for j := i + 1; j < len(cs); j++ {
				if !datesMeet(cs[i].dates, cs[j].dates, opts.Window) {
					continue
				}
				if sim := dot(cs[i].centroid, cs[j].centroid); sim >= bs {
					bi, bj, bs = i, j, sim
				}
			}
		}
		if bi < 0 {
			break
		}
		a, b := cs[bi], cs[bj]
		a.members = append(a.members, b.members...)
		for w, x := range b.sum {
			a.sum[w] += x
		}
		a.centroid = normalise(copyVector(a.sum))
		a.dates = append(a.dates, b.dates...)
		cs = append(cs[:bj], cs[bj+1:]...)
	}
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
	return out
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
