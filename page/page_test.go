package page

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
)

func parseFile(t *testing.T, name string, hints Hints) unspun.Article {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(data, hints)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return a
}

func TestArticleKeepsStoryAndDropsFurniture(t *testing.T) {
	a := parseFile(t, "article.html", Hints{})
	for _, want := range []string{
		"The nine-day strike that halted every ferry across Marlow harbour ended on Friday night",
		"“We are glad to be back on the water, and we are glad the company finally listened,” said Idris Vantongeren, the union's branch secretary",
		"Its chief executive, Hanne Sørbø, thanked passengers for their patience.",
	} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("body lacks %q\nbody:\n%s", want, a.Body)
		}
	}
	for _, unwanted := range []string{"Sport", "Advertisement", "Share on Facebook", "Related stories",
		"Bridge tolls", "Gerald from Upper Tresk", "All rights reserved", "adSlots"} {
		if strings.Contains(a.Body, unwanted) {
			t.Errorf("body keeps furniture %q", unwanted)
		}
	}
	// Paragraphs stay apart: quotes continue across them and the sentence
	// splitter ends headlines at them.
	if !strings.Contains(a.Body, "two years.\n\nCommuters") {
		t.Errorf("paragraphs are not separated by a blank line:\n%s", a.Body)
	}
	// The headline is the title, not the body's first paragraph.
	if a.Title != "Harbour ferry strike ends after nine days" || !strings.HasPrefix(a.Body, "The nine-day strike") {
		t.Errorf("title %q, body starts %q", a.Title, a.Body[:40])
	}
	// The canonical link is relative; og:url gives its scheme and host.
	if want := "https://marlowledger.example/2026/03/14/harbour-ferry-strike-ends"; a.URL != want {
		t.Errorf("url %q, want %q", a.URL, want)
	}
	// JSON-LD of the NewsArticle, not of the WebPage in the same graph and
	// not the modification date in the meta tags.
	if want := time.Date(2026, 3, 14, 5, 30, 0, 0, time.UTC); !a.Published.Equal(want) {
		t.Errorf("published %v, want %v", a.Published, want)
	}
}

func TestHintURLResolvesCanonical(t *testing.T) {
	a := parseFile(t, "article.html", Hints{URL: "http://mirror.example/copy/of/page"})
	if want := "http://mirror.example/2026/03/14/harbour-ferry-strike-ends"; a.URL != want {
		t.Errorf("url %q, want %q", a.URL, want)
	}
}

func TestShiftJIS(t *testing.T) {
	for _, name := range []string{"shift_jis.html", "shift_jis_undeclared.html"} {
		a := parseFile(t, name, Hints{})
		if a.Title != "フェリーのストライキが終結" {
			t.Errorf("%s: title %q", name, a.Title)
		}
		if !strings.Contains(a.Body, "「ようやく会社が話を聞いてくれた。海に戻れてうれしい」と組合の書記は語った。") {
			t.Errorf("%s: body not decoded from Shift-JIS:\n%s", name, a.Body)
		}
	}
	// The HTTP header is evidence too, when the page declares nothing.
	data, err := os.ReadFile("testdata/shift_jis_undeclared.html")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(data, Hints{ContentType: "text/html; charset=shift_jis"})
	if err != nil || !strings.Contains(a.Body, "港町マーロウ") {
		t.Errorf("with header charset: %v\n%s", err, a.Body)
	}
}

func TestStaleDeclarationLosesToValidUTF8(t *testing.T) {
	page := `<html><head><meta charset="iso-8859-1"><title>Café owner wins appeal</title></head><body><article>` +
		strings.Repeat(`<p>The owner of the Café Øresund in Brackley, Zoë Lindqvist, won her appeal against the council’s decision to close the terrace for the summer.</p>`, 4) +
		`</article></body></html>`
	a, err := Parse([]byte(page), Hints{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Body, "Café Øresund in Brackley, Zoë Lindqvist") || a.Title != "Café owner wins appeal" {
		t.Errorf("UTF-8 page declared Latin-1 was mis-decoded: %q / %q", a.Title, a.Body[:80])
	}
}

func TestDatesFromMetaAndTime(t *testing.T) {
	body := strings.Repeat(`<p>The county library in Fenwick will open on Sundays from next month, after volunteers offered to staff the reading rooms.</p>`, 4)
	cases := []struct {
		name, head, article string
		want                time.Time
	}{
		{"meta", `<meta property="article:published_time" content="2026-02-03T10:00:00Z"><meta name="date" content="2020-01-01">`, ``,
			time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)},
		{"time with itemprop", ``, `<time datetime="2026-01-09">9 Jan</time><time itemprop="datePublished" datetime="2026-02-04T09:15:00Z">4 Feb</time>`,
			time.Date(2026, 2, 4, 9, 15, 0, 0, time.UTC)},
		{"plain time", ``, `<time>2026-02-05</time>`, time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC)},
		{"junk", `<meta name="date" content="not a date"><script type="application/ld+json">{"datePublished": [1, 2</script>`, ``, time.Time{}},
	}
	for _, c := range cases {
		page := `<html><head><title>Library opens on Sundays</title>` + c.head + `</head><body><article>` + c.article + body + `</article></body></html>`
		a, err := Parse([]byte(page), Hints{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !a.Published.Equal(c.want) {
			t.Errorf("%s: published %v, want %v", c.name, a.Published, c.want)
		}
	}
}

func TestBadPages(t *testing.T) {
	deep := strings.Repeat("<div>", 100000) + "<p>Deep inside.</p>" + strings.Repeat("</div>", 100000)
	cases := map[string]string{
		"empty":       "",
		"blank":       " \n\t ",
		"empty body":  "<html><head><title>Nothing here</title></head><body></body></html>",
		"nested 100k": "<html><body>" + deep + "</body></html>",
		"binary":      "\x00\x01\x02\xff\xfe\x00<html>\x00",
		// The extractor is superlinear in text: a wall of text past
		// MaxTextBytes is refused before it is handed over.
		"empty elements, refused before the tree is built": "<html><body>" + strings.Repeat("<b></b>", 300_000) + "</body></html>",
		"many elements": "<html><body><article>" + strings.Repeat("<div><span>x</span></div>", MaxElements/2+1) + "</article></body></html>",
		"wall of text":  "<html><body><article>" + strings.Repeat("<p>The tide came in and went out again, as it does twice a day.</p>", MaxTextBytes/60+1) + "</article></body></html>",
	}
	for name, page := range cases {
		_, err := Parse([]byte(page), Hints{})
		if !errors.Is(err, unspun.ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
	}
}

func TestRenderKeepsWordsApart(t *testing.T) {
	page := `<html><body><article>` + strings.Repeat(`<p>Everyone <strong>will</strong> appreciate the <a href="/x">new timetable</a>, said the <em>harbour master</em>.<br>Second line here.</p>`, 5) + `</article></body></html>`
	a, err := Parse([]byte(page), Hints{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Everyone will appreciate the new timetable, said the harbour master.\nSecond line here."; !strings.Contains(a.Body, want) {
		t.Errorf("body %q lacks %q", a.Body, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"article.html", "shift_jis.html"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	f.Add([]byte(`<html><head><meta charset="shift_jis"><link rel=canonical href="//x"></head><body><p>a</p></body></html>`), "text/html; charset=euc-jp")
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@type":["NewsArticle"],"datePublished":"2026-01-01"}]}</script><p>`+strings.Repeat("word ", 80)), "")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		a, err := Parse(data, Hints{ContentType: contentType, URL: "https://fuzz.example/a"})
		if err != nil {
			if !errors.Is(err, unspun.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if !utf8.ValidString(a.Body) || !utf8.ValidString(a.Title) {
			t.Fatalf("invalid UTF-8 in output")
		}
		if strings.TrimSpace(a.Body) == "" {
			t.Fatalf("empty body without an error")
		}
	})
}

// BenchmarkParse measures extraction over the pages in UNSPUN_HTML_DIR
// (default: this package's testdata), reporting MB/s of HTML.
func BenchmarkParse(b *testing.B) {
	dir := os.Getenv("UNSPUN_HTML_DIR")
	if dir == "" {
		dir = "testdata"
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	total := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		data, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, data)
		total += len(data)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range pages {
			Parse(p, Hints{})
		}
	}
}

func TestFragmentText(t *testing.T) {
	got := FragmentText(`<p>Fares &amp; timetables stay <em>frozen</em>, said the operator.<script>track("x")</script></p><p>Line one<br>line two</p><ul><li>First</li><li>Second</li></ul>`)
	want := "Fares & timetables stay frozen, said the operator.\n\nLine one\nline two\n\nFirst\n\nSecond"
	if got != want {
		t.Errorf("FragmentText = %q, want %q", got, want)
	}
	// Time and memory stay linear on a hostile fragment.
	if got := FragmentText(strings.Repeat("<b>", 1_000_000) + "x"); got != "x" {
		t.Errorf("deep fragment = %q", got)
	}
}

// TestSmallPages: pages with little text come out as their paragraphs, once
// each, with their line breaks; a page of navigation alone is no article.
func TestSmallPages(t *testing.T) {
	tests := []struct {
		name, page, body string // body "" means: no article
	}{
		{"headline and two paragraphs",
			`<html><body><article><h1>Ferry strike ends</h1><p>The strike is over.</p><p>"We are back at sea," she said.</p></article></body></html>`,
			"The strike is over.\n\n\"We are back at sea,\" she said."},
		{"one paragraph in a div",
			`<html><body><div><p>The ferry to Keldholm left the harbour at noon on Tuesday with forty passengers.</p></div></body></html>`,
			"The ferry to Keldholm left the harbour at noon on Tuesday with forty passengers."},
		{"a line break in a div",
			`<html><body><div>The ferry left at noon.<br>It carried forty passengers to the island.</div></body></html>`,
			"The ferry left at noon.\nIt carried forty passengers to the island."},
		{"navigation only",
			`<html><body><nav><a href="/">Home</a> <a href="/a">Archive</a> <a href="/b">Contact</a></nav></body></html>`,
			""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse([]byte(tc.page), Hints{})
			switch {
			case tc.body == "" && err == nil:
				t.Fatalf("got an article %q, want none", a.Body)
			case tc.body == "":
				return
			case err != nil:
				t.Fatal(err)
			case a.Body != tc.body:
				t.Errorf("body %q, want %q", a.Body, tc.body)
			}
		})
	}
}
