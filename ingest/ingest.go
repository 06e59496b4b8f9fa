// Package ingest adds articles to a store as a pipeline: reading, analysis
// (sentences, units, index terms) on every core, and durable batched writes
// overlap, so that neither the disk nor the CPUs wait for the other.
package ingest

import (
	"context"
	"runtime"
	"sync"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/story"
	"github.com/unspun/unspun/text"
)

// Putter is what ingesting needs of a store.
type Putter interface {
	Put(ctx context.Context, docs []store.Doc) error
}

// Pipeline adds articles to a store in batches. The zero value of each
// field means its default.
type Pipeline struct {
	Store         Putter
	Aliases       *align.Aliases // default align.DefaultAliases
	Workers       int            // analysis goroutines; default GOMAXPROCS
	BatchArticles int            // default 2,000
	BatchBytes    int            // default 16 MiB of body text
	// Stored, if set, is called after each batch is durable, with the
	// number of articles stored so far and the batch.
	Stored func(total int, batch []unspun.Article)
	// Stories, if set, has each article's story doc built from the tokens
	// of its analysis and kept in StoryDocs by ID once the article is
	// stored (a later article of the same ID replaces the earlier, as in
	// the store), so that clustering the index after the run does not
	// tokenise these articles again.
	Stories   *story.Options
	StoryDocs map[string]story.Doc
}

// Run calls read, which emits articles, and stores them. It returns how
// many articles are durably stored, which is all of them when err is nil;
// on an error, the batches stored before it stay stored.
func (p *Pipeline) Run(ctx context.Context, read func(emit func(unspun.Article) error) error) (int, error) {
	if p.Aliases == nil {
		p.Aliases = align.DefaultAliases
	}
	if p.Workers <= 0 {
		p.Workers = runtime.GOMAXPROCS(0)
	}
	if p.BatchArticles <= 0 {
		p.BatchArticles = 2000
	}
	if p.BatchBytes <= 0 {
		p.BatchBytes = 16 << 20
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type batch struct {
		arts  []unspun.Article
		docs  []store.Doc
		sdocs []story.Doc // when p.Stories is set
	}
	if p.Stories != nil && p.StoryDocs == nil {
		p.StoryDocs = map[string]story.Doc{}
	}
	toAnalyze := make(chan batch, 1)
	toWrite := make(chan batch, 1)
	var analyzeErr error
	go func() { // analysis: one batch at a time, on every core
		defer close(toWrite)
		for b := range toAnalyze {
			b.docs, b.sdocs = p.analyze(b.arts)
			select {
			case toWrite <- b:
			case <-ctx.Done():
				analyzeErr = ctx.Err()
				for range toAnalyze {
				}
				return
			}
		}
	}()
	stored := 0
	writeErr := make(chan error, 1)
	go func() { // durable writes, in order
		var err error
		for b := range toWrite {
			if err != nil {
				continue // drain
			}
			if err = p.Store.Put(ctx, b.docs); err != nil {
				cancel()
				continue
			}
			stored += len(b.arts)
			for _, d := range b.sdocs {
				p.StoryDocs[d.Article.ID] = d
			}
			if p.Stored != nil {
				p.Stored(stored, b.arts)
			}
		}
		writeErr <- err
	}()

	var cur []unspun.Article
	curBytes := 0
	send := func() error {
		if len(cur) == 0 {
			return nil
		}
		select {
		case toAnalyze <- batch{arts: cur}:
		case <-ctx.Done():
			return ctx.Err()
		}
		cur, curBytes = nil, 0
		return nil
	}
	readErr := read(func(a unspun.Article) error {
		cur = append(cur, a)
		curBytes += len(a.Body)
		if len(cur) >= p.BatchArticles || curBytes >= p.BatchBytes {
			return send()
		}
		return nil
	})
	if readErr == nil {
		readErr = send()
	}
	close(toAnalyze)
	err := <-writeErr
	if err == nil && analyzeErr != nil {
		err = analyzeErr
	}
	if err == nil && readErr != nil {
		err = readErr
	}
	return stored, err
}

// analyze prepares a batch for storing on every core, with the story docs
// of its articles when p.Stories is set.
func (p *Pipeline) analyze(arts []unspun.Article) ([]store.Doc, []story.Doc) {
	docs := make([]store.Doc, len(arts))
	var sdocs []story.Doc
	if p.Stories != nil {
		sdocs = make([]story.Doc, len(arts))
	}
	var wg sync.WaitGroup
	for w := range p.Workers {
		wg.Go(func() {
			var b *story.Builder
			var each func([]text.WordKey) // the story doc's sentences, from the analysis' words
			if sdocs != nil {
				b = story.NewBuilder(*p.Stories)
				each = b.Sentence
			}
			for i := w; i < len(arts); i += p.Workers {
				if b != nil {
					b.Begin(arts[i])
				}
				docs[i] = index.DocEach(arts[i], p.Aliases, each)
				if b != nil {
					sdocs[i] = b.End()
				}
			}
		})
	}
	wg.Wait()
	return docs, sdocs
}
