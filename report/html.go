package report

import (
	"embed"
	"html/template"
	"io"
	"net/url"
	"slices"
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
	"percent": Percent,
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
	Chart   []sourceBar
}

// sourceBar is one row of the summary chart: a source article and the
// sentences it is the first-ranked source of.
type sourceBar struct {
	Article   unspun.Article
	Colour    int
	Sentences int
	Percent   int  // of the page's traced sentences, for the bar's width
	Earliest  bool // published first among the page's sources
}

// maxChartRows bounds the chart: the sources that supplied most.
const maxChartRows = 8

// Trace writes one traced article.
func (r *HTMLReport) Trace(tr unspun.Trace) error {
	r.n++
	colours := map[string]int{}
	var bars []sourceBar
	traced := 0
	for _, st := range tr.Sentences {
		if !st.Furniture {
			traced++
		}
		for i, s := range st.Sources {
			k, ok := colours[s.Article.ID]
			if !ok {
				k = len(colours)
				colours[s.Article.ID] = k
				bars = append(bars, sourceBar{Article: s.Article, Colour: k})
			}
			if i == 0 {
				bars[k].Sentences++
			}
		}
	}
	earliest := -1
	for i, b := range bars {
		if earliest < 0 || unspun.Earlier(b.Article.Published, bars[earliest].Article.Published) {
			earliest = i
		}
		bars[i].Percent = 100 * b.Sentences / max(traced, 1)
	}
	if earliest >= 0 && !bars[earliest].Article.Published.IsZero() {
		bars[earliest].Earliest = true
	}
	chart := slices.Clone(bars)
	slices.SortStableFunc(chart, func(a, b sourceBar) int { return b.Sentences - a.Sentences })
	for len(chart) > maxChartRows && !chart[len(chart)-1].Earliest {
		chart = chart[:len(chart)-1]
	}
	if len(chart) > maxChartRows {
		chart = append(chart[:maxChartRows-1], chart[len(chart)-1]) // keep the earliest publisher in view
	}
	return htmlTemplates.ExecuteTemplate(r.w, "article", htmlArticle{N: r.n, Trace: tr, Colours: colours, Chart: chart})
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
