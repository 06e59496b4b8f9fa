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
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/demo"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
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

// TestRecordsIngestedAtTheBottom checks what version 3 is for: each
// ingested Put's records go straight into the bottom level, where no
// compaction rewrites them, while its postings land above.
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
	// records and its other keys, two tables.
	if bottom.TablesIngested != puts+1 {
		t.Errorf("%d tables ingested into the bottom level, want %d: the records of each Put and the first Put's other keys", bottom.TablesIngested, puts+1)
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
		if i%2 == 0 {
			term %= 300 // many hits of few terms, all in the first bucket
		}
		p = append(p, posting{term, store.Hit{Doc: uint32(i)}})
	}
	p = append(p, posting{1 << 63, store.Hit{Doc: 5000}})
	got := sortPostings(slices.Clone(p))
	if len(got) != len(p) {
		t.Fatalf("%d postings, want %d", len(got), len(p))
	}
	want := slices.Clone(p)
	slices.SortStableFunc(want, func(a, b posting) int { return cmp.Compare(a.term, b.term) })
	if !slices.Equal(got, want) {
		t.Error("radix order differs from a stable sort by term")
	}
	if got := sortPostings(nil); len(got) != 0 {
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

// TestOpensFrozenVersion2Index opens an index that the last release of
// format version 2 (45ed8f2) built from the demo corpus (`unspun add`,
// frozen in testdata), and checks that every article, its number and its terms'
// hits read back, and that a Put into it, ingested, keeps version 2's
// layout: indexes built before version 3 keep working.
func TestOpensFrozenVersion2Index(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	frozen := filepath.Join("testdata", "v2-demo")
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
	if db.recordPrefix != prefixRecord2 {
		t.Fatalf("records read under %q in a version 2 index", db.recordPrefix)
	}
	var articles []unspun.Article
	for line := range bytes.Lines(demo.Corpus()) {
		a, err := reader.ParseJSON(line)
		if err != nil {
			t.Fatal(err)
		}
		articles = append(articles, a)
	}
	if st, err := db.Stats(ctx); err != nil || st.Articles != int64(len(articles)) {
		t.Fatalf("stats %+v, %v; want %d articles", st, err, len(articles))
	}
	for _, a := range articles {
		got, err := db.Get(ctx, a.ID)
		if err != nil || got.Body != a.Body || got.Title != a.Title {
			t.Fatalf("Get(%s): %q, %v", a.ID, got.Title, err)
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
				t.Fatalf("%s: term %x of sentence %d has no hit of article %d", a.ID, term.Key, term.Sentence, num)
			}
		}
	}
	added := unspun.Article{ID: "late/one", Title: "Ferry resumes", Body: "The Ostrel ferry sailed again on Monday after the storm."}
	if err := db.Put(ctx, []store.Doc{index.Doc(added, align.DefaultAliases)}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.recordPrefix != prefixRecord2 {
		t.Errorf("after a Put, records read under %q", db.recordPrefix)
	}
	for _, a := range append(articles[:1], added) {
		if got, err := db.Get(ctx, a.ID); err != nil || got.Body != a.Body {
			t.Errorf("after a Put, Get(%s): %q, %v", a.ID, got.Body, err)
		}
	}
}
