package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/trace"
)

const traceHelp = `
Usage: unspun trace [--db DIR] [--format text|json] PATH...

Traces each article against the index: for every sentence, the stored
articles it was copied from, the earliest of them (the origin), the
similarity and the words the copy changed. An article never counts as its
own source (same id or same URL). Word swaps of verified copies are learned
into the spin lexicon (see 'unspun lexicon') unless --learn=false.
`

func runTrace(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("trace", traceHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	format := fs.String("format", "text", "output format: text or json (JSON Lines, see docs/json.md)")
	learn := fs.Bool("learn", true, "learn the word swaps of verified copies into the spin lexicon")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if err := formatFlag("trace", *format, "text", "json"); err != nil {
		fmt.Fprintln(a.stderr, err)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(a.stderr, "unspun trace: no input: give files, directories or - for stdin")
		return exitUsage
	}
	s, err := a.openDB(*db)
	if err != nil {
		return a.fail("trace", err)
	}
	defer s.Close()
	opts := trace.DefaultOptions
	opts.Learn = *learn
	in := &inputs{a: a}
	style := report.Style{Color: isTerminal(a.stdout)}
	write := func(tr unspun.Trace) error {
		if *format == "json" {
			return report.WriteJSON(a.stdout, report.Trace(tr))
		}
		return report.WriteTrace(a.stdout, tr, style)
	}
	traced, err := traceAll(ctx, s, opts, func(emit func(unspun.Article) error) error {
		return in.each(ctx, paths, emit)
	}, write)
	if err != nil {
		return a.fail("trace", err)
	}
	fmt.Fprintf(a.stderr, "traced %d articles, skipped %d bad records\n", traced, in.skipped)
	return in.status()
}

// traceAll traces the articles that read produces on every core and writes
// the traces in input order.
func traceAll(ctx context.Context, s store.Store, opts trace.Options, read func(func(unspun.Article) error) error, write func(unspun.Trace) error) (int, error) {
	lex, err := trace.LoadLexicon(ctx, s, opts.LexiconCount)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		seq int
		art unspun.Article
	}
	type result struct {
		seq int
		tr  unspun.Trace
		err error
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, workers)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		t, err := trace.New(ctx, s, lex, opts)
		if err != nil {
			return 0, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				tr, err := t.Trace(ctx, j.art)
				tr.Quotes = traceQuotes(tr)
				tr.Summary = trace.Summarize(tr)
				results <- result{j.seq, tr, err}
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		seq := 0
		err := read(func(art unspun.Article) error {
			select {
			case jobs <- job{seq, art}:
				seq++
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(jobs)
		wg.Wait()
		close(results)
		readErr <- err
	}()
	pending := map[int]unspun.Trace{}
	next, firstErr := 0, error(nil)
	for r := range results {
		if r.err != nil && firstErr == nil {
			firstErr = r.err
			cancel()
		}
		pending[r.seq] = r.tr
		for {
			tr, ok := pending[next]
			if !ok || firstErr != nil {
				break
			}
			delete(pending, next)
			next++
			if err := write(tr); err != nil {
				firstErr = err
				cancel()
			}
		}
	}
	if err := <-readErr; err != nil && firstErr == nil {
		firstErr = err
	}
	if opts.Learn {
		if err := lex.Flush(context.WithoutCancel(ctx), s); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return next, firstErr
}

// traceQuotes returns the quotes of a traced article. Quote extraction is
// not built yet (issue: quotes); the contract's field is an empty list.
func traceQuotes(unspun.Trace) []unspun.Quote { return nil }
