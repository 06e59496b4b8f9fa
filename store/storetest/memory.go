// Package storetest holds the conformance suite that every store.Store
// backend passes (Run) and Memory, an in-memory store for tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
)

// Memory is a store.Store held in memory, for tests. It keeps the same
// contract as the real backends, durability aside.
type Memory struct {
	mu        sync.Mutex
	closed    bool
	byID      map[string]uint32
	docs      map[uint32]memDoc
	postings  map[uint64][]store.Hit
	next      uint32
	sentences int64
	subs      map[store.Substitution]int64 // keyed with Count 0
	lessons   map[string][]store.Substitution
	links     map[string]store.Links
	stories   []store.Story // nil: none stored, or stale
	storyOf   map[string]int
}

type memDoc struct {
	article   unspun.Article
	sentences int
}

var _ store.Store = (*Memory)(nil)

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	return &Memory{byID: map[string]uint32{}, docs: map[uint32]memDoc{},
		postings: map[uint64][]store.Hit{}, next: 1, subs: map[store.Substitution]int64{},
		lessons: map[string][]store.Substitution{}, links: map[string]store.Links{}}
}

var errClosed = errors.New("store: closed")

// Put implements store.Store.
func (m *Memory) Put(ctx context.Context, docs []store.Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	for _, d := range docs {
		if d.Article.ID == "" {
			return fmt.Errorf("store: put: article without id: %w", unspun.ErrInvalid)
		}
	}
	for _, d := range docs {
		if old, ok := m.byID[d.Article.ID]; ok {
			m.sentences -= int64(m.docs[old].sentences)
			delete(m.docs, old)
			delete(m.links, d.Article.ID) // links of the old text
		}
		m.stories, m.storyOf = nil, nil
		num := m.next
		m.next++
		m.byID[d.Article.ID] = num
		m.docs[num] = memDoc{d.Article, d.Sentences}
		m.sentences += int64(d.Sentences)
		for _, t := range d.Terms {
			m.postings[t.Key] = append(m.postings[t.Key], store.Hit{Doc: num, Sentence: t.Sentence, Check: t.Check})
		}
	}
	return nil
}

// Get implements store.Store.
func (m *Memory) Get(ctx context.Context, id string) (unspun.Article, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	num, err := m.number(id)
	if err != nil {
		return unspun.Article{}, err
	}
	return m.docs[num].article, nil
}

// Number implements store.Store.
func (m *Memory) Number(ctx context.Context, id string) (uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.number(id)
}

// number is Number with m.mu held.
func (m *Memory) number(id string) (uint32, error) {
	if m.closed {
		return 0, errClosed
	}
	if num, ok := m.byID[id]; ok {
		return num, nil
	}
	return 0, fmt.Errorf("store: get %q: %w", id, unspun.ErrNotFound)
}

// Doc implements store.Store.
func (m *Memory) Doc(ctx context.Context, doc uint32) (unspun.Article, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return unspun.Article{}, errClosed
	}
	if d, ok := m.docs[doc]; ok {
		return d.article, nil
	}
	return unspun.Article{}, fmt.Errorf("store: doc %d: %w", doc, unspun.ErrNotFound)
}

// Dates implements store.Store.
func (m *Memory) Dates(ctx context.Context) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errClosed
	}
	out := make([]int64, m.next)
	for n, d := range m.docs {
		if !d.article.Published.IsZero() {
			out[n] = d.article.Published.UnixNano()
		}
	}
	return out, nil
}

// Postings implements store.Store.
func (m *Memory) Postings(ctx context.Context, key uint64, max int, dst []store.Hit) ([]store.Hit, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return dst, 0, errClosed
	}
	hits := m.postings[key]
	if max > 0 && len(hits) > max {
		return dst, len(hits), nil
	}
	return append(dst, hits...), len(hits), nil
}

// Stats implements store.Store.
func (m *Memory) Stats(ctx context.Context) (store.Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return store.Stats{}, errClosed
	}
	return store.Stats{Articles: int64(len(m.docs)), Sentences: m.sentences}, nil
}

// Articles implements store.Store.
func (m *Memory) Articles(ctx context.Context, fn func(unspun.Article) error) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return errClosed
	}
	list := make([]unspun.Article, 0, len(m.docs))
	for _, d := range m.docs {
		list = append(list, d.article)
	}
	m.mu.Unlock()
	for _, a := range list {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// Learn implements store.Store.
func (m *Memory) Learn(ctx context.Context, lessons []store.Lesson) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, errClosed
	}
	fresh := 0
	for _, l := range lessons {
		if _, ok := m.lessons[l.Page]; ok {
			continue
		}
		m.lessons[l.Page] = append([]store.Substitution{}, l.Subs...)
		for _, s := range l.Subs {
			m.subs[store.Substitution{Site: s.Site, From: s.From, To: s.To}] += s.Count
		}
		fresh++
	}
	return fresh, nil
}

// Lesson implements store.Store.
func (m *Memory) Lesson(ctx context.Context, page string) ([]store.Substitution, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, false, errClosed
	}
	subs, ok := m.lessons[page]
	return append([]store.Substitution(nil), subs...), ok, nil
}

// Substitutions implements store.Store.
func (m *Memory) Substitutions(ctx context.Context, site string) ([]store.Substitution, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errClosed
	}
	sum := map[store.Substitution]int64{}
	for k, n := range m.subs {
		if site != "" && k.Site != site {
			continue
		}
		if site == "" {
			k.Site = ""
		}
		sum[k] += n
	}
	out := make([]store.Substitution, 0, len(sum))
	for k, n := range sum {
		k.Count = n
		out = append(out, k)
	}
	store.SortSubstitutions(out)
	return out, nil
}

// PutLinks implements store.Store.
func (m *Memory) PutLinks(ctx context.Context, links []store.Links) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	for _, l := range links {
		if l.Article == "" {
			return fmt.Errorf("store: put links: no article id: %w", unspun.ErrInvalid)
		}
	}
	for _, l := range links {
		l.Links = append([]store.Link(nil), l.Links...)
		m.links[l.Article] = l
	}
	return nil
}

// ArticleLinks implements store.Store.
func (m *Memory) ArticleLinks(ctx context.Context, id string) (store.Links, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return store.Links{}, false, errClosed
	}
	l, ok := m.links[id]
	l.Links = append([]store.Link(nil), l.Links...)
	return l, ok, nil
}

// AllLinks implements store.Store.
func (m *Memory) AllLinks(ctx context.Context, fn func(store.Links) error) error {
	m.mu.Lock()
	all := make([]store.Links, 0, len(m.links))
	for _, l := range m.links {
		all = append(all, l)
	}
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return errClosed
	}
	for _, l := range all {
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

// Close implements store.Store.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// PutStories implements store.Store.
func (m *Memory) PutStories(ctx context.Context, stories []store.Story) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	m.stories, m.storyOf = make([]store.Story, len(stories)), map[string]int{}
	for k, s := range stories {
		s.Members = append([]store.StoryMember(nil), s.Members...)
		m.stories[k] = s
		for _, a := range s.Members {
			m.storyOf[a.ID] = s.Number
		}
	}
	return nil
}

// Stories implements store.Store.
func (m *Memory) Stories(ctx context.Context, fn func(store.Story) error) (bool, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return false, errClosed
	}
	stories := m.stories
	m.mu.Unlock()
	if stories == nil {
		return false, nil
	}
	for _, s := range stories {
		s.Members = append([]store.StoryMember(nil), s.Members...)
		if err := fn(s); err != nil {
			return true, err
		}
	}
	return true, nil
}

// StoryOf implements store.Store.
func (m *Memory) StoryOf(ctx context.Context, id string) (int, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, false, errClosed
	}
	n, ok := m.storyOf[id]
	return n, ok, nil
}
