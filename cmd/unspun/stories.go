package main

import (
	"context"
	"fmt"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/story"
)

const storiesHelp = `
Usage: unspun stories [--format text|json] PATH...
       unspun stories [--db DIR] [--format text|json]

Groups articles into stories: the articles that report one event. Articles
are taken in publication order; each joins the most similar story (TF-IDF of
its words, headline and lead weighted up, names weighted up) that has a
member published within 180 days of it, or starts one; a second pass joins
stories whose centroids are as similar. With PATHs, the given articles (in
memory). Without, the stories of the index: 'unspun add' keeps them in it;
when articles were added since (through 'serve', or 'add --stories=false'),
they are clustered anew and kept.
`

func runStories(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("stories", storiesHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB), when no PATH is given")
	format := formatFlag(fs, "output format: text or json (JSON Lines, one story a line)", "text", "json")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	start := time.Now()
	n, articles := 0, 0
	emit := func(st story.Story) error {
		defer func() { n++ }()
		articles += len(st.Members)
		if format.value == "json" {
			return report.WriteJSON(a.stdout, report.Story(n, st))
		}
		dates := "date unknown"
		if !st.First.IsZero() {
			dates = st.First.Format("2006-01-02") + " to " + st.Last.Format("2006-01-02")
		}
		fmt.Fprintf(a.stdout, "story %d · %s · %s\n  %s\n", n, report.Plural(len(st.Members), "article"), dates, st.Title)
		for _, m := range st.Members {
			fmt.Fprintf(a.stdout, "    %s  %s\n", m.Site, m.ID)
		}
		_, err := fmt.Fprintln(a.stdout)
		return err
	}
	printAll := func(stories []story.Story) error {
		for _, st := range stories {
			if err := emit(st); err != nil {
				return err
			}
		}
		return nil
	}
	in := &inputs{a: a}
	how := ""
	if len(paths) > 0 {
		if !a.needInput("stories", paths) {
			return exitUsage
		}
		stories, err := story.Collect(ctx, func(emit func(unspun.Article) error) error { return in.each(ctx, paths, emit) }, story.DefaultOptions)
		if err == nil {
			err = printAll(stories)
		}
		if err != nil {
			return a.fail("stories", err)
		}
	} else {
		s, err := a.openDB(*db, false)
		if err != nil {
			return a.fail("stories", err)
		}
		defer s.Close()
		how = " (kept in the index)"
		stored, err := s.Stories(ctx, func(r store.Story) error { return emit(story.FromRecord(r)) })
		if err == nil && !stored {
			how = " (clustered now and kept: the index kept none, or articles were added since)"
			var stories []story.Story
			if stories, err = story.Index(ctx, s, story.DefaultOptions, nil); err == nil {
				err = printAll(stories)
			}
		}
		if err != nil {
			return a.fail("stories", err)
		}
	}
	fmt.Fprintf(a.stderr, "%s in %s%s, skipped %s%s, in %.2fs\n", storiesCount(n), report.Plural(articles, "article"), how,
		report.Plural(in.skipped, "bad record"), in.passedOver(), time.Since(start).Seconds())
	return in.status()
}

func storiesCount(n int) string {
	if n == 1 {
		return "1 story"
	}
	return fmt.Sprintf("%d stories", n)
}
