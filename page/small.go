package page

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Small pages. On a page with little text the extractor's baseline fallback
// returns the whole text once more as a glued paragraph ("TitleOne.Two."),
// and its own paragraphs lose their <br> line breaks; a page of navigation
// alone comes back as an "article" of its links. These rules repair what
// it returns for such pages and refuse what is not an article.

// MinArticleWords is the number of words that make an article even
// without a sentence end (see isArticle).
const MinArticleWords = 12

// smallPage is the text size (bytes) up to which unspun renders the page's
// main container itself when that gives the same words as the extractor.
const smallPage = 8 << 10

func countWords(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) }))
}

// squash is a paragraph's letters and digits alone, for comparing texts
// whose spaces and line breaks differ.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// dropGlued removes a last paragraph that is all the others (with or
// without the title) glued together: the extractor's baseline appends the
// page's whole text so when it finds little. Repeated paragraphs elsewhere
// are the page's own and stay.
func dropGlued(body, title string) string {
	cut := strings.LastIndex(body, "\n\n")
	if cut < 0 {
		return body
	}
	last, others := squash(body[cut:]), squash(body[:cut])
	if last != "" && (last == others || last == squash(title)+others) {
		return body[:cut]
	}
	return body
}

// isArticle is the floor below which a page has no article: at least
// MinArticleWords words, or a few words that end a sentence. A navigation
// bar, a headline alone or a list of links ends none.
func isArticle(body string) bool {
	words := countWords(body)
	return words >= MinArticleWords || words >= 2 && strings.ContainsAny(body, ".!?…")
}

// preferOwnRendering returns unspun's own rendering of the page's main
// container (article, main, else body, without navigation, headers,
// footers, asides and forms) when it holds exactly the words of the
// extracted body: the same text, with the paragraph and line breaks the
// extractor dropped.
func preferOwnRendering(body string, doc *html.Node) string {
	root := find(doc, "article")
	if root == nil {
		root = find(doc, "main")
	}
	if root == nil {
		root = find(doc, "body")
	}
	if root == nil {
		return body
	}
	own := renderExcept(root, map[string]bool{"nav": true, "header": true, "footer": true, "aside": true, "form": true, "h1": true})
	if own != "" && squash(own) == squash(body) {
		return own
	}
	return body
}

// find returns the first element named tag in document order.
func find(n *html.Node, tag string) *html.Node {
	if n.Type == html.ElementNode && n.Data == tag {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

// renderExcept renders n as render does, leaving out the elements named in
// skip.
func renderExcept(n *html.Node, skip map[string]bool) string {
	var r renderer
	r.skip = skip
	r.walk(n)
	return strings.TrimSpace(r.b.String())
}
