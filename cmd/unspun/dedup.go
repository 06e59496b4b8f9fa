package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/dedup"
	"github.com/unspun/unspun/report"
)

const dedupHelp = `
Usage: unspun dedup [--threshold J] [--format text|json] PATH...
       unspun dedup [--threshold J] [--format text|json] --db DIR

Finds the clusters of near-duplicate articles: articles whose word 3-gram
sets have a Jaccard similarity of at least J (default 0.8), estimated from
256-bin MinHash sketches and found through LSH bands tuned to J. Each
cluster names its earliest member (the earliest published; unknown dates
after known ones, ties in input order) first, and every member's similarity
to it. Reads every input format, or with --db the index's articles. Memory
grows with the number of articles (2–4 KB each), not with their text.
`

func runDedup(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("dedup", dedupHelp)
	threshold := fs.Float64("threshold", 0.8, "Jaccard similarity of word 3-grams at which two articles are near-duplicates (0 < J ≤ 1)")
	format := formatFlag(fs, "output format: text or json (JSON Lines, one cluster a line)", "text", "json")
	db := fs.String("db", "", "dedup the articles of this index instead of PATHs")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "articles sketched in parallel")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if *threshold <= 0 || *threshold > 1 {
		fmt.Fprintln(a.stderr, "unspun dedup: --threshold must be in (0, 1]")
		return exitUsage
	}
	if *db != "" && !a.noArgs("dedup --db", paths) || *db == "" && !a.needInput("dedup", paths) {
		return exitUsage
	}
	start := time.Now()
	c := dedup.New(*threshold)
	in := &inputs{a: a}
	read := func(emit func(unspun.Article) error) error { return in.each(ctx, paths, emit) }
	if *db != "" {
		s, err := a.openDB(*db, false)
		if err != nil {
			return a.fail("dedup", err)
		}
		defer s.Close()
		read = func(emit func(unspun.Article) error) error { return s.Articles(ctx, emit) }
	}
	n, err := sketchAll(ctx, c, max(1, *workers), read)
	if err != nil {
		return a.fail("dedup", err)
	}
	clusters := c.Clusters()
	style := report.Style{Color: a.color(a.stdout)}
	for i, cl := range clusters {
		line := report.Cluster(i, cl)
		if format.value == "json" {
			if err := report.WriteJSON(a.stdout, line); err != nil {
				return a.fail("dedup", err)
			}
			continue
		}
		writeCluster(a, line, style)
	}
	p := c.Params()
	fmt.Fprintf(a.stderr, "%s in %s, skipped %s%s; %d bands of %d bins, %d candidate pairs compared, in %.2fs\n",
		report.Plural(len(clusters), "cluster"), report.Plural(n, "article"), report.Plural(in.skipped, "bad record"), in.passedOver(),
		p.Bands, p.Rows, c.Compared, time.Since(start).Seconds())
	return in.status()
}

func writeCluster(a *app, line report.ClusterJSON, st report.Style) {
	fmt.Fprintf(a.stdout, "cluster %d · %s\n", line.Cluster, report.Plural(len(line.Members), "article"))
	for k, m := range line.Members {
		date := "date unknown"
		if m.Published != nil {
			date = (*m.Published)[:10]
		}
		role := "earliest "
		if k > 0 {
			role = fmt.Sprintf("sim %.2f ", m.Similarity)
		}
		fmt.Fprintf(a.stdout, "  %s %s  %s\n", role, date, m.ID)
	}
	fmt.Fprintln(a.stdout)
}

// sketchAll sketches the articles that read produces on workers goroutines
// and adds them to c in input order, so that the clusters do not depend on
// scheduling. It returns how many articles were added.
func sketchAll(ctx context.Context, c *dedup.Clusterer, workers int, read func(func(unspun.Article) error) error) (int, error) {
	type sketched struct {
		doc  *dedup.Doc
		keys []uint64
	}
	return inOrder(ctx, workers, read, func() (func(unspun.Article) sketched, error) {
		var s dedup.Sketcher
		return func(art unspun.Article) sketched {
			d := &dedup.Doc{ID: art.ID, URL: art.URL, Published: art.Published, Sketch: s.Sketch(art.Title, art.Body)}
			return sketched{d, c.Keys(&d.Sketch, nil)}
		}, nil
	}, func(r sketched) error {
		c.Add(r.doc, r.keys)
		return nil
	})
}
