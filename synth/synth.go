// Package synth generates synthetic news corpora with ground truth, for
// tests and scale benchmarks: source articles in an invented vocabulary
// (Zipf-distributed words, invented names, numbers, 8–35-word sentences) and
// farm pages stitched from several sources, spun with a synonym dictionary,
// given typos and mixed with unrelated sentences, with the exact source and
// edits of every sentence. The files it writes have the layout of a
// provenance evaluation set: corpus.jsonl, queries.jsonl, gold.jsonl.
package synth

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/text"
)

// Options size a corpus. The zero value means the defaults.
type Options struct {
	Seed            uint64
	Vocabulary      int // distinct content words; default 30,000
	Names           int // distinct proper names; default 8,000
	WordsPerArticle int // default 600
	Sites           int // outlets; default 200
}

func (o *Options) setDefaults() {
	o.Vocabulary = cmp.Or(o.Vocabulary, 30000)
	o.Names = cmp.Or(o.Names, 8000)
	o.WordsPerArticle = cmp.Or(o.WordsPerArticle, 600)
	o.Sites = cmp.Or(o.Sites, 200)
}

// Generator makes articles and farm pages. It is deterministic for a seed
// and not safe for concurrent use.
type Generator struct {
	opts     Options
	rng      *rand.Rand
	words    []string
	names    []string
	wordZipf *rand.Zipf
	nameZipf *rand.Zipf
	synonyms map[string]string // the farm's spin dictionary
	next     int
}

// function words are real English: they carry no content, and real copies
// keep them.
var function = strings.Fields("the the the of of to to and and a a in in that is was for on with as by at from it he she they his her their has have had will would said not but also this which after before over about")

var syllables = strings.Fields("ka lo ven dar mi tor sel bra nu quel fi ros tam ur pel gra ski on vi dem har lu nes tro bel cor fa zen mo rik ta ver sun gal po le ny dra os")

// New returns a generator.
func New(opts Options) *Generator {
	opts.setDefaults()
	g := &Generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x756e7370756e))}
	seen := map[string]bool{}
	coin := func(min, extra int) string {
		for {
			var b strings.Builder
			for range min + g.rng.IntN(extra+1) {
				b.WriteString(syllables[g.rng.IntN(len(syllables))])
			}
			w := b.String()
			if !seen[w] && !text.IsStopword(w) {
				seen[w] = true
				return w
			}
		}
	}
	for range opts.Vocabulary {
		g.words = append(g.words, coin(2, 2))
	}
	for range opts.Names {
		n := coin(2, 1)
		g.names = append(g.names, strings.ToUpper(n[:1])+n[1:])
	}
	g.wordZipf = rand.NewZipf(g.rng, 1.1, 2, uint64(opts.Vocabulary-1))
	g.nameZipf = rand.NewZipf(g.rng, 1.2, 4, uint64(opts.Names-1))
	// The spin dictionary maps a third of the vocabulary to other words.
	g.synonyms = map[string]string{}
	for i, w := range g.words {
		if i%3 == 0 {
			g.synonyms[w] = g.words[(i*7+11)%len(g.words)]
		}
	}
	return g
}

// sentence writes a sentence of 8–35 words and returns its words: function
// words, names, numbers and content words, and with about, the words of an
// event among them (nil: none).
func (g *Generator) sentence(b *strings.Builder, about *aboutEvent) int {
	n := max(8, min(35, int(g.rng.NormFloat64()*7+20)))
	for i := range n {
		var w string
		switch p := g.rng.Float64(); {
		case p < 0.42:
			w = function[g.rng.IntN(len(function))]
		case p < 0.52:
			w = g.name(about)
		case p < 0.56:
			w = strconv.Itoa(g.rng.IntN(5000))
		default:
			w = g.word(about)
		}
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if i > 2 && i < n-3 && g.rng.IntN(12) == 0 {
			b.WriteByte(',')
		}
	}
	b.WriteByte('.')
	return n
}

// Article returns the next source article: about WordsPerArticle words in
// paragraphs of one to three sentences.
func (g *Generator) Article() unspun.Article {
	id := g.next
	g.next++
	var b strings.Builder
	words := 0
	for words < g.opts.WordsPerArticle {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		for s := range 1 + g.rng.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			words += g.sentence(&b, nil)
		}
	}
	site := fmt.Sprintf("outlet%03d.test", g.rng.IntN(g.opts.Sites))
	return unspun.Article{
		ID: fmt.Sprintf("src/%07d", id), URL: fmt.Sprintf("https://%s/%07d", site, id), Site: site,
		Title:     g.names[g.nameZipf.Uint64()] + " " + g.words[g.wordZipf.Uint64()],
		Published: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(id) * time.Minute),
		Lang:      "en", Body: b.String(),
	}
}

// Gold is the truth about one farm page, in the provenance set's format.
type Gold struct {
	ID        string         `json:"id"`
	Sentences []GoldSentence `json:"sentences"`
}

// GoldSentence is one sentence of a farm page and where it came from.
type GoldSentence struct {
	Start   int        `json:"start"`
	End     int        `json:"end"`
	Sources []string   `json:"sources"` // [] for an unrelated sentence
	Edits   []GoldEdit `json:"edits"`
}

// GoldEdit is one word change, source word to page word.
type GoldEdit struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Page stitches a farm page from sentences of sources: sentences of each
// source are drawn, shuffled, their words swapped through the spin
// dictionary with probability spin, one long word in ten given a typo, and
// noise unrelated sentences mixed in.
func (g *Generator) Page(id string, sources []unspun.Article, perSource int, spin float64, noise int) (unspun.Article, Gold) {
	type piece struct {
		text   string
		source string
	}
	var pieces []piece
	latest := time.Time{}
	for _, src := range sources {
		spans := text.Sentences(src.Body)
		for range perSource {
			sp := spans[g.rng.IntN(len(spans))]
			pieces = append(pieces, piece{src.Body[sp.Start:sp.End], src.ID})
		}
		if src.Published.After(latest) {
			latest = src.Published
		}
	}
	for range noise {
		var b strings.Builder
		g.sentence(&b, nil)
		pieces = append(pieces, piece{b.String(), ""})
	}
	g.rng.Shuffle(len(pieces), func(i, j int) { pieces[i], pieces[j] = pieces[j], pieces[i] })
	gold := Gold{ID: id}
	var body strings.Builder
	for i, p := range pieces {
		if i > 0 {
			body.WriteString("\n\n")
		}
		gs := GoldSentence{Start: body.Len(), Sources: []string{}, Edits: []GoldEdit{}}
		words := strings.Split(p.text, " ")
		for k, w := range words {
			core := strings.TrimRight(w, ".,")
			tail := w[len(core):]
			switch syn, ok := g.synonyms[core]; {
			case ok && g.rng.Float64() < spin:
				words[k] = syn + tail
				gs.Edits = append(gs.Edits, GoldEdit{core, syn})
			case len(core) >= 8 && core == strings.ToLower(core) && g.rng.IntN(10) == 0:
				typo := core[:3] + core[4:] // a dropped letter
				words[k] = typo + tail
				gs.Edits = append(gs.Edits, GoldEdit{core, typo})
			}
		}
		body.WriteString(strings.Join(words, " "))
		gs.End = body.Len()
		if p.source != "" {
			gs.Sources = []string{p.source}
		} else {
			gs.Edits = []GoldEdit{}
		}
		gold.Sentences = append(gold.Sentences, gs)
	}
	site := fmt.Sprintf("farm%02d.test", g.rng.IntN(20))
	page := unspun.Article{ID: id, URL: "https://" + site + "/" + id, Site: site, Title: "Farm page " + id,
		Published: latest.Add(48 * time.Hour), Lang: "en", Body: body.String()}
	return page, gold
}
