package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/quote"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/text"
)

const quotesHelp = `
Usage: unspun quotes [--format text|json] PATH...
       unspun quotes [--db DIR] --speaker NAME [--format text|json]

Lists every quote of each article with its speaker, from the article alone:
quote marks of every common style, quotes running over paragraphs, and
speakers found by cue verbs ("said", "told", "according to"), appositions,
colon lead-ins, the previous quote's speaker and pronouns, with full names
resolved from earlier mentions. A quote with no speaker is an orphan
(speaker null); 'unspun trace' recovers orphans' speakers from sources.

With --speaker, reads no input but the whole index: every quote attributed
to NAME (a full name, or part of one: "Reyes"), the same words grouped
together with every article that ran them, earliest first.
`

func runQuotes(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("quotes", quotesHelp)
	format := formatFlag(fs, "output format: text or json (JSON Lines, see docs/json.md)", "text", "json")
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB), with --speaker")
	speaker := fs.String("speaker", "", "list this person's quotes across the index")
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if *speaker != "" {
		if !a.noArgs("quotes --speaker", paths) {
			return exitUsage
		}
		return a.quotesBySpeaker(ctx, *db, *speaker, format.value)
	}
	if !a.needInput("quotes", paths) {
		return exitUsage
	}
	in := &inputs{a: a}
	style := report.Style{Color: a.color(a.stdout)}
	err := in.each(ctx, paths, func(art unspun.Article) error {
		qs := quote.Extract(art.Body)
		if format.value == "json" {
			return report.WriteJSON(a.stdout, report.QuotesOf(art, qs))
		}
		return report.WriteQuotes(a.stdout, art, qs, style)
	})
	if err != nil {
		return a.fail("quotes", err)
	}
	fmt.Fprintln(a.stderr, in.summary("read", in.read))
	return in.status()
}

// appearance is one article that ran a quote.
type appearance struct {
	report.PlaceJSON
	// Status is "attributed" (this article names the person), "orphan"
	// (it runs the words without a speaker: the person is recovered from
	// the others), "inherited" (it has them inherit SpeakerHere from a
	// nearby attribution) or "misattributed" (it gives them to SpeakerHere).
	Status      string  `json:"status"`
	SpeakerHere *string `json:"speaker_here"`

	when time.Time
}

// quoteKey folds a quote's words for comparing copies: case, marks and
// punctuation do not count.
func quoteKey(q string) []string { return text.FoldWords(q) }

// sameWords reports whether two folded quotes are one quote: equal, one
// inside the other (a copy that cut it), or sharing nine words in ten of
// the shorter (a copy that changed a word).
func sameWords(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 4 {
		return slices.Equal(a, b)
	}
	if containsWords(b, a) {
		return true
	}
	have := map[string]int{}
	for _, w := range b {
		have[w]++
	}
	shared := 0
	for _, w := range a {
		if have[w] > 0 {
			have[w]--
			shared++
		}
	}
	return shared*10 >= len(a)*9
}

// speakerLine is one line of `unspun quotes --speaker NAME --format json`.
type speakerLine struct {
	Speaker     string       `json:"speaker"`
	Quote       string       `json:"quote"`
	Appearances []appearance `json:"appearances"`
}

func (a *app) quotesBySpeaker(ctx context.Context, dir, name, format string) int {
	s, err := a.openDB(dir, false)
	if err != nil {
		return a.fail("quotes", err)
	}
	defer s.Close()
	want := text.FoldWords(name)
	groups := map[string]*speakerLine{}
	words := map[string][]string{} // the folded words of each group's key
	appear := func(art unspun.Article, q unspun.Quote, status string) appearance {
		ap := appearance{PlaceJSON: report.Place(art, q.Span), Status: status, when: art.Published}
		if status == "misattributed" || status == "inherited" {
			here := q.Speaker.Name
			ap.SpeakerHere = &here
		}
		return ap
	}
	// First the quotes attributed to the person, then, in a second pass,
	// the same words run without a speaker or given to someone else.
	err = s.Articles(ctx, func(art unspun.Article) error {
		for _, q := range quote.Extract(art.Body) {
			if q.Speaker == nil || !containsWords(text.FoldWords(q.Speaker.Name), want) {
				continue
			}
			w := quoteKey(q.Text)
			key := strings.Join(w, " ")
			g := groups[key]
			if g == nil {
				g = &speakerLine{Speaker: q.Speaker.Name, Quote: q.Text}
				groups[key], words[key] = g, w
			}
			g.Appearances = append(g.Appearances, appear(art, q, "attributed"))
		}
		return nil
	})
	if err == nil && len(groups) > 0 {
		err = s.Articles(ctx, func(art unspun.Article) error {
			for _, q := range quote.Extract(art.Body) {
				if q.Speaker != nil && containsWords(text.FoldWords(q.Speaker.Name), want) {
					continue // counted in the first pass
				}
				w := quoteKey(q.Text)
				for key, g := range groups {
					if !sameWords(w, words[key]) {
						continue
					}
					status := "orphan"
					switch {
					case q.Speaker != nil && q.SpeakerFrom == unspun.FromInherited:
						status = "inherited"
					case q.Speaker != nil:
						status = "misattributed"
					}
					g.Appearances = append(g.Appearances, appear(art, q, status))
					break
				}
			}
			return nil
		})
	}
	if err != nil {
		return a.fail("quotes", err)
	}
	list := make([]*speakerLine, 0, len(groups))
	for _, g := range groups {
		sort.Slice(g.Appearances, func(i, j int) bool {
			x, y := g.Appearances[i], g.Appearances[j]
			if x.when.IsZero() != y.when.IsZero() {
				return y.when.IsZero()
			}
			if !x.when.Equal(y.when) {
				return x.when.Before(y.when)
			}
			return x.ID < y.ID
		})
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool { // earliest first, as each group's first appearance
		x, y := list[i].Appearances[0], list[j].Appearances[0]
		if !x.when.Equal(y.when) {
			return x.when.Before(y.when)
		}
		return list[i].Quote < list[j].Quote
	})
	for _, g := range list {
		if format == "json" {
			if err := report.WriteJSON(a.stdout, g); err != nil {
				return a.fail("quotes", err)
			}
			continue
		}
		fmt.Fprintf(a.stdout, "%s\n  — %s, in %s:\n", g.Quote, g.Speaker, report.Plural(len(g.Appearances), "article"))
		for _, ap := range g.Appearances {
			date := "date unknown"
			if !ap.when.IsZero() {
				date = ap.when.Format("2006-01-02")
			}
			note := ""
			switch ap.Status {
			case "orphan":
				note = "  (no speaker there)"
			case "misattributed":
				note = "  (attributed there to " + *ap.SpeakerHere + ")"
			case "inherited":
				note = "  (no speaker of its own there; the context suggests " + *ap.SpeakerHere + ")"
			}
			fmt.Fprintf(a.stdout, "    %s  %s  %s%s\n", date, ap.Site, ap.ID, note)
		}
	}
	fmt.Fprintf(a.stderr, "%s by %q\n", report.Plural(len(list), "quote"), name)
	return exitOK
}

// containsWords reports whether want occurs as a run of words in have.
func containsWords(have, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for i := 0; i+len(want) <= len(have); i++ {
		if slices.Equal(have[i:i+len(want)], want) {
			return true
		}
	}
	return false
}
