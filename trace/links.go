package trace

import (
	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
)

// Links turns a trace into the links `unspun link` stores: for every
// sentence, each listed source that is not a later copy. Furniture is not
// counted in the article's sentences, as it is not in its originality.
func Links(tr unspun.Trace) store.Links {
	l := store.Links{Article: tr.Article.ID}
	for _, st := range tr.Sentences {
		if st.Furniture {
			continue
		}
		l.Sentences++
		for _, src := range st.Sources {
			if src.Later {
				continue // published after the article: it copied this one, if anything
			}
			link := store.Link{Start: st.Span.Start, End: st.Span.End, Source: src.Article.ID,
				SourceStart: src.Span.Start, SourceEnd: src.Span.End,
				Similarity: src.Similarity, Coverage: src.Coverage, Origin: src.Earliest}
			for _, e := range src.Edits {
				if e.Kind == unspun.KindFact {
					link.FactEdits++
				} else {
					link.Edits++
				}
			}
			l.Links = append(l.Links, link)
		}
	}
	return l
}
