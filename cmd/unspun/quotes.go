package main

import (
	"context"
	"fmt"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/quote"
	"github.com/unspun/unspun/report"
)

const quotesHelp = `
Usage: unspun quotes [--format text|json] PATH...

Lists every quote of each article with its speaker, from the article alone:
quote marks of every common style, quotes running over paragraphs, and
speakers found by cue verbs ("said", "told", "according to"), appositions,
colon lead-ins, the previous quote's speaker and pronouns, with full names
resolved from earlier mentions. A quote with no speaker is an orphan
(speaker null); 'unspun trace' recovers orphans' speakers from sources.
`

// quotesLine is one line of `unspun quotes --format json`.
type quotesLine struct {
	Article struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"article"`
	Quotes []report.QuoteJSON `json:"quotes"`
}

func runQuotes(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("quotes", quotesHelp)
	format := fs.String("format", "text", "output format: text or json (JSON Lines, see docs/json.md)")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if err := formatFlag("quotes", *format, "text", "json"); err != nil {
		fmt.Fprintln(a.stderr, err)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(a.stderr, "unspun quotes: no input: give files, directories or - for stdin")
		return exitUsage
	}
	in := &inputs{a: a}
	style := report.Style{Color: isTerminal(a.stdout)}
	err := in.each(ctx, paths, func(art unspun.Article) error {
		qs := quote.Extract(art.Body)
		if *format == "json" {
			var line quotesLine
			line.Article.ID, line.Article.Title = art.ID, art.Title
			line.Quotes = report.Quotes(qs)
			return report.WriteJSON(a.stdout, line)
		}
		return report.WriteQuotes(a.stdout, art, qs, style)
	})
	if err != nil {
		return a.fail("quotes", err)
	}
	fmt.Fprintf(a.stderr, "read %d articles, skipped %d bad records\n", in.read, in.skipped)
	return in.status()
}
