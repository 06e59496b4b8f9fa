package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/trace"
)

const linkHelp = `
Usage: unspun link [--db DIR]

Traces every stored article against the index and keeps its links: each
copied sentence with its sources published before the article (a source
published after it is a later copy, not a source; an article or source
without a date counts as not later), their spans, similarity, coverage and
edit counts. 'unspun sites' reads them. Linking learns the word swaps of
verified copies into the spin lexicon, as trace does. Re-adding an article
drops its links; link it again. 'add --link' links the articles it adds.
`

func runLink(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("link", linkHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "articles traced at once")
	verbose := fs.Bool("v", false, "print a line for every batch of links stored")
	rest, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.noArgs("link", rest) {
		return exitUsage
	}
	s, err := a.openDB(*db, false)
	if err != nil {
		return a.fail("link", err)
	}
	defer s.Close()
	a.noteUnfolded("link", *db, s)
	n, err := a.link(ctx, s, *workers, *verbose, func(emit func(unspun.Article) error) error { return s.Articles(ctx, emit) })
	return a.linked("link", n, err)
}

// linked reports how linking ended.
func (a *app) linked(cmd string, n int, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(a.stderr, "unspun %s: interrupted: %s linked\n", cmd, report.Plural(n, "article"))
		return exitInterrupted
	}
	if err != nil {
		return a.fail(cmd, err)
	}
	fmt.Fprintf(a.stderr, "linked %s\n", report.Plural(n, "article"))
	return exitOK
}

// linkBatch is how many articles' links are stored at once (one durable
// write each).
const linkBatch = 256

// link traces the articles read emits and stores their links in batches.
// It returns how many articles' links are durably stored.
func (a *app) link(ctx context.Context, s store.Store, workers int, verbose bool, read func(func(unspun.Article) error) error) (int, error) {
	opts := trace.DefaultOptions
	// An article's sources are the articles published before it: those
	// published after it are not looked up at all, which spares them their
	// votes and verification (a fifth of link's time).
	dates, err := s.Dates(ctx)
	if err != nil {
		return 0, err
	}
	opts.SourceDates = index.NewDates(dates)
	var batch []store.Links
	stored := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.PutLinks(context.WithoutCancel(ctx), batch); err != nil {
			return err
		}
		stored += len(batch)
		switch {
		case verbose:
			fmt.Fprintf(a.stderr, "linked %d articles through %q\n", stored, batch[len(batch)-1].Article)
		case isTerminal(a.stderr):
			fmt.Fprintf(a.stderr, "\rlinked %d articles", stored)
		}
		batch = batch[:0]
		return nil
	}
	var lat latencies
	_, err = traceAll(ctx, s, opts, workers, &lat, read, func(tr unspun.Trace) error {
		batch = append(batch, trace.Links(tr))
		if len(batch) == linkBatch {
			return flush()
		}
		return nil
	})
	if ferr := flush(); ferr != nil && err == nil {
		err = ferr
	}
	if isTerminal(a.stderr) && !verbose && stored > 0 {
		fmt.Fprintln(a.stderr)
	}
	return stored, err
}
