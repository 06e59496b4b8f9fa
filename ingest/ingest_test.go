package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
	"github.com/unspun/unspun/store/storetest"
	"github.com/unspun/unspun/story"
	"github.com/unspun/unspun/synth"
)

func emitSynth(n int, seed uint64) func(func(unspun.Article) error) error {
	return func(emit func(unspun.Article) error) error {
		g := synth.New(synth.Options{Seed: seed, Vocabulary: 5000, Names: 800})
		for range n {
			if err := emit(g.Article()); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestPipelineStoresEverythingInOrder(t *testing.T) {
	s := storetest.NewMemory()
	var reports []int
	p := &Pipeline{Store: s, BatchArticles: 7, Stored: func(total int, batch []unspun.Article) {
		reports = append(reports, total)
	}}
	n, err := p.Run(context.Background(), emitSynth(30, 1))
	if err != nil || n != 30 {
		t.Fatalf("Run = %d, %v", n, err)
	}
	if fmt.Sprint(reports) != "[7 14 21 28 30]" {
		t.Errorf("stored reports %v, want batches of 7", reports)
	}
	st, _ := s.Stats(context.Background())
	if st.Articles != 30 || st.Sentences == 0 {
		t.Errorf("stats %+v", st)
	}
}

type failingStore struct {
	store.Store
	after int
}

func (f *failingStore) Put(ctx context.Context, docs []store.Doc) error {
	if f.after == 0 {
		return errors.New("disk full")
	}
	f.after--
	return f.Store.Put(ctx, docs)
}

func TestPipelineStopsAtAWriteError(t *testing.T) {
	p := &Pipeline{Store: &failingStore{storetest.NewMemory(), 2}, BatchArticles: 5}
	n, err := p.Run(context.Background(), emitSynth(40, 2))
	if err == nil || n != 10 {
		t.Errorf("Run = %d, %v; want 10 stored and the error", n, err)
	}
}

func sstBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && filepath.Ext(p) == ".sst" {
			n += info.Size()
		}
		return nil
	})
	return n
}

// BenchmarkIngest adds synthetic 600-word articles to a Pebble index on disk
// (durable batches) and reports articles/s and the index's size: the bytes
// per article with and without the index terms, after a full compaction.
// UNSPUN_BENCH_ARTICLES sets the corpus size (default 5,000).
func BenchmarkIngest(b *testing.B) {
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("UNSPUN_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		sizes := map[bool]int64{}
		for _, withTerms := range []bool{true, false} {
			dir := b.TempDir()
			db, err := pebble.Open(dir, pebble.Options{Create: true})
			if err != nil {
				b.Fatal(err)
			}
			put := db.Put
			if !withTerms {
				put = func(ctx context.Context, docs []store.Doc) error {
					for i := range docs {
						docs[i].Terms = nil
					}
					return db.Put(ctx, docs)
				}
				b.StopTimer()
			}
			if _, err := (&Pipeline{Store: putFunc(put)}).Run(context.Background(), emitSynth(n, 9)); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			db.Compact()
			db.Close() // Pebble deletes the tables a compaction replaced in the background: Close waits for it
			sizes[withTerms] = sstBytes(dir)
			b.StartTimer()
		}
		b.ReportMetric(float64(sizes[false])/float64(n), "article-bytes/article")
		b.ReportMetric(float64(sizes[true]-sizes[false])/float64(n), "index-bytes/article")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

type putFunc func(ctx context.Context, docs []store.Doc) error

func (f putFunc) Put(ctx context.Context, docs []store.Doc) error { return f(ctx, docs) }

// TestStoryDocsMatchTheIndex checks that the story docs a run builds from
// its analysis cluster the index exactly as docs built from the stored
// texts do, on an index holding articles from before the run and articles
// the run replaces with other texts. (Pebble, whose scan order, which
// breaks ties of dates, is the order of adding.)
func TestStoryDocsMatchTheIndex(t *testing.T) {
	ctx := context.Background()
	world := synth.NewWorld(synth.WorldOptions{Seed: 2}).Articles
	half := len(world) / 2
	s, err := pebble.Open(t.TempDir(), pebble.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := &Pipeline{Store: s}
	if _, err := before.Run(ctx, emitAll(world[:half])); err != nil {
		t.Fatal(err)
	}
	run := slices.Clone(world[half:])
	for i := range 20 { // re-added ids whose texts are another article's
		a := world[i]
		a.Title, a.Body = world[half+i].Title, world[half+i].Body
		run = append(run, a)
	}
	run = append(run, world[half]) // the same id twice in the run: the later stays
	run[len(run)-1].Body += " A closing line the run's first copy of it lacks."
	opts := story.DefaultOptions
	p := &Pipeline{Store: s, Stories: &opts, BatchArticles: 50}
	if _, err := p.Run(ctx, emitAll(run)); err != nil {
		t.Fatal(err)
	}
	if want := len(world) - half + 20; len(p.StoryDocs) != want {
		t.Errorf("%d story docs kept, want one for each of the run's %d ids", len(p.StoryDocs), want)
	}
	known, err := story.Index(ctx, s, opts, p.StoryDocs)
	if err != nil {
		t.Fatal(err)
	}
	built, err := story.Index(ctx, s, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	biggest := 0
	for _, st := range built {
		biggest = max(biggest, len(st.Members))
	}
	if len(built) < 10 || biggest < 3 {
		t.Fatalf("%d stories, the biggest of %d: the world should make many, some big", len(built), biggest)
	}
	if !reflect.DeepEqual(known, built) {
		t.Errorf("stories from the run's docs differ from stories from the stored texts")
	}
}

func emitAll(arts []unspun.Article) func(func(unspun.Article) error) error {
	return func(emit func(unspun.Article) error) error {
		for _, a := range arts {
			if err := emit(a); err != nil {
				return err
			}
		}
		return nil
	}
}
