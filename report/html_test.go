package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	unspun "github.com/unspun/unspun"
)

// hostileTrace is a traced article whose every field tries to run script.
func hostileTrace() unspun.Trace {
	bad := `<img src=x onerror=alert(1)></script><script>alert(2)</script>`
	src := unspun.Article{ID: `src"><script>alert(3)</script>`, URL: "javascript:alert(4)", Site: bad,
		Published: time.Date(2031, 3, 14, 6, 40, 0, 0, time.UTC)}
	body := "He said " + bad + " and left."
	return unspun.Trace{
		Article: unspun.Article{ID: "page", Title: bad, URL: "javascript:alert(5)", Body: body},
		Sentences: []unspun.SentenceTrace{{Index: 0, Span: unspun.Span{Start: 0, End: len(body)}, Text: body, Carriers: 1,
			Sources: []unspun.Source{{Article: src, Text: bad, Similarity: 0.9, Coverage: 0.95, Earliest: true,
				Edits: []unspun.Edit{{Op: unspun.Substitute, From: bad, To: "x", Kind: unspun.KindFact}}}}}},
		Quotes: []unspun.Quote{{Text: "“" + bad + "”", Speaker: &unspun.Speaker{Name: bad, RecoveredFrom: bad},
			SourceSpeaker: &unspun.SourceSpeaker{Name: bad}}},
		Summary: unspun.Summary{Sentences: 1, CopiedSentences: 1, FactEdits: 1, MisattributedQuotes: 1},
		Limits:  []string{bad},
	}
}

func render(t *testing.T, trs ...unspun.Trace) string {
	t.Helper()
	var b bytes.Buffer
	r := NewHTMLReport(&b)
	if err := r.Begin("unspun trace"); err != nil {
		t.Fatal(err)
	}
	for _, tr := range trs {
		if err := r.Trace(tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.End(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHTMLRunsNothing parses the page as a browser would and checks that no
// article text became markup: no script or img element, no event handler
// attribute, no javascript: link; the text itself is still there to read.
func TestHTMLRunsNothing(t *testing.T) {
	page := render(t, hostileTrace())
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "img", "iframe", "object":
				t.Errorf("a <%s> element in the page", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("an event handler %s=%q", a.Key, a.Val)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "http") {
					t.Errorf("a link to %q", a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the hostile text is not shown, escaped, for the reader to see")
	}
	if !strings.Contains(page, `default-src 'none'`) {
		t.Error("no Content-Security-Policy forbidding script")
	}
}

func TestHTMLShowsTheTrace(t *testing.T) {
	src := unspun.Article{ID: "wire/1", URL: "https://wire.test/1", Site: "wire.test", Published: time.Date(2031, 3, 14, 0, 0, 0, 0, time.UTC)}
	body := "The bridge will not reopen in May. A new sentence."
	tr := unspun.Trace{Article: unspun.Article{ID: "farm/1", Title: "Bridge news", Body: body},
		Sentences: []unspun.SentenceTrace{
			{Index: 0, Span: unspun.Span{End: 34}, Text: body[:34], Carriers: 3, Sources: []unspun.Source{{Article: src, Text: "The bridge will reopen in May.",
				Similarity: 0.95, Coverage: 1, Earliest: true, Edits: []unspun.Edit{{Op: unspun.Insert, To: "not", Kind: unspun.KindFact}}}}},
			{Index: 1, Span: unspun.Span{Start: 35, End: len(body)}, Text: body[35:], Sources: []unspun.Source{}},
		},
		Summary: unspun.Summary{Sentences: 2, CopiedSentences: 1, CopiedFraction: 0.5, Originality: 0.5, Sources: 1, FactEdits: 1},
	}
	page := render(t, tr, tr)
	for _, want := range []string{
		"originality 50%", "1 of 2 sentences copied", "1 changed fact",
		`<a href="https://wire.test/1" rel="noreferrer nofollow">wire.test</a>`,
		"of 3 carriers", "changed fact: <span class=\"ins\">+not</span>",
		"The bridge will reopen in May.", "no source found", "2 articles traced",
		// the chart: the source, how many sentences it supplied, first to publish
		`wire.test <span class="tag">published first</span>`, `<span class="sbar" style="width:50%;`, "1 sentence</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<section"); n != 2 {
		t.Errorf("%d article sections, want 2: every article of the run in one page", n)
	}
}
