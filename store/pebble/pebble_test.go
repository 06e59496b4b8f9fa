package pebble

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
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
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
	"github.com/unspun/unspun/synth"

	pebbledb "github.com/cockroachdb/pebble/v2"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		db, err := Open(dir, Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// TestConformanceIngested runs the contract with every Put written as a
// table and ingested: the bulk path must store exactly what the batch path
// stores.
func TestConformanceIngested(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		db, err := Open(dir, Options{Create: true, IngestBytes: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// TestConformanceFolded runs the contract with every Put ingested as a
// segment and folded at once, so that every read is of folded lists.
func TestConformanceFolded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		db, err := Open(dir, Options{Create: true, IngestBytes: 1})
		if err != nil {
			t.Fatal(err)
		}
		db.maxSegments = 1
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// TestConformanceVersion2 runs the contract on an index of format version
// 2, whose records sort among the other keys: indexes built before version
// 3 are still read and written.
func TestConformanceVersion2(t *testing.T) {
	newIndexVersion = 2
	t.Cleanup(func() { newIndexVersion = FormatVersion })
	for _, ingest := range []int{0, 1} {
		t.Run(fmt.Sprint("ingest ", ingest), func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, dir string) store.Store {
				db, err := Open(dir, Options{Create: true, IngestBytes: ingest})
				if err != nil {
					t.Fatal(err)
				}
				if db.recordPrefix != prefixRecord2 {
					t.Fatalf("a version 2 index keeps records under %q", db.recordPrefix)
				}
				t.Cleanup(func() { db.Close() })
				return db
			})
		})
	}
}

// TestRecordsIngestedAtTheBottom checks what versions 3 and 4 are for:
// each ingested Put's records and its segment of posting chunks go
// straight into the bottom level, where no compaction rewrites them.
func TestRecordsIngestedAtTheBottom(t *testing.T) {
	ctx := context.Background()
	db, err := Open(t.TempDir(), Options{Create: true, IngestBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const puts = 5
	for p := range puts {
		var docs []store.Doc
		for i := range 20 {
			docs = append(docs, store.Doc{Article: unspun.Article{ID: fmt.Sprintf("%d-%d", p, i), Body: "The ferry to Ostrel sails at noon."},
				Sentences: 1, Terms: []store.Term{{Key: uint64(i)}, {Key: uint64(p) << 40}}})
		}
		if err := db.Put(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	levels := db.db.Metrics().Levels
	bottom := levels[len(levels)-1]
	// The first Put, into an empty index, is wholly at the bottom: its
	// records, its segment and its other keys, three tables.
	if bottom.TablesIngested != 2*puts+1 {
		t.Errorf("%d tables ingested into the bottom level, want %d: the records and segment of each Put and the first Put's other keys", bottom.TablesIngested, 2*puts+1)
	}
	for id, want := range map[string]string{"0-0": "The ferry to Ostrel sails at noon.", "4-19": "The ferry to Ostrel sails at noon."} {
		if a, err := db.Get(ctx, id); err != nil || a.Body != want {
			t.Errorf("Get(%s) = %q, %v", id, a.Body, err)
		}
	}
}

// TestWritesSort checks the sort of a Put's writes, which sorts only the
// prefixes out of order, against a sort of them all.
func TestWritesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var w writes
		for range r.IntN(300) {
			key := []byte{}
			if r.IntN(20) > 0 {
				key = append(key, "\x00apz\xff"[r.IntN(5)])
				for range r.IntN(4) {
					key = append(key, byte(r.IntN(4)))
				}
			}
			w.add(writeSet, key, []byte{byte(round)})
		}
		want := slices.Clone(w.ops)
		slices.SortStableFunc(want, func(a, b write) int { return bytes.Compare(w.key(a), w.key(b)) })
		w.sort()
		for i := range want {
			if !bytes.Equal(w.key(w.ops[i]), w.key(want[i])) {
				t.Fatalf("round %d: write %d has key %q, want %q", round, i, w.key(w.ops[i]), w.key(want[i]))
			}
		}
		if len(w.ops) != len(want) {
			t.Fatalf("round %d: %d writes, want %d", round, len(w.ops), len(want))
		}
	}
}

func TestAppendMergerOrder(t *testing.T) {
	m := &appendMerger{newer: [][]byte{[]byte("c")}}
	m.MergeOlder([]byte("b"))
	m.MergeNewer([]byte("d"))
	m.MergeOlder([]byte("a"))
	m.MergeNewer([]byte("e"))
	got, _, _ := m.Finish(true)
	if string(got) != "abcde" {
		t.Errorf("merged %q, want operands oldest first: abcde", got)
	}
}

func TestOpenRefusesWhatIsNotAnIndex(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	if _, err := Open(missing, Options{}); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Open of a missing directory: %v, want ErrNoIndex", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("Open without Create made the directory")
	}
	photos := t.TempDir()
	if err := os.WriteFile(filepath.Join(photos, "holiday.jpg"), []byte("\xff\xd8\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, create := range []bool{false, true} {
		if _, err := Open(photos, Options{Create: create}); !errors.Is(err, ErrNotIndex) {
			t.Errorf("Open (create %v) of a folder of photos: %v, want ErrNotIndex", create, err)
		}
	}
	dir := t.TempDir()
	db, err := Open(dir, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	// Another process opens the index while this one holds it.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOpenInUse$")
	cmd.Env = append(os.Environ(), "UNSPUN_OPEN_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "in use: true") {
		t.Errorf("a second process opening an index in use: %v\n%s", err, out)
	}
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopening an existing index without Create: %v", err)
	}
	db.Close()
}

// TestHelperOpenInUse runs in a child process of
// TestOpenRefusesWhatIsNotAnIndex: it opens the index the parent holds.
func TestHelperOpenInUse(t *testing.T) {
	dir := os.Getenv("UNSPUN_OPEN_DIR")
	if dir == "" {
		t.Skip("run by TestOpenRefusesWhatIsNotAnIndex")
	}
	_, err := Open(dir, Options{})
	fmt.Printf("in use: %v (%v)\n", errors.Is(err, ErrInUse), err)
}

func TestSortPostings(t *testing.T) {
	var p []posting
	rng := uint64(1)
	for i := range 5000 {
		rng = rng*6364136223846793005 + 1442695040888963407
		term := rng
		switch {
		case i%2 == 0:
			term %= 300 // many hits of 300 terms, all in the first bucket: sorted by comparison
		case i%3 == 0:
			term = 0xabcd<<48 | term%5 // of five terms in one bucket, interleaved: sorted by counting
		case i%5 == 0:
			term = 0x1234<<48 | term%maxLargeTerms // of as many terms as a bucket is counted with
		case i%7 == 0:
			term = 0x4321<<48 | term%(maxLargeTerms+1) // of one more
		}
		p = append(p, posting{term, store.Hit{Doc: uint32(i)}})
	}
	p = append(p, posting{1 << 63, store.Hit{Doc: 5000}})
	got := sortPostings(slices.Clone(p), nil)
	if len(got) != len(p) {
		t.Fatalf("%d postings, want %d", len(got), len(p))
	}
	want := slices.Clone(p)
	slices.SortStableFunc(want, func(a, b posting) int { return cmp.Compare(a.term, b.term) })
	if !slices.Equal(got, want) {
		t.Error("radix order differs from a stable sort by term")
	}
	if got := sortPostings(nil, nil); len(got) != 0 {
		t.Error("sorting nothing gave something")
	}
}

// TestIngestedPutSurvivesReopen writes through the bulk path, mixes in a
// batch Put, reopens the index over a table a crash left half written, and
// reads everything back.
func TestIngestedPutSurvivesReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	db, err := Open(dir, Options{Create: true, IngestBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("The harbour board of Keldholm met again. ", 40) // over 1 KiB: ingested
	doc := func(id, body string, key uint64) store.Doc {
		return store.Doc{Article: unspun.Article{ID: id, Body: body}, Sentences: 1, Terms: []store.Term{{Key: key}}}
	}
	if err := db.Put(ctx, []store.Doc{doc("a", big, 7), doc("b", big, 7)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Put(ctx, []store.Doc{doc("c", "Short.", 7)}); err != nil { // a batch
		t.Fatal(err)
	}
	if err := db.Put(ctx, []store.Doc{doc("a", big+"Again.", 8)}); err != nil { // replaces a, ingested
		t.Fatal(err)
	}
	db.Close()
	for _, name := range []string{ingestFile, ingestRecordsFile} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half a table"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen over left-over tables: %v", err)
	}
	defer db.Close()
	for _, name := range []string{ingestFile, ingestRecordsFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the left-over %s is still there: %v", name, err)
		}
	}
	for id, want := range map[string]string{"a": big + "Again.", "b": big, "c": "Short."} {
		if a, err := db.Get(ctx, id); err != nil || a.Body != want {
			t.Errorf("Get(%s) = %q, %v", id, a.Body, err)
		}
	}
	hits, n, err := db.Postings(ctx, 7, 100, nil)
	if err != nil || n != 3 || len(hits) != 3 { // a's old hit stays in the list; its doc is gone
		t.Errorf("postings of 7: %v, %d, %v", hits, n, err)
	}
	if st, err := db.Stats(ctx); err != nil || st.Articles != 3 {
		t.Errorf("stats %+v, %v", st, err)
	}
}

// TestOpensFrozenIndexes opens copies of indexes that unspun of format
// versions 2 (45ed8f2) and 3 (c7bf9bb) built from the demo corpus
// (`unspun add`, frozen in testdata), and one of version 4 (6bb01ab) that
// holds the demo corpus in three segments, never folded (three large Puts
// of a third each). It checks that every article, its number and its
// terms' hits read back, that a Put into each, ingested, keeps its
// version's layout (a version 4 index gets a fourth segment of per-term
// keys), and that the hits read the same after a reopen and a fold:
// indexes built before version 5 keep working.
func TestOpensFrozenIndexes(t *testing.T) {
	for _, v := range []struct {
		dir          string
		recordPrefix byte
		segments     int
	}{{"v2-demo", prefixRecord2, 0}, {"v3-demo", prefixRecord, 0}, {"v4-demo", prefixRecord, 3}} {
		t.Run(v.dir, func(t *testing.T) { testFrozenIndex(t, v.dir, v.recordPrefix, v.segments) })
	}
}

func testFrozenIndex(t *testing.T, name string, recordPrefix byte, segments int) {
	ctx := context.Background()
	dir := t.TempDir()
	frozen := filepath.Join("testdata", name)
	entries, err := os.ReadDir(frozen)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries { // Pebble writes on open: work on a copy
		b, err := os.ReadFile(filepath.Join(frozen, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(dir, Options{IngestBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	if db.recordPrefix != recordPrefix || db.segmented != (segments > 0) || db.grouped {
		t.Fatalf("records read under %q, segmented %v, grouped %v", db.recordPrefix, db.segmented, db.grouped)
	}
	if segs := *db.segments.Load(); len(segs) != segments {
		t.Fatalf("opened with segments %v, want %d", segs, segments)
	}
	var articles []unspun.Article
	for line := range bytes.Lines(demo.Corpus()) {
		a, err := reader.ParseJSON(line)
		if err != nil {
			t.Fatal(err)
		}
		articles = append(articles, a)
	}
	check := func(step string, articles []unspun.Article) {
		t.Helper()
		if st, err := db.Stats(ctx); err != nil || st.Articles != int64(len(articles)) {
			t.Fatalf("%s: stats %+v, %v; want %d articles", step, st, err, len(articles))
		}
		for _, a := range articles {
			got, err := db.Get(ctx, a.ID)
			if err != nil || got.Body != a.Body || got.Title != a.Title {
				t.Fatalf("%s: Get(%s): %q, %v", step, a.ID, got.Title, err)
			}
			num, err := db.Number(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, term := range index.Doc(a, align.DefaultAliases).Terms {
				hits, _, err := db.Postings(ctx, term.Key, 1<<20, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(hits, store.Hit{Doc: num, Sentence: term.Sentence, Check: term.Check}) {
					t.Fatalf("%s: %s: term %x of sentence %d has no hit of article %d", step, a.ID, term.Key, term.Sentence, num)
				}
			}
		}
	}
	check("opened", articles)
	added := unspun.Article{ID: "late/one", Title: "Ferry resumes", Body: "The Ostrel ferry sailed again on Monday after the storm."}
	if err := db.Put(ctx, []store.Doc{index.Doc(added, align.DefaultAliases)}); err != nil {
		t.Fatal(err)
	}
	if segs := *db.segments.Load(); segments == 0 && len(segs) != 0 || segments > 0 && len(segs) != segments+1 {
		t.Errorf("after a large Put, segments %v; the index had %d", segs, segments)
	}
	articles = append(articles, added)
	db.Close()
	if db, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if db.recordPrefix != recordPrefix || db.grouped {
		t.Errorf("after a Put, records read under %q, grouped %v", db.recordPrefix, db.grouped)
	}
	check("reopened after a Put", articles)
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	if segs := *db.segments.Load(); len(segs) != 0 {
		t.Errorf("after compacting, segments %v", segs)
	}
	check("compacted", articles)
}

// TestSegmentsFold puts articles of random terms in large Puts, which
// make segments, and small ones, which fold the segments first, and
// compares every term's hits with a model: before and after reopening, a
// fold into an index with no lists (written straight into the bottom
// level), a fold into lists (merged), and a fold when a Put reaches the
// most segments. Terms spread over the whole term space, both ends
// included, so that every part of a fold has some.
func TestSegmentsFold(t *testing.T) {
	for _, version := range []uint32{4, FormatVersion} {
		t.Run(fmt.Sprint("version ", version), func(t *testing.T) {
			newIndexVersion = version
			t.Cleanup(func() { newIndexVersion = FormatVersion })
			testSegmentsFold(t, version)
		})
	}
}

func testSegmentsFold(t *testing.T, version uint32) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	var db *DB
	open := func() {
		var err error
		if db, err = Open(dir, Options{Create: true, IngestBytes: 200}); err != nil {
			t.Fatal(err)
		}
		db.maxSegments = 4
	}
	open()
	defer func() { db.Close() }()
	if db.grouped != (version >= 5) {
		t.Fatalf("version %d index: grouped %v", version, db.grouped)
	}
	r := rand.New(rand.NewPCG(3, 4))
	// Terms at the ends and in the middle of the term space, where the
	// fold's parts meet, and several of one group.
	keys := []uint64{0, 1<<64 - 1, 1 << 63, 1<<63 - 1, 1, 2, 1<<63 + 1, 1<<63 + 5, 1<<64 - 3}
	for range 40 {
		keys = append(keys, r.Uint64())
	}
	model := map[uint64][]store.Hit{}
	articles := 0
	put := func(n int, large bool) {
		t.Helper()
		body := "Short."
		if large {
			body = strings.Repeat("The Ostrel ferry sailed. ", 10)
		}
		var docs []store.Doc
		for i := range n {
			d := store.Doc{Article: unspun.Article{ID: fmt.Sprint("a", articles), Body: body}, Sentences: 4}
			for range r.IntN(8) {
				term := store.Term{Key: keys[r.IntN(len(keys))], Sentence: uint16(r.IntN(4)), Check: uint16(r.IntN(3))}
				d.Terms = append(d.Terms, term)
				model[term.Key] = append(model[term.Key], store.Hit{Doc: db.next + uint32(i), Sentence: term.Sentence, Check: term.Check})
			}
			docs = append(docs, d)
			articles++
		}
		if err := db.Put(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, segments int) {
		t.Helper()
		if got := len(*db.segments.Load()); got != segments {
			t.Errorf("%s: %d segments, want %d", step, got, segments)
		}
		for _, key := range append(keys, 12345) {
			want := model[key]
			hits, df, err := db.Postings(ctx, key, 0, nil)
			if err != nil || df != len(want) || !slices.Equal(hits, want) {
				t.Fatalf("%s: postings of %016x = %v (df %d, %v), want %v", step, key, hits, df, err, want)
			}
			if len(want) > 1 {
				hits, df, err := db.Postings(ctx, key, len(want)-1, nil)
				if err != nil || df != len(want) || hits != nil {
					t.Fatalf("%s: postings of %016x over max = %v (df %d, %v)", step, key, hits, df, err)
				}
			}
		}
		if st, err := db.Stats(ctx); err != nil || st.Articles != int64(articles) {
			t.Errorf("%s: stats %+v, %v; want %d articles", step, st, err, articles)
		}
	}
	for range 3 {
		put(5, true)
	}
	check("three large Puts", 3)
	// The index has ids, counters and its next number, among them 'n',
	// between 'f' and 'p', but no lists: the first fold writes them as the
	// bottom level's tables.
	if has, err := db.hasLists(); err != nil || has {
		t.Errorf("before any fold, hasLists = %v, %v", has, err)
	}
	db.Close()
	open()
	check("reopened", 3)
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	check("folded into no lists", 0)
	if has, err := db.hasLists(); err != nil || !has {
		t.Errorf("after a fold, hasLists = %v, %v", has, err)
	}
	it, err := db.db.NewIter(&pebbledb.IterOptions{LowerBound: segmentSpan.Start, UpperBound: segmentSpan.End})
	if err != nil {
		t.Fatal(err)
	}
	if it.First() {
		t.Errorf("a segment key %x is left after the fold", it.Key())
	}
	it.Close()
	put(4, true)
	put(3, true)
	check("two more large Puts", 2)
	put(2, false)
	check("a small Put", 0)
	for range 3 {
		put(3, true)
	}
	check("three large Puts", 3)
	put(3, true)
	check("a fourth, folded into the lists", 0)
	put(3, true)
	db.Close()
	open()
	check("reopened with one segment", 1)
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	check("compacted", 0)
}

// BenchmarkSortPostings sorts the hits of a batch of add's: 2,000
// synthetic articles' terms, in the order plan collects them.
func BenchmarkSortPostings(b *testing.B) {
	g := synth.New(synth.Options{Seed: 11})
	var p []posting
	for n := range 2000 {
		for _, t := range index.Doc(g.Article(), align.DefaultAliases).Terms {
			p = append(p, posting{t.Key, store.Hit{Doc: uint32(n), Sentence: t.Sentence, Check: t.Check}})
		}
	}
	var out []posting
	b.ReportMetric(float64(len(p)), "hits/op")
	for b.Loop() {
		out = sortPostings(p, out)
	}
}

// BenchmarkPut stores synthetic 600-word articles, analysed before the
// timer starts, in add's batches of 2,000 and then folds and compacts as
// add does: the store's side of add alone, as if analysing were free. It
// reports articles/s and the CPU time of the whole process an article,
// every goroutine's (Put writes the records beside the other tables).
// UNSPUN_BENCH_ARTICLES sets how many (default 20,000).
func BenchmarkPut(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("UNSPUN_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	g := synth.New(synth.Options{Seed: 9, Vocabulary: 5000, Names: 800})
	docs := make([]store.Doc, n)
	for i := range docs {
		docs[i] = index.Doc(g.Article(), align.DefaultAliases)
	}
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		before := cpuTime()
		db, err := Open(dir, Options{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < n; i += 2000 {
			if err := db.Put(context.Background(), docs[i:min(i+2000, n)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Compact(); err != nil {
			b.Fatal(err)
		}
		db.Close()
		cpu += cpuTime() - before
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/article")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
