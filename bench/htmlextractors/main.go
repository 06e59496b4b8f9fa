// Command htmlextractors stands in for `unspun extract --format json` so
// that the evaluation kit's scorer can measure candidate HTML extractors on
// equal terms: each page is parsed with golang.org/x/net/html from its raw
// bytes (the evaluation pages are UTF-8) and handed to the extractor named
// by $EXTRACTOR. It lives in its own module so that unspun does not depend
// on the extractors it did not choose.
//
//	go build -o /tmp/htmlextractors . &&
//	EXTRACTOR=readability python3 ../shared/eval/score.py html --unspun /tmp/htmlextractors --data ../shared/eval/html
//
// EXTRACTOR is one of trafilatura-fallback (unspun's choice), trafilatura,
// trafilatura-precision, trafilatura-readeck (readeck's result as
// trafilatura's readability candidate), readability.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

func main() {
	mode := os.Getenv("EXTRACTOR")
	enc := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		if strings.HasPrefix(path, "-") || path == "extract" || path == "json" {
			continue // the scorer's "extract --format json"
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			continue
		}
		text, err := extract(mode, doc)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
		}
		enc.Encode(map[string]string{"id": path, "text": text})
	}
}

func extract(mode string, doc *html.Node) (string, error) {
	if mode == "readability" {
		a, err := readability.FromDocument(doc, nil)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		err = a.RenderText(&b)
		return b.String(), err
	}
	opts := trafilatura.Options{ExcludeComments: true}
	switch mode {
	case "trafilatura":
	case "trafilatura-fallback", "":
		opts.EnableFallback = true
	case "trafilatura-precision":
		opts.EnableFallback = true
		opts.Focus = trafilatura.FavorPrecision
	case "trafilatura-readeck":
		opts.EnableFallback = true
		if a, err := readability.FromDocument(dom.Clone(doc, true), nil); err == nil {
			opts.FallbackCandidates = &trafilatura.FallbackCandidates{Readability: a.Node}
		}
	default:
		return "", fmt.Errorf("unknown EXTRACTOR %q", mode)
	}
	res, err := trafilatura.ExtractDocument(doc, opts)
	if err != nil {
		return "", err
	}
	return res.ContentText, nil
}
