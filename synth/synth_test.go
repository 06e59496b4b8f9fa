package synth

import (
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/text"
)

func TestArticleShape(t *testing.T) {
	g := New(Options{Seed: 1, Vocabulary: 2000, Names: 300})
	a := g.Article()
	words := len(strings.Fields(a.Body))
	if words < 600 || words > 700 {
		t.Errorf("article has %d words, want about 600", words)
	}
	if n := len(text.Sentences(a.Body)); n < 20 || n > 60 {
		t.Errorf("article has %d sentences, want 600 words' worth", n)
	}
	if b := New(Options{Seed: 1, Vocabulary: 2000, Names: 300}).Article(); b.Body != a.Body {
		t.Error("the generator is not deterministic for a seed")
	}
}

func TestPageGold(t *testing.T) {
	g := New(Options{Seed: 2, Vocabulary: 2000, Names: 300})
	srcs := []unspun.Article{g.Article(), g.Article(), g.Article()}
	page, gold := g.Page("p1", srcs, 2, 0.5, 1)
	if len(gold.Sentences) != 7 {
		t.Fatalf("gold has %d sentences, want 3×2 copied + 1 noise", len(gold.Sentences))
	}
	noise, edits := 0, 0
	for _, gs := range gold.Sentences {
		s := page.Body[gs.Start:gs.End]
		if len(text.Sentences(s)) != 1 {
			t.Errorf("gold span %q is not one sentence", s)
		}
		if len(gs.Sources) == 0 {
			noise++
			continue
		}
		edits += len(gs.Edits)
		for _, e := range gs.Edits {
			if !strings.Contains(s, e.To) {
				t.Errorf("edit %v: %q not in the page sentence %q", e, e.To, s)
			}
		}
	}
	if noise != 1 || edits == 0 {
		t.Errorf("%d noise sentences and %d edits, want 1 and some", noise, edits)
	}
	if !page.Published.After(srcs[2].Published) {
		t.Error("a farm page must be published after its sources")
	}
}
