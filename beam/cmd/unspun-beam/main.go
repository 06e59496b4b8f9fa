// Command unspun-beam runs `unspun dedup` as an Apache Beam pipeline:
//
//	go run ./cmd/unspun-beam --runner=prism --input 'crawl/*.jsonl.gz' --output out/
//
// writes out/clusters.jsonl, one near-duplicate cluster a line, in the
// format of `unspun dedup --format json`. --runner is any Beam runner the
// Go SDK registers (prism in-process by default; universal with
// --endpoint for a Flink, Spark or Dataflow job server; see the README).
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	unspunbeam "github.com/unspun/unspun/beam"
)

func main() {
	input := flag.String("input", "", "glob of the input files (every format unspun reads; .gz too)")
	output := flag.String("output", "", "output directory (clusters.jsonl is written there)")
	threshold := flag.Float64("threshold", 0.8, "Jaccard similarity of word 3-grams at which two articles are near-duplicates")
	flag.Parse()
	beam.Init()
	if *input == "" || *output == "" || *threshold <= 0 || *threshold > 1 {
		log.Print("unspun-beam: give --input GLOB, --output DIR and a --threshold in (0, 1]")
		os.Exit(2)
	}
	out := strings.TrimSuffix(*output, "/") + "/clusters.jsonl" // gs://… and other file systems' paths as given
	if !strings.Contains(*output, "://") {
		if err := os.MkdirAll(*output, 0o755); err != nil {
			log.Fatalf("unspun-beam: %v", err)
		}
		out = filepath.Join(*output, "clusters.jsonl")
	}
	p, s := beam.NewPipelineWithRoot()
	unspunbeam.Write(s, *input, out, *threshold)
	if err := beamx.Run(context.Background(), p); err != nil {
		log.Fatalf("unspun-beam: %v", err)
	}
	// Beam writes no file for an empty result; an input without
	// near-duplicates still gets its (empty) clusters file.
	if !strings.Contains(*output, "://") {
		if _, err := os.Stat(out); os.IsNotExist(err) {
			if err := os.WriteFile(out, nil, 0o644); err != nil {
				log.Fatalf("unspun-beam: %v", err)
			}
		}
	}
}
