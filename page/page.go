// Package page turns an HTML page into an article: the main text without
// navigation, comments, share bars and "related stories", the title, the
// canonical URL and the publication date.
//
// Main-text extraction is go-trafilatura's, with its fallback extractors on
// (the choice and its measurement are in the README). Around it this package
// adds what unspun needs and the library does not do the way we want:
// charset detection that trusts valid UTF-8 over a stale declaration, dates
// from JSON-LD, meta tags and <time> in a fixed order of trust, and a text
// rendering that keeps paragraphs apart.
package page

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	unspun "github.com/unspun/unspun"
)

// Hints are what is known about a page from outside it.
type Hints struct {
	URL         string // where the page was fetched from, if known
	ContentType string // the HTTP Content-Type header, if known (for its charset)
}

// Parse reads an HTML page. The article's URL is the page's canonical URL
// (<link rel=canonical>, else og:url), else hints.URL; Site is left for
// the caller. An error wraps unspun.ErrInvalid when the page is empty,
// cannot be parsed, or has no main text.
func Parse(data []byte, hints Hints) (a unspun.Article, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return a, fmt.Errorf("empty page: %w", unspun.ErrInvalid)
	}
	if looksBinary(data) {
		return a, fmt.Errorf("binary data, not HTML: %w", unspun.ErrInvalid)
	}
	utf8Data, _ := toUTF8(data, hints.ContentType)
	if len(utf8Data) > prescanAbove {
		if err := prescan(utf8Data); err != nil {
			return a, err
		}
	}
	doc, err := html.Parse(bytes.NewReader(utf8Data))
	if err != nil {
		// x/net/html refuses pages nested deeper than 512 elements, which
		// is also what keeps the extractor's tree walks bounded.
		return a, fmt.Errorf("unreadable HTML: %v: %w", err, unspun.ErrInvalid)
	}
	meta := readMetadata(doc)
	switch {
	case meta.textBytes > MaxTextBytes:
		return a, fmt.Errorf("%d bytes of text, more than the %d an article may have: %w", meta.textBytes, MaxTextBytes, unspun.ErrInvalid)
	case meta.elements > MaxElements:
		return a, fmt.Errorf("%d HTML elements, more than the %d a page may have: %w", meta.elements, MaxElements, unspun.ErrInvalid)
	}
	base, _ := url.Parse(hints.URL)
	opts := trafilatura.Options{
		EnableFallback:  true,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Disabled, // dates come from readMetadata
	}
	if base != nil && base.IsAbs() {
		opts.OriginalURL = base
	}
	res, err := extract(doc, opts)
	if err != nil {
		return a, err
	}
	a.Title = firstNonEmpty(collapse(res.Metadata.Title), meta.ogTitle, meta.title)
	a.Body = dropGlued(render(res.ContentNode), a.Title)
	if meta.textBytes <= smallPage {
		a.Body = preferOwnRendering(a.Body, doc)
	}
	a.Body = dropHeadline(a.Body, a.Title, meta.title)
	// On a page without a story the fallback extractors return the
	// headline alone, or the navigation; neither is an article.
	if !isArticle(a.Body) {
		return a, fmt.Errorf("no article text found (%d words, and no sentence): %w", countWords(a.Body), unspun.ErrInvalid)
	}
	// A relative canonical link resolves against where the page came from,
	// else against og:url, which is absolute by the Open Graph rules.
	ref := base
	if ref == nil || !ref.IsAbs() {
		ref, _ = url.Parse(absolute(nil, meta.ogURL))
	}
	a.URL = firstNonEmpty(absolute(ref, meta.canonical), absolute(ref, meta.ogURL), absolute(nil, hints.URL))
	a.Published = meta.date()
	if l := res.Metadata.Language; l != "" {
		a.Lang = l
	}
	return a, nil
}

// dropHeadline removes a first paragraph that is the headline (the title,
// or part of the <title> such as "Headline | Site"): the title is a field
// of its own, as in every other input format, and a body that repeats it
// would make every copy of a headline look like a copied sentence.
func dropHeadline(body string, titles ...string) string {
	first, rest, _ := strings.Cut(body, "\n\n")
	first = strings.TrimSpace(first)
	if first == "" || strings.Contains(first, "\n") {
		return body
	}
	for _, t := range titles {
		if t != "" && (first == t || (len(first) >= 12 && strings.Contains(t, first))) {
			return rest
		}
	}
	return body
}

// extract runs the extractor, turning a panic inside it into an error: the
// library is not ours and pages are hostile, and one bad page must not end
// a crawl.
func extract(doc *html.Node, opts trafilatura.Options) (res *trafilatura.ExtractResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("extractor failed: %v: %w", r, unspun.ErrInvalid)
		}
	}()
	res, err = trafilatura.ExtractDocument(doc, opts)
	if err != nil {
		return nil, fmt.Errorf("no article text found (%v): %w", err, unspun.ErrInvalid)
	}
	if res == nil || res.ContentNode == nil {
		return nil, fmt.Errorf("no article text found: %w", unspun.ErrInvalid)
	}
	return res, nil
}

// absolute resolves ref against base and returns it if it is an http(s)
// URL, else "".
func absolute(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 4096 {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil && base.IsAbs() {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// looksBinary reports whether the start of data has a NUL byte or more
// than 1% other control bytes. UTF-16 pages (which are full of NULs) are
// recognised by their byte-order mark before this is asked.
func looksBinary(data []byte) bool {
	if bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe")) {
		return false
	}
	head := data[:min(len(data), 4096)]
	controls := 0
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			controls++
		}
	}
	return controls*100 > len(head)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
