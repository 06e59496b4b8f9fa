package main

import (
	"context"
	"fmt"
	"os"

	"github.com/unspun/unspun/demo"
)

const demoHelp = `
Usage: unspun demo [--format text|json] [--serve [--addr HOST:PORT] [--open]]

Indexes the bundled demo corpus (an invented story covered by invented
outlets) into a temporary index and traces the bundled farm pages against
it. Nothing is written outside the temporary directory.

With --serve it serves the web page and the API on the demo index instead
(see 'unspun serve --help'): paste a farm page from demo/farm.jsonl, or any
text, and see where it came from. Ctrl-C stops it and removes the index.
`

func runDemo(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("demo", demoHelp)
	format := formatFlag(fs, "output format: text or json", "text", "json")
	serve := fs.Bool("serve", false, "serve the web page and API on the demo index instead of tracing")
	cfg, addr, open := serveFlags(fs)
	rest, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.noArgs("demo", rest) {
		return exitUsage
	}
	dir, err := os.MkdirTemp("", "unspun-demo-")
	if err != nil {
		return a.fail("demo", err)
	}
	defer os.RemoveAll(dir)
	corpus, err := demo.Write(dir)
	if err != nil {
		return a.fail("demo", err)
	}
	db := dir + "/index"
	quiet := *a
	quiet.stderr = discard{}
	if code := runAdd(ctx, &quiet, []string{"--db", db, corpus.Corpus}); code != exitOK {
		return a.fail("demo", fmt.Errorf("indexing the demo corpus failed (status %d)", code))
	}
	if *serve {
		fmt.Fprintf(a.stderr, "unspun demo: indexed %d demo articles; the farm pages to paste are in %s\n", corpus.Articles, corpus.Farm)
		return a.serve(ctx, db, cfg(), *addr, *open)
	}
	if format.value == "text" {
		fmt.Fprintf(a.stdout, "Indexed %d demo articles; tracing %d farm pages.\n\n", corpus.Articles, corpus.Pages)
	}
	return runTrace(ctx, &quiet, []string{"--db", db, "--format", format.value, corpus.Farm})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
