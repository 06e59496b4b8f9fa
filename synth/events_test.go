package synth

import (
	"reflect"
	"testing"
)

func TestEvents(t *testing.T) {
	collect := func(seed uint64) []EventArticle {
		var out []EventArticle
		if err := Events(EventOptions{Seed: seed, Articles: 500}, func(ea EventArticle) error {
			out = append(out, ea)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	arts := collect(9)
	if len(arts) != 500 {
		t.Fatalf("%d articles, want 500", len(arts))
	}
	if !reflect.DeepEqual(arts, collect(9)) {
		t.Error("the same seed gave another stream")
	}
	size := map[int]int{}
	for i, a := range arts {
		size[a.Event]++
		if i > 0 && a.Published.Before(arts[i-1].Published) {
			t.Fatalf("article %d is published before the one ahead of it", i)
		}
		if a.Title == "" || len(a.Body) < 200 || a.ID == "" {
			t.Fatalf("article %d is incomplete: %+v", i, a.Article)
		}
	}
	ones, big := 0, 0
	for _, n := range size {
		if n == 1 {
			ones++
		}
		big = max(big, n)
	}
	if ones < len(size)/3 || big < 10 {
		t.Errorf("%d events, %d of one article, the biggest of %d: want many single articles and some big events", len(size), ones, big)
	}
}
