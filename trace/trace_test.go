package trace_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/demo"
	"github.com/unspun/unspun/internal/golden"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/trace"
)

func parseLines(t *testing.T, data []byte) []unspun.Article {
	t.Helper()
	return parseLinesF(t, data)
}

// parseLinesF is parseLines for fuzz targets and benchmarks.
func parseLinesF(t testing.TB, data []byte) []unspun.Article {
	t.Helper()
	var out []unspun.Article
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		a, err := reader.ParseJSON(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// demoStore indexes the demo corpus in memory.
func demoStore(t *testing.T) store.Store {
	t.Helper()
	return demoStoreF(t)
}

// demoStoreF is demoStore for fuzz targets and benchmarks.
func demoStoreF(t testing.TB) store.Store {
	t.Helper()
	return memoryStoreF(t, parseLinesF(t, demo.Corpus())...)
}

// TestDemoGolden traces the demo farm pages and compares the text report
// with testdata/demo.golden (go test ./trace -update rewrites it).
func TestDemoGolden(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for _, a := range parseLines(t, demo.Farm()) {
		res, err := tr.Trace(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		report.WriteTrace(&got, res, report.Style{})
	}
	golden.Check(t, "demo.golden", got.Bytes())
}

// TestTraceFacts checks the facts the demo was written to show, independent
// of the report's layout.
func TestTraceFacts(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	pages := parseLines(t, demo.Farm())
	traces := map[string]unspun.Trace{}
	for _, a := range pages {
		res, err := tr.Trace(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		traces[a.ID] = res
		for _, st := range res.Sentences {
			if got := a.Body[st.Span.Start:st.Span.End]; got != st.Text {
				t.Fatalf("%s sentence %d: span text %q != %q", a.ID, st.Index, got, st.Text)
			}
			for _, src := range st.Sources {
				full, err := s.Get(ctx, src.Article.ID)
				if err != nil || full.Body[src.Span.Start:src.Span.End] != src.Text {
					t.Fatalf("%s sentence %d: source span of %s does not point at its text", a.ID, st.Index, src.Article.ID)
				}
			}
		}
	}
	wn := traces["worldnewsnow/keldmark-flood-what-we-know"]
	if wn.Summary.CopiedSentences != wn.Summary.Sentences {
		t.Errorf("worldnewsnow: %d of %d sentences traced, want all", wn.Summary.CopiedSentences, wn.Summary.Sentences)
	}
	// The wire story published the residents sentence first; the Courier copied it later the same day.
	second := wn.Sentences[1]
	if len(second.Sources) < 2 || !second.Sources[0].Earliest || second.Sources[0].Article.ID != "northernwire/brenno-flood" {
		t.Errorf("worldnewsnow sentence 2: want northernwire first and earliest, got %+v", second.Sources)
	}
	alias := false
	for _, e := range wn.Sentences[4].Sources[0].Edits {
		if e.From == "European Union" && e.To == "EU" && e.Kind == unspun.KindAlias {
			alias = true
		}
	}
	if !alias {
		t.Errorf("worldnewsnow sentence 5: European Union → EU not reported as an alias edit: %+v", wn.Sentences[4].Sources[0].Edits)
	}
	buzz := traces["dailybuzzhub/brenno-shocking-night"]
	for _, i := range []int{0, 3} { // page furniture and an unrelated headline
		if len(buzz.Sentences[i].Sources) != 0 {
			t.Errorf("dailybuzzhub sentence %d %q got a source", i+1, buzz.Sentences[i].Text)
		}
	}
	tw := traces["trendingwire/brenno-shepherds-saved"]
	medal := sentenceWith(t, tw, "bravery medal") // shares only names and titles with the corpus
	if len(medal.Sources) != 0 {
		t.Errorf("trendingwire: %q linked to %v, want no source", medal.Text, sourceIDs(medal))
	}
	flipped := sentenceWith(t, tw, "had not been delayed") // a copy with a negation added
	if len(flipped.Sources) == 0 || flipped.Sources[0].Article.ID != "ostmarktimes/varga-criticised" {
		t.Fatalf("trendingwire: the flipped sentence is not linked to its source: %v", sourceIDs(flipped))
	}
	if f := factEdits(flipped.Sources[0]); len(f) != 1 || !strings.Contains(f[0], "not") {
		t.Errorf("trendingwire: fact edits %v, want the inserted negation", f)
	}
	if tw.Summary.FactEdits != 1 {
		t.Errorf("trendingwire: summary counts %d fact edits, want 1", tw.Summary.FactEdits)
	}
	if op := traces["keldmark-voice/brenno-deserved-better"]; op.Summary.Originality != 1 {
		t.Errorf("the original commentary has originality %.2f, want 1", op.Summary.Originality)
	}
}

func TestNeverItsOwnSource(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	tr, _ := trace.New(ctx, s, nil, trace.DefaultOptions)
	for _, a := range parseLines(t, demo.Corpus()) {
		res, err := tr.Trace(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range res.Sentences {
			for _, src := range st.Sources {
				if src.Article.ID == a.ID || src.Article.URL == a.URL {
					t.Fatalf("%s traced to itself", a.ID)
				}
			}
		}
	}
}

func TestLexiconLearnsAndFeedsBack(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	lex := trace.NewLexicon(2)
	if lex.Known("said", "stated") {
		t.Fatal("lexicon knows a swap before any trace")
	}
	tr, _ := trace.New(ctx, s, lex, trace.DefaultOptions)
	for _, a := range parseLines(t, demo.Farm()) {
		if _, err := tr.Trace(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if lex.Known("said", "stated") {
		t.Error("a swap learned in this run already counts: traces would depend on order")
	}
	if err := lex.Flush(ctx, s); err != nil {
		t.Fatal(err)
	}
	subs, _ := s.Substitutions(ctx, "trendingwire.test")
	found := false
	for _, sub := range subs {
		if sub.From == "said" && sub.To == "stated" {
			found = true
		}
	}
	if !found {
		t.Errorf("trendingwire.test's swaps were not stored: %+v", subs)
	}
	reloaded, err := trace.LoadLexicon(ctx, s, 2)
	if err != nil || !reloaded.Known("said", "stated") {
		t.Errorf("a reloaded lexicon lost said → stated: %v", err)
	}
}

// TestDemoQuoteSpeakers checks every quote of the demo farm pages: its
// speaker, how the speaker was found, and the flags a fact-checker needs.
func TestDemoQuoteSpeakers(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	tr, _ := trace.New(ctx, s, nil, trace.DefaultOptions)
	type want struct {
		speaker, from, recoveredFrom, sourceSpeaker string
	}
	wants := map[string]want{
		// orphans on a stitched page, recovered from the articles that carry them
		"“The water came faster":    {"Tomas Reyhan", unspun.FromSource, "northernwire/brenno-flood", ""},
		"“We ran with the children": {"Marta Kesselring", unspun.FromSource, "keldmark-courier/brenno-night", ""},
		// the attribution was dropped, the previous sentence names the speaker, and the source agrees
		"“That drill saved lives":     {"Oskar Hale", unspun.FromInherited, "", ""},
		"“Households lost everything": {"Radek Sommer", unspun.FromCue, "", ""},
		// given to the wrong person: the page's speaker stays, the sources' is set beside it
		"“They were cold and hungry|brennotoday":  {"Ilse Varga", unspun.FromCue, "", "Petra Ilic"},
		"“They were cold and hungry|trendingwire": {"Petra Ilic", unspun.FromCue, "", ""},
		"“We will rebuild every house":            {"Ilse Varga", unspun.FromCue, "", ""},
		// follows another person's quote on the page: the sources' speaker replaces the inherited one
		"“If the line is not open": {"Jonas Arendt", unspun.FromSource, "continental-ledger/keldmark-economy", ""},
	}
	seen := 0
	for _, a := range parseLines(t, demo.Farm()) {
		res, err := tr.Trace(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		site := strings.SplitN(a.ID, "/", 2)[0]
		for _, q := range res.Quotes {
			for key, w := range wants {
				prefix, onSite, _ := strings.Cut(key, "|")
				if !strings.HasPrefix(q.Text, prefix) || onSite != "" && onSite != site {
					continue
				}
				seen++
				var got want
				if q.Speaker != nil {
					got.speaker, got.recoveredFrom = q.Speaker.Name, q.Speaker.RecoveredFrom
				}
				got.from = q.SpeakerFrom
				if q.SourceSpeaker != nil {
					got.sourceSpeaker = q.SourceSpeaker.Name
				}
				if got != w {
					t.Errorf("%s %q: got %+v, want %+v", a.ID, q.Text, got, w)
				}
			}
		}
		if a.ID == "brennotoday/voices-of-the-flood" && res.Summary.MisattributedQuotes != 1 {
			t.Errorf("brennotoday: %d misattributed quotes counted, want 1", res.Summary.MisattributedQuotes)
		}
	}
	if seen != len(wants) {
		t.Errorf("checked %d quotes, want %d", seen, len(wants))
	}
}

// TestTraceStopsWhenCancelled: a trace whose caller has gone (a server's
// client closed the connection) returns the context's error instead of
// finishing the work.
func TestTraceStopsWhenCancelled(t *testing.T) {
	s := demoStore(t)
	tr, err := trace.New(context.Background(), s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tr.Trace(ctx, parseLines(t, demo.Farm())[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled trace: %v, want context.Canceled", err)
	}
}
