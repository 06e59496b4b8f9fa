package page

import (
	"strings"

	"golang.org/x/net/html"
)

// blockTags start and end a paragraph. The extractor's output uses HTML
// names and a few of its own (head, list, item, quote, row, cell, lb).
var blockTags = map[string]bool{
	"p": true, "div": true, "section": true, "article": true, "main": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "head": true,
	"ul": true, "ol": true, "dl": true, "li": true, "dt": true, "dd": true, "list": true, "item": true,
	"blockquote": true, "pre": true, "quote": true, "figure": true, "figcaption": true,
	"table": true, "tr": true, "row": true, "header": true, "footer": true, "aside": true,
	"hr": true, "body": true, "html": true, "details": true, "summary": true, "address": true,
}

// render turns extracted content into unspun's body text: paragraphs
// separated by a blank line, white space inside a paragraph collapsed to
// single spaces, a <br> kept as a line break. Paragraph structure matters
// downstream: quotes continue across paragraphs and headline lines end
// sentences.
func render(n *html.Node) string {
	var r renderer
	r.walk(n)
	return strings.TrimSpace(r.b.String())
}

type renderer struct {
	b       strings.Builder
	pending string // separator owed before the next word: "", " ", "\n" or "\n\n"
	// soft marks a pending " " owed only to an inline element's edge. The
	// extractor trims the text after an inline element ("<b>will</b>
	// appreciate" comes out as "will" and "appreciate"), so element edges
	// must separate words, but not push punctuation away from its word.
	soft bool
	skip map[string]bool // elements left out, with their content
}

func (r *renderer) owe(sep string) {
	if r.b.Len() == 0 {
		return
	}
	if len(sep) > len(r.pending) {
		r.pending = sep
		r.soft = false
	}
}

// edge owes a soft space at an inline element's start or end.
func (r *renderer) edge() {
	if r.b.Len() > 0 && r.pending == "" {
		r.pending, r.soft = " ", true
	}
}

func (r *renderer) text(s string) {
	for i, f := range strings.Fields(s) {
		if i > 0 {
			r.owe(" ")
		}
		if r.soft && strings.ContainsRune(",.;:!?)]}’”%", []rune(f)[0]) {
			r.pending = ""
		}
		r.b.WriteString(r.pending)
		r.pending, r.soft = "", false
		r.b.WriteString(f)
	}
	if s != "" && isSpace(s[len(s)-1]) {
		r.owe(" ")
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func (r *renderer) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if n.Data != "" && isSpace(n.Data[0]) {
			r.owe(" ")
		}
		r.text(n.Data)
		return
	case html.ElementNode:
		switch n.Data {
		case "br", "lb":
			r.owe("\n")
			return
		case "script", "style", "noscript", "template":
			return
		case "td", "th", "cell":
			r.owe(" ")
		}
		if r.skip[n.Data] {
			return
		}
	}
	block := n.Type == html.ElementNode && blockTags[n.Data]
	inline := n.Type == html.ElementNode && !block
	switch {
	case block:
		r.owe("\n\n")
	case inline:
		r.edge()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c)
	}
	switch {
	case block:
		r.owe("\n\n")
	case inline:
		r.edge()
	}
}

// FragmentText renders an HTML fragment (a feed item's content, say) as
// text the way Parse renders a page's main text, keeping all of it: a
// feed's content is the article, so there is nothing to extract. It works
// from the token stream, so a hostile fragment costs time linear in its
// size and no tree.
func FragmentText(fragment string) string {
	var r renderer
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0 // depth inside elements whose content is not text
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(r.b.String())
		case html.TextToken:
			if skip == 0 {
				t := z.Token().Data
				if t != "" && isSpace(t[0]) {
					r.owe(" ")
				}
				r.text(t)
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "noscript", "template":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "br", "lb":
				r.owe("\n")
			case "td", "th":
				r.owe(" ")
			default:
				if blockTags[tag] {
					r.owe("\n\n")
				} else {
					r.edge()
				}
			}
		}
	}
}
