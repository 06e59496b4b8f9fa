// Package demo bundles the demo corpus: an invented news story covered by
// invented outlets on different days (corpus.jsonl), and content-farm pages
// stitched and spun from them (farm.jsonl). Every sentence in it was written
// for unspun; none is real reporting.
package demo

import (
	"bytes"
	_ "embed"
	"os"
	"path/filepath"
)

//go:embed corpus.jsonl
var corpus []byte

//go:embed farm.jsonl
var farm []byte

// Files are the demo files written to a directory.
type Files struct {
	Corpus   string // path of the source articles
	Farm     string // path of the farm pages
	Articles int    // number of source articles
	Pages    int    // number of farm pages
}

// Write writes the demo files into dir.
func Write(dir string) (Files, error) {
	f := Files{Corpus: filepath.Join(dir, "corpus.jsonl"), Farm: filepath.Join(dir, "farm.jsonl"),
		Articles: bytes.Count(corpus, []byte("\n")), Pages: bytes.Count(farm, []byte("\n"))}
	if err := os.WriteFile(f.Corpus, corpus, 0o644); err != nil {
		return f, err
	}
	return f, os.WriteFile(f.Farm, farm, 0o644)
}

// Corpus returns the source articles as JSON Lines.
func Corpus() []byte { return corpus }

// Farm returns the farm pages as JSON Lines.
func Farm() []byte { return farm }
