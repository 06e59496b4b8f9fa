package trace_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/quote"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
	"github.com/unspun/unspun/trace"
)

// The tariff story: a source article, and the coverage of the same story by
// other outlets, which repeat its names, titles and figures in their own
// words. Everything here is invented.
var tariffSource = unspun.Article{ID: "velmora-herald/tariff-vote", Site: "velmoraherald.test", Title: "Senate backs steel tariff",
	Published: day(2031, 4, 1), Body: `The Velmora senate voted 41 to 19 on Tuesday to impose a 12 percent tariff on imported steel, said Senator Ada Quill on Tuesday.

Trade Minister Paul Ortega warned that the tariff would raise the price of new housing across the region.

Steelworkers at the Lisk foundry cheered outside the parliament building as the result was announced.

According to the motoring club, motorists average 54 minutes a day in traffic on the coastal highway.

“Cheap foreign steel has closed three mills in this valley since 2028,” Quill told reporters after the vote.

The new duty takes effect on the first of June and will be reviewed after two years.`}

var tariffHarbour = unspun.Article{ID: "coastal-post/lisk-harbour", Site: "coastalpost.test", Title: "Lisk harbour braces for new rules",
	Published: day(2031, 4, 1), Body: `Shipping firms in Lisk harbour expect the first cargoes under the new rules within a week.

Dock managers said the customs office had hired forty extra inspectors for the summer.

Lisk runs the only tram network in the region, and its drivers stopped work for an hour to watch the vote.`}

// tariffCoverage is the same story told by other outlets: the names and
// figures recur, the sentences do not.
var tariffCoverage = []unspun.Article{
	{ID: "ostmark/tariff-1", Site: "ostmark.test", Published: day(2031, 4, 1), Body: `Senator Ada Quill led the campaign for the tariff for two years. Senator Ada Quill comes from a mining family in the north. Trade Minister Paul Ortega opposed the measure in cabinet. The Velmora senate rarely votes on trade.`},
	{ID: "ostmark/tariff-2", Site: "ostmark.test", Published: day(2031, 4, 2), Body: `Critics of Senator Ada Quill say the tariff helps one foundry. Trade Minister Paul Ortega will meet steel importers next week. The tariff on imported steel is the first in a decade. Motorists on the coastal highway face delays because of roadworks.`},
	{ID: "keldmark/tariff-3", Site: "keldmark.test", Published: day(2031, 4, 2), Body: `The 12 percent tariff was backed by Senator Ada Quill and opposed by Trade Minister Paul Ortega. Workers at the Lisk foundry have waited years for protection. Housing developers fear higher prices.`},
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 9, 0, 0, 0, time.UTC) }

// memoryStore indexes articles in memory.
func memoryStore(t *testing.T, arts ...unspun.Article) store.Store {
	t.Helper()
	return memoryStoreF(t, arts...)
}

// memoryStoreF is memoryStore for fuzz targets and benchmarks.
func memoryStoreF(t testing.TB, arts ...unspun.Article) store.Store {
	t.Helper()
	s := storetest.NewMemory()
	var docs []store.Doc
	for _, a := range arts {
		docs = append(docs, index.Doc(a, align.DefaultAliases))
	}
	if err := s.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return s
}

func traceOne(t *testing.T, s store.Store, a unspun.Article) unspun.Trace {
	t.Helper()
	ctx := context.Background()
	tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Trace(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sentenceWith returns the traced sentence that contains text.
func sentenceWith(t *testing.T, tr unspun.Trace, text string) unspun.SentenceTrace {
	t.Helper()
	for _, st := range tr.Sentences {
		if strings.Contains(st.Text, text) {
			return st
		}
	}
	t.Fatalf("no sentence contains %q", text)
	return unspun.SentenceTrace{}
}

func sourceIDs(st unspun.SentenceTrace) []string {
	var ids []string
	for _, s := range st.Sources {
		ids = append(ids, s.Article.ID)
	}
	return ids
}

func factEdits(src unspun.Source) []string {
	var out []string
	for _, e := range src.Edits {
		if e.Kind == unspun.KindFact {
			out = append(out, fmt.Sprintf("%s %q→%q", e.Op, e.From, e.To))
		}
	}
	return out
}

// TestWhatALinkMeans traces a farm page that mixes copies of the tariff
// story with other outlets' sentences about it, one sentence per class of
// false link seen on real pages and one per kind of copy that must stay
// linked.
func TestWhatALinkMeans(t *testing.T) {
	s := memoryStore(t, append([]unspun.Article{tariffSource, tariffHarbour}, tariffCoverage...)...)
	page := unspun.Article{ID: "farm/tariff", Site: "farm.test", Published: day(2031, 4, 3), Body: `Posted April 3, 2031

He also warned Senator Ada Quill that the tariff would backfire.

A survey found drivers spend an average of 54 minutes a day in traffic.

Trade Minister Paul Ortega warned that the tariff would not raise the price of new housing across the region.

The Velmora senate voted 41 to 29 on Tuesday to impose a 12 percent tariff on imported steel.

Steelworkers at the Lisk foundry cheered outside the parliament building as the result was announced, while shipping firms in Lisk harbour expect the first cargoes under the new rules within a week.

Critics laughed when the senator repeated that “cheap foreign steel has closed three mills in this valley” during a televised debate with rival candidates on Sunday evening.

Engineers inspected the only tram network in the region after a power cable snapped near the old port on Monday.`}
	tr := traceOne(t, s, page)

	tests := []struct {
		name    string
		text    string   // a part of the page's sentence
		sources []string // the articles it must link to, in ID order (nil: no link)
		facts   int      // edits of kind fact on the first source
	}{
		{"a shared titled name is not a copy", "He also warned", nil, 0},
		{"the same fact in other words is not a copy", "A survey found", nil, 0},
		{"a flipped negation stays linked and is a changed fact", "would not raise", []string{tariffSource.ID}, 1},
		{"a trimmed clause with a changed number stays linked", "41 to 29", []string{tariffSource.ID}, 1},
		{"a merged sentence links to both sources", "Steelworkers", []string{tariffHarbour.ID, tariffSource.ID}, 0},
		{"a sentence that only quotes a source is not its copy", "Critics laughed", nil, 0},
		{"a stock phrase of the story is not a copy", "Engineers inspected", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := sentenceWith(t, tr, tc.text)
			got := sourceIDs(st)
			slices.Sort(got)
			if !reflect.DeepEqual(got, tc.sources) {
				for _, s := range st.Sources {
					t.Logf("source %s similarity %.2f coverage %.2f edits %+v", s.Article.ID, s.Similarity, s.Coverage, s.Edits)
				}
				t.Fatalf("%q: sources %v, want %v", st.Text, got, tc.sources)
			}
			if len(st.Sources) > 0 {
				if f := factEdits(st.Sources[0]); len(f) != tc.facts {
					t.Errorf("fact edits %v, want %d", f, tc.facts)
				}
				if c := st.Sources[0].Coverage; c < trace.DefaultOptions.MinPartCoverage || c > 1 {
					t.Errorf("coverage %.2f out of range", c)
				}
			}
		})
	}
	if st := tr.Sentences[0]; !st.Furniture || len(st.Sources) != 0 {
		t.Errorf("the date line %q: furniture %v, sources %v; want furniture without sources", st.Text, st.Furniture, sourceIDs(st))
	}
	if tr.Summary.Furniture != 1 || tr.Summary.CopiedSentences != 3 || tr.Summary.FactEdits != 2 {
		t.Errorf("summary %+v: want 1 furniture, 3 copied sentences, 2 fact edits", tr.Summary)
	}
	var traced *unspun.Quote
	for i, q := range tr.Quotes {
		if strings.Contains(q.Text, "cheap foreign steel") {
			traced = &tr.Quotes[i]
		}
	}
	if traced == nil || len(traced.Sources) != 1 || traced.Sources[0].Article.ID != tariffSource.ID {
		t.Fatalf("the quote of the unlinked sentence is not traced to its source: %+v", traced)
	}
	if src := traced.Sources[0]; !strings.Contains(src.Text, "Cheap foreign steel has closed three mills") {
		t.Errorf("quote source span %q does not hold the quoted words", src.Text)
	}
}

// TestUnrelatedWordsAreNotSubstitutions checks the edit script: words that
// have nothing in common are a deletion and an insertion, never a pair.
func TestUnrelatedWordsAreNotSubstitutions(t *testing.T) {
	a := align.New(nil)
	src := "Officials in Lisk said that the harbour would reopen on Monday after the storm."
	cp := "Officials in Lisk, despite the gloomy forecast from the weather office, insisted the harbour would reopen on Monday after the storm."
	r := alignText(a, cp, src)
	for _, e := range r.Edits {
		if e.Op == unspun.Substitute && e.Kind == "" && (strings.Contains(e.To, " ") || strings.Contains(e.From, " ")) {
			t.Errorf("unrelated runs paired as a substitution: %q → %q", e.From, e.To)
		}
	}
	// A single swapped word inside a matched run stays a substitution.
	r = alignText(a, "Officials in Lisk stated that the harbour would reopen on Monday after the storm.", src)
	if len(r.Edits) != 1 || r.Edits[0].Op != unspun.Substitute || r.Edits[0].From != "said" || r.Edits[0].To != "stated" {
		t.Errorf("a swapped word: edits %+v, want said → stated", r.Edits)
	}
	if r.Coverage < 0.95 {
		t.Errorf("a swapped word inside a matched run: coverage %.2f, want about 1", r.Coverage)
	}
}

func alignText(a *align.Aligner, cp, src string) align.Result {
	an := index.Analyze(cp, a.Aliases)
	sn := index.Analyze(src, a.Aliases)
	var units []align.Unit
	bounds := []int{}
	for _, u := range sn.Units {
		bounds = append(bounds, len(units))
		units = append(units, u...)
	}
	bounds = append(bounds, len(units))
	align.SetInfo(an.Units[0], func(*align.Unit) float64 { return 1 })
	return a.Align(an.Units[0], cp, units, src, bounds)
}

// TestOriginAmongManyCopies adds thirty identical dated copies of a
// sentence before their original: the original must still be the origin,
// whatever order the index holds them in.
func TestOriginAmongManyCopies(t *testing.T) {
	wire := "The regional water board will spend 80 million crowns on new flood walls along the Tarn before next winter."
	var arts []unspun.Article
	for i := range 30 {
		arts = append(arts, unspun.Article{ID: fmt.Sprintf("reprint/%02d", i), Site: fmt.Sprintf("reprint%02d.test", i),
			Published: day(2031, 5, 2+i%20), Body: wire + fmt.Sprintf("\n\nReprinted for readers of edition %d.", i)})
	}
	original := unspun.Article{ID: "northernwire/flood-walls", Site: "northernwire.test", Published: day(2031, 5, 1),
		Body: wire + "\n\nThe board's chair said contracts would be signed in June."}
	arts = append(arts, original)
	s := memoryStore(t, arts...)
	page := unspun.Article{ID: "farm/walls", Site: "farm.test", Published: day(2031, 6, 1),
		Body: "The regional water board will spend 80 million crowns on new flood walls along the Tarn before next winter."}
	st := traceOne(t, s, page).Sentences[0]
	if st.Carriers != 31 {
		t.Errorf("carriers %d, want all 31", st.Carriers)
	}
	if len(st.Sources) > trace.DefaultOptions.MaxSources {
		t.Errorf("%d sources listed, want at most %d", len(st.Sources), trace.DefaultOptions.MaxSources)
	}
	var origin []string
	for _, src := range st.Sources {
		if src.Earliest {
			origin = append(origin, src.Article.ID)
		}
	}
	if !reflect.DeepEqual(origin, []string{original.ID}) {
		t.Errorf("origin %v, want the original %s", origin, original.ID)
	}
}

// TestLaterCarrierIsNotTheOrigin: a carrier published after the traced page
// is a later copy, listed as such, never the origin.
func TestLaterCarrierIsNotTheOrigin(t *testing.T) {
	sentence := "Keldmark Copper will halt ore shipments through Lisk harbour until the embankment is repaired."
	earlier := unspun.Article{ID: "wire/copper", Site: "wire.test", Published: day(2031, 3, 10), Body: sentence + " A spokesman gave no date."}
	later := unspun.Article{ID: "late/copper", Site: "late.test", Published: day(2031, 3, 20), Body: sentence}
	s := memoryStore(t, earlier, later)
	page := unspun.Article{ID: "page/copper", Site: "page.test", Published: day(2031, 3, 15), Body: sentence}
	st := traceOne(t, s, page).Sentences[0]
	for _, src := range st.Sources {
		switch src.Article.ID {
		case later.ID:
			if !src.Later || src.Earliest {
				t.Errorf("the later carrier: later %v, earliest %v; want later, not the origin", src.Later, src.Earliest)
			}
		case earlier.ID:
			if src.Later || !src.Earliest {
				t.Errorf("the earlier carrier: later %v, earliest %v; want the origin", src.Later, src.Earliest)
			}
		}
	}
	if len(st.Sources) != 2 {
		t.Fatalf("sources %v, want both carriers", sourceIDs(st))
	}
	// A page that predates every carrier is their origin: nothing is copied.
	first := page
	first.Published = day(2031, 3, 1)
	tr := traceOne(t, s, first)
	if tr.Summary.CopiedSentences != 0 || tr.Summary.Originality != 1 {
		t.Errorf("a page older than all its carriers: %+v, want originality 1", tr.Summary)
	}
}

// TestRetraceIsNotNewEvidence traces the same page twice: the second trace
// must give the same output and teach the lexicon nothing.
func TestRetraceIsNotNewEvidence(t *testing.T) {
	ctx := context.Background()
	src := unspun.Article{ID: "wire/ferries", Site: "wire.test", Published: day(2031, 2, 1),
		Body: "Ferries left the harbour at dawn carrying medical supplies to the island of Keldholm. The harbour master said the crossing took four hours in heavy seas. Crews unloaded blankets and water at the harbour before noon."}
	s := memoryStore(t, src)
	page := unspun.Article{ID: "farm/ferries", Site: "farm.test", Published: day(2031, 2, 2),
		Body: "Ferries left the port at dawn carrying medical supplies to the island of Keldholm. The port master said the crossing took four hours in heavy seas. Crews unloaded blankets and water at the port before noon."}
	var outs []string
	var counts []int64
	for range 3 {
		lex, err := trace.LoadLexicon(ctx, s, 3)
		if err != nil {
			t.Fatal(err)
		}
		tr, _ := trace.New(ctx, s, lex, trace.DefaultOptions)
		res, err := tr.Trace(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		if err := lex.Flush(ctx, s); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		report.WriteJSON(&b, report.Trace(res))
		outs = append(outs, b.String())
		subs, _ := s.Substitutions(ctx, "farm.test")
		var n int64
		for _, sub := range subs {
			n += sub.Count
		}
		counts = append(counts, n)
	}
	if counts[0] == 0 {
		t.Fatal("the first trace learned no swap; the test needs one")
	}
	if counts[1] != counts[0] || counts[2] != counts[0] {
		t.Errorf("learned swap counts after each trace %v, want the first trace's only", counts)
	}
	if outs[1] != outs[0] || outs[2] != outs[0] {
		t.Errorf("re-tracing changed the output:\n%s\n%s", outs[0], outs[1])
	}
}

// TestNoInheritanceAcrossAStitch: on a stitched page, a quote whose
// attribution was dropped must not inherit the speaker of a sentence that
// was copied from another article; with no source naming a speaker either,
// it is an orphan.
func TestNoInheritanceAcrossAStitch(t *testing.T) {
	mayor := unspun.Article{ID: "herald/dam", Site: "herald.test", Published: day(2031, 7, 1),
		Body: "Mayor Ana Reyes said the old dam above Velmora had held through the night without a crack."}
	crowd := unspun.Article{ID: "post/crowd", Site: "post.test", Published: day(2031, 7, 1),
		Body: "A crowd gathered on the bridge at dawn. “Nobody here has slept since the sirens started on Friday,” one fisherman shouted over the noise."}
	s := memoryStore(t, mayor, crowd)
	page := unspun.Article{ID: "farm/dam", Site: "farm.test", Published: day(2031, 7, 2),
		Body: "Mayor Ana Reyes said the old dam above Velmora had held through the night without a crack. “Nobody here has slept since the sirens started on Friday.”"}
	local := quoteOf(t, quote.Extract(page.Body), "Nobody here")
	if local.Speaker == nil || local.SpeakerFrom != unspun.FromInherited {
		t.Fatalf("the test needs a quote that inherits locally: %+v", local)
	}
	q := quoteOf(t, traceOne(t, s, page).Quotes, "Nobody here")
	if q.Speaker != nil {
		t.Errorf("the quote inherited %q across a stitch, want an orphan", q.Speaker.Name)
	}
	if len(q.Sources) != 1 || q.Sources[0].Article.ID != crowd.ID {
		t.Errorf("quote sources %+v, want the crowd article", q.Sources)
	}
}

func quoteOf(t *testing.T, qs []unspun.Quote, prefix string) unspun.Quote {
	t.Helper()
	for _, q := range qs {
		if strings.Contains(q.Text, prefix) {
			return q
		}
	}
	t.Fatalf("no quote holds %q", prefix)
	return unspun.Quote{}
}

// TestCappedCarriersAreSaid: when a sentence has more copies than are
// verified, the trace says so instead of cutting the list silently.
func TestCappedCarriersAreSaid(t *testing.T) {
	wire := "The regional water board will spend 80 million crowns on new flood walls along the Tarn before next winter."
	var arts []unspun.Article
	for i := range 40 {
		arts = append(arts, unspun.Article{ID: fmt.Sprintf("reprint/%02d", i), Published: day(2031, 5, 2), Body: wire})
	}
	s := memoryStore(t, arts...)
	ctx := context.Background()
	opts := trace.DefaultOptions
	opts.MaxTies = 10
	tr, _ := trace.New(ctx, s, nil, opts)
	res, err := tr.Trace(ctx, unspun.Article{ID: "page", Body: wire})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Limits) != 1 || !strings.Contains(res.Limits[0], "more than 16 copies") {
		t.Errorf("limits %q, want one saying the copies were capped", res.Limits)
	}
	if c := res.Sentences[0].Carriers; c != 16 {
		t.Errorf("carriers %d, want the 16 verified", c)
	}
	full := traceOne(t, s, unspun.Article{ID: "page", Body: wire})
	if len(full.Limits) != 0 || full.Sentences[0].Carriers != 40 {
		t.Errorf("with the default bound: limits %q, carriers %d; want none and 40", full.Limits, full.Sentences[0].Carriers)
	}
}
