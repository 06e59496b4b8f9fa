package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/store"
)

const addHelp = `
Usage: unspun add [--db DIR] PATH...

Adds articles to the index. Re-adding an article with the same id replaces it.
Articles are stored in batches; each batch is durable when it is reported
(-v prints one line per stored batch). Ends with a summary on stderr.
`

// addBatch bounds a batch by articles and by body bytes.
const (
	addBatchArticles = 2000
	addBatchBytes    = 16 << 20
)

func runAdd(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("add", addHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	verbose := fs.Bool("v", false, "print a line for every batch stored")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if len(paths) == 0 {
		fmt.Fprintln(a.stderr, "unspun add: no input: give files, directories or - for stdin")
		return exitUsage
	}
	s, err := a.openDB(*db)
	if err != nil {
		return a.fail("add", err)
	}
	defer s.Close()

	start := time.Now()
	in := &inputs{a: a}
	progress := isTerminal(a.stderr)
	stored := 0
	var batch []unspun.Article
	var batchBytes int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		docs := analyzeAll(batch)
		if err := s.Put(ctx, docs); err != nil {
			return err
		}
		stored += len(batch)
		if *verbose {
			fmt.Fprintf(a.stderr, "stored %d articles through %q\n", stored, batch[len(batch)-1].ID)
		} else if progress {
			fmt.Fprintf(a.stderr, "\radded %d articles", stored)
		}
		batch, batchBytes = batch[:0], 0
		return nil
	}
	err = in.each(ctx, paths, func(art unspun.Article) error {
		batch = append(batch, art)
		batchBytes += len(art.Body)
		if len(batch) >= addBatchArticles || batchBytes >= addBatchBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if progress && !*verbose {
		fmt.Fprint(a.stderr, "\r\x1b[K")
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "unspun add: %v (%d articles stored before the failure)\n", err, stored)
		return exitFailed
	}
	elapsed := time.Since(start)
	fmt.Fprintf(a.stderr, "added %d articles, skipped %d bad records, in %.2fs (%.0f articles/s)\n",
		stored, in.skipped, elapsed.Seconds(), float64(stored)/max(elapsed.Seconds(), 1e-9))
	return in.status()
}

// analyzeAll prepares a batch for storing on every core.
func analyzeAll(arts []unspun.Article) []store.Doc {
	docs := make([]store.Doc, len(arts))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(arts); i += workers {
				docs[i] = index.Doc(arts[i], align.DefaultAliases)
			}
		}()
	}
	wg.Wait()
	return docs
}
