package main

import (
	"context"
	"fmt"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/story"
)

const storiesHelp = `
Usage: unspun stories [--format text|json] PATH...
       unspun stories [--db DIR] [--format text|json]

Groups articles into stories: the articles that report one event. Articles
are taken in publication order; each joins the most similar story (TF-IDF of
its words, headline and lead weighted up, names weighted up) that has a
member published within 180 days of it, or starts one; a second pass joins
stories whose centroids are as similar. With PATHs, the given
articles (in memory); without, every article of the index. Stories are not
yet kept in the index: each run clusters anew.
`

func runStories(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("stories", storiesHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB), when no PATH is given")
	format := formatFlag(fs, "output format: text or json (JSON Lines, one story a line)", "text", "json")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	var arts []unspun.Article
	collect := func(art unspun.Article) error { arts = append(arts, art); return nil }
	in := &inputs{a: a}
	if len(paths) > 0 {
		if !a.needInput("stories", paths) {
			return exitUsage
		}
		if err := in.each(ctx, paths, collect); err != nil {
			return a.fail("stories", err)
		}
	} else {
		s, err := a.openDB(*db, false)
		if err != nil {
			return a.fail("stories", err)
		}
		defer s.Close()
		if err := s.Articles(ctx, collect); err != nil {
			return a.fail("stories", err)
		}
	}
	start := time.Now()
	stories, err := story.Cluster(ctx, arts, story.DefaultOptions)
	if err != nil {
		return a.fail("stories", err)
	}
	for n, st := range stories {
		if format.value == "json" {
			if err := report.WriteJSON(a.stdout, report.Story(n, st)); err != nil {
				return a.fail("stories", err)
			}
			continue
		}
		dates := "date unknown"
		if !st.First.IsZero() {
			dates = st.First.Format("2006-01-02") + " to " + st.Last.Format("2006-01-02")
		}
		fmt.Fprintf(a.stdout, "story %d · %s · %s\n  %s\n", n, report.Plural(len(st.Members), "article"), dates, st.Title)
		for _, m := range st.Members {
			fmt.Fprintf(a.stdout, "    %s  %s\n", m.Site, m.ID)
		}
		fmt.Fprintln(a.stdout)
	}
	fmt.Fprintf(a.stderr, "%s in %s, skipped %s%s, in %.2fs\n", storiesCount(len(stories)), report.Plural(len(arts), "article"),
		report.Plural(in.skipped, "bad record"), in.passedOver(), time.Since(start).Seconds())
	return in.status()
}

func storiesCount(n int) string {
	if n == 1 {
		return "1 story"
	}
	return fmt.Sprintf("%d stories", n)
}
