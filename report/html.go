package report

import (
	"embed"
	"html/template"
	"io"
	"net/url"
	"strings"

	unspun "github.com/unspun/unspun"
)

// The HTML report: one self-contained page per run (inline CSS, no script,
// no external request), every traced article in it, for a fact-checker to
// read in any browser or attach to a ticket. html/template escapes every
// piece of article text; a URL becomes a link only when it is http or
// https, and the page's Content-Security-Policy allows no script at all.

//go:embed html/*.tmpl
var htmlFiles embed.FS

var htmlTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"percent": percent,
	"link":    safeLink,
	"date":    dateText,
	"plural":  Plural,
	"spin":    func(es []unspun.Edit) []unspun.Edit { s, _ := splitFacts(es); return s },
	"facts":   func(es []unspun.Edit) []unspun.Edit { _, f := splitFacts(es); return f },
	"status":  sentenceStatus,
	"hue":     func(i int) int { return (i * 137) % 360 }, // distinct colours for the sources of a page
	"add":     func(a, b int) int { return a + b },
	"sub":     func(a, b int) int { return a - b },
}).ParseFS(htmlFiles, "html/*.tmpl"))

// HTMLReport writes traces as one HTML page: Begin, then Trace for each
// article, then End.
type HTMLReport struct {
	w io.Writer
	n int // articles written
}

// NewHTMLReport returns a report that writes to w.
func NewHTMLReport(w io.Writer) *HTMLReport { return &HTMLReport{w: w} }

// Begin writes the page's head.
func (r *HTMLReport) Begin(title string) error {
	return htmlTemplates.ExecuteTemplate(r.w, "begin", title)
}

// htmlArticle is what the article template needs.
type htmlArticle struct {
	N       int
	Trace   unspun.Trace
	Colours map[string]int
}

// Trace writes one traced article.
func (r *HTMLReport) Trace(tr unspun.Trace) error {
	r.n++
	colours := map[string]int{}
	for _, st := range tr.Sentences {
		for _, s := range st.Sources {
			if _, ok := colours[s.Article.ID]; !ok {
				colours[s.Article.ID] = len(colours)
			}
		}
	}
	return htmlTemplates.ExecuteTemplate(r.w, "article", htmlArticle{N: r.n, Trace: tr, Colours: colours})
}

// End closes the page.
func (r *HTMLReport) End() error {
	return htmlTemplates.ExecuteTemplate(r.w, "end", r.n)
}

// safeLink returns a URL fit for an href — http or https only — or "".
func safeLink(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// sentenceStatus names a sentence's class for the page's colours.
func sentenceStatus(st unspun.SentenceTrace) string {
	switch {
	case st.Furniture:
		return "furniture"
	case len(st.Sources) == 0:
		return "original"
	case !st.Copied():
		return "earlier"
	}
	return "copied"
}
