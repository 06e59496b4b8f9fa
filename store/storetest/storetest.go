package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
)

// Opener opens a store in dir. Run calls it more than once with the same
// dir to check that what was stored survives a reopen; a backend with no
// persistence (Memory) returns the same store each time and leaves Close
// to the caller of Run.
type Opener func(t *testing.T, dir string) store.Store

// Run runs the conformance suite against a backend.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()
	article := func(id string, day int) unspun.Article {
		return unspun.Article{ID: id, URL: "https://example.test/" + id, Site: "example.test",
			Title: "Title " + id, Published: time.Date(2031, 3, day, 9, 0, 0, 0, time.UTC),
			Lang: "en", Body: "Body of " + id + ". Second sentence."}
	}
	doc := func(id string, day int, terms ...store.Term) store.Doc {
		return store.Doc{Article: article(id, day), Sentences: 2, Terms: terms}
	}

	t.Run("OK", func(t *testing.T) {
		s := open(t, t.TempDir())
		if err := s.Put(ctx, []store.Doc{
			doc("a", 1, store.Term{Key: 7, Sentence: 0}, store.Term{Key: 9, Sentence: 1}),
			doc("b", 2, store.Term{Key: 7, Sentence: 1}),
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		if want := article("b", 2); !got.Published.Equal(want.Published) || got.Body != want.Body || got.URL != want.URL || got.Title != want.Title || got.Site != want.Site || got.Lang != want.Lang {
			t.Errorf("Get(b) = %+v, want %+v", got, want)
		}
		hits, df, err := s.Postings(ctx, 7, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if df != 2 || len(hits) != 2 {
			t.Fatalf("Postings(7) = %v (df %d), want 2 hits", hits, df)
		}
		ids := map[string]uint16{}
		for _, h := range hits {
			a, err := s.Doc(ctx, h.Doc)
			if err != nil {
				t.Fatal(err)
			}
			ids[a.ID] = h.Sentence
		}
		if ids["a"] != 0 || ids["b"] != 1 || len(ids) != 2 {
			t.Errorf("hits of 7 resolve to %v, want a:0 b:1", ids)
		}
		for _, h := range hits {
			a, _ := s.Doc(ctx, h.Doc)
			if num, err := s.Number(ctx, a.ID); err != nil || num != h.Doc {
				t.Errorf("Number(%s) = %d, %v; its hit carries %d", a.ID, num, err, h.Doc)
			}
		}
		st, err := s.Stats(ctx)
		if err != nil || st.Articles != 2 || st.Sentences != 4 {
			t.Errorf("Stats = %+v, %v; want 2 articles, 4 sentences", st, err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t, t.TempDir())
		if _, err := s.Get(ctx, "missing"); !errors.Is(err, unspun.ErrNotFound) {
			t.Errorf("Get(missing) error = %v, want ErrNotFound", err)
		}
		if _, err := s.Doc(ctx, 12345); !errors.Is(err, unspun.ErrNotFound) {
			t.Errorf("Doc(12345) error = %v, want ErrNotFound", err)
		}
		if _, err := s.Number(ctx, "missing"); !errors.Is(err, unspun.ErrNotFound) {
			t.Errorf("Number(missing) error = %v, want ErrNotFound", err)
		}
		hits, df, err := s.Postings(ctx, 42, 0, nil)
		if err != nil || df != 0 || len(hits) != 0 {
			t.Errorf("Postings(absent) = %v, %d, %v; want nothing", hits, df, err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t, t.TempDir())
		err := s.Put(ctx, []store.Doc{doc("ok", 1), {Article: unspun.Article{Body: "no id"}}})
		if !errors.Is(err, unspun.ErrInvalid) {
			t.Fatalf("Put(no id) error = %v, want ErrInvalid", err)
		}
		if _, err := s.Get(ctx, "ok"); !errors.Is(err, unspun.ErrNotFound) {
			t.Errorf("a failed Put stored part of its batch: Get(ok) error = %v", err)
		}
	})

	t.Run("Replace", func(t *testing.T) {
		s := open(t, t.TempDir())
		if err := s.Put(ctx, []store.Doc{doc("a", 1, store.Term{Key: 5, Sentence: 0})}); err != nil {
			t.Fatal(err)
		}
		hits, _, _ := s.Postings(ctx, 5, 0, nil)
		replacement := doc("a", 3, store.Term{Key: 6, Sentence: 1})
		replacement.Article.Body = "Replaced body."
		replacement.Sentences = 1
		if err := s.Put(ctx, []store.Doc{replacement}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "a")
		if err != nil || got.Body != "Replaced body." {
			t.Fatalf("Get(a) after replace = %q, %v", got.Body, err)
		}
		if _, err := s.Doc(ctx, hits[0].Doc); !errors.Is(err, unspun.ErrNotFound) {
			t.Errorf("old number still resolves after replace: %v", err)
		}
		newHits, _, _ := s.Postings(ctx, 6, 0, nil)
		if num, err := s.Number(ctx, "a"); err != nil || len(newHits) != 1 || num != newHits[0].Doc || num == hits[0].Doc {
			t.Errorf("Number(a) after replace = %d, %v; want the new number %v, not the old %d", num, err, newHits, hits[0].Doc)
		}
		st, _ := s.Stats(ctx)
		if st.Articles != 1 || st.Sentences != 1 {
			t.Errorf("Stats after replace = %+v, want 1 article, 1 sentence", st)
		}
	})

	t.Run("DuplicateInBatch", func(t *testing.T) {
		s := open(t, t.TempDir())
		first, second := doc("d", 1), doc("d", 2)
		second.Article.Title = "second"
		if err := s.Put(ctx, []store.Doc{first, second}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, "d")
		st, _ := s.Stats(ctx)
		if got.Title != "second" || st.Articles != 1 {
			t.Errorf("Get(d).Title = %q, %d articles; want the last of the batch, 1 article", got.Title, st.Articles)
		}
	})

	t.Run("CommonTermsNotDecoded", func(t *testing.T) {
		s := open(t, t.TempDir())
		var docs []store.Doc
		for i := range 10 {
			docs = append(docs, doc(fmt.Sprint("c", i), 1, store.Term{Key: 77, Sentence: 0}))
		}
		if err := s.Put(ctx, docs); err != nil {
			t.Fatal(err)
		}
		hits, df, err := s.Postings(ctx, 77, 5, nil)
		if err != nil || df != 10 || len(hits) != 0 {
			t.Errorf("Postings(77, max 5) = %d hits, df %d, %v; want 0 hits, df 10", len(hits), df, err)
		}
	})

	t.Run("Check", func(t *testing.T) {
		s := open(t, t.TempDir())
		if err := s.Put(ctx, []store.Doc{doc("k", 1, store.Term{Key: 11, Sentence: 2, Check: 40000}, store.Term{Key: 11, Sentence: 3, Check: 0})}); err != nil {
			t.Fatal(err)
		}
		hits, _, _ := s.Postings(ctx, 11, 0, nil)
		checks := map[uint16]uint16{}
		for _, h := range hits {
			checks[h.Sentence] = h.Check
		}
		if len(hits) != 2 || checks[2] != 40000 || checks[3] != 0 {
			t.Errorf("Postings(11) = %+v, want checks 40000 and 0 returned as stored", hits)
		}
	})

	t.Run("ManyBatchesOneTerm", func(t *testing.T) {
		s := open(t, t.TempDir())
		for i := range 30 {
			if err := s.Put(ctx, []store.Doc{doc(fmt.Sprint("m", i), 1, store.Term{Key: 99, Sentence: uint16(i)})}); err != nil {
				t.Fatal(err)
			}
		}
		hits, df, _ := s.Postings(ctx, 99, 0, nil)
		if !slices.IsSortedFunc(hits, func(a, b store.Hit) int { return cmp.Compare(a.Doc, b.Doc) }) {
			t.Errorf("Postings(99) over 30 batches are not in the order of their articles' numbers: %v", hits)
		}
		var sentences []int
		for _, h := range hits {
			sentences = append(sentences, int(h.Sentence))
		}
		slices.Sort(sentences)
		if df != 30 || len(sentences) != 30 || sentences[0] != 0 || sentences[29] != 29 {
			t.Errorf("Postings(99) over 30 batches = %v (df %d)", sentences, df)
		}
	})

	t.Run("Articles", func(t *testing.T) {
		s := open(t, t.TempDir())
		if err := s.Put(ctx, []store.Doc{doc("x", 1), doc("y", 1), doc("x", 2)}); err != nil {
			t.Fatal(err)
		}
		var ids []string
		if err := s.Articles(ctx, func(a unspun.Article) error { ids = append(ids, a.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []string{"x", "y"}) {
			t.Errorf("Articles = %v, want [x y]", ids)
		}
		stop := errors.New("stop")
		if err := s.Articles(ctx, func(unspun.Article) error { return stop }); err != stop {
			t.Errorf("Articles did not return fn's error: %v", err)
		}
	})

	t.Run("Substitutions", func(t *testing.T) {
		s := open(t, t.TempDir())
		add := []store.Substitution{
			{Site: "farm.test", From: "Russia", To: "Russian Federation", Count: 2},
			{Site: "farm.test", From: "harbour", To: "port", Count: 1},
			{Site: "other.test", From: "harbour", To: "port", Count: 4},
		}
		n, err := s.Learn(ctx, []store.Lesson{{Page: "p1", Subs: add}, {Page: "p2", Subs: add[:1]}})
		if err != nil || n != 2 {
			t.Fatalf("Learn = %d, %v; want 2 new lessons", n, err)
		}
		site, _ := s.Substitutions(ctx, "farm.test")
		want := []store.Substitution{
			{Site: "farm.test", From: "Russia", To: "Russian Federation", Count: 4},
			{Site: "farm.test", From: "harbour", To: "port", Count: 1},
		}
		if !slices.Equal(site, want) {
			t.Errorf("Substitutions(farm.test) = %+v, want %+v", site, want)
		}
		all, _ := s.Substitutions(ctx, "")
		wantAll := []store.Substitution{{From: "harbour", To: "port", Count: 5}, {From: "Russia", To: "Russian Federation", Count: 4}}
		if !slices.Equal(all, wantAll) {
			t.Errorf("Substitutions(all) = %+v, want %+v", all, wantAll)
		}
	})

	t.Run("LearnOncePerPage", func(t *testing.T) {
		s := open(t, t.TempDir())
		swap := []store.Substitution{{Site: "farm.test", From: "harbour", To: "port", Count: 2}}
		if n, err := s.Learn(ctx, []store.Lesson{{Page: "p", Subs: swap}, {Page: "p", Subs: swap}}); err != nil || n != 1 {
			t.Fatalf("Learn of one page twice in a call = %d, %v; want 1", n, err)
		}
		if n, err := s.Learn(ctx, []store.Lesson{{Page: "p", Subs: swap}}); err != nil || n != 0 {
			t.Fatalf("Learn of a page learned before = %d, %v; want 0", n, err)
		}
		subs, _ := s.Substitutions(ctx, "farm.test")
		if len(subs) != 1 || subs[0].Count != 2 {
			t.Errorf("after learning one page three times: %+v, want the count of one lesson (2)", subs)
		}
		got, ok, err := s.Lesson(ctx, "p")
		if err != nil || !ok || !slices.Equal(got, swap) {
			t.Errorf("Lesson(p) = %+v, %v, %v; want %+v, true", got, ok, err, swap)
		}
		if _, ok, err := s.Lesson(ctx, "unknown"); ok || err != nil {
			t.Errorf("Lesson(unknown) = %v, %v; want false, nil", ok, err)
		}
		if n, err := s.Learn(ctx, []store.Lesson{{Page: "empty"}}); err != nil || n != 1 {
			t.Errorf("Learn of a page without swaps = %d, %v; want 1", n, err)
		}
		if _, ok, _ := s.Lesson(ctx, "empty"); !ok {
			t.Error("a page learned without swaps is not recorded")
		}
	})

	t.Run("Dates", func(t *testing.T) {
		s := open(t, t.TempDir())
		undated := doc("u", 1)
		undated.Article.Published = time.Time{}
		if err := s.Put(ctx, []store.Doc{doc("a", 3, store.Term{Key: 4}), undated, doc("b", 5, store.Term{Key: 4})}); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, []store.Doc{doc("a", 7, store.Term{Key: 4})}); err != nil { // replaces a
			t.Fatal(err)
		}
		dates, err := s.Dates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hits, _, err := s.Postings(ctx, 4, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		live := 0
		for _, h := range hits {
			a, err := s.Doc(ctx, h.Doc)
			if errors.Is(err, unspun.ErrNotFound) {
				if int(h.Doc) < len(dates) && dates[h.Doc] != 0 {
					t.Errorf("the replaced a's number %d has date %d, want 0", h.Doc, dates[h.Doc])
				}
				continue
			}
			live++
			if int(h.Doc) >= len(dates) || dates[h.Doc] != a.Published.UnixNano() {
				t.Errorf("%s (number %d): date %v, want %d", a.ID, h.Doc, dates, a.Published.UnixNano())
			}
		}
		if live != 2 {
			t.Errorf("%d live hits of term 4, want a and b", live)
		}
		if _, err := s.Get(ctx, "u"); err != nil {
			t.Fatal(err)
		}
		nonzero := 0
		for _, d := range dates {
			if d != 0 {
				nonzero++
			}
		}
		if nonzero != 2 {
			t.Errorf("%d dated numbers in %v, want 2 (a's new number and b; u has none)", nonzero, dates)
		}
	})

	t.Run("ErrClosed", func(t *testing.T) {
		s := open(t, t.TempDir())
		s.Close()
		if _, err := s.Get(ctx, "x"); err == nil {
			t.Error("Get after Close returned no error")
		}
		if _, err := s.Number(ctx, "x"); err == nil {
			t.Error("Number after Close returned no error")
		}
		if err := s.Put(ctx, []store.Doc{doc("x", 1)}); err == nil {
			t.Error("Put after Close returned no error")
		}
		if _, _, err := s.Postings(ctx, 1, 0, nil); err == nil {
			t.Error("Postings after Close returned no error")
		}
		if _, err := s.Dates(ctx); err == nil {
			t.Error("Dates after Close returned no error")
		}
	})

	t.Run("Links", func(t *testing.T) {
		s := open(t, t.TempDir())
		if err := s.Put(ctx, []store.Doc{doc("a", 1), doc("b", 2)}); err != nil {
			t.Fatal(err)
		}
		if _, linked, err := s.ArticleLinks(ctx, "b"); linked || err != nil {
			t.Fatalf("links of an article never linked: %v, %v", linked, err)
		}
		want := store.Links{Article: "b", Sentences: 2, Links: []store.Link{{Start: 0, End: 12, Source: "a", SourceStart: 0, SourceEnd: 12,
			Similarity: 0.9, Coverage: 1, Edits: 2, FactEdits: 1, Origin: true}}}
		if err := s.PutLinks(ctx, []store.Links{want, {Article: "a", Sentences: 2}}); err != nil {
			t.Fatal(err)
		}
		got, linked, err := s.ArticleLinks(ctx, "b")
		if err != nil || !linked || !reflect.DeepEqual(got, want) {
			t.Errorf("ArticleLinks(b) = %+v, %v, %v; want %+v", got, linked, err, want)
		}
		if got, linked, _ := s.ArticleLinks(ctx, "a"); !linked || len(got.Links) != 0 || got.Sentences != 2 {
			t.Errorf("an article linked to nothing: %+v, %v", got, linked)
		}
		seen := map[string]int{}
		if err := s.AllLinks(ctx, func(l store.Links) error { seen[l.Article] = len(l.Links); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 2 || seen["b"] != 1 || seen["a"] != 0 {
			t.Errorf("AllLinks saw %v", seen)
		}
		// Links are replaced, not merged.
		if err := s.PutLinks(ctx, []store.Links{{Article: "b", Sentences: 2}}); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.ArticleLinks(ctx, "b"); len(got.Links) != 0 {
			t.Errorf("PutLinks merged with the old links: %+v", got)
		}
		// Re-adding an article drops its links: they belong to the old text.
		s.PutLinks(ctx, []store.Links{want})
		if err := s.Put(ctx, []store.Doc{doc("b", 3)}); err != nil {
			t.Fatal(err)
		}
		if _, linked, _ := s.ArticleLinks(ctx, "b"); linked {
			t.Error("a replaced article keeps the links of its old text")
		}
		if err := s.PutLinks(ctx, []store.Links{{Sentences: 1}}); !errors.Is(err, unspun.ErrInvalid) {
			t.Errorf("links without an article id: %v, want ErrInvalid", err)
		}
	})

	t.Run("Stories", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir)
		if err := s.Put(ctx, []store.Doc{doc("a", 1), doc("b", 2), doc("c", 1)}); err != nil {
			t.Fatal(err)
		}
		if stored, err := s.Stories(ctx, func(store.Story) error { t.Error("a story before any was stored"); return nil }); stored || err != nil {
			t.Fatalf("Stories before PutStories: %v, %v", stored, err)
		}
		day := time.Date(2031, 5, 2, 0, 0, 0, 0, time.UTC)
		want := []store.Story{
			{Number: 0, Title: "Dam opens", First: day, Last: day.Add(24 * time.Hour), Members: []store.StoryMember{
				{ID: "b", URL: "https://x.test/b", Site: "x.test", Published: day}, {ID: "a", Site: "y.test", Published: day.Add(24 * time.Hour)}}},
			{Number: 1, Title: "Strike", Members: []store.StoryMember{{ID: "c"}}},
		}
		if err := s.PutStories(ctx, want); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			var got []store.Story
			stored, err := s.Stories(ctx, func(st store.Story) error { got = append(got, st); return nil })
			if err != nil || !stored || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Stories = %+v, %v, %v; want %+v", when, got, stored, err, want)
			}
			if n, ok, err := s.StoryOf(ctx, "a"); n != 0 || !ok || err != nil {
				t.Errorf("%s: StoryOf(a) = %d, %v, %v; want 0", when, n, ok, err)
			}
			if n, ok, _ := s.StoryOf(ctx, "c"); n != 1 || !ok {
				t.Errorf("%s: StoryOf(c) = %d, %v; want 1", when, n, ok)
			}
			if _, ok, _ := s.StoryOf(ctx, "zz"); ok {
				t.Errorf("%s: a story for an article not stored", when)
			}
		}
		check("stored")
		s.Close()
		s = open(t, dir)
		check("after reopen")
		// Replaced, not merged.
		one := []store.Story{{Number: 0, Title: "All", Members: []store.StoryMember{{ID: "a"}, {ID: "b"}, {ID: "c"}}}}
		if err := s.PutStories(ctx, one); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.StoryOf(ctx, "c"); n != 0 {
			t.Errorf("StoryOf(c) = %d after the stories were replaced, want 0", n)
		}
		count := 0
		s.Stories(ctx, func(store.Story) error { count++; return nil })
		if count != 1 {
			t.Errorf("%d stories after replacing them with 1", count)
		}
		// A put makes them stale: they would leave the new article out.
		if err := s.Put(ctx, []store.Doc{doc("d", 1)}); err != nil {
			t.Fatal(err)
		}
		if stored, _ := s.Stories(ctx, func(store.Story) error { return nil }); stored {
			t.Error("stories still reported after an article was put")
		}
		if _, ok, _ := s.StoryOf(ctx, "a"); ok {
			t.Error("StoryOf answers from stale stories")
		}
	})

	t.Run("Reopen", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir)
		if err := s.Put(ctx, []store.Doc{doc("p", 1, store.Term{Key: 3, Sentence: 1})}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutLinks(ctx, []store.Links{{Article: "p", Sentences: 2, Links: []store.Link{{End: 4, Source: "x"}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Learn(ctx, []store.Lesson{{Page: "p", Subs: []store.Substitution{{Site: "f", From: "a", To: "b", Count: 1}}}}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = open(t, dir)
		if _, err := s.Get(ctx, "p"); err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		hits, _, _ := s.Postings(ctx, 3, 0, nil)
		subs, _ := s.Substitutions(ctx, "f")
		_, learned, _ := s.Lesson(ctx, "p")
		if len(hits) != 1 || len(subs) != 1 || !learned {
			t.Errorf("after reopen: %d hits, %d substitutions, lesson %v; want 1, 1, true", len(hits), len(subs), learned)
		}
		if l, linked, _ := s.ArticleLinks(ctx, "p"); !linked || len(l.Links) != 1 || l.Links[0].Source != "x" {
			t.Errorf("links after reopen: %+v, %v", l, linked)
		}
		if err := s.Put(ctx, []store.Doc{doc("q", 1, store.Term{Key: 3, Sentence: 0})}); err != nil {
			t.Fatal(err)
		}
		hits, _, _ = s.Postings(ctx, 3, 0, nil)
		if len(hits) != 2 || hits[0].Doc == hits[1].Doc {
			t.Errorf("numbers reused after reopen: %v", hits)
		}
	})
}
