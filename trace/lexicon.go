package trace

import (
	"context"
	"strings"
	"sync"

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
// must not depend on which article another goroutine finished first.
type Lexicon struct {
	MinCount int64

	mu      sync.RWMutex
	counts  map[[2]string]int64
	pending map[store.Substitution]int64 // learned, not yet stored
}

// NewLexicon returns an empty lexicon.
func NewLexicon(minCount int64) *Lexicon {
	return &Lexicon{MinCount: minCount, counts: map[[2]string]int64{}, pending: map[store.Substitution]int64{}}
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

// Learn records one swap seen on site, for Flush to store. Words are folded as the index folds
// them, so "Harbour" and "harbour" are one entry.
func (l *Lexicon) Learn(site, from, to string) {
	from, to = foldPhrase(from), foldPhrase(to)
	if from == "" || to == "" || from == to {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending[store.Substitution{Site: site, From: from, To: to}]++
}

func foldPhrase(s string) string { return strings.Join(text.FoldWords(s), " ") }

// Flush stores what was learned since the last Flush.
func (l *Lexicon) Flush(ctx context.Context, s store.Store) error {
	l.mu.Lock()
	subs := make([]store.Substitution, 0, len(l.pending))
	for k, n := range l.pending {
		k.Count = n
		subs = append(subs, k)
	}
	clear(l.pending)
	l.mu.Unlock()
	if len(subs) == 0 {
		return nil
	}
	return s.AddSubstitutions(ctx, subs)
}
