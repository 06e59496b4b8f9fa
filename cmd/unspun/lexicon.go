package main

import (
	"context"
	"fmt"

	"github.com/unspun/unspun/report"
)

const lexiconHelp = `
Usage: unspun lexicon [--db DIR] [--site SITE] [--min N] [--format text|json]

Prints the spin lexicon: the word swaps (source word → copy word) that
verified copies showed, learned by 'unspun trace', most frequent first. With
--site, only the swaps seen on that site: a site's set of swaps is a
fingerprint of the spinner it runs, shared across a farm network.
`

type substitutionRecord struct {
	Site  string `json:"site,omitempty"`
	From  string `json:"from"`
	To    string `json:"to"`
	Count int64  `json:"count"`
}

func runLexicon(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("lexicon", lexiconHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	site := fs.String("site", "", "only this site's swaps")
	minCount := fs.Int64("min", 1, "only swaps seen at least this often")
	format := formatFlag(fs, "output format: text or json", "text", "json")
	rest, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.noArgs("lexicon", rest) {
		return exitUsage
	}
	s, err := a.openDB(*db, false)
	if err != nil {
		return a.fail("lexicon", err)
	}
	defer s.Close()
	subs, err := s.Substitutions(ctx, *site)
	if err != nil {
		return a.fail("lexicon", err)
	}
	printed := 0
	for _, sub := range subs {
		if sub.Count < *minCount {
			continue
		}
		if format.value == "json" {
			if err := report.WriteJSON(a.stdout, substitutionRecord{sub.Site, sub.From, sub.To, sub.Count}); err != nil {
				return a.fail("lexicon", err)
			}
			printed++
			continue
		}
		fmt.Fprintf(a.stdout, "%6d  %s → %s\n", sub.Count, sub.From, sub.To)
		printed++
	}
	fmt.Fprintf(a.stderr, "%s of %s learned\n", report.Plural(printed, "swap"), report.Plural(len(subs), "swap"))
	return exitOK
}
