// Package report renders traces for people (text, HTML) and for programs
// (JSON Lines, the contract documented in docs/json.md). Renderers only
// format: every figure comes from the trace.
package report

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/dedup"
	"github.com/unspun/unspun/site"
	"github.com/unspun/unspun/story"
)

// The JSON shapes of the contract (docs/json.md). Field order is the order
// of the documentation.

// ArticleJSON is an article's metadata.
type ArticleJSON struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Site      string  `json:"site"`
	Title     string  `json:"title"`
	Published *string `json:"published"` // null when unknown
}

// EditJSON is one edit of a source.
type EditJSON struct {
	Op   unspun.EditOp `json:"op"`
	From string        `json:"from"`
	To   string        `json:"to"`
	Kind string        `json:"kind,omitempty"`
}

// SourceJSON is one verified source of a sentence.
type SourceJSON struct {
	ID         string     `json:"id"`
	URL        string     `json:"url"`
	Site       string     `json:"site"`
	Title      string     `json:"title"`
	Published  *string    `json:"published"`
	Start      int        `json:"start"`
	End        int        `json:"end"`
	Text       string     `json:"text"`
	Similarity float64    `json:"similarity"`
	Coverage   float64    `json:"coverage"`
	Earliest   bool       `json:"earliest"`
	Later      bool       `json:"later,omitempty"`
	Edits      []EditJSON `json:"edits"`
	// Story is the number of the index's story of the source (as `unspun
	// stories` numbers them); absent when the index keeps no stories.
	Story string `json:"story,omitempty"`
}

// SentenceJSON is one traced sentence.
type SentenceJSON struct {
	Index   int          `json:"index"`
	Start   int          `json:"start"`
	End     int          `json:"end"`
	Text    string       `json:"text"`
	Sources []SourceJSON `json:"sources"`
	// Carriers counts every verified source when Sources lists only the best.
	Carriers  int  `json:"carriers"`
	Furniture bool `json:"furniture,omitempty"`
}

// SpeakerJSON is a quote's speaker.
type SpeakerJSON struct {
	Name  string `json:"name"`
	Start *int   `json:"start"`
	End   *int   `json:"end"`
}

// QuoteJSON is one quote.
type QuoteJSON struct {
	Start         int          `json:"start"`
	End           int          `json:"end"`
	Text          string       `json:"text"`
	Speaker       *SpeakerJSON `json:"speaker"`
	Cue           string       `json:"cue"`
	SpeakerFrom   *string      `json:"speaker_from"` // null for an orphan
	RecoveredFrom *string      `json:"recovered_from"`
	// SourceSpeaker is set in trace only, where the sources name another speaker.
	SourceSpeaker *SourceSpeakerJSON `json:"source_speaker,omitempty"`
	// Sources is set in trace only: stored articles carrying the quoted words.
	Sources []QuoteSourceJSON `json:"sources,omitempty"`
}

// SourceSpeakerJSON is the speaker a quote's sources agree on.
type SourceSpeakerJSON struct {
	Name    string   `json:"name"`
	Sources []string `json:"sources"`
}

// PlaceJSON is a span of a stored article: the article's metadata and the
// span's offsets in its body.
type PlaceJSON struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Site      string  `json:"site"`
	Published *string `json:"published"`
	Start     int     `json:"start"`
	End       int     `json:"end"`
}

// Place converts an article's metadata and a span of its body.
func Place(a unspun.Article, sp unspun.Span) PlaceJSON {
	return PlaceJSON{ID: a.ID, URL: a.URL, Site: a.Site, Published: date(a.Published), Start: sp.Start, End: sp.End}
}

// QuoteSourceJSON is a stored article that carries a quote's words.
type QuoteSourceJSON struct {
	PlaceJSON
	Text string `json:"text"`
}

// SummaryJSON is a trace's summary.
type SummaryJSON struct {
	Sentences           int     `json:"sentences"`
	CopiedSentences     int     `json:"copied_sentences"`
	CopiedFraction      float64 `json:"copied_fraction"`
	Sources             int     `json:"sources"`
	SpinEdits           int     `json:"spin_edits"`
	FactEdits           int     `json:"fact_edits"`
	Furniture           int     `json:"furniture"`
	OrphanQuotes        int     `json:"orphan_quotes"`
	RecoveredQuotes     int     `json:"recovered_quotes"`
	MisattributedQuotes int     `json:"misattributed_quotes"`
	Originality         float64 `json:"originality"`
	// Stories counts the stories the copied sentences come from; absent
	// when the index keeps no stories.
	Stories int `json:"stories,omitempty"`
}

// StoryShareJSON is one of the stories a traced page's copied sentences
// come from.
type StoryShareJSON struct {
	Story     string `json:"story"`
	Sentences int    `json:"sentences"`
}

// TraceJSON is one line of `unspun trace --format json`.
type TraceJSON struct {
	Article   ArticleJSON    `json:"article"`
	Sentences []SentenceJSON `json:"sentences"`
	Quotes    []QuoteJSON    `json:"quotes"`
	Summary   SummaryJSON    `json:"summary"`
	// Stories are the index's stories the copied sentences come from, most
	// sentences first; absent when the index keeps no stories.
	Stories []StoryShareJSON `json:"stories,omitempty"`
	// Limits says where a bound on the work cut the trace short.
	Limits []string `json:"limits,omitempty"`
}

func date(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

// Article converts an article's metadata.
func Article(a unspun.Article) ArticleJSON {
	return ArticleJSON{ID: a.ID, URL: a.URL, Site: a.Site, Title: a.Title, Published: date(a.Published)}
}

func round(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// Quotes converts quotes to their JSON shape.
func Quotes(qs []unspun.Quote) []QuoteJSON {
	out := make([]QuoteJSON, 0, len(qs))
	for _, q := range qs {
		j := QuoteJSON{Start: q.Span.Start, End: q.Span.End, Text: q.Text, Cue: q.Cue}
		if q.SpeakerFrom != "" {
			from := q.SpeakerFrom
			j.SpeakerFrom = &from
		}
		if ss := q.SourceSpeaker; ss != nil {
			j.SourceSpeaker = &SourceSpeakerJSON{Name: ss.Name, Sources: ss.Sources}
		}
		if sp := q.Speaker; sp != nil {
			j.Speaker = &SpeakerJSON{Name: sp.Name}
			if sp.Mention != nil {
				s, e := sp.Mention.Start, sp.Mention.End
				j.Speaker.Start, j.Speaker.End = &s, &e
			}
			if sp.RecoveredFrom != "" {
				r := sp.RecoveredFrom
				j.RecoveredFrom = &r
			}
		}
		for _, s := range q.Sources {
			j.Sources = append(j.Sources, QuoteSourceJSON{PlaceJSON: Place(s.Article, s.Span), Text: s.Text})
		}
		out = append(out, j)
	}
	return out
}

// RecordJSON is an article in the input schema (docs/json.md, "Input"), as
// `unspun extract` writes it and `unspun add` reads it.
type RecordJSON struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Site      string  `json:"site"`
	Title     string  `json:"title"`
	Text      string  `json:"text"`
	Published *string `json:"published"`
	Lang      string  `json:"lang"`
}

// Record converts an article to the input schema.
func Record(a unspun.Article) RecordJSON {
	r := RecordJSON{ID: a.ID, URL: a.URL, Site: a.Site, Title: a.Title, Text: a.Body, Lang: a.Lang}
	if !a.Published.IsZero() {
		p := a.Published.Format(time.RFC3339)
		r.Published = &p
	}
	return r
}

// QuotesLineJSON is one line of `unspun quotes --format json`: an article
// and its quotes.
type QuotesLineJSON struct {
	Article struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"article"`
	Quotes []QuoteJSON `json:"quotes"`
}

// QuotesOf converts an article's quotes to the line `unspun quotes` writes.
func QuotesOf(a unspun.Article, qs []unspun.Quote) QuotesLineJSON {
	var line QuotesLineJSON
	line.Article.ID, line.Article.Title = a.ID, a.Title
	line.Quotes = Quotes(qs)
	return line
}

// Trace converts a trace to its JSON shape.
func Trace(tr unspun.Trace) TraceJSON {
	out := TraceJSON{Article: Article(tr.Article), Sentences: make([]SentenceJSON, 0, len(tr.Sentences)), Quotes: Quotes(tr.Quotes), Limits: tr.Limits}
	for _, st := range tr.Sentences {
		sj := SentenceJSON{Index: st.Index, Start: st.Span.Start, End: st.Span.End, Text: st.Text, Sources: make([]SourceJSON, 0, len(st.Sources)),
			Carriers: st.Carriers, Furniture: st.Furniture}
		for _, s := range st.Sources {
			src := SourceJSON{ID: s.Article.ID, URL: s.Article.URL, Site: s.Article.Site, Title: s.Article.Title,
				Published: date(s.Article.Published), Start: s.Span.Start, End: s.Span.End, Text: s.Text,
				Similarity: round(s.Similarity), Coverage: round(s.Coverage), Earliest: s.Earliest, Later: s.Later, Edits: make([]EditJSON, 0, len(s.Edits)), Story: s.Story}
			for _, e := range s.Edits {
				src.Edits = append(src.Edits, EditJSON{Op: e.Op, From: e.From, To: e.To, Kind: e.Kind})
			}
			sj.Sources = append(sj.Sources, src)
		}
		out.Sentences = append(out.Sentences, sj)
	}
	s := tr.Summary
	out.Summary = SummaryJSON{Sentences: s.Sentences, CopiedSentences: s.CopiedSentences, CopiedFraction: round(s.CopiedFraction),
		Sources: s.Sources, SpinEdits: s.SpinEdits, FactEdits: s.FactEdits, Furniture: s.Furniture, OrphanQuotes: s.OrphanQuotes, RecoveredQuotes: s.RecoveredQuotes, MisattributedQuotes: s.MisattributedQuotes, Originality: round(s.Originality),
		Stories: s.Stories}
	for _, sh := range tr.Stories {
		out.Stories = append(out.Stories, StoryShareJSON{Story: sh.Story, Sentences: sh.Sentences})
	}
	return out
}

// ClusterJSON is one line of `unspun dedup --format json`: a cluster of
// near-duplicates, its earliest member first.
type ClusterJSON struct {
	Cluster int                 `json:"cluster"`
	Members []ClusterMemberJSON `json:"members"`
}

// ClusterMemberJSON is one member of a cluster and its similarity to the
// earliest member.
type ClusterMemberJSON struct {
	ID         string  `json:"id"`
	URL        string  `json:"url"`
	Published  *string `json:"published"`
	Similarity float64 `json:"similarity"`
}

// Cluster converts the n-th cluster, as dedup.Cluster orders it.
func Cluster(n int, members []dedup.Member) ClusterJSON {
	c := ClusterJSON{Cluster: n, Members: make([]ClusterMemberJSON, 0, len(members))}
	for _, m := range members {
		c.Members = append(c.Members, ClusterMemberJSON{ID: m.Doc.ID, URL: m.Doc.URL,
			Published: date(m.Doc.Published), Similarity: round(m.Similarity)})
	}
	return c
}

// StoryJSON is one line of `unspun stories --format json`.
type StoryJSON struct {
	Story   string            `json:"story"`
	Title   string            `json:"title"`
	First   *string           `json:"first"`
	Last    *string           `json:"last"`
	Members []StoryMemberJSON `json:"members"`
}

// StoryMemberJSON is one article of a story.
type StoryMemberJSON struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Site      string  `json:"site"`
	Published *string `json:"published"`
}

// Story converts the n-th story.
func Story(n int, st story.Story) StoryJSON {
	out := StoryJSON{Story: strconv.Itoa(n), Title: st.Title, First: date(st.First), Last: date(st.Last),
		Members: make([]StoryMemberJSON, 0, len(st.Members))}
	for _, m := range st.Members {
		out.Members = append(out.Members, StoryMemberJSON{ID: m.ID, URL: m.URL, Site: m.Site, Published: date(m.Published)})
	}
	return out
}

// WriteJSON writes v as one line of JSON. HTML characters are not escaped:
// the output is JSON Lines for programs, and the HTML report escapes its own.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// SiteJSON is one line of `unspun sites --format json`.
type SiteJSON struct {
	Site        string         `json:"site"`
	Articles    int            `json:"articles"`
	Sentences   int            `json:"sentences"`
	Originality float64        `json:"originality"`
	CopiesFrom  []SiteEdgeJSON `json:"copies_from"`
	Spin        []SiteSwapJSON `json:"spin"`
	Network     *int           `json:"network"`
}

// SiteEdgeJSON is one site another copies from.
type SiteEdgeJSON struct {
	Site             string   `json:"site"`
	Sentences        int      `json:"sentences"`
	Articles         int      `json:"articles"`
	Weight           float64  `json:"weight"`
	MedianDelayHours *float64 `json:"median_delay_hours"`
}

// SiteSwapJSON is one word swap of a site's spin lexicon.
type SiteSwapJSON struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int64  `json:"count"`
}

// Site converts a site's view to its JSON shape.
func Site(s site.Site) SiteJSON {
	out := SiteJSON{Site: s.Name, Articles: s.Articles, Sentences: s.Sentences, Originality: round(s.Originality),
		CopiesFrom: make([]SiteEdgeJSON, 0, len(s.CopiesFrom)), Spin: make([]SiteSwapJSON, 0, len(s.Spin))}
	for _, e := range s.CopiesFrom {
		ej := SiteEdgeJSON{Site: e.To, Sentences: e.Sentences, Articles: e.Articles, Weight: round(e.Weight)}
		if e.MedianDelay >= 0 {
			h := round(e.MedianDelay.Hours())
			ej.MedianDelayHours = &h
		}
		out.CopiesFrom = append(out.CopiesFrom, ej)
	}
	for _, sub := range s.Spin {
		out.Spin = append(out.Spin, SiteSwapJSON{From: sub.From, To: sub.To, Count: sub.Count})
	}
	if s.Network >= 0 {
		n := s.Network
		out.Network = &n
	}
	return out
}

// NetworkJSON is one network line of `unspun sites --networks --format json`.
type NetworkJSON struct {
	Network  int      `json:"network"`
	Sites    []string `json:"sites"`
	Evidence struct {
		SharedSpin    []SharedSwapJSON `json:"shared_spin"`
		SharedSources []string         `json:"shared_sources"`
	} `json:"evidence"`
}

// SharedSwapJSON is a swap several sites of a network make.
type SharedSwapJSON struct {
	From  string   `json:"from"`
	To    string   `json:"to"`
	Sites []string `json:"sites"`
	Count int64    `json:"count"`
}

// Network converts a network to its JSON shape.
func Network(n site.Network) NetworkJSON {
	out := NetworkJSON{Network: n.ID, Sites: n.Sites}
	out.Evidence.SharedSpin = make([]SharedSwapJSON, 0, len(n.SharedSpin))
	for _, s := range n.SharedSpin {
		out.Evidence.SharedSpin = append(out.Evidence.SharedSpin, SharedSwapJSON{From: s.From, To: s.To, Sites: s.Sites, Count: s.Count})
	}
	out.Evidence.SharedSources = append([]string{}, n.SharedSources...)
	return out
}
