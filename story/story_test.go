package story

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/synth"
)

func day(m, d int) time.Time { return time.Date(2031, time.Month(m), d, 9, 0, 0, 0, time.UTC) }

func art(id, title, body string, published time.Time) unspun.Article {
	return unspun.Article{ID: id, Title: title, Body: body, Published: published}
}

// Invented coverage of two events in one week, of the first event's
// anniversary two years later, and of another event in one of its towns
// two years after that.
var (
	flood1 = art("herald/flood", "Glacier lake bursts above Brenno",
		"A glacier lake above Brenno burst its moraine wall on Friday night. Residents of Brenno were moved to the sports hall in Ostrava Nova. The Tarn rose two metres.", day(3, 14))
	flood2 = art("courier/flood", "Night of sirens in Brenno",
		"Sirens woke Brenno after the moraine wall of the glacier lake gave way. Volunteers carried residents to the sports hall in Ostrava Nova as the Tarn flooded the lower town.", day(3, 14))
	flood3 = art("radio/aid", "Aid reaches Brenno after the flood",
		"Forty trucks of aid reached Brenno on Saturday, a day after the glacier lake burst. The Tarn is falling, and residents may return to the upper town on Monday.", day(3, 15))
	strike1 = art("lisk/strike", "Lisk tram drivers strike over pay",
		"Tram drivers in Lisk walked out on Monday over a pay offer the transport authority called final. No trams ran on the harbour line, and buses were full by seven.", day(3, 16))
	strike2 = art("post/strike", "Second day of tram strike in Lisk",
		"The Lisk tram strike went into a second day as the drivers' union rejected the transport authority's pay offer. Commuters crowded the harbour buses again.", day(3, 17))
	anniversary = art("herald/anniversary", "Brenno remembers the glacier lake flood",
		"Two years after the glacier lake burst above Brenno, residents gathered at the moraine wall. The Tarn runs quietly below the new flood walls.", time.Date(2033, 3, 14, 9, 0, 0, 0, time.UTC))
	hall = art("courier/hall", "Ostrava Nova opens its new sports hall",
		"Ostrava Nova opened a sports hall on Saturday, with courts for handball and a climbing wall. The mayor said the town had waited twelve years for it.", time.Date(2035, 5, 2, 9, 0, 0, 0, time.UTC))
)

func ids(stories []Story) [][]string {
	var out [][]string
	for _, s := range stories {
		var g []string
		for _, m := range s.Members {
			g = append(g, m.ID)
		}
		out = append(out, g)
	}
	return out
}

func TestCluster(t *testing.T) {
	arts := []unspun.Article{strike2, flood1, anniversary, hall, strike1, flood3, flood2}
	got := ids(clustered(t, arts))
	want := [][]string{
		// Publication order within a story; the anniversary, two years on,
		// tells of the same flood in the same words: the story resurfaced.
		{"herald/flood", "courier/flood", "radio/aid", "herald/anniversary"},
		{"lisk/strike", "post/strike"},
		{"courier/hall"}, // only the town and its sports hall in common
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stories %q, want %q", got, want)
	}
	// Without the higher bar after the window, the town's name and its
	// hall would be enough to join the story.
	low := DefaultOptions
	low.ResurfaceThreshold = low.MergeThreshold
	ss, err := Cluster(context.Background(), arts, low)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ss); len(got) != 2 {
		t.Errorf("ResurfaceThreshold = MergeThreshold: stories %q, want the hall joined to the flood", got)
	}
	none := DefaultOptions
	none.ResurfaceThreshold = 0
	if ss, err = Cluster(context.Background(), arts, none); err != nil {
		t.Fatal(err)
	}
	if got := ids(ss); len(got) != 4 {
		t.Errorf("ResurfaceThreshold 0: stories %q, want the anniversary a story of its own", got)
	}
}

func TestMergeBar(t *testing.T) {
	opts := Options{Window: 10 * 24 * time.Hour, MergeThreshold: 0.1, ResurfaceThreshold: 0.3}
	never := opts
	never.ResurfaceThreshold = 0
	for _, c := range []struct {
		name string
		a, b []time.Time
		opts Options
		want float64
	}{
		{"the same day", []time.Time{day(3, 1)}, []time.Time{day(3, 1)}, opts, 0.1},
		{"the window to the hour", []time.Time{day(3, 1)}, []time.Time{day(3, 11)}, opts, 0.1},
		{"an hour past the window", []time.Time{day(3, 1)}, []time.Time{day(3, 11).Add(time.Hour)}, opts, 0.3},
		{"a member of each meets", []time.Time{day(1, 1), day(6, 1)}, []time.Time{day(3, 1), day(6, 5)}, opts, 0.1},
		{"months apart", []time.Time{day(1, 1), day(1, 5)}, []time.Time{day(9, 1)}, opts, 0.3},
		{"months apart, never", []time.Time{day(1, 1)}, []time.Time{day(9, 1)}, never, 0},
		{"no dates meet any", nil, []time.Time{day(9, 1)}, never, 0.1},
	} {
		if got := mergeBar(c.a, c.b, c.opts); got != c.want {
			t.Errorf("%s: bar %v, want %v", c.name, got, c.want)
		}
	}
}

func TestClusterWithoutDates(t *testing.T) {
	a, b, c := flood1, flood2, strike1
	a.Published, b.Published, c.Published = time.Time{}, time.Time{}, time.Time{}
	got := ids(clustered(t, []unspun.Article{a, c, b}))
	want := [][]string{{"herald/flood", "courier/flood"}, {"lisk/strike"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("undated articles: stories %q, want %q (no window applies)", got, want)
	}
}

func TestStoryDatesAndTitle(t *testing.T) {
	s := clustered(t, []unspun.Article{flood3, flood1, flood2})
	if len(s) != 1 {
		t.Fatalf("%d stories, want 1", len(s))
	}
	if !s[0].First.Equal(day(3, 14)) || !s[0].Last.Equal(day(3, 15)) {
		t.Errorf("first %v last %v", s[0].First, s[0].Last)
	}
	if s[0].Title == "" {
		t.Error("a story without a title")
	}
}

// clustered runs Cluster with the default options.
func clustered(t *testing.T, arts []unspun.Article) []Story {
	t.Helper()
	s, err := Cluster(context.Background(), arts, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestClusterStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Cluster(ctx, []unspun.Article{flood1, flood2}, DefaultOptions); err == nil {
		t.Error("a cancelled clustering finished")
	}
}

// TestBatchKeepsOrder feeds batch more articles than one batch holds and
// checks its docs against building them all at once.
func TestBatchKeepsOrder(t *testing.T) {
	var arts []unspun.Article
	for i := range 2*batchSize + 7 {
		arts = append(arts, art(fmt.Sprintf("a%d", i), fmt.Sprintf("Harbour notice %d", i),
			fmt.Sprintf("Berth %d closes for dredging. Pilot boat %d stays at the outer mole.", i, i%13), day(3, 1+i%20)))
	}
	b := batch{opts: DefaultOptions}
	for _, a := range arts {
		b.add(a)
	}
	got, want := b.finish(), buildDocs(arts, DefaultOptions, nil)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("batch built %d docs that differ from buildDocs' %d", len(got), len(want))
	}
	if got[0].Article.Body != "" {
		t.Error("a doc keeps its article's body")
	}
}

// TestDotBigStory checks the binary-search path of a doc against a story
// much larger than it with a plain sum.
func TestDotBigStory(t *testing.T) {
	c := &cluster{}
	for k := range 2000 {
		c.terms = append(c.terms, uint64(3*k))
		c.sum = append(c.sum, float32(k%7)+0.5)
	}
	for _, terms := range [][]uint64{{0, 3, 4, 5998}, {1, 2}, {6000, 7000}, {9, 300, 301, 5997}} {
		d := &Doc{terms: terms}
		v := make(vec, len(terms))
		want := 0.0
		for i, term := range terms {
			v[i] = float32(i + 1)
			if term%3 == 0 && term/3 < 2000 {
				want += float64(v[i]) * float64(c.sum[term/3])
			}
		}
		if got := c.dot(d, v); got != want {
			t.Errorf("terms %v: dot %v, want %v", terms, got, want)
		}
	}
}

// TestStreamOfEvents clusters a synthetic stream of 3,000 articles about
// 700-odd events, 50 topics whose words events share: with plain centroid
// cosines one story took nearly all of such a stream (pair precision 0.01
// at 10,000 articles), so precision is what this checks, and recall with it.
func TestStreamOfEvents(t *testing.T) {
	var arts []unspun.Article
	event := map[string]int{}
	err := synth.Events(synth.EventOptions{Seed: 4, Articles: 3000}, func(ea synth.EventArticle) error {
		arts = append(arts, ea.Article)
		event[ea.ID] = ea.Event
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stories := clustered(t, arts)
	story := map[string]int{}
	biggest := 0
	for k, s := range stories {
		biggest = max(biggest, len(s.Members))
		for _, m := range s.Members {
			story[m.ID] = k
		}
	}
	var both, same, together int
	for i := range arts {
		for j := i + 1; j < len(arts); j++ {
			e, s := event[arts[i].ID] == event[arts[j].ID], story[arts[i].ID] == story[arts[j].ID]
			if e {
				same++
			}
			if s {
				together++
			}
			if e && s {
				both++
			}
		}
	}
	p, r := float64(both)/float64(together), float64(both)/float64(same)
	t.Logf("%d stories, the biggest of %d; pair precision %.3f, recall %.3f", len(stories), biggest, p, r)
	if p < 0.95 || r < 0.95 {
		t.Errorf("pair precision %.3f, recall %.3f: want both ≥ 0.95", p, r)
	}
}

// BenchmarkDotSorted measures the dot product of an article's vector with
// a story's sum, the inner loop of clustering, for stories of 1 to 16
// articles' worth of terms, a fifth of them shared.
func BenchmarkDotSorted(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	list := func(n int, from []uint64) ([]uint64, []float32) {
		seen := map[uint64]bool{}
		var ts []uint64
		for len(ts) < n {
			t := rng.Uint64()
			if len(from) > 0 && rng.IntN(5) == 0 {
				t = from[rng.IntN(len(from))]
			}
			if !seen[t] {
				seen[t] = true
				ts = append(ts, t)
			}
		}
		slices.Sort(ts)
		ws := make([]float32, n)
		for i := range ws {
			ws[i] = rng.Float32()
		}
		return ts, ws
	}
	for _, size := range []int{200, 800, 3200} {
		at, aw := list(200, nil)
		bt, bw := list(size, at)
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			s := 0.0
			for b.Loop() {
				s += dotSorted(at, aw, bt, bw)
			}
			_ = s
		})
	}
}
