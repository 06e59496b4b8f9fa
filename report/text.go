package report

import (
	"fmt"
	"io"
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
		percent(sum.Originality), sum.CopiedSentences, sum.Sentences, sum.Sources, sum.SpinEdits, sum.OrphanQuotes)
	if sum.RecoveredQuotes > 0 {
		fmt.Fprintf(&b, " (%d speakers recovered)", sum.RecoveredQuotes)
	}
	b.WriteString("\n\n")
	for _, s := range tr.Sentences {
		fmt.Fprintf(&b, "%3d  %s\n", s.Index+1, oneLine(s.Text))
		if len(s.Sources) == 0 {
			fmt.Fprintf(&b, "     %s\n", st.green("no source found"))
			continue
		}
		for _, src := range s.Sources {
			marker := "also in"
			if src.Earliest {
				marker = "origin "
			}
			fmt.Fprintf(&b, "     %s %s %s  %s  similarity %.2f\n", st.yellow("←"), marker,
				st.bold(siteOrID(src.Article)), dateText(src.Article), src.Similarity)
			if src.Earliest && len(src.Edits) > 0 {
				fmt.Fprintf(&b, "       %s\n", editsText(src.Edits, st))
			}
		}
	}
	if len(tr.Quotes) > 0 {
		b.WriteString("\nquotes\n")
		writeQuoteLines(&b, tr.Quotes, st)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
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
		if e.Kind != "" {
			p += " (" + e.Kind + ")"
		}
		parts = append(parts, p)
	}
	return st.red(strings.Join(parts, ", "))
}

func percent(x float64) int { return int(x*100 + 0.5) }

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
			if q.Speaker.RecoveredFrom != "" {
				who += st.dim(" (recovered from " + oneLine(q.Speaker.RecoveredFrom) + ")")
			}
		}
		fmt.Fprintf(b, "  %s\n     — %s\n", oneLine(q.Text), who)
	}
}

// WriteQuotes writes an article's quotes for a person.
func WriteQuotes(w io.Writer, a unspun.Article, qs []unspun.Quote, st Style) error {
	var b strings.Builder
	title := a.Title
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(&b, "%s\n%s\n%d quotes\n", st.bold(oneLine(title)), st.dim(oneLine(a.ID)), len(qs))
	writeQuoteLines(&b, qs, st)
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
