package reader

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
)

// readWith reads paths (or stdin) and also collects passed-over reasons.
func readWith(t *testing.T, opts Options, stdin []byte, paths ...string) (arts []unspun.Article, errs []string, passed []string) {
	t.Helper()
	opts.Skip = func(_, reason string) { passed = append(passed, reason) }
	err := Read(context.Background(), paths, bytes.NewReader(stdin), opts,
		func(a unspun.Article) error { arts = append(arts, a); return nil },
		func(e *Error) { errs = append(errs, e.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	return arts, errs, passed
}

func TestWARC(t *testing.T) {
	for _, name := range []string{"testdata/crawl.warc", "testdata/crawl.warc.gz"} {
		arts, errs, passed := readWith(t, Options{}, nil, name)
		if len(errs) > 0 {
			t.Errorf("%s: errors %q", name, errs)
		}
		if want := []string{"WARC warcinfo record", "WARC request record", "HTTP response of image/png", "HTTP status 3xx"}; strings.Join(passed, "|") != strings.Join(want, "|") {
			t.Errorf("%s: passed over %q, want %q", name, passed, want)
		}
		if len(arts) != 2 {
			t.Fatalf("%s: %d articles, want 2", name, len(arts))
		}
		lib, market := arts[0], arts[1]
		if lib.ID != "https://fenwickcourier.example/library-sundays" || lib.URL != lib.ID || lib.Site != "fenwickcourier.example" {
			t.Errorf("%s: id %q url %q site %q", name, lib.ID, lib.URL, lib.Site)
		}
		if lib.Title != "Fenwick library to open on Sundays" || !strings.Contains(lib.Body, "said Odile Marchetti, the head librarian") {
			t.Errorf("%s: title %q body %q", name, lib.Title, lib.Body)
		}
		if strings.Contains(lib.Body, "Copyright") || strings.Contains(lib.Body, "Home") {
			t.Errorf("%s: page furniture in body %q", name, lib.Body)
		}
		// The page's own date wins; without one, the crawl date stands in.
		if want := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC); !lib.Published.Equal(want) {
			t.Errorf("%s: published %v, want the page's %v", name, lib.Published, want)
		}
		if want := time.Date(2026, 4, 3, 10, 0, 5, 0, time.UTC); !market.Published.Equal(want) {
			t.Errorf("%s: published %v, want WARC-Date %v", name, market.Published, want)
		}
		// Stored chunked and gzip-coded: decoded before extraction.
		if !strings.Contains(market.Body, "The Quayside night market will return on the first Friday of June") {
			t.Errorf("%s: chunked, gzip-coded payload not decoded: %q", name, market.Body)
		}
	}
}

func TestWARCBadRecords(t *testing.T) {
	cases := []struct {
		file  string
		ids   int
		error string
	}{
		{"testdata/malformed.warc", 2, "testdata/malformed.warc: record 2: malformed record: bad Content-Length"},
		{"testdata/truncated.warc.gz", 1, "testdata/truncated.warc.gz: record 2: truncated record"},
	}
	for _, c := range cases {
		arts, errs, _ := readWith(t, Options{}, nil, c.file)
		if len(arts) != c.ids {
			t.Errorf("%s: %d articles, want %d", c.file, len(arts), c.ids)
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0], c.error) {
			t.Errorf("%s: errors %q, want one starting %q", c.file, errs, c.error)
		}
	}
}

// TestWARCOversizedRecords: a record past the cap is one bad record and
// reading goes on at the next one, compressed (a gzip bomb: a few
// kilobytes that inflate to 8 MiB) or not.
func TestWARCOversizedRecords(t *testing.T) {
	recs := crawlRecords()
	good1, good2 := recs[2], recs[5]
	huge := response("00000000-0000-4000-8000-0000000000ff", "https://bomb.example/", "2026-04-03T10:00:09Z",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", "<html><body><p>"+strings.Repeat("ha", 4<<20)+"</p></body></html>")
	dir := t.TempDir()
	plain := write(t, dir, "big.warc", []byte(good1+huge+good2))
	bomb := write(t, dir, "bomb.warc.gz", []byte(string(gz([]byte(good1)))+string(gz([]byte(huge)))+string(gz([]byte(good2)))))
	if info, _ := os.Stat(bomb); info.Size() > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed; meant to be small", info.Size())
	}
	for _, p := range []string{plain, bomb} {
		arts, errs, _ := readWith(t, Options{MaxRecordBytes: 1 << 20}, nil, p)
		if len(arts) != 2 || arts[0].ID != "https://fenwickcourier.example/library-sundays" || arts[1].ID != "https://fenwickcourier.example/night-market" {
			t.Errorf("%s: articles %d, want the two around the big record", p, len(arts))
		}
		if len(errs) != 1 || !strings.Contains(errs[0], "record 2: decompressed record longer than 1048576 bytes") {
			t.Errorf("%s: errors %q", p, errs)
		}
	}
}

// TestWARCContentEncodingBomb: a small gzip-coded payload that inflates
// past the cap is one bad record.
func TestWARCContentEncodingBomb(t *testing.T) {
	recs := crawlRecords()
	bomb := response("00000000-0000-4000-8000-0000000000fe", "https://bomb.example/coded", "2026-04-03T10:00:09Z",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n", string(gz([]byte("<html><body>"+strings.Repeat(" ", 8<<20)))))
	p := write(t, t.TempDir(), "coded.warc", []byte(recs[2]+bomb+recs[5]))
	arts, errs, _ := readWith(t, Options{MaxRecordBytes: 1 << 20}, nil, p)
	if len(arts) != 2 || len(errs) != 1 || !strings.Contains(errs[0], "record 2: payload longer than 1048576 bytes") {
		t.Errorf("%d articles, errors %q", len(arts), errs)
	}
}

func TestFeeds(t *testing.T) {
	arts, errs, _ := readWith(t, Options{}, nil, "testdata/news.rss")
	if want := []string{
		"testdata/news.rss: record 3: item has neither link nor guid",
		"testdata/news.rss: record 4: item has no content or description",
	}; strings.Join(errs, "|") != strings.Join(want, "|") {
		t.Errorf("errors %q, want %q", errs, want)
	}
	if len(arts) != 2 {
		t.Fatalf("%d articles, want 2", len(arts))
	}
	// Full content, not the one-line description.
	if a := arts[0]; a.ID != "https://fenwickcourier.example/library-sundays" || a.Lang != "en-gb" ||
		a.Body != "The county library in Fenwick will open on Sunday afternoons from May, after forty volunteers offered to staff the reading rooms.\n\n“People asked for it at every public meeting we held,” said Odile Marchetti, the head librarian." ||
		!a.Published.Equal(time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("content:encoded item read as %+v", a)
	}
	// No link: the guid names it; the escaped HTML description is text.
	if a := arts[1]; a.ID != "courier-2026-0413" || a.URL != "" || a.Site != "fenwickcourier.example" ||
		a.Title != "Ferry timetable & fares frozen until autumn" ||
		a.Body != "Marlow Harbour Lines will keep its winter timetable and current fares until the autumn, the operator said." {
		t.Errorf("guid item read as %+v", a)
	}

	arts, errs, _ = readWith(t, Options{}, nil, "testdata/news.atom")
	if len(errs) > 0 || len(arts) != 1 {
		t.Fatalf("atom: %d articles, errors %q", len(arts), errs)
	}
	if a := arts[0]; a.ID != "https://quaysideweekly.example/night-market" || a.Title != "Night market returns to Quayside" ||
		a.Body != "The Quayside night market will return on the first Friday of June after a two-year absence.\n\nAround sixty stalls are expected." ||
		!a.Published.Equal(time.Date(2026, 4, 3, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("atom entry read as %+v", a)
	}
}

// TestEntityExpansion: a billion-laughs feed is read without expanding
// its entities, and the harmless item after it is still read.
func TestEntityExpansion(t *testing.T) {
	arts, _, _ := readWith(t, Options{}, nil, "testdata/laughs.xml")
	if len(arts) != 2 || arts[1].ID != "https://laughs.example/2" {
		t.Fatalf("articles %+v", arts)
	}
	for _, a := range arts {
		if len(a.Body)+len(a.Title) > 200 {
			t.Errorf("entities expanded: %d bytes", len(a.Body)+len(a.Title))
		}
	}
}

// TestSniffedStdin: every format read from stdin gives what the same file
// gives by name.
func TestSniffedStdin(t *testing.T) {
	for _, name := range []string{"testdata/crawl.warc", "testdata/crawl.warc.gz", "testdata/news.rss", "testdata/news.atom", "../page/testdata/article.html", "../page/testdata/shift_jis.html"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		byName, _, _ := readWith(t, Options{}, nil, name)
		fromStdin, _, _ := readWith(t, Options{}, data, "-")
		if len(byName) == 0 || len(byName) != len(fromStdin) {
			t.Fatalf("%s: %d articles by name, %d from stdin", name, len(byName), len(fromStdin))
		}
		for i := range byName {
			a, b := byName[i], fromStdin[i]
			if a.ID == name {
				a.ID = b.ID // a page's id is the path as given; from stdin, its URL or a hash of its text
				if want := a.URL; want != "" && b.ID != want || want == "" && !strings.HasPrefix(b.ID, "stdin:") {
					t.Errorf("%s from stdin: id %q, want its URL %q or stdin:HASH", name, b.ID, a.URL)
				}
			}
			if a.ID != b.ID || a.Body != b.Body || a.Title != b.Title || !a.Published.Equal(b.Published) {
				t.Errorf("%s: stdin read differs:\n%+v\n%+v", name, a, b)
			}
		}
	}
}

func TestHTMLFile(t *testing.T) {
	arts, errs, _ := readWith(t, Options{}, nil, "../page/testdata/article.html")
	if len(errs) > 0 || len(arts) != 1 {
		t.Fatalf("%d articles, errors %q", len(arts), errs)
	}
	a := arts[0]
	if a.ID != "../page/testdata/article.html" || a.Site != "marlowledger.example" || !strings.HasPrefix(a.Body, "The nine-day strike") {
		t.Errorf("read as %+v", a)
	}
	dir := t.TempDir()
	empty := write(t, dir, "empty.html", []byte("<html><head><title>Gone</title></head><body></body></html>"))
	_, errs, _ = readWith(t, Options{}, nil, empty)
	if len(errs) != 1 || !strings.Contains(errs[0], "empty.html: no article text found") {
		t.Errorf("empty page: errors %q", errs)
	}
}

func FuzzReadWARC(f *testing.F) {
	for _, name := range []string{"testdata/crawl.warc", "testdata/crawl.warc.gz", "testdata/malformed.warc", "testdata/truncated.warc.gz"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := readWARC(context.Background(), "fuzz.warc", bufioReader(data), Options{MaxRecordBytes: 1 << 16, MaxErrors: 100},
			func(a unspun.Article) error {
				if a.ID == "" {
					t.Fatal("article without id")
				}
				return nil
			}, func(*Error) {})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzReadFeed(f *testing.F) {
	for _, name := range []string{"testdata/news.rss", "testdata/news.atom", "testdata/laughs.xml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := readFeed(context.Background(), "fuzz.rss", bufioReader(data), Options{MaxRecordBytes: 1 << 16, MaxErrors: 100},
			func(a unspun.Article) error {
				if a.ID == "" || a.Body == "" {
					t.Fatal("article without id or body")
				}
				return nil
			}, func(*Error) {})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func bufioReader(data []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(data)) }

// TestDirectoryOrderKept: pages parsed in parallel come out, with the
// errors, in the order of the files, between the other formats' records.
func TestDirectoryOrderKept(t *testing.T) {
	dir := t.TempDir()
	story, err := os.ReadFile("../page/testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "a.html", story)
	write(t, dir, "b.html", []byte("<html><body></body></html>"))
	write(t, dir, "c.jsonl", []byte(goodLine+"\n"))
	for _, name := range []string{"d1.html", "d2.html", "d3.html", "d4.html", "d5.html"} {
		write(t, dir, name, story)
	}
	write(t, dir, "e.txt", []byte("Title\n\nBody."))
	var events []string
	err = Read(context.Background(), []string{dir}, nil, Options{Workers: 3},
		func(a unspun.Article) error {
			events = append(events, "article "+strings.TrimPrefix(a.ID, dir+"/"))
			return nil
		},
		func(e *Error) { events = append(events, "error "+strings.TrimPrefix(e.Path, dir+"/")) })
	if err != nil {
		t.Fatal(err)
	}
	want := "article a.html|error b.html|article k1|article d1.html|article d2.html|article d3.html|article d4.html|article d5.html|article e.txt"
	if got := strings.Join(events, "|"); got != want {
		t.Errorf("events\n%s\nwant\n%s", got, want)
	}
}

// TestWARCCutAnywhere cuts the plain WARC at every byte: whatever is
// emitted must be a whole article of the full file, and a cut inside a
// record must be reported, never read as half an article.
func TestWARCCutAnywhere(t *testing.T) {
	full, err := os.ReadFile("testdata/crawl.warc")
	if err != nil {
		t.Fatal(err)
	}
	whole, _, _ := readWith(t, Options{}, nil, "testdata/crawl.warc")
	bodies := map[string]string{}
	for _, a := range whole {
		bodies[a.ID] = a.Body
	}
	starts := []int{}
	for i := 0; i < len(full); i++ {
		if bytes.HasPrefix(full[i:], []byte("WARC/1.")) && (i == 0 || full[i-1] == '\n') {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(full)) // the closing blank line of the last record
	dir := t.TempDir()
	for cut := 1; cut < len(full); cut++ {
		path := dir + "/cut.warc"
		os.WriteFile(path, full[:cut], 0o644)
		arts, errs, _ := readWith(t, Options{}, nil, path)
		for _, a := range arts {
			if bodies[a.ID] != a.Body {
				t.Fatalf("cut at %d: %s read as a different article (%d bytes, want %d)", cut, a.ID, len(a.Body), len(bodies[a.ID]))
			}
		}
		atBoundary := false
		for _, s := range starts {
			// A cut at a record's start, or within the blank line that closes the one before, loses nothing.
			atBoundary = atBoundary || cut >= s-4 && cut <= s
		}
		if !atBoundary && len(errs) == 0 {
			t.Fatalf("cut at %d (inside a record): no error reported", cut)
		}
	}
}

// TestWARCLyingOrMissingLength: a record whose Content-Length is misspelt,
// or too short for its block, is one bad record; the records after it are
// read.
func TestWARCLyingOrMissingLength(t *testing.T) {
	full, err := os.ReadFile("testdata/crawl.warc")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	misspelt := bytes.Replace(full, []byte("Content-Length"), []byte("Content-Lnegth"), 1)
	i := bytes.Index(full, []byte("Content-Length: "))
	j := i + len("Content-Length: ")
	k := j + bytes.IndexByte(full[j:], '\r')
	short := append(append(append([]byte{}, full[:j]...), []byte("10")...), full[k:]...)
	for name, data := range map[string][]byte{"misspelt": misspelt, "short": short} {
		path := dir + "/" + name + ".warc"
		os.WriteFile(path, data, 0o644)
		arts, errs, _ := readWith(t, Options{}, nil, path)
		if len(arts) != 2 || len(errs) != 1 {
			t.Errorf("%s length: %d articles, errors %q; want both articles and one error", name, len(arts), errs)
		}
	}
}

// TestFeedCutOff: a feed cut off in an item keeps every complete item and
// reports the cut one, at every cut point inside the last items.
func TestFeedCutOff(t *testing.T) {
	full, err := os.ReadFile("testdata/news.rss")
	if err != nil {
		t.Fatal(err)
	}
	whole, _, _ := readWith(t, Options{}, nil, "testdata/news.rss")
	second := bytes.Index(full, []byte("<item"))
	second += bytes.Index(full[second+1:], []byte("<item")) + 1
	dir := t.TempDir()
	for cut := second + 1; cut < bytes.LastIndex(full, []byte("</channel>")); cut += 7 {
		path := dir + "/cut.rss"
		os.WriteFile(path, full[:cut], 0o644)
		arts, errs, _ := readWith(t, Options{}, nil, path)
		if len(arts) == 0 || arts[0].ID != whole[0].ID || arts[0].Body != whole[0].Body {
			t.Fatalf("cut at %d: the complete first item was lost (%d articles, errors %q)", cut, len(arts), errs)
		}
		if len(errs) == 0 {
			t.Fatalf("cut at %d: nothing reported", cut)
		}
	}
}
