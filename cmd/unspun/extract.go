package main

import (
	"context"
	"fmt"

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
		return report.WriteJSON(a.stdout, report.Record(art))
	})
	if err != nil {
		return a.fail("extract", err)
	}
	fmt.Fprintln(a.stderr, in.summary("extracted", in.read))
	return in.status()
}
