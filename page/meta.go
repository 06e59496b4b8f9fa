package page

import (
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// metadata is what the page says about itself, read before extraction
// (the extractor prunes the tree it is given).
type metadata struct {
	title     string // <title>
	ogTitle   string // og:title
	canonical string // <link rel=canonical>
	ogURL     string // og:url
	jsonLD    time.Time
	metaDate  time.Time
	metaRank  int // index in dateMetaNames of metaDate's name
	timeDate  time.Time
	timeRank  int // 0 for <time itemprop=datePublished|pubdate>, 1 for any <time>
	textBytes int // text outside scripts, styles and templates
	elements  int
}

// dateMetaNames are <meta> names and properties that carry a publication
// date, most specific first. Modification dates are deliberately absent:
// unspun names the first publisher, and an edit date would make an
// original look like a late copy.
var dateMetaNames = []string{
	"article:published_time", "og:article:published_time", "og:published_time",
	"datepublished", "article.published", "publication_date", "publish-date",
	"publishdate", "pubdate", "parsely-pub-date", "sailthru.date", "dc.date.issued",
	"dcterms.issued", "dc.date", "dcterms.date", "dcterms.created", "date",
}

// jsonLDMax bounds the JSON-LD script read for a date; real ones are a few
// kilobytes.
const jsonLDMax = 1 << 20

func readMetadata(doc *html.Node) metadata {
	m := metadata{metaRank: len(dateMetaNames), timeRank: 2}
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			m.textBytes += len(n.Data)
		}
		if n.Type == html.ElementNode {
			m.elements++
			switch n.DataAtom {
			case atom.Style, atom.Template, atom.Noscript:
				return
			case atom.Title:
				if m.title == "" {
					m.title = collapse(textOf(n))
				}
			case atom.Link:
				if m.canonical == "" && hasToken(attr(n, "rel"), "canonical") {
					m.canonical = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Meta:
				m.readMeta(n)
			case atom.Script:
				if m.jsonLD.IsZero() && strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") {
					if s := textOf(n); len(s) <= jsonLDMax {
						m.jsonLD = jsonLDDate(s)
					}
				}
				return
			case atom.Time:
				rank := 1
				if hasToken(attr(n, "itemprop"), "datePublished") || hasAttr(n, "pubdate") {
					rank = 0
				}
				if rank < m.timeRank {
					v := attr(n, "datetime")
					if v == "" {
						v = textOf(n)
					}
					if t, ok := parseDate(v); ok {
						m.timeDate, m.timeRank = t, rank
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	return m
}

func (m *metadata) readMeta(n *html.Node) {
	content := strings.TrimSpace(attr(n, "content"))
	if content == "" {
		return
	}
	for _, key := range []string{"property", "name", "itemprop"} {
		name := strings.ToLower(strings.TrimSpace(attr(n, key)))
		if name == "" {
			continue
		}
		switch name {
		case "og:url":
			if m.ogURL == "" {
				m.ogURL = content
			}
		case "og:title":
			if m.ogTitle == "" {
				m.ogTitle = collapse(content)
			}
		}
		for rank, dn := range dateMetaNames[:m.metaRank] {
			if name == dn {
				if t, ok := parseDate(content); ok {
					m.metaDate, m.metaRank = t, rank
				}
				break
			}
		}
	}
}

// date is the publication date by the order of trust: structured data
// first, then meta tags, then a <time> element.
func (m metadata) date() time.Time {
	for _, t := range []time.Time{m.jsonLD, m.metaDate, m.timeDate} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// jsonLDDate finds datePublished in a JSON-LD script: in an article-typed
// object if there is one (a page's graph also dates its web page, images
// and breadcrumbs), else in any object.
func jsonLDDate(s string) time.Time {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), &v); err != nil {
		return time.Time{}
	}
	var article, other time.Time
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 32 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			if s, ok := x["datePublished"].(string); ok {
				if t, ok := parseDate(s); ok {
					if isArticleType(x["@type"]) {
						if article.IsZero() {
							article = t
						}
					} else if other.IsZero() {
						other = t
					}
				}
			}
			for k, e := range x {
				if k != "datePublished" {
					walk(e, depth+1)
				}
			}
		}
	}
	walk(v, 0)
	if !article.IsZero() {
		return article
	}
	return other
}

func isArticleType(t any) bool {
	switch x := t.(type) {
	case string:
		return strings.HasSuffix(x, "Article") || x == "BlogPosting" || x == "Report" || x == "LiveBlogPosting"
	case []any:
		for _, e := range x {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

// dateLayouts are the forms dates take in page metadata, tried in order.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
}

// parseDate reads a date in one of dateLayouts; a year outside 1990–2100
// is taken for junk.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if y := t.Year(); y < 1990 || y > 2100 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// hasToken reports whether a space-separated attribute value holds token,
// ignoring case.
func hasToken(list, token string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}

// textOf is the text of a node's descendants, concatenated.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// collapse trims s and turns every run of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
