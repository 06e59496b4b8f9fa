package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/ingest"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/story"
)

const addHelp = `
Usage: unspun add [--db DIR] [-v] PATH...

Adds articles to the index. Re-adding an article with the same id replaces it.
Articles are stored in batches; a batch is durable when it is reported
(-v prints one line per stored batch, naming its last article). When all are
stored the index is compacted (see 'unspun compact') and its articles are
grouped into stories, kept in the index (see 'unspun stories'; the whole
index is clustered anew, so a story does not depend on the order articles
were added in, only on their dates). With --link the added articles are
then linked (see 'unspun link'), while the stories are clustered. Ends with
a summary on stderr.
`

func runAdd(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("add", addHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	verbose := fs.Bool("v", false, "print a line for every batch stored")
	compact := fs.Bool("compact", true, "compact the index when done, so that trace reads one value per word")
	stories := fs.Bool("stories", true, "then group the index's articles into stories and keep them (off: 'unspun stories --db' does it when first asked)")
	link := fs.Bool("link", false, "then trace each added article against the index and keep its links (see 'unspun link')")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.needInput("add", paths) {
		return exitUsage
	}
	s, err := a.openDB(*db, true)
	if err != nil {
		return a.fail("add", err)
	}
	defer s.Close()

	start := time.Now()
	in := &inputs{a: a, ownProgress: true} // add shows stored batches, not articles read
	progress := isTerminal(a.stderr)
	p := &ingest.Pipeline{Store: s, Stored: func(total int, batch []unspun.Article) {
		switch {
		case *verbose:
			fmt.Fprintf(a.stderr, "stored %d articles through %q\n", total, batch[len(batch)-1].ID)
		case progress:
			fmt.Fprintf(a.stderr, "\radded %d articles", total)
		}
	}}
	if *stories {
		// The articles' story docs are built from the tokens of their
		// analysis, so that clustering below tokenises only the articles
		// stored before this run.
		opts := story.DefaultOptions
		p.Stories = &opts
	}
	seen := map[string]bool{}
	again := 0 // articles whose id came earlier in this run: the later replaces the earlier
	stored, err := p.Run(ctx, func(emit func(unspun.Article) error) error {
		return in.each(ctx, paths, func(art unspun.Article) error {
			if seen[art.ID] {
				if again++; again <= 10 {
					fmt.Fprintf(a.stderr, "unspun add: id %q comes again in this input: the later article replaces the earlier\n", art.ID)
				}
			}
			seen[art.ID] = true
			return emit(art)
		})
	})
	if progress && !*verbose {
		fmt.Fprint(a.stderr, "\r\x1b[K")
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(a.stderr, "unspun add: interrupted: %s stored\n", report.Plural(stored, "article"))
		return exitInterrupted
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "unspun add: %v (%s stored before the failure)\n", err, report.Plural(stored, "article"))
		return exitFailed
	}
	if *compact && stored > 0 {
		if err := s.Compact(); err != nil {
			return a.fail("add", fmt.Errorf("compact: %w (all %d articles are stored)", err, stored))
		}
	}
	elapsed := time.Since(start)
	// With --link the stories are clustered while the articles are linked:
	// neither needs the other (PutLinks, unlike Put, leaves the stories
	// fresh), clustering is mostly one goroutine, and linking keeps about
	// 1.8 of two cores busy: at 100k this hides most of clustering's time.
	var clusters clustering
	if *stories && stored > 0 {
		clusters = clusterIndex(ctx, s, *p.Stories, p.StoryDocs)
	}
	replaced := ""
	if again > 0 {
		replaced = fmt.Sprintf(" (%d of them replaced an article with the same id given earlier in this run)", again)
	}
	added := fmt.Sprintf("%s%s, in %.2fs (%.0f articles/s)",
		in.summary("added", stored), replaced, elapsed.Seconds(), float64(stored)/max(elapsed.Seconds(), 1e-9))
	if !*link || stored == 0 {
		kept, err := clusters.wait()
		if err != nil {
			return a.fail("add", fmt.Errorf("stories: %w (all %d articles are stored)", err, stored))
		}
		if kept != "" {
			added += "; " + kept
		}
		fmt.Fprintln(a.stderr, added)
		return in.status()
	}
	fmt.Fprintln(a.stderr, added)
	// Every article is stored before any is linked, so that each finds
	// the sources it was copied from whatever their order in the input.
	ids := slices.Sorted(maps.Keys(seen))
	n, err := a.link(ctx, s, runtime.GOMAXPROCS(0), *verbose, func(emit func(unspun.Article) error) error {
		for _, id := range ids {
			art, err := s.Get(ctx, id)
			if err != nil {
				return err
			}
			if err := emit(art); err != nil {
				return err
			}
		}
		return nil
	})
	kept, kerr := clusters.wait() // before the store closes, whatever linking did
	if code := a.linked("add", n, err); code != exitOK {
		return code
	}
	if kerr != nil {
		return a.fail("add", fmt.Errorf("stories: %w (all %d articles are stored and linked)", kerr, stored))
	}
	if kept != "" {
		fmt.Fprintln(a.stderr, kept)
	}
	return in.status()
}

// clustered is how clustering the index ended.
type clustered struct {
	stories int
	took    time.Duration
	err     error
}

// clustering is a clustering of the index under way, or none when nil.
type clustering <-chan clustered

// wait waits for the clustering to end and says what it kept.
func (c clustering) wait() (kept string, err error) {
	if c == nil {
		return "", nil
	}
	r := <-c
	if r.err != nil {
		return "", r.err
	}
	return fmt.Sprintf("%s kept in %.2fs", storiesCount(r.stories), r.took.Seconds()), nil
}

// clusterIndex clusters the index's articles into stories and keeps them,
// in a goroutine of its own.
func clusterIndex(ctx context.Context, s store.Store, opts story.Options, known map[string]story.Doc) clustering {
	done := make(chan clustered, 1)
	go func() {
		t := time.Now()
		st, err := story.Index(ctx, s, opts, known)
		done <- clustered{len(st), time.Since(t), err}
	}()
	return done
}
