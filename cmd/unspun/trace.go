package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/trace"
)

const traceHelp = `
Usage: unspun trace [--db DIR] [--format text|json|html] PATH...

Traces each article against the index: for every sentence, the stored
articles it was copied from, the earliest of them (the origin), the
similarity and the words the copy changed. An article never counts as its
own source (same id or same URL). Word swaps of verified copies are learned
into the spin lexicon (see 'unspun lexicon') unless --learn=false.
--format html writes one self-contained page (no script, no external
request) with every article of the run: trace --format html PAGE > report.html
`

func runTrace(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("trace", traceHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	format := formatFlag(fs, "output format: text, json (JSON Lines, see docs/json.md) or html (one page)", "text", "json", "html")
	learn := fs.Bool("learn", true, "learn the word swaps of verified copies into the spin lexicon")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "articles traced at once")
	maxDF := fs.Int("max-df", 0, "skip index words in more stored sentences than this (0: automatic)")
	stats := fs.Bool("stats", false, "print per-article latency percentiles and peak memory to stderr")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.needInput("trace", paths) {
		return exitUsage
	}
	s, err := a.openDB(*db, false)
	if err != nil {
		return a.fail("trace", err)
	}
	defer s.Close()
	a.noteUnfolded("trace", *db, s)
	opts := trace.DefaultOptions
	opts.Learn = *learn
	opts.MaxDF = *maxDF
	in := &inputs{a: a}
	style := report.Style{Color: a.color(a.stdout)}
	page := report.NewHTMLReport(a.stdout)
	if format.value == "html" {
		if err := page.Begin("unspun trace"); err != nil {
			return a.fail("trace", err)
		}
	}
	write := func(tr unspun.Trace) error {
		for _, l := range tr.Limits {
			fmt.Fprintf(a.stderr, "unspun trace: %s: %s\n", tr.Article.ID, l)
		}
		switch format.value {
		case "json":
			return report.WriteJSON(a.stdout, report.Trace(tr))
		case "html":
			return page.Trace(tr)
		}
		return report.WriteTrace(a.stdout, tr, style)
	}
	var lat latencies
	traced, err := traceAll(ctx, s, opts, *workers, &lat, func(emit func(unspun.Article) error) error {
		return in.each(ctx, paths, emit)
	}, write)
	if format.value == "html" {
		if err := page.End(); err != nil {
			return a.fail("trace", err)
		}
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(a.stderr, "unspun trace: interrupted: %s traced\n", report.Plural(traced, "article"))
		return exitInterrupted
	}
	if err != nil {
		return a.fail("trace", err)
	}
	fmt.Fprintln(a.stderr, in.summary("traced", traced))
	if *stats {
		fmt.Fprintln(a.stderr, lat.summary())
	}
	return in.status()
}

// postingCacheHits bounds the posting lists a trace or link run keeps:
// 32M hits, 256 MiB (at 100k articles 8M hits held too few: link ran at
// half the speed).
const postingCacheHits = 32 << 20

// traceAll traces the articles that read produces on every core and writes
// the traces in input order. It returns how many were written.
func traceAll(ctx context.Context, s store.Store, opts trace.Options, workers int, lat *latencies, read func(func(unspun.Article) error) error, write func(unspun.Trace) error) (int, error) {
	lex, err := trace.LoadLexicon(ctx, s, opts.LexiconCount)
	if err != nil {
		return 0, err
	}
	if opts.Postings == nil {
		// Nothing is put while the run traces: the workers share the
		// posting lists they read.
		opts.Postings = index.NewPostingCache(postingCacheHits)
	}
	type result struct {
		tr  unspun.Trace
		err error
	}
	written := 0
	_, err = inOrder(ctx, workers, read, func() (func(unspun.Article) result, error) {
		t, err := trace.New(ctx, s, lex, opts)
		if err != nil {
			return nil, err
		}
		return func(art unspun.Article) result {
			start := time.Now()
			tr, err := t.Trace(ctx, art)
			lat.add(time.Since(start))
			return result{tr, err}
		}, nil
	}, func(r result) error {
		if r.err != nil {
			return r.err
		}
		written++
		return write(r.tr)
	})
	if opts.Learn {
		if ferr := lex.Flush(context.WithoutCancel(ctx), s); ferr != nil && err == nil {
			err = ferr
		}
	}
	return written, err
}

// latencies collects per-article trace times for --stats.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return "stats: no articles traced"
	}
	slices.Sort(l.d)
	pct := func(p float64) float64 {
		return float64(l.d[min(len(l.d)-1, int(p*float64(len(l.d))))].Microseconds()) / 1000
	}
	return fmt.Sprintf("stats: %d articles, trace ms per article: median %.2f p90 %.2f p99 %.2f max %.2f; peak RSS %s",
		len(l.d), pct(0.5), pct(0.9), pct(0.99), pct(1), peakRSS())
}

// peakRSS reads the process's peak resident set size from /proc (Linux).
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
