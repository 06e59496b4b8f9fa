package main

import (
	"context"
	"fmt"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/report"
)

const extractHelp = `
Usage: unspun extract [--format json] PATH...

Prints the articles as unspun reads them, one JSON object per line in the
input schema ({"id","url","site","title","text","published","lang"}): the
converter from any supported format to JSON Lines. Offsets in every other
command's output index into this "text".
`

// articleRecord is the JSON Lines input schema.
type articleRecord struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Site      string  `json:"site"`
	Title     string  `json:"title"`
	Text      string  `json:"text"`
	Published *string `json:"published"`
	Lang      string  `json:"lang"`
}

func runExtract(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("extract", extractHelp)
	formatFlag(fs, "output format: json (JSON Lines)", "json") // validated; JSON is the only one
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.needInput("extract", paths) {
		return exitUsage
	}
	in := &inputs{a: a}
	err := in.each(ctx, paths, func(art unspun.Article) error {
		return report.WriteJSON(a.stdout, toRecord(art))
	})
	if err != nil {
		return a.fail("extract", err)
	}
	fmt.Fprintln(a.stderr, in.summary("extracted", in.read))
	return in.status()
}

func toRecord(art unspun.Article) articleRecord {
	r := articleRecord{ID: art.ID, URL: art.URL, Site: art.Site, Title: art.Title, Text: art.Body, Lang: art.Lang}
	if !art.Published.IsZero() {
		p := art.Published.Format(time.RFC3339)
		r.Published = &p
	}
	return r
}
