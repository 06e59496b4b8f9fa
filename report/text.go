package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
)

// Style switches terminal colours on or off.
type Style struct{ Color bool }

func (s Style) wrap(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) bold(t string) string   { return s.wrap("1", t) }
func (s Style) dim(t string) string    { return s.wrap("2", t) }
func (s Style) red(t string) string    { return s.wrap("31", t) }
func (s Style) green(t string) string  { return s.wrap("32", t) }
func (s Style) yellow(t string) string { return s.wrap("33", t) }

// storyShares lists stories with their sentences: "story 0: 5 sentences, story 3: 2".
func storyShares(shares []unspun.StoryShare) string {
	parts := make([]string, len(shares))
	for k, s := range shares {
		parts[k] = "story " + s.Story + ": " + strconv.Itoa(s.Sentences)
		if k == 0 {
			parts[k] = "story " + s.Story + ": " + Plural(s.Sentences, "sentence")
		}
	}
	return strings.Join(parts, ", ")
}

// WriteTrace writes a trace for a person: the title, one summary line, then
// each sentence with its origin and edits.
func WriteTrace(w io.Writer, tr unspun.Trace, st Style) error {
	var b strings.Builder
	title := tr.Article.Title
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(&b, "%s\n%s\n", st.bold(oneLine(title)), st.dim(oneLine(tr.Article.ID)))
	sum := tr.Summary
	fmt.Fprintf(&b, "originality %d%% · %d of %d sentences copied · %d sources · %d spin edits · %d orphan quotes",
		Percent(sum.Originality), sum.CopiedSentences, sum.Sentences-sum.Furniture, sum.Sources, sum.SpinEdits, sum.OrphanQuotes)
	if sum.RecoveredQuotes > 0 {
		fmt.Fprintf(&b, " (%s recovered)", Plural(sum.RecoveredQuotes, "speaker"))
	}
	if sum.FactEdits > 0 {
		fmt.Fprintf(&b, " · %s", st.red(Plural(sum.FactEdits, "changed fact")))
	}
	if sum.MisattributedQuotes > 0 {
		fmt.Fprintf(&b, " · %s", st.red(Plural(sum.MisattributedQuotes, "misattributed quote")))
	}
	switch {
	case len(tr.Stories) > 1:
		fmt.Fprintf(&b, " · stitches %d stories (%s)", len(tr.Stories), storyShares(tr.Stories))
	case len(tr.Stories) == 1:
		fmt.Fprintf(&b, " · story %s", tr.Stories[0].Story)
	}
	b.WriteString("\n\n")
	for _, s := range tr.Sentences {
		fmt.Fprintf(&b, "%3d  %s\n", s.Index+1, oneLine(s.Text))
		switch {
		case s.Furniture:
			fmt.Fprintf(&b, "     %s\n", st.dim("page furniture (byline or date line), not traced"))
			continue
		case len(s.Sources) == 0:
			fmt.Fprintf(&b, "     %s\n", st.green("no source found"))
			continue
		}
		shown := false // the edits of the origin, else of the first source
		for k, src := range s.Sources {
			marker := "also in"
			switch {
			case src.Earliest:
				marker = "origin "
			case src.Later:
				marker = "later  "
			}
			story := ""
			if len(tr.Stories) > 1 && src.Story != "" {
				story = " · story " + src.Story // which of the stitched stories
			}
			fmt.Fprintf(&b, "     %s %s %s  %s  similarity %.2f · covers %d%%%s\n", st.yellow("←"), marker,
				st.bold(siteOrID(src.Article)), dateText(src.Article), src.Similarity, Percent(src.Coverage), story)
			if !shown && (src.Earliest || k == 0 && !hasOrigin(s.Sources)) {
				shown = true
				spin, facts := splitFacts(src.Edits)
				if len(spin) > 0 {
					fmt.Fprintf(&b, "       %s\n", editsText(spin, st))
				}
				if len(facts) > 0 {
					fmt.Fprintf(&b, "       %s %s\n", st.bold(st.red("changed facts:")), editsText(facts, st))
				}
			}
		}
		if more := s.Carriers - len(s.Sources); more > 0 {
			fmt.Fprintf(&b, "     %s\n", st.dim(fmt.Sprintf("… and %s", Plural(more, "more carrier"))))
		}
	}
	if len(tr.Quotes) > 0 {
		b.WriteString("\nquotes\n")
		writeQuoteLines(&b, tr.Quotes, st)
	}
	for _, l := range tr.Limits {
		fmt.Fprintf(&b, "\n%s %s\n", st.yellow("limit:"), oneLine(l))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func hasOrigin(sources []unspun.Source) bool {
	for _, s := range sources {
		if s.Earliest {
			return true
		}
	}
	return false
}

// splitFacts separates the edits that change a fact from the others.
func splitFacts(edits []unspun.Edit) (spin, facts []unspun.Edit) {
	for _, e := range edits {
		if e.Kind == unspun.KindFact {
			facts = append(facts, e)
		} else {
			spin = append(spin, e)
		}
	}
	return spin, facts
}

// Plural writes a count with its noun, in the plural unless it is one
// ("1 quote", "3 quotes"): every command's summary says it so.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func editsText(edits []unspun.Edit, st Style) string {
	parts := make([]string, 0, len(edits))
	for _, e := range edits {
		var p string
		switch e.Op {
		case unspun.Insert:
			p = "+" + oneLine(e.To)
		case unspun.Delete:
			p = "−" + oneLine(e.From)
		default:
			p = oneLine(e.From) + " → " + oneLine(e.To)
		}
		if e.Kind != "" && e.Kind != unspun.KindFact {
			p += " (" + e.Kind + ")"
		}
		parts = append(parts, p)
	}
	return st.red(strings.Join(parts, ", "))
}

// Percent is x (0..1) as a whole percentage, rounded half up.
func Percent(x float64) int { return int(x*100 + 0.5) }

func siteOrID(a unspun.Article) string {
	if a.Site != "" {
		return oneLine(a.Site)
	}
	return oneLine(a.ID)
}

func dateText(a unspun.Article) string {
	if a.Published.IsZero() {
		return "date unknown"
	}
	return a.Published.Format("2006-01-02")
}

// oneLine folds runs of white space, so a sentence over two lines prints on
// one, and replaces control characters: an article must not be able to send
// escape sequences to the reader's terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '�'
		}
		return r
	}, strings.Join(strings.Fields(s), " "))
}

func writeQuoteLines(b *strings.Builder, qs []unspun.Quote, st Style) {
	for _, q := range qs {
		who := st.red("no speaker (orphan)")
		if q.Speaker != nil {
			who = oneLine(q.Speaker.Name)
			switch {
			case q.Speaker.Replaced != "":
				who += st.dim(" (from " + oneLine(q.Speaker.RecoveredFrom) + "; this page would have it inherit " + oneLine(q.Speaker.Replaced) + ")")
			case q.Speaker.RecoveredFrom != "":
				who += st.dim(" (recovered from " + oneLine(q.Speaker.RecoveredFrom) + ")")
			case q.SpeakerFrom == unspun.FromInherited:
				who += st.dim(" (inherited from the context)")
			}
		}
		if ss := q.SourceSpeaker; ss != nil {
			who += " " + st.red("— attributed to "+oneLine(q.Speaker.Name)+" here; the sources say "+oneLine(ss.Name))
		}
		fmt.Fprintf(b, "  %s\n     — %s\n", oneLine(q.Text), who)
		if len(q.Sources) > 0 {
			first := q.Sources[0].Article
			line := fmt.Sprintf("first in %s  %s", siteOrID(first), dateText(first))
			if more := len(q.Sources) - 1; more > 0 {
				line += fmt.Sprintf(" (and %s)", Plural(more, "more carrier"))
			}
			fmt.Fprintf(b, "       %s\n", st.dim(line))
		}
	}
}

// WriteQuotes writes an article's quotes for a person.
func WriteQuotes(w io.Writer, a unspun.Article, qs []unspun.Quote, st Style) error {
	var b strings.Builder
	title := a.Title
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(&b, "%s\n%s\n%s\n", st.bold(oneLine(title)), st.dim(oneLine(a.ID)), Plural(len(qs), "quote"))
	writeQuoteLines(&b, qs, st)
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
