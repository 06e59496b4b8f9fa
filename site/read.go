package site

import (
	"context"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
)

// Read gathers the input of the site views from a store: every article's
// site and date (not its text), every article's links, and the spin
// lexicon of every site.
func Read(ctx context.Context, s store.Store) (Input, error) {
	in := Input{Articles: map[string]Article{}, Spin: map[string][]store.Substitution{}}
	err := s.Articles(ctx, func(art unspun.Article) error {
		in.Articles[art.ID] = Article{ID: art.ID, Site: art.Site, Published: art.Published}
		return nil
	})
	if err != nil {
		return in, err
	}
	if err := s.AllLinks(ctx, func(l store.Links) error { in.Links = append(in.Links, l); return nil }); err != nil {
		return in, err
	}
	for _, art := range in.Articles {
		if _, done := in.Spin[art.Site]; done || art.Site == "" {
			continue
		}
		subs, err := s.Substitutions(ctx, art.Site)
		if err != nil {
			return in, err
		}
		in.Spin[art.Site] = subs
	}
	return in, nil
}
