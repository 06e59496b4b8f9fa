package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/synth"
)

const synthHelp = `
Usage: unspun synth [--articles N] [--pages M] [--spin P] [--seed S] DIR
       unspun synth --world [--seed S] DIR
       unspun synth --events [--articles N] [--seed S] DIR

Writes a synthetic provenance set to DIR: corpus.jsonl (N source articles of
about 600 words in an invented vocabulary), queries.jsonl (M farm pages, each
stitched from 2–6 sources, spun, with typos and unrelated sentences) and
gold.jsonl (the source and edits of every page sentence). The layout is the
one the provenance scorer reads, so a set can be added, traced and scored.

--world writes a test world for 'unspun sites' instead: world.jsonl (20
honest outlets writing their own articles and sometimes running a wire
story word for word, the wire, and three farm networks of 3, 4 and 6 sites,
each network with its own spin dictionary and favourite sources) and
networks.json (each farm site's network: the truth to score --networks by).

--events writes a story set instead, in the layout the stories scorer reads:
articles.jsonl (N articles of about 400 words, in publication order, about
events of one to eighty articles, each event in one of 50 topics whose words
its articles share, its people often in other events too, running from
hours to four months of a year) and gold.jsonl (each article's event).
`

func runSynth(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("synth", synthHelp)
	articles := fs.Int("articles", 10000, "source articles")
	pages := fs.Int("pages", 200, "farm pages")
	spin := fs.Float64("spin", 0.3, "share of dictionary words a farm page swaps")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same set")
	world := fs.Bool("world", false, "write a test world of honest outlets and farm networks for 'unspun sites'")
	events := fs.Bool("events", false, "write a story set of articles about events for 'unspun stories'")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if *world {
		if len(paths) != 1 {
			fmt.Fprintln(a.stderr, "unspun synth: give one output directory")
			return exitUsage
		}
		w := synth.NewWorld(synth.WorldOptions{Seed: *seed})
		if err := writeWorld(paths[0], w); err != nil {
			return a.fail("synth", err)
		}
		fmt.Fprintf(a.stderr, "wrote a world of %d articles and %d farm sites to %s\n", len(w.Articles), len(w.Network), paths[0])
		return exitOK
	}
	if *events {
		if len(paths) != 1 || *articles < 1 {
			fmt.Fprintln(a.stderr, "unspun synth: give one output directory and at least one article")
			return exitUsage
		}
		n, err := writeEvents(ctx, paths[0], *articles, *seed)
		if err != nil {
			return a.fail("synth", err)
		}
		fmt.Fprintf(a.stderr, "wrote %d articles about %d events to %s\n", *articles, n, paths[0])
		return exitOK
	}
	if len(paths) != 1 || *articles < 6 || *pages < 0 || *spin < 0 || *spin > 1 {
		fmt.Fprintln(a.stderr, "unspun synth: give one output directory, at least 6 articles, no negative page count and --spin from 0 to 1")
		return exitUsage
	}
	dir := paths[0]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return a.fail("synth", err)
	}
	if err := writeSynth(ctx, dir, *articles, *pages, *spin, *seed); err != nil {
		return a.fail("synth", err)
	}
	fmt.Fprintf(a.stderr, "wrote %d articles and %d farm pages to %s\n", *articles, *pages, dir)
	return exitOK
}

func writeSynth(ctx context.Context, dir string, articles, pages int, spin float64, seed uint64) error {
	g := synth.New(synth.Options{Seed: seed})
	rng := rand.New(rand.NewPCG(seed, 7))
	const sampleSize = 5000 // farm pages draw their sources from a reservoir sample
	var sample []unspun.Article
	err := writeLines(filepath.Join(dir, "corpus.jsonl"), func(emit func(any) error) error {
		for i := range articles {
			if i%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			art := g.Article()
			if err := emit(report.Record(art)); err != nil {
				return err
			}
			if len(sample) < sampleSize {
				sample = append(sample, art)
			} else if j := rng.IntN(i + 1); j < sampleSize {
				sample[j] = art
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var golds []synth.Gold
	err = writeLines(filepath.Join(dir, "queries.jsonl"), func(emit func(any) error) error {
		for p := range pages {
			srcs := make([]unspun.Article, 2+rng.IntN(5))
			for k := range srcs {
				srcs[k] = sample[rng.IntN(len(sample))]
			}
			page, gold := g.Page(fmt.Sprintf("farm/%05d", p), srcs, 1+rng.IntN(3), spin, rng.IntN(3))
			golds = append(golds, gold)
			if err := emit(report.Record(page)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeLines(filepath.Join(dir, "gold.jsonl"), func(emit func(any) error) error {
		for _, gold := range golds {
			if err := emit(gold); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeEvents writes a story set of n articles and returns its number of
// events.
func writeEvents(ctx context.Context, dir string, n int, seed uint64) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	type goldLine struct {
		ID    string `json:"id"`
		Story string `json:"story"`
	}
	var gold []goldLine
	events := map[int]bool{}
	err := writeLines(filepath.Join(dir, "articles.jsonl"), func(emit func(any) error) error {
		return synth.Events(synth.EventOptions{Seed: seed, Articles: n}, func(ea synth.EventArticle) error {
			if len(gold)%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			gold = append(gold, goldLine{ea.ID, fmt.Sprintf("event-%d", ea.Event)})
			events[ea.Event] = true
			return emit(report.Record(ea.Article))
		})
	})
	if err != nil {
		return 0, err
	}
	return len(events), writeLines(filepath.Join(dir, "gold.jsonl"), func(emit func(any) error) error {
		for _, g := range gold {
			if err := emit(g); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeLines(path string, fill func(emit func(any) error) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(func(v any) error { return report.WriteJSON(w, v) }); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeWorld writes a synthetic world: its articles and its truth.
func writeWorld(dir string, w synth.World) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	err := writeLines(filepath.Join(dir, "world.jsonl"), func(emit func(any) error) error {
		for _, a := range w.Articles {
			if err := emit(report.Record(a)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	truth, err := json.MarshalIndent(w.Network, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "networks.json"), append(truth, '\n'), 0o644)
}
