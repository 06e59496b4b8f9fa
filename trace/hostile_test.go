package trace_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/demo"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/trace"
)

// repeated builds an article that repeats sentence n times, in paragraphs.
func repeated(id, sentence string, n int) unspun.Article {
	var b strings.Builder
	for range n {
		b.WriteString(sentence)
		b.WriteString("\n\n")
	}
	return unspun.Article{ID: id, Site: id + ".test", Body: b.String()}
}

const hostileSentence = "The harbour master said the storm surge would reach the old quay before midnight on Friday."

// traceAllocs traces a and returns the bytes allocated while doing it.
func traceAllocs(t testing.TB, s store.Store, a unspun.Article) (unspun.Trace, uint64) {
	ctx := context.Background()
	tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := tr.Trace(ctx, a)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	return res, after.TotalAlloc - before.TotalAlloc
}

// allocCeiling is what tracing a page may allocate: a fixed allowance and
// a constant per byte of the page. Work that grew with the square of the
// page (every repeated sentence against every stored repetition) breaks it
// by orders of magnitude.
func allocCeiling(body string) uint64 { return 64<<20 + 4000*uint64(len(body)) }

// FuzzTraceHostile traces generated hostile pages — a sentence or a quote
// repeated up to 3,000 times — against an index that holds another such
// article, under an allocation ceiling.
func FuzzTraceHostile(f *testing.F) {
	f.Add(hostileSentence, uint16(3000), false)
	f.Add("“We will not leave,” she said.", uint16(2000), true)
	f.Add("a", uint16(1), false)
	f.Add(strings.Repeat("word ", 400), uint16(50), false)
	s := memoryStoreF(f, repeated("stored", strings.Replace(hostileSentence, "storm", "gale", 1), 3000))
	f.Fuzz(func(t *testing.T, sentence string, n uint16, quoted bool) {
		if quoted {
			sentence = "“" + sentence + "” she said."
		}
		page := repeated("page", sentence, int(n%3001))
		res, allocs := traceAllocs(t, s, page)
		if limit := allocCeiling(page.Body); allocs > limit {
			t.Fatalf("tracing %d bytes allocated %d bytes, over the ceiling %d", len(page.Body), allocs, limit)
		}
		for _, st := range res.Sentences {
			if page.Body[st.Span.Start:st.Span.End] != st.Text {
				t.Fatalf("sentence %d: span does not hold its text", st.Index)
			}
		}
	})
}

// BenchmarkTraceRepeated shows that time and memory grow linearly with a
// page that repeats one sentence, traced against an index that holds
// another such article (go test -bench TraceRepeated -benchmem ./trace).
func BenchmarkTraceRepeated(b *testing.B) {
	s := memoryStoreF(b, repeated("stored", strings.Replace(hostileSentence, "storm", "gale", 1), 4000))
	ctx := context.Background()
	for _, n := range []int{500, 2000, 8000} {
		page := repeated("page", hostileSentence, n)
		b.Run(fmt.Sprintf("repeats=%d", n), func(b *testing.B) {
			tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(page.Body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tr.Trace(ctx, page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzTraceDemo traces arbitrary text against the demo corpus: whatever the
// page, tracing must not fail or panic, and every span it reports must
// point at the text it claims, in the page and in the source.
func FuzzTraceDemo(f *testing.F) {
	for _, a := range parseLinesF(f, demo.Farm()) {
		f.Add(a.Body)
	}
	f.Add("“They were cold,” said. “Hungry” — “laughing” Varga said: “")
	f.Add("Posted March 3, 2031\n\nBy Ada Quill\n\n5:10 a.m. Fire. Inc. The end.")
	s := demoStoreF(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body string) {
		tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.Trace(ctx, unspun.Article{ID: "fuzz", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range res.Sentences {
			if body[st.Span.Start:st.Span.End] != st.Text {
				t.Fatalf("sentence span does not hold its text")
			}
			for _, src := range st.Sources {
				full, err := s.Get(ctx, src.Article.ID)
				if err != nil || full.Body[src.Span.Start:src.Span.End] != src.Text || src.Coverage < 0 || src.Coverage > 1.0000001 {
					t.Fatalf("source %s: span or coverage out of bounds", src.Article.ID)
				}
			}
		}
		for _, q := range res.Quotes {
			if body[q.Span.Start:q.Span.End] != q.Text {
				t.Fatalf("quote span does not hold its text")
			}
		}
	})
}
