package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
	"github.com/unspun/unspun/store/storetest"
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
