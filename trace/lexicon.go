package trace

import (
	"context"
	"fmt"
	"strings"
	"sync"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/text"
)

// Lexicon is the spin dictionary learned from verified copies: how often
// each (source word, copy word) swap was seen, over all sites. A swap seen
// at least MinCount times counts as equal words in the verifier, so a
// spinner's dictionary, once learned, stops hiding its copies.
//
// What a run learns is stored by Flush and used from the next load on, not
// within the run: tracers share a lexicon across goroutines, and a trace
// must not depend on which article another goroutine finished first. A page
// is learned from once (store.Store.Learn), and a page traced again does
// not see its own lesson (Without), so re-tracing neither adds evidence nor
// changes the output.
type Lexicon struct {
	MinCount int64

	mu      sync.RWMutex
	counts  map[[2]string]int64
	pending map[string]map[store.Substitution]int64 // by page key: learned, not yet stored
}

// NewLexicon returns an empty lexicon.
func NewLexicon(minCount int64) *Lexicon {
	return &Lexicon{MinCount: minCount, counts: map[[2]string]int64{}, pending: map[string]map[store.Substitution]int64{}}
}

// PageKey identifies a page by ID and content for learning: the same page
// re-crawled with a new text is a new lesson.
func PageKey(a unspun.Article) string {
	return fmt.Sprintf("%016x%016x", fingerprint.Hash(a.ID), fingerprint.Hash(a.Body))
}

// LoadLexicon reads the learned substitutions of every site from s.
func LoadLexicon(ctx context.Context, s store.Store, minCount int64) (*Lexicon, error) {
	subs, err := s.Substitutions(ctx, "")
	if err != nil {
		return nil, err
	}
	l := NewLexicon(minCount)
	for _, sub := range subs {
		l.counts[[2]string{sub.From, sub.To}] += sub.Count
	}
	return l, nil
}

// Known implements align.Lexicon.
func (l *Lexicon) Known(from, to string) bool {
	if l == nil {
		return false
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.counts[[2]string{from, to}] >= l.MinCount
}

// Without returns a view of l that leaves out one page's own lesson: the
// lexicon a page traced again must see, so that its output does not change.
func (l *Lexicon) Without(own []store.Substitution) align.Lexicon {
	if len(own) == 0 {
		return l
	}
	v := lexiconView{l: l, own: map[[2]string]int64{}}
	for _, s := range own {
		v.own[[2]string{s.From, s.To}] += s.Count
	}
	return v
}

type lexiconView struct {
	l   *Lexicon
	own map[[2]string]int64
}

func (v lexiconView) Known(from, to string) bool {
	v.l.mu.RLock()
	defer v.l.mu.RUnlock()
	k := [2]string{from, to}
	return v.l.counts[k]-v.own[k] >= v.l.MinCount
}

// Learn records one swap seen on site in the page with key page, for Flush
// to store. Words are folded as the index folds them, so "Harbour" and
// "harbour" are one entry.
func (l *Lexicon) Learn(page, site, from, to string) {
	from, to = foldPhrase(from), foldPhrase(to)
	if from == "" || to == "" || from == to {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	subs := l.pending[page]
	if subs == nil {
		subs = map[store.Substitution]int64{}
		l.pending[page] = subs
	}
	subs[store.Substitution{Site: site, From: from, To: to}]++
}

// Seen records that the page with key page was traced, also when it taught
// nothing, so that a later change of the verifier does not learn from it.
func (l *Lexicon) Seen(page string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending[page] == nil {
		l.pending[page] = map[store.Substitution]int64{}
	}
}

func foldPhrase(s string) string { return strings.Join(text.FoldWords(s), " ") }

// Flush stores what was learned since the last Flush, one lesson per page;
// pages learned from before are passed over by the store.
func (l *Lexicon) Flush(ctx context.Context, s store.Store) error {
	l.mu.Lock()
	lessons := make([]store.Lesson, 0, len(l.pending))
	for page, subs := range l.pending {
		lesson := store.Lesson{Page: page}
		for k, n := range subs {
			k.Count = n
			lesson.Subs = append(lesson.Subs, k)
		}
		store.SortSubstitutions(lesson.Subs)
		lessons = append(lessons, lesson)
	}
	clear(l.pending)
	l.mu.Unlock()
	if len(lessons) == 0 {
		return nil
	}
	_, err := s.Learn(ctx, lessons)
	return err
}
