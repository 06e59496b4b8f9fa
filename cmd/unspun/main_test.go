package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/demo"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
)

// TestMain lets the test binary stand in for unspun in a child process, so
// that the crash test can kill a real process mid-ingest.
func TestMain(m *testing.M) {
	if os.Getenv("UNSPUN_TEST_MAIN") == "1" {
		ctx, stop := signalContext()
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the program in-process with a private environment.
func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := a.main(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

func demoFiles(t *testing.T) demo.Files {
	t.Helper()
	f, err := demo.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// demoIndex writes the demo files and adds the corpus to a new index.
func demoIndex(t *testing.T) (demo.Files, string) {
	t.Helper()
	f := demoFiles(t)
	db := filepath.Join(t.TempDir(), "idx")
	if r := runCLI(t, "", "add", "--db", db, f.Corpus); r.code != exitOK {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	return f, db
}

func TestDemoCommand(t *testing.T) {
	r := runCLI(t, "", "demo")
	if r.code != exitOK {
		t.Fatalf("demo exited %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Keldmark flood: what we know", "origin  northernwire.test", "European Union → EU (alias)", "originality 100%"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

// traceLine is the part of the JSON contract the tests read.
type traceLine struct {
	Article struct {
		ID, URL, Site, Title string
		Published            *string
	}
	Sentences []struct {
		Index, Start, End int
		Text              string
		Sources           []struct {
			ID         string
			Start, End int
			Text       string
			Similarity float64
			Earliest   bool
			Edits      []struct{ Op, From, To string }
		}
	}
	Quotes  []json.RawMessage
	Summary map[string]float64
}

func TestAddTraceJSONContract(t *testing.T) {
	f := demoFiles(t)
	db := filepath.Join(t.TempDir(), "idx")
	if r := runCLI(t, "", "add", "--db", db, f.Corpus); r.code != exitOK || !strings.Contains(r.stderr, "added 9 articles") {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	r := runCLI(t, "", "trace", "--db", db, "--format", "json", f.Farm)
	if r.code != exitOK {
		t.Fatalf("trace: %d %s", r.code, r.stderr)
	}
	farm := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(demo.Farm())), "\n") {
		var rec struct{ ID, Text string }
		json.Unmarshal([]byte(line), &rec)
		farm[rec.ID] = rec.Text
	}
	corpus := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(demo.Corpus())), "\n") {
		var rec struct{ ID, Text string }
		json.Unmarshal([]byte(line), &rec)
		corpus[rec.ID] = rec.Text
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(farm) {
		t.Fatalf("%d output lines for %d articles", len(lines), len(farm))
	}
	for _, line := range lines {
		var tl traceLine
		if err := json.Unmarshal([]byte(line), &tl); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		body := farm[tl.Article.ID]
		for _, key := range []string{"sentences", "copied_sentences", "copied_fraction", "sources", "spin_edits", "orphan_quotes", "originality"} {
			if _, ok := tl.Summary[key]; !ok {
				t.Errorf("%s: summary lacks %q", tl.Article.ID, key)
			}
		}
		if tl.Quotes == nil && !strings.Contains(line, `"quotes":[]`) {
			t.Errorf("%s: quotes is not a list", tl.Article.ID)
		}
		for _, s := range tl.Sentences {
			if body[s.Start:s.End] != s.Text {
				t.Fatalf("%s: sentence %d offsets do not point at its text", tl.Article.ID, s.Index)
			}
			earliest := 0
			for _, src := range s.Sources {
				if corpus[src.ID][src.Start:src.End] != src.Text {
					t.Fatalf("%s: source %s offsets do not point at its text", tl.Article.ID, src.ID)
				}
				if src.Earliest {
					earliest++
				}
			}
			if len(s.Sources) > 0 && earliest != 1 {
				t.Errorf("%s sentence %d: %d sources marked earliest, want 1", tl.Article.ID, s.Index, earliest)
			}
		}
	}
	// The learned lexicon shows the network's dictionary.
	lex := runCLI(t, "", "lexicon", "--db", db, "--site", "worldnewsnow.test")
	if lex.code != exitOK || !strings.Contains(lex.stdout, "residents → inhabitants") {
		t.Errorf("lexicon --site worldnewsnow.test: %d %q", lex.code, lex.stdout)
	}
}

func TestTraceNeverItsOwnSource(t *testing.T) {
	f, db := demoIndex(t)
	r := runCLI(t, "", "trace", "--db", db, "--format", "json", f.Corpus)
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var tl traceLine
		json.Unmarshal([]byte(line), &tl)
		for _, s := range tl.Sentences {
			for _, src := range s.Sources {
				if src.ID == tl.Article.ID {
					t.Fatalf("%s traced to itself", src.ID)
				}
			}
		}
	}
}

func TestBadRecordsAreSkipped(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "mixed.jsonl")
	os.WriteFile(in, []byte(`{"id":"a","text":"The ferry to Keldholm left at dawn with forty passengers aboard."}
{"id":"b","text":
{"id":"c","text":"Harbour officials in Keldholm counted forty passengers on the dawn ferry."}
`), 0o644)
	db := filepath.Join(dir, "idx")
	r := runCLI(t, "", "add", "--db", db, in)
	if r.code != exitSkipped {
		t.Errorf("add with a broken line exited %d, want %d", r.code, exitSkipped)
	}
	if !strings.Contains(r.stderr, in+":2: bad JSON") || !strings.Contains(r.stderr, "added 2 articles, skipped 1") {
		t.Errorf("stderr %q lacks the line error or the summary", r.stderr)
	}
	got := runCLI(t, "", "extract", in)
	if got.code != exitSkipped || strings.Count(got.stdout, "\n") != 2 {
		t.Errorf("extract: %d, %q", got.code, got.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"trace", "--format", "yaml", "x"}, exitUsage, "must be one of text, json"},
		{[]string{"add"}, exitUsage, "no input"},
		{[]string{"trace", "--help"}, exitOK, "Usage: unspun trace"},
		{[]string{"--help"}, exitOK, "Commands:"},
	}
	for _, tt := range tests {
		r := runCLI(t, "", tt.args...)
		if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
			t.Errorf("unspun %v = %d %q, want %d and %q", tt.args, r.code, r.stdout+r.stderr, tt.code, tt.want)
		}
	}
}

func TestExtractTextAndStdin(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "page.txt")
	os.WriteFile(p, []byte("Keldholm ferry returns\n\nThe ferry sailed again.\n\nPassengers cheered.\n"), 0o644)
	r := runCLI(t, "", "extract", p)
	var rec report.RecordJSON
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.ID != p || rec.Title != "Keldholm ferry returns" || rec.Text != "The ferry sailed again.\n\nPassengers cheered." {
		t.Errorf("extract %s = %q (%v)", p, r.stdout, err)
	}
	r = runCLI(t, `{"url":"https://www.isle-post.test/a","text":"Ferry news."}`, "extract", "-")
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.ID != "https://www.isle-post.test/a" || rec.Site != "isle-post.test" {
		t.Errorf("extract - = %q", r.stdout)
	}
}

// TestKillDuringAdd kills a real `unspun add` process at random moments
// after it reported batches as stored, on the same index again and again,
// and checks that the index opens and holds every article reported stored.
func TestKillDuringAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	corpus := synthCorpus(t, dir)
	if fi, err := os.Stat(corpus); err != nil || fi.Size()/9000*2000 < pebble.DefaultIngestBytes {
		t.Fatalf("add's batches of this corpus are under the ingest threshold (%v): the test would not kill bulk ingests", err)
	}
	var articles []unspun.Article
	data, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	for line := range bytes.Lines(data) {
		a, err := reader.ParseJSON(line)
		if err != nil {
			t.Fatal(err)
		}
		articles = append(articles, a)
	}
	db := filepath.Join(dir, "idx")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 4 {
		cmd, sc := startAdd(t, db, corpus)
		reported, batches := 0, 0
		killAfter := 1 + rng.IntN(3)
		killed := false
		for sc.Scan() {
			line := sc.Text()
			if n, ok := storedCount(line); ok {
				reported = n
				batches++
				if !killed && batches >= killAfter {
					time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
					cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				}
			}
		}
		cmd.Wait()
		s, err := pebble.Open(db, pebble.Options{})
		if err != nil {
			t.Fatalf("round %d: the index does not open after SIGKILL: %v", round, err)
		}
		ctx := context.Background()
		for i := 0; i < reported; i++ {
			if _, err := s.Get(ctx, fmt.Sprintf("src/%07d", i)); err != nil {
				t.Fatalf("round %d: article %d of %d reported stored is missing: %v", round, i, reported, err)
			}
		}
		// Reported articles are found, not only stored: each of their terms
		// lists them (every 400th article, all its terms).
		for i := 0; i < reported; i += 400 {
			a := articles[i]
			num, err := s.Number(ctx, a.ID)
			if err != nil {
				t.Fatalf("round %d: %s: %v", round, a.ID, err)
			}
			for _, term := range index.Doc(a, align.DefaultAliases).Terms {
				hits, _, err := s.Postings(ctx, term.Key, 0, nil)
				if err != nil || !slices.Contains(hits, store.Hit{Doc: num, Sentence: term.Sentence, Check: term.Check}) {
					t.Fatalf("round %d: article %d of %d reported stored is not listed under its term %x (%v)", round, i, reported, term.Key, err)
				}
			}
		}
		st, _ := s.Stats(ctx)
		if st.Articles < int64(reported) || st.Articles > 9000 {
			t.Errorf("round %d: %d articles stored, %d reported", round, st.Articles, reported)
		}
		s.Close()
		t.Logf("round %d: killed after %d reported stored; index holds %d", round, reported, st.Articles)
	}
}

// storedCount parses add -v's "stored N articles through ..." line.
func storedCount(line string) (int, bool) {
	rest, ok := strings.CutPrefix(line, "stored ")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.Fields(rest)[0])
	return n, err == nil
}

func TestQuotesCommand(t *testing.T) {
	f := demoFiles(t)
	r := runCLI(t, "", "quotes", "--format", "json", f.Corpus)
	if r.code != exitOK {
		t.Fatalf("quotes: %d %s", r.code, r.stderr)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var ql report.QuotesLineJSON
		if err := json.Unmarshal([]byte(line), &ql); err != nil {
			t.Fatal(err)
		}
		for _, q := range ql.Quotes {
			if q.Speaker != nil && q.Speaker.Name == "Tomas Reyhan" && strings.HasPrefix(q.Text, "“The water came faster") {
				found = true
			}
		}
	}
	if !found {
		t.Error("the wire story's quote is not attributed to Tomas Reyhan")
	}
	db := filepath.Join(t.TempDir(), "idx")
	runCLI(t, "", "add", "--db", db, f.Corpus, f.Farm)
	r = runCLI(t, "", "quotes", "--db", db, "--speaker", "Hale")
	if r.code != exitOK || !strings.Contains(r.stdout, "“That drill saved lives tonight, I have no doubt,”") || !strings.Contains(r.stdout, "keldmark-courier/brenno-night") {
		t.Errorf("quotes --speaker Hale: %d %q", r.code, r.stdout)
	}
	// Copies that dropped or changed the speaker are listed with the person's quote.
	r = runCLI(t, "", "quotes", "--db", db, "--speaker", "Petra Ilic", "--format", "json")
	var line speakerLine
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &line); err != nil {
		t.Fatalf("quotes --speaker Petra Ilic: %v in %q", err, r.stdout)
	}
	status := map[string]string{}
	for _, ap := range line.Appearances {
		status[ap.ID] = ap.Status
		if ap.Status == "misattributed" && (ap.SpeakerHere == nil || *ap.SpeakerHere != "Ilse Varga") {
			t.Errorf("%s: speaker here %v, want Ilse Varga", ap.ID, ap.SpeakerHere)
		}
	}
	want := map[string]string{"valleyherald/shepherds-found": "attributed", "trendingwire/brenno-shepherds-saved": "attributed",
		"brennotoday/voices-of-the-flood": "misattributed"}
	if !maps.Equal(status, want) {
		t.Errorf("appearances of Petra Ilic's quote: %v, want %v", status, want)
	}
	r = runCLI(t, "", "quotes", "--db", db, "--speaker", "Tomas Reyhan", "--format", "json")
	if !strings.Contains(r.stdout, `"id":"dailybuzzhub/brenno-shocking-night"`) || !strings.Contains(r.stdout, `"status":"orphan"`) {
		t.Errorf("the farm page that dropped Tomas Reyhan's name is not listed as an orphan copy: %s", r.stdout)
	}
}

// TestOnlyAddCreatesAnIndex: a mistyped --db is an error for every command
// that reads an index, not a new empty index; a folder of other files is
// never taken for one.
func TestOnlyAddCreatesAnIndex(t *testing.T) {
	f := demoFiles(t)
	missing := filepath.Join(t.TempDir(), "idx-typo")
	for _, args := range [][]string{
		{"trace", "--db", missing, f.Farm},
		{"lexicon", "--db", missing},
		{"quotes", "--db", missing, "--speaker", "Hale"},
		{"compact", "--db", missing},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitFailed || !strings.Contains(r.stderr, "no index at "+missing) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and no index at …", args, r.code, r.stderr, exitFailed)
		}
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Fatalf("%v created the index directory", args)
		}
	}
	photos := t.TempDir()
	os.WriteFile(filepath.Join(photos, "beach.jpg"), []byte("\xff\xd8\xff"), 0o644)
	for _, cmd := range []string{"add", "trace"} {
		r := runCLI(t, "", cmd, "--db", photos, f.Farm)
		if r.code != exitFailed || !strings.Contains(r.stderr, "is not an unspun index") {
			t.Errorf("%s in a folder of photos: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
	}
	if r := runCLI(t, "", "add", "--db", missing, f.Corpus); r.code != exitOK {
		t.Fatalf("add to a new directory: %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "", "trace", "--db", missing, f.Farm); r.code != exitOK {
		t.Errorf("trace after add: %d %s", r.code, r.stderr)
	}
}

func TestTraceRecoversOrphanSpeakers(t *testing.T) {
	f, db := demoIndex(t)
	r := runCLI(t, "", "trace", "--db", db, "--format", "json", f.Farm)
	var buzz struct {
		Quotes []struct {
			Text    string
			Speaker *struct {
				Name       string
				Start, End *int
			}
			RecoveredFrom *string `json:"recovered_from"`
		}
		Summary map[string]float64
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Contains(line, `"id":"dailybuzzhub/brenno-shocking-night"`) {
			json.Unmarshal([]byte(line), &buzz)
		}
	}
	if len(buzz.Quotes) != 3 || buzz.Summary["orphan_quotes"] != 2 || buzz.Summary["recovered_quotes"] != 2 {
		t.Fatalf("dailybuzzhub quotes %+v summary %v", buzz.Quotes, buzz.Summary)
	}
	q := buzz.Quotes[0]
	if q.Speaker == nil || q.Speaker.Name != "Tomas Reyhan" || q.Speaker.Start != nil || q.RecoveredFrom == nil || *q.RecoveredFrom != "northernwire/brenno-flood" {
		t.Errorf("first orphan: %+v recovered from %v", q.Speaker, q.RecoveredFrom)
	}
}

// TestWebFormatsEndToEnd adds a directory of mixed formats (a gzipped WARC
// crawl, an Atom feed, a saved page, JSON Lines) and traces a content-farm
// page given as HTML on stdin back to the crawled and saved pages.
func TestWebFormatsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	for src, name := range map[string]string{
		"../../reader/testdata/crawl.warc.gz": "crawl.warc.gz",
		"../../reader/testdata/news.atom":     "feeds/news.atom",
		"../../page/testdata/article.html":    "saved/ferry.html",
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "wire.jsonl"), []byte(`{"id":"wire/1","url":"https://wire.example/1","text":"The Brackley tram line will close for a week of track repairs in August."}`+"\n"), 0o644)
	db := filepath.Join(t.TempDir(), "idx")
	r := runCLI(t, "", "add", "--db", db, dir)
	if r.code != exitOK || !strings.Contains(r.stderr, "added 5 articles, skipped 0 bad records, passed over 4 records that are not articles") {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	farm := `<html><head><title>Sunday reading and ferry news</title></head><body><nav><a href="/">Home</a></nav><article>
<h1>Sunday reading and ferry news</h1>
<p>The county library in Fenwick will open on Sunday afternoons from May, after forty helpers offered to staff the reading rooms.</p>
<p>The nine-day strike that stopped every ferry across Marlow harbour ended on Friday night, after the crews' union accepted a pay offer of 6.5 per cent over two years.</p>
<p>“We are glad to be back on the water, and we are glad the company finally listened,” the union said.</p>
</article><footer>Copyright nobody</footer></body></html>`
	r = runCLI(t, farm, "trace", "--db", db, "--format", "json", "-")
	if r.code != exitOK {
		t.Fatalf("trace: %d %s", r.code, r.stderr)
	}
	var tl traceLine
	if err := json.Unmarshal([]byte(r.stdout), &tl); err != nil {
		t.Fatalf("trace output: %v: %s", err, r.stdout)
	}
	ex := runCLI(t, farm, "extract", "--format", "json", "-")
	var page report.RecordJSON
	if err := json.Unmarshal([]byte(ex.stdout), &page); err != nil {
		t.Fatal(err)
	}
	sources := map[string]bool{}
	for _, s := range tl.Sentences {
		if page.Text[s.Start:s.End] != s.Text {
			t.Errorf("sentence %d offsets do not point into the extracted text", s.Index)
		}
		for _, src := range s.Sources {
			sources[src.ID] = true
		}
	}
	for _, want := range []string{"https://fenwickcourier.example/library-sundays", filepath.Join(dir, "saved/ferry.html")} {
		if !sources[want] {
			t.Errorf("no sentence traced to %s; sources %v", want, sources)
		}
	}
}

// TestUnfoldedSegmentsNoticed leaves an index with the segments of an add
// that did not fold (as one killed before its end does) and checks that
// trace says so and how to fold them, finds the same sources through them
// as after 'unspun compact', and says nothing once they are folded.
func TestUnfoldedSegmentsNoticed(t *testing.T) {
	f := demoFiles(t)
	data, err := os.ReadFile(f.Corpus)
	if err != nil {
		t.Fatal(err)
	}
	var docs []store.Doc
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		a, err := reader.ParseJSON([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, index.Doc(a, align.DefaultAliases))
	}
	if len(docs) < unfoldedNotice {
		t.Fatalf("the demo corpus has %d articles, fewer than the %d segments wanted", len(docs), unfoldedNotice)
	}
	db := filepath.Join(t.TempDir(), "idx")
	s, err := pebble.Open(db, pebble.Options{Create: true, IngestBytes: 1}) // every Put a segment
	if err != nil {
		t.Fatal(err)
	}
	per := len(docs) / unfoldedNotice
	for i := 0; i < len(docs); i += per {
		if err := s.Put(context.Background(), docs[i:min(i+per, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Unfolded(); n < unfoldedNotice {
		t.Fatalf("%d segments left, want at least %d", n, unfoldedNotice)
	}
	s.Close()

	unfolded := runCLI(t, "", "trace", "--db", db, "--learn=false", "--format", "json", f.Farm)
	if unfolded.code != exitOK || !strings.Contains(unfolded.stderr, "segments not yet folded") || !strings.Contains(unfolded.stderr, "unspun compact --db "+db) {
		t.Fatalf("trace on unfolded segments: exit %d, stderr %q; want the notice and how to fold", unfolded.code, unfolded.stderr)
	}
	if r := runCLI(t, "", "compact", "--db", db); r.code != exitOK {
		t.Fatalf("compact: %d %s", r.code, r.stderr)
	}
	folded := runCLI(t, "", "trace", "--db", db, "--learn=false", "--format", "json", f.Farm)
	if folded.code != exitOK || strings.Contains(folded.stderr, "not yet folded") {
		t.Fatalf("trace after compact: exit %d, stderr %q; want no notice", folded.code, folded.stderr)
	}
	if folded.stdout != unfolded.stdout || !strings.Contains(folded.stdout, `"sources":[{`) {
		t.Errorf("the traces through the segments and after folding them differ, or found no source")
	}
}
