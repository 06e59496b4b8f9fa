// Package store defines the contract between unspun and the index it keeps:
// articles, the postings of their sentences, and the spin lexicon learned
// from verified copies. Backends live in sub-packages (pebble, the embedded
// default); storetest holds the conformance suite every backend passes and an
// in-memory fake for tests.
package store

import (
	"context"
	"sort"
	"time"

	unspun "github.com/unspun/unspun"
)

// Hit is one posting: a sentence of a stored article that holds a term.
type Hit struct {
	Doc      uint32 // the article's internal number, see Store.Doc
	Sentence uint16 // index of the sentence in the article
	Check    uint16 // the Term's Check, returned as stored
}

// Term is one index term of one sentence of an article being stored.
// Check is kept with the hit and returned as given: a caller that folds many
// hash values into one Key (a bucket) stores more bits of the hash there to
// tell them apart. 0 when unused.
type Term struct {
	Key      uint64
	Sentence uint16
	Check    uint16
}

// Doc is an article ready to be stored, with the terms of its sentences.
type Doc struct {
	Article   unspun.Article
	Sentences int
	Terms     []Term
}

// Stats counts what a store holds.
type Stats struct {
	Articles  int64
	Sentences int64
}

// Substitution is a word swap a copier made: the source's From became the
// copy's To on Site. Count is how many verified copies showed it.
type Substitution struct {
	Site     string
	From, To string
	Count    int64
}

// Lesson is what tracing one page taught: the word swaps its copies showed.
// Page identifies the page by ID and content (trace.PageKey), so that a
// page is learned from once, and again only when its text changes.
type Lesson struct {
	Page string
	Subs []Substitution
}

// Link is one copied sentence of a stored article, as `unspun link` keeps
// it: the copy's sentence (byte offsets in its body), the source article
// and its sentence, how alike they are, how much of the sentence the source
// covers, and how many words were changed (of which facts). Origin marks
// the sentence's first-ranked source, the one published first.
type Link struct {
	Start       int     `json:"s"`
	End         int     `json:"e"`
	Source      string  `json:"src"`
	SourceStart int     `json:"ss"`
	SourceEnd   int     `json:"se"`
	Similarity  float64 `json:"sim"`
	Coverage    float64 `json:"cov"`
	Edits       int     `json:"ed,omitempty"`
	FactEdits   int     `json:"fe,omitempty"`
	Origin      bool    `json:"o,omitempty"`
}

// Links are the links of one article, and how many sentences it has (the
// denominator of its originality).
type Links struct {
	Article   string
	Sentences int
	Links     []Link
}

// Story is one story of the index as it is kept: its number (stories are
// numbered from 0 in the order clustering made them), the headline that
// names it, its first and last known publication dates, and its members in
// the order they joined.
type Story struct {
	Number      int
	Title       string
	First, Last time.Time
	Members     []StoryMember
}

// StoryMember is what a story keeps of an article: enough to list it
// without reading the article.
type StoryMember struct {
	ID, URL, Site string
	Published     time.Time
}

// Store is an index of articles. Implementations are safe for concurrent
// use by one process.
type Store interface {
	// Put stores docs and their terms, replacing any article with the same
	// ID (its old postings no longer resolve: Doc reports ErrNotFound for the
	// old number). When docs holds one ID twice the last one wins. Put is
	// atomic and durable: when it returns nil every doc survives a crash;
	// when it returns an error none was stored. An article without an ID
	// gives an error wrapping unspun.ErrInvalid and nothing is stored.
	Put(ctx context.Context, docs []Doc) error

	// Get returns the article with the given ID, or an error wrapping
	// unspun.ErrNotFound.
	Get(ctx context.Context, id string) (unspun.Article, error)

	// Doc returns the article with the given internal number, or an error
	// wrapping unspun.ErrNotFound when there is none or it was replaced.
	Doc(ctx context.Context, doc uint32) (unspun.Article, error)

	// Number returns the internal number of the article with the given
	// ID (the number its hits carry), or an error wrapping
	// unspun.ErrNotFound. A trace of a stored article passes over its own
	// sentences by number, without reading the article back.
	Number(ctx context.Context, id string) (uint32, error)

	// Postings appends to dst the hits of a term, in ascending order of
	// their articles' numbers, and returns them with the term's posting
	// count df. When df exceeds max (and max > 0) the hits are
	// not decoded and dst is returned unchanged, so a caller can skip common
	// terms cheaply. Hits of replaced articles may still be listed.
	Postings(ctx context.Context, key uint64, max int, dst []Hit) (hits []Hit, df int, err error)

	// Dates returns the publication time of every live article (Unix
	// nanoseconds, 0 when unknown) at its internal number; numbers that
	// hold no live article have 0. A run that traces many pages against
	// articles published before them (link) reads it once.
	Dates(ctx context.Context) ([]int64, error)

	// Stats returns the number of live articles and of their sentences.
	Stats(ctx context.Context) (Stats, error)

	// Articles calls fn for every live article, in no particular order, and
	// stops at the first error fn returns, returning it.
	Articles(ctx context.Context, fn func(unspun.Article) error) error

	// Learn stores what tracing pages taught: for each lesson whose Page
	// was not learned from before, it adds each substitution's Count to
	// the stored count of its (Site, From, To) and records the page with
	// its substitutions; a lesson of a page already recorded (or repeated
	// in lessons) is passed over, so that tracing a page again is not new
	// evidence. It returns how many lessons were new. It is atomic and
	// durable like Put.
	Learn(ctx context.Context, lessons []Lesson) (int, error)

	// Lesson returns the substitutions recorded for page by Learn, and
	// whether the page was learned from at all.
	Lesson(ctx context.Context, page string) ([]Substitution, bool, error)

	// Substitutions returns the learned substitutions of site, or of all
	// sites summed over sites (Site "") when site is "", most frequent first
	// and then by From and To.
	Substitutions(ctx context.Context, site string) ([]Substitution, error)

	// PutLinks stores the links of each article, replacing those stored
	// before; an article with no link gets an empty record (linked, nothing
	// found). It is atomic and durable like Put: an article's links are all
	// there or none. Put drops the links of an article it replaces.
	PutLinks(ctx context.Context, links []Links) error

	// ArticleLinks returns the links of the article with the given ID, and
	// whether it was linked at all.
	ArticleLinks(ctx context.Context, id string) (Links, bool, error)

	// AllLinks calls fn for the links of every linked article, in no
	// particular order, and stops at the first error fn returns.
	AllLinks(ctx context.Context, fn func(Links) error) error

	// PutStories replaces the stored stories with stories, atomically and
	// durably like Put. Put makes stored stories stale: from then on
	// Stories and StoryOf report none stored until PutStories is called
	// again, so a caller never reads stories that leave an article out.
	PutStories(ctx context.Context, stories []Story) error

	// Stories calls fn for every stored story in number order and reports
	// whether stories are stored (false: none were, or an article was put
	// since; fn is not called).
	Stories(ctx context.Context, fn func(Story) error) (bool, error)

	// StoryOf returns the number of the stored story the article with the
	// given ID belongs to, and whether there is one (false also when the
	// stories are stale).
	StoryOf(ctx context.Context, id string) (int, bool, error)

	// Close releases the store. Every call after Close returns an error.
	Close() error
}

// SortSubstitutions orders substitutions as Store.Substitutions returns them:
// most frequent first, then by From and To.
func SortSubstitutions(s []Substitution) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Count != s[j].Count {
			return s[i].Count > s[j].Count
		}
		if s[i].From != s[j].From {
			return s[i].From < s[j].From
		}
		return s[i].To < s[j].To
	})
}
