// Package site turns stored links into the picture of who copies whom: per
// site, how original it is, which sites it copies from, how much and how
// fast, and the spin lexicon it shows; and the groups of sites that behave
// as one farm network, with the evidence that put them together.
//
// A copied sentence counts for a site when one of its links has a source on
// another site (a site re-running its own earlier story is not copying).
// The edge of a copied sentence goes to the site of its origin link (the
// earliest source), or of its best link when the origin is on the same
// site. An article without a site is left out; one without a date still
// counts, but gives no delay.
package site

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/unspun/unspun/store"
)

// Article is what the site views need of a stored article.
type Article struct {
	ID, Site  string
	Published time.Time // zero when unknown
}

// Input is what the site views are computed from: the stored articles by
// ID, their links, and the spin lexicon learned per site.
type Input struct {
	Articles map[string]Article
	Links    []store.Links
	Spin     map[string][]store.Substitution // by site, most frequent first
}

// Edge is the copying of one site from another.
type Edge struct {
	From, To  string // the copier, the source
	Sentences int    // the copier's sentences whose source is on To
	Articles  int    // the copier's articles with at least one of them
	// Weight is Articles ÷ the copier's linked articles: the share of its
	// articles that copy from To (so a site's edges show its copying the
	// way the news-copying research weighs it).
	Weight float64
	// MedianDelay is the median time from the source's publication to
	// the copy's, over copied sentences with both dates; negative when
	// none had them.
	MedianDelay time.Duration
}

// Site is one site's view.
type Site struct {
	Name      string
	Articles  int // linked articles
	Sentences int // their sentences (furniture left out)
	Copied    int // sentences with a source on another site
	// Originality is 1 − Copied ÷ Sentences.
	Originality float64
	CopiesFrom  []Edge // most copied sentences first
	MedianDelay time.Duration
	Spin        []store.Substitution
	Network     int // the farm network it belongs to, or -1
}

// maxSpin bounds the swaps listed per site.
const maxSpin = 10

// Build computes every site's view and the copy graph's edges (most copied
// sentences first). Sites are ordered by name.
func Build(in Input) ([]Site, []Edge) {
	type edgeKey struct{ from, to string }
	type acc struct {
		site           *Site
		delays         []float64 // hours
		linkedArticles int
	}
	sites := map[string]*acc{}
	edges := map[edgeKey]*Edge{}
	edgeDelays := map[edgeKey][]float64{}
	edgeArticles := map[edgeKey]map[string]bool{}
	for _, l := range in.Links {
		art, ok := in.Articles[l.Article]
		if !ok || art.Site == "" {
			continue // replaced since it was linked, or no site to count it for
		}
		a := sites[art.Site]
		if a == nil {
			a = &acc{site: &Site{Name: art.Site, Network: -1}}
			sites[art.Site] = a
		}
		a.site.Articles++
		a.site.Sentences += l.Sentences
		// The links of one sentence are consecutive, origin first among them.
		for i := 0; i < len(l.Links); {
			j := i
			for j < len(l.Links) && l.Links[j].Start == l.Links[i].Start && l.Links[j].End == l.Links[i].End {
				j++
			}
			if src, ok := sourceOf(in, art, l.Links[i:j]); ok {
				a.site.Copied++
				k := edgeKey{art.Site, src.Site}
				e := edges[k]
				if e == nil {
					e = &Edge{From: k.from, To: k.to}
					edges[k] = e
					edgeArticles[k] = map[string]bool{}
				}
				e.Sentences++
				edgeArticles[k][art.ID] = true
				if !art.Published.IsZero() && !src.Published.IsZero() {
					h := art.Published.Sub(src.Published).Hours()
					edgeDelays[k] = append(edgeDelays[k], h)
					a.delays = append(a.delays, h)
				}
			}
			i = j
		}
	}
	var out []Site
	var all []Edge
	for k, e := range edges {
		e.Articles = len(edgeArticles[k])
		e.Weight = float64(e.Articles) / float64(max(sites[k.from].site.Articles, 1))
		e.MedianDelay = median(edgeDelays[k])
		all = append(all, *e)
	}
	byWeight := func(a, b Edge) int {
		if c := cmp.Compare(b.Sentences, a.Sentences); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	}
	slices.SortFunc(all, byWeight)
	from := map[string][]Edge{} // each copier's edges, in all's order
	for _, e := range all {
		from[e.From] = append(from[e.From], e)
	}
	for _, a := range sites {
		s := a.site
		if s.Sentences > 0 {
			s.Originality = 1 - float64(s.Copied)/float64(s.Sentences)
		} else {
			s.Originality = 1
		}
		s.MedianDelay = median(a.delays)
		s.CopiesFrom = from[s.Name]
		spin := in.Spin[s.Name]
		s.Spin = slices.Clone(spin[:min(len(spin), maxSpin)])
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Site) int { return cmp.Compare(a.Name, b.Name) })
	return out, all
}

// sourceOf picks the source article a copied sentence's edge goes to: its
// origin link's when that is on another site, else its best link on
// another site; ok is false when every source is on the copier's own site.
func sourceOf(in Input, art Article, links []store.Link) (Article, bool) {
	var best Article
	found := false
	for _, lk := range links {
		src, ok := in.Articles[lk.Source]
		if !ok || src.Site == "" || src.Site == art.Site {
			continue
		}
		if lk.Origin {
			return src, true
		}
		if !found {
			best, found = src, true
		}
	}
	return best, found
}

// median returns the median of hours as a duration, or -1 when empty.
func median(hours []float64) time.Duration {
	if len(hours) == 0 {
		return -1
	}
	s := slices.Clone(hours)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return time.Duration(math.Round(m * float64(time.Hour)))
}
