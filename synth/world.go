package synth

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	unspun "github.com/unspun/unspun"
)

// WorldOptions size a synthetic world for the site views: honest outlets
// that write their own articles and sometimes reprint a wire service word
// for word, and farm networks whose sites stitch and spin those articles,
// each network with its own spin dictionary (over twenty stock swaps that
// every network makes) and favourite sources. The
// zero value means the defaults.
type WorldOptions struct {
	Seed            uint64
	Honest          int     // honest outlets; default 20
	Networks        []int   // sites per farm network; default 3, 4 and 6
	ArticlesPerSite int     // originals per honest outlet (the wire writes twice as many); default 30
	PagesPerFarm    int     // pages per farm site; default 25
	WireShare       float64 // share of an honest outlet's articles that reprint a wire story; default 0.2
	WordsPerArticle int     // default 300
}

// World is a synthetic world and its truth.
type World struct {
	Articles []unspun.Article // in publication order
	// Network maps each farm site to its network (0, 1, …); honest
	// outlets and the wire are not in it.
	Network map[string]int
}

// NewWorld generates a world.
func NewWorld(opts WorldOptions) World {
	opts.Honest = cmp.Or(opts.Honest, 20)
	if opts.Networks == nil {
		opts.Networks = []int{3, 4, 6}
	}
	opts.ArticlesPerSite = cmp.Or(opts.ArticlesPerSite, 30)
	opts.PagesPerFarm = cmp.Or(opts.PagesPerFarm, 25)
	opts.WireShare = cmp.Or(opts.WireShare, 0.2)
	opts.WordsPerArticle = cmp.Or(opts.WordsPerArticle, 300)
	g := New(Options{Seed: opts.Seed, Vocabulary: 8000, Names: 2000, WordsPerArticle: opts.WordsPerArticle})
	w := World{Network: map[string]int{}}
	start := time.Date(2031, 1, 5, 6, 0, 0, 0, time.UTC)
	at := func() time.Time { return start.Add(time.Duration(g.rng.IntN(30*24*60)) * time.Minute) }
	original := func(site string) unspun.Article {
		a := g.Article()
		a.Site, a.URL, a.Published = site, "https://"+site+"/"+a.ID, at()
		a.ID = site + "/" + a.ID
		return a
	}
	var wire []unspun.Article
	for range 2 * opts.ArticlesPerSite {
		wire = append(wire, original("wire.test"))
	}
	var honest []unspun.Article
	for h := range opts.Honest {
		site := fmt.Sprintf("outlet%02d.test", h)
		for k := range opts.ArticlesPerSite {
			if g.rng.Float64() < opts.WireShare {
				// A wire story run word for word a few hours later.
				src := wire[g.rng.IntN(len(wire))]
				a := src
				a.ID, a.Site = fmt.Sprintf("%s/wire-%03d", site, k), site
				a.URL = "https://" + a.ID
				a.Published = src.Published.Add(time.Duration(1+g.rng.IntN(6)) * time.Hour)
				honest = append(honest, a)
				continue
			}
			honest = append(honest, original(site))
		}
	}
	w.Articles = append(append(w.Articles, wire...), honest...)
	sources := append(slices.Clone(wire), honest...)
	// Every spinner also knows some of the same stock swaps (a public
	// thesaurus: "said" → "stated"): shared by all networks, they must not
	// merge them.
	common := map[string]string{}
	for i := 0; i < 40; i += 2 {
		common[g.words[i]] = g.words[i+1]
	}
	for n, size := range opts.Networks {
		// The network's own dictionary: a sixth of the vocabulary, each word
		// swapped for another, over the stock swaps; and its favourite
		// sources: three outlets and the wire.
		dict := maps.Clone(common)
		for i, word := range g.words[40:] {
			if g.rng.IntN(6) == 0 {
				dict[word] = g.words[(i*13+n*101+7)%len(g.words)]
			}
		}
		favourite := map[string]bool{"wire.test": true}
		for len(favourite) < 4 {
			favourite[fmt.Sprintf("outlet%02d.test", g.rng.IntN(opts.Honest))] = true
		}
		var fav []unspun.Article
		for _, a := range sources {
			if favourite[a.Site] {
				fav = append(fav, a)
			}
		}
		saved := g.synonyms
		g.synonyms = dict
		for s := range size {
			site := fmt.Sprintf("net%d-site%d.test", n, s)
			w.Network[site] = n
			for p := range opts.PagesPerFarm {
				var picked []unspun.Article
				for range 2 + g.rng.IntN(3) {
					pool := fav
					if g.rng.IntN(10) < 3 {
						pool = sources
					}
					picked = append(picked, pool[g.rng.IntN(len(pool))])
				}
				page, _ := g.Page(fmt.Sprintf("%s/page-%03d", site, p), picked, 2, 0.6, g.rng.IntN(2))
				latest := picked[0].Published
				for _, a := range picked[1:] {
					if a.Published.After(latest) {
						latest = a.Published
					}
				}
				page.Site, page.URL = site, "https://"+site+"/page-"+fmt.Sprint(p)
				page.Published = latest.Add(time.Duration(2+g.rng.IntN(22)) * time.Hour)
				w.Articles = append(w.Articles, page)
			}
		}
		g.synonyms = saved
	}
	slices.SortStableFunc(w.Articles, func(a, b unspun.Article) int { return a.Published.Compare(b.Published) })
	return w
}
