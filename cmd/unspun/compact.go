package main

import (
	"context"
	"fmt"
	"time"
)

const compactHelp = `
Usage: unspun compact [--db DIR]

Compacts the index: the segments that large add batches leave are folded
into the posting lists, every posting list is merged into one value and
every level rewritten. Each add batch appends a chunk to the posting lists
of its words, and until they are folded and merged a lookup reads and
joins them all; after a large add, compacting makes trace several times
faster. add does it when done unless --compact=false.
`

func runCompact(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("compact", compactHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	rest, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.noArgs("compact", rest) {
		return exitUsage
	}
	s, err := a.openDB(*db, false)
	if err != nil {
		return a.fail("compact", err)
	}
	defer s.Close()
	start := time.Now()
	if err := s.Compact(); err != nil {
		return a.fail("compact", err)
	}
	fmt.Fprintf(a.stderr, "compacted %s in %.1fs\n", *db, time.Since(start).Seconds())
	return exitOK
}
