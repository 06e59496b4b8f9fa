package dedup

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParamsFor(t *testing.T) {
	for _, tc := range []struct {
		threshold float64
		// the chance that a pair at the threshold, and one well above it,
		// becomes a candidate, and the chance for one well below it
		atLeast, above, belowAtMost float64
	}{
		{0.5, 0.9, 0.999, 0.3},
		{0.8, 0.95, 0.999, 0.2},
		{0.9, 0.95, 0.999, 0.2},
	} {
		p := ParamsFor(tc.threshold)
		if p.Bands*p.Rows > Bins || p.Bands < 1 || p.Rows < 1 {
			t.Fatalf("J=%.1f: %+v does not fit %d bins", tc.threshold, p, Bins)
		}
		if c := p.Chance(tc.threshold); c < tc.atLeast {
			t.Errorf("J=%.1f: %+v finds a pair at the threshold with p %.3f, want ≥ %.2f", tc.threshold, p, c, tc.atLeast)
		}
		if c := p.Chance(math.Min(1, tc.threshold+0.1)); c < tc.above {
			t.Errorf("J=%.1f: %+v finds a pair 0.1 above with p %.4f, want ≥ %.3f", tc.threshold, p, c, tc.above)
		}
		if c := p.Chance(tc.threshold - 0.3); c > tc.belowAtMost {
			t.Errorf("J=%.1f: %+v makes a pair 0.3 below a candidate with p %.3f, want ≤ %.2f", tc.threshold, p, c, tc.belowAtMost)
		}
	}
	if a, b := ParamsFor(0.5), ParamsFor(0.9); a.Rows >= b.Rows {
		t.Errorf("a higher threshold should take more rows per band: %+v at 0.5, %+v at 0.9", a, b)
	}
}

// story writes an invented article of n sentences about a harbour, each
// sentence different.
func story(seed, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "On day %d the harbour crew of Lisk number %d moved %d crates of timber past the breakwater while gulls circled the old quay. ", i, seed, (i*7+seed)%97)
	}
	return b.String()
}

func TestSimilarityEstimatesJaccard(t *testing.T) {
	var s Sketcher
	base := story(1, 60)
	a := s.Sketch("", base)
	same := s.Sketch("", base)
	if Similarity(&a, &same) != 1 {
		t.Error("identical texts are not similarity 1")
	}
	// Replace the last sentences: the word 3-gram Jaccard falls with them.
	sentences := strings.SplitAfter(base, ". ")
	cut := strings.Join(sentences[:45], "") + story(2, 15)
	b := s.Sketch("", cut)
	if sim := Similarity(&a, &b); sim < 0.5 || sim > 0.8 {
		t.Errorf("a quarter of the sentences replaced: similarity %.2f, want about 0.6", sim)
	}
	other := s.Sketch("", "Velmora council approved a new flood barrier after a long debate about costs and the river.")
	if sim := Similarity(&a, &other); sim > 0.05 {
		t.Errorf("unrelated texts: similarity %.2f", sim)
	}
}

func TestClusters(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2031, 5, d, 9, 0, 0, 0, time.UTC) }
	body := story(3, 40)
	sentences := strings.SplitAfter(body, ". ")
	var s Sketcher
	docs := []*Doc{
		{ID: "reprint", Published: day(4), Sketch: s.Sketch("Harbour crews race the storm", body)},
		{ID: "original", Published: day(2), Sketch: s.Sketch("Harbour crews race the storm", body)},
		{ID: "new-headline", Published: day(3), Sketch: s.Sketch("Lisk dockers beat the gale", body)},
		{ID: "shortened", Sketch: s.Sketch("Harbour crews race the storm", strings.Join(sentences[:37], ""))},
		{ID: "same-event", Published: day(2), Sketch: s.Sketch("Storm hits Lisk", story(4, 40))},
		{ID: "unrelated", Published: day(1), Sketch: s.Sketch("Council vote", "Velmora council approved a new flood barrier after a long debate.")},
	}
	c := New(0.8)
	for _, d := range docs {
		c.Add(d, nil)
	}
	cl := c.Clusters()
	if len(cl) != 1 {
		t.Fatalf("%d clusters, want 1: %v", len(cl), cl)
	}
	var ids []string
	for _, m := range cl[0] {
		ids = append(ids, m.Doc.ID)
	}
	if got := strings.Join(ids, " "); got != "original reprint new-headline shortened" {
		t.Errorf("cluster %q, want the original first, then the others in input order", got)
	}
	if cl[0][0].Similarity != 1 || cl[0][1].Similarity != 1 || cl[0][3].Similarity < 0.8 {
		t.Errorf("similarities to the original: %v", cl[0])
	}
}

func BenchmarkSketch(b *testing.B) {
	text := story(5, 45) // about 600 words
	var s Sketcher
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.Sketch("", text)
	}
}

func TestTable(t *testing.T) {
	var tb table
	want := map[uint64]int32{}
	for i := range 5000 {
		k := uint64(i) * 0x9e3779b97f4a7c15 >> (i % 7) // clustered low bits too
		if i == 17 {
			k = 0 // the empty-slot marker is a key like any other
		}
		old, had := tb.swap(k, int32(i))
		if w, ok := want[k]; ok != had || (had && old != w) {
			t.Fatalf("swap(%d): %d %v, want %d %v", k, old, had, w, ok)
		}
		want[k] = int32(i)
		if v, ok := tb.getOrPut(k, -1); !ok || v != int32(i) {
			t.Fatalf("getOrPut(%d) = %d %v after setting %d", k, v, ok, i)
		}
	}
	if tb.n != len(want) {
		t.Errorf("%d keys held, want %d", tb.n, len(want))
	}
	for k, v := range want {
		if got, ok := tb.getOrPut(k, -1); !ok || got != v {
			t.Errorf("key %d: %d %v, want %d", k, got, ok, v)
		}
	}
}
