package quote

import (
	"strings"
	"testing"
	"unicode/utf8"
)

type want struct {
	quote   string // the quote's text, marks included
	speaker string // resolved name, "" for an orphan
	mention string // the mention's text, when checked
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"cue after, name after", "“We will rebuild,” said Ana Reyes.",
			[]want{{"“We will rebuild,”", "Ana Reyes", "Ana Reyes"}}},
		{"lower-case title before the name", "“The strike goes on,” union secretary Tomas Berg told reporters.",
			[]want{{"“The strike goes on,”", "Tomas Berg", "Tomas Berg"}}},
		{"lower-case role before the name", "“We are not afraid,” police spokesman Ivo Marek said on Monday.",
			[]want{{"“We are not afraid,”", "Ivo Marek", "Ivo Marek"}}},
		{"lower-case role of two words", "“The tide is too high,” harbour master Lena Holm said.",
			[]want{{"“The tide is too high,”", "Lena Holm", "Lena Holm"}}},
		{"capitalised title apart from the name", "Transport Minister Paul Ortega said: “The bridge will reopen in May.”",
			[]want{{"“The bridge will reopen in May.”", "Paul Ortega", "Paul Ortega"}}},
		{"no inheritance across another's statement", "“It held,” Reyes said. Lind said the river was still rising. “We need boats.”",
			[]want{{"“It held,”", "Reyes", "Reyes"}, {"“We need boats.”", "Lind", "Lind"}}},
		{"cue after, name before, surname resolved", "Mayor Ana Reyes toured the dam. “It held,” Reyes said.",
			[]want{{"“It held,”", "Ana Reyes", "Reyes"}}},
		{"colon lead-in", "Ana Reyes said: “We will rebuild.”",
			[]want{{"“We will rebuild.”", "Ana Reyes", "Ana Reyes"}}},
		{"according to", "According to Hugo Lind, “the bridge is safe.”",
			[]want{{"“the bridge is safe.”", "Hugo Lind", "Hugo Lind"}}},
		{"apposition", "Hugo Lind, a ferry captain, said “the storm came from nowhere.”",
			[]want{{"“the storm came from nowhere.”", "Hugo Lind", "Hugo Lind"}}},
		{"pronoun resolved to the person named before", "Ana Reyes visited the dam at dawn. “It held,” she said.",
			[]want{{"“It held,”", "Ana Reyes", "she"}}},
		{"continuation keeps the speaker", "“It held,” Reyes said. “We were lucky.”",
			[]want{{"“It held,”", "Reyes", "Reyes"}, {"“We were lucky.”", "Reyes", "Reyes"}}},
		{"quote over two paragraphs", "“The first part of the statement.\n\n“The second part,” Reyes said.",
			[]want{{"“The first part of the statement.\n\n“The second part,”", "Reyes", ""}}},
		{"nested quote is part of it", "“He told me ‘run’ and I ran,” said Hugo Lind.",
			[]want{{"“He told me ‘run’ and I ran,”", "Hugo Lind", ""}}},
		{"straight quotes", `"We are ready," said Hugo Lind.`,
			[]want{{`"We are ready,"`, "Hugo Lind", ""}}},
		{"apostrophes are not quotes", "Brenno’s mayor didn’t comment on the council's plan.", nil},
		{"a title is not a quote", "She appeared on “Evening Ferry Hour” last week.", nil},
		{"a scare quote is not a quote", "The so-called “flood tax” passed.", nil},
		{"a few words the writer quotes are not a quote", "The council's “emergency fund” was empty by March, and the ferry stayed in port.", nil},
		{"a short quote with its speaker stays", "The ferry is “out of service,” Hugo Lind said.",
			[]want{{"“out of service,”", "Hugo Lind", "Hugo Lind"}}},
		{"a quoted subheading is not a quote", "“We were lucky,” Reyes said.\n\n‘Nobody Saw It Coming.’\n\nThe ferry left late.",
			[]want{{"“We were lucky,”", "Reyes", "Reyes"}}},
		{"a title before its programme is not a quote", "Hugo Lind said he still hosts the “Evening Ferry Hour” programme on KNA.", nil},
		{"a short sentence of its own stays", "The ferry left late.\n\n“Nobody came.”",
			[]want{{"“Nobody came.”", "", ""}}},
		{"orphan", "The ferry left late.\n\n“Nobody warned us.”",
			[]want{{"“Nobody warned us.”", "", ""}}},
		{"lead-in colon ends the previous paragraph", "Reyes told the council:\n\n“We need a channel.”",
			[]want{{"“We need a channel.”", "Reyes", "Reyes"}}},
		{"titles kept apart from the name", "“It is stable,” said Secretary of State Ana Reyes.",
			[]want{{"“It is stable,”", "Ana Reyes", "Ana Reyes"}}},
		{"partial quote, cue before", "Reyes called the plan “a farce” on Monday.",
			[]want{{"“a farce”", "Reyes", "Reyes"}}},
		{"punctuation outside the marks", "The dam is “stable”, Reyes said.",
			[]want{{"“stable”", "Reyes", "Reyes"}}},
		{"bracketed insertion", "“I said it [the dam] was obsolete,” Hugo Lind said.",
			[]want{{"“I said it [the dam] was obsolete,”", "Hugo Lind", ""}}},
		{"guillemets", "«Nous reconstruirons», said Ana Reyes.",
			[]want{{"«Nous reconstruirons»", "Ana Reyes", ""}}},
		{"low-high marks", "„Wir bauen neu“, said Ana Reyes.",
			[]want{{"„Wir bauen neu“", "Ana Reyes", ""}}},
		{"two apostrophes are not a quote mark", "''We will rebuild,'' said Ana Reyes.", nil},
		{"straight single quotes", "'We will rebuild,' said Ana Reyes.",
			[]want{{"'We will rebuild,'", "Ana Reyes", ""}}},
		{"subject of the sentence for an embedded quote", "Reyes is again questioning whether the vote was “fair and square.”",
			[]want{{"“fair and square.”", "Reyes", "Reyes"}}},
		{"opening phrase before the subject", "On Monday, Hugo Lind warned that the pass was “closed for good.”",
			[]want{{"“closed for good.”", "Hugo Lind", "Hugo Lind"}}},
		{"relative pronoun resolves to its antecedent", "The plan was opposed by Hugo Lind, who called it “a farce.”",
			[]want{{"“a farce.”", "Hugo Lind", "who"}}},
		{"signature after a vox pop", "“The ferry must run all winter.” — Ana Reyes, 34, Brenno",
			[]want{{"“The ferry must run all winter.”", "Ana Reyes", "Ana Reyes"}}},
		{"signature after a horizontal bar", "“Run the ferry all winter.” ―\u00a0Hugo Lind\n“Or build the bridge.” ―\u00a0Ana Reyes.",
			[]want{{"“Run the ferry all winter.”", "Hugo Lind", "Hugo Lind"}, {"“Or build the bridge.”", "Ana Reyes", "Ana Reyes"}}},
		{"a sentence opener is not a name", "Though the vote was close, Ana Reyes called it “a mandate.”",
			[]want{{"“a mandate.”", "Ana Reyes", "Ana Reyes"}}},
		{"a document speaks", "The council's letter reads: “The pass will stay closed.”",
			[]want{{"“The pass will stay closed.”", "The council's letter", ""}}},
		{"a second cue after the first", "“The pass is shut,” he said, adding that “the road will reopen in May.”",
			[]want{{"“The pass is shut,”", "he", "he"}, {"“the road will reopen in May.”", "he", "he"}}},
		{"the subject, not a word in the quote", "The ad shows Ana Reyes asking, “Why am I not ahead?”",
			[]want{{"“Why am I not ahead?”", "Ana Reyes", "Ana Reyes"}}},
		{"a letter that says is not a person", "He released a letter from his doctor that says he is in “excellent health.”",
			[]want{{"“excellent health.”", "He", "He"}}},
		{"a capitalised word is never a cue", "Ana Reyes is telling the council that the United States navy is “depleted” today.",
			[]want{{"“depleted”", "Ana Reyes", "Ana Reyes"}}},
		{"a dateline is not the subject", "BRENNO, March 4 (KNA) — Former Mayor Ana Reyes called the levy a “crazy tax” during a stop in Lisk.",
			[]want{{"“crazy tax”", "Ana Reyes", "Ana Reyes"}}},
		{"a long apposition after the quote", "“The levy is unlawful,” Ana Reyes, the attorney general of Keldmark, one of the regions suing the ministry, said on Monday.",
			[]want{{"“The levy is unlawful,”", "Ana Reyes", "Ana Reyes"}}},
		{"a cue used as a noun", "Hugo Lind, a ferry captain, called the mayor's remarks “a wake-up call.”",
			[]want{{"“a wake-up call.”", "Hugo Lind", "Hugo Lind"}}},
		{"an opening phrase is not the speaker", "In a 2029 memo, the agency suggested that the ferry “cannot run safely.”",
			[]want{{"“cannot run safely.”", "the agency", "the agency"}}},
		{"an interjected phrase is not the speaker", "Ana Reyes, at a later press briefing, said, “The pass reopens Monday.”",
			[]want{{"“The pass reopens Monday.”", "Ana Reyes", "Ana Reyes"}}},
		{"a second verb shares the subject", "“Detours are needed,” Hugo Lind said in a statement, adding that the ferries ran “like clockwork.”",
			[]want{{"“Detours are needed,”", "Hugo Lind", "Hugo Lind"}, {"“like clockwork.”", "Hugo Lind", "Hugo Lind"}}},
		{"a verb phrase before the cue", "Ana Reyes, a former judge, mocked the plan during the debate, tweeting, “Who pays for this?”",
			[]want{{"“Who pays for this?”", "Ana Reyes", "Ana Reyes"}}},
		{"what follows a mid-sentence quote is not its attribution", "Hugo Lind said the mayor was “absolutely right” when he said the pass would close.",
			[]want{{"“absolutely right”", "Hugo Lind", "Hugo Lind"}}},
		{"a transcript label", "\"REYES: We will rebuild the bridge before winter.\"",
			[]want{{"\"REYES: We will rebuild the bridge before winter.\"", "REYES", "REYES"}}},
		{"a possessive claim", "Inspectors checked Ana Reyes’s claim that the dam was “perfectly safe” last week.",
			[]want{{"“perfectly safe”", "Ana Reyes", "Ana Reyes’s"}}},
		{"a participle cue takes the main subject", "Ana Reyes spoke on Tuesday about the flood in Brenno, Keldmark, arguing that the delay was “intolerable.”",
			[]want{{"“intolerable.”", "Ana Reyes", "Ana Reyes"}}},
		{"nested quotes of the same marks", "“I would rather live in what he calls “hell” than leave,” said Ana Reyes.",
			[]want{{"“I would rather live in what he calls “hell” than leave,”", "Ana Reyes", "Ana Reyes"}}},
		{"an unbalanced nested mark closes at the last closer", "“He called it “a trap, and left.” The ferry sailed at noon.",
			[]want{{"“He called it “a trap, and left.”", "", ""}}},
		{"according to, far after the quote", "Thousands joined a “walk-in” at more than 200 schools in 38 towns, according to the organiser Brenno Parents United.",
			[]want{{"“walk-in”", "Brenno Parents United", "Brenno Parents United"}}},
		{"the next sentence does not attribute a quote ending the last", "Lisk branded the levy an “outlaw tax.” Brenno insisted that the ferry “run all winter.”",
			[]want{{"“outlaw tax.”", "Lisk", "Lisk"}, {"“run all winter.”", "Brenno", "Brenno"}}},
		{"a short attribution sentence after a quote", "“We will rebuild.” Reyes said.",
			[]want{{"“We will rebuild.”", "Reyes", "Reyes"}}},
		{"a clause that is not a subject", "Ana Reyes said the region would take “firm steps” in response, and he urged calm.",
			[]want{{"“firm steps”", "Ana Reyes", "Ana Reyes"}}},
		{"a pronoun after other words", "I laughed and said, “I do not believe it.”",
			[]want{{"“I do not believe it.”", "I", "I"}}},
		{"a possessive subject after the quote", "“We live in a flood plain,” my father often said.",
			[]want{{"“We live in a flood plain,”", "my father", "my father"}}},
		{"a relative pronoun opening the subject", "The plan was drafted by Hugo Lind, who in 2029 said the levy was “a tax on water.”",
			[]want{{"“a tax on water.”", "Hugo Lind", "who"}}},
		{"a verb phrase holding a name", "Ana Reyes, the mayor, visited the dam in Lisk and said the repairs were “nearly done.”",
			[]want{{"“nearly done.”", "Ana Reyes", "Ana Reyes"}}},
		{"according to in the next sentence is not this quote's", "Ana Reyes chimed in, saying the report should be released “without delay.” Reyes will visit Lisk, according to an aide.",
			[]want{{"“without delay.”", "Ana Reyes", "Ana Reyes"}}},
		{"the first name after the cue", "“The count is still small,” wrote Ana Reyes for the Lisk Post.",
			[]want{{"“The count is still small,”", "Ana Reyes", "Ana Reyes"}}},
		{"continuation across a blank line", "“Nobody warned us,” he said.\n\n“The sirens came late.”",
			[]want{{"“Nobody warned us,”", "he", "he"}, {"“The sirens came late.”", "he", "he"}}},
		{"a relative clause in apposition", "Hugo Lind, who has campaigned for the ferry since it closed in May, called the levy a “disgrace.”",
			[]want{{"“disgrace.”", "Hugo Lind", "Hugo Lind"}}},
		{"an infinitive cue takes the main subject", "Ana Reyes took to the radio overnight to accuse the ministry of being “asleep.”",
			[]want{{"“asleep.”", "Ana Reyes", "Ana Reyes"}}},
		{"a question, then its speaker and a participle", "“Who would have believed it?” Reyes said, looking out at the crowd.",
			[]want{{"“Who would have believed it?”", "Reyes", "Reyes"}}},
		{"attribution after a comma at the clause end", "A clerk who “takes a handful of coins” is fired, Reyes said.",
			[]want{{"“takes a handful of coins”", "Reyes", "Reyes"}}},
		{"a pronoun subject after names", "On Lisk Radio he called the ferry “a disgrace.”",
			[]want{{"“a disgrace.”", "he", "he"}}},
		{"unbalanced mark is ignored", "The council met. “We will see. Nobody knew.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.in)
			if len(got) != len(tt.want) {
				var texts []string
				for _, q := range got {
					texts = append(texts, q.Text)
				}
				t.Fatalf("got %d quotes %q, want %d", len(got), texts, len(tt.want))
			}
			for i, w := range tt.want {
				q := got[i]
				if q.Text != w.quote || tt.in[q.Span.Start:q.Span.End] != q.Text {
					t.Errorf("quote %d = %q, want %q", i, q.Text, w.quote)
				}
				name := ""
				if q.Speaker != nil {
					name = q.Speaker.Name
				}
				if name != w.speaker {
					t.Errorf("quote %d speaker = %q, want %q", i, name, w.speaker)
				}
				if w.mention != "" && (q.Speaker == nil || q.Speaker.Mention == nil || tt.in[q.Speaker.Mention.Start:q.Speaker.Mention.End] != w.mention) {
					t.Errorf("quote %d mention is not %q: %+v", i, w.mention, q.Speaker)
				}
			}
		})
	}
}

// TestLinearTime feeds inputs that would make a naive pairing quadratic.
func TestHostileInputs(t *testing.T) {
	inputs := map[string]string{
		"10 MB without a closing mark": "“" + strings.Repeat("word ", 2<<20),
		"a mark every other character": strings.Repeat("“a", 1<<18),
		"straight quotes only":         strings.Repeat("\"", 1<<18),
		"right-to-left and mixed":      strings.Repeat("«שלום» said Ana. „Привет“ ", 1000),
		"invalid UTF-8":                "“abc\xff\xfe” said Reyes.",
		// Short quotes by the thousand on one line, in one sentence: each
		// is checked for a scare quote or a subheading, which must read the
		// sentence and the line once, not once per quote.
		"short title-case quotes on one line":     strings.Repeat("“Ferry Hour” ", 1<<16),
		"short lower-case quotes in one sentence": strings.Repeat("the “flood tax” and ", 1<<16),
	}
	for name, in := range inputs {
		for _, q := range Extract(in) {
			if q.Span.Start < 0 || q.Span.End > len(in) || q.Span.Start >= q.Span.End {
				t.Fatalf("%s: bad span %+v", name, q.Span)
			}
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"“We will,” said Ana Reyes.", "“a\n\n“b,” she said", "'' x '' \" y \" ‘z’", "„a“ «b»", "According to X, “y”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, q := range Extract(s) {
			if q.Span.Start < prev || q.Span.End > len(s) || q.Span.Start >= q.Span.End || s[q.Span.Start:q.Span.End] != q.Text {
				t.Fatalf("bad quote %+v in %q", q.Span, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(q.Text) {
				t.Fatalf("quote splits a rune: %q", q.Text)
			}
			if sp := q.Speaker; sp != nil && sp.Mention != nil {
				if sp.Mention.Start < 0 || sp.Mention.End > len(s) || sp.Mention.Start >= sp.Mention.End {
					t.Fatalf("bad mention %+v", sp.Mention)
				}
			}
			prev = q.Span.End
		}
	})
}

// BenchmarkExtract measures quote extraction on news-like text.
func BenchmarkExtract(b *testing.B) {
	var body strings.Builder
	for body.Len() < 64<<10 {
		body.WriteString("Mayor Ana Reyes toured the dam on Tuesday. “It held, and we were lucky,” Reyes said. ")
		body.WriteString("Hugo Lind, a ferry captain, called the warning “late and vague.”\n\n")
		body.WriteString("Engineers will inspect the moraine wall from the air once the cloud lifts.\n\n")
	}
	s := body.String()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(s)
	}
}

func TestSpeakerFrom(t *testing.T) {
	body := "“It held,” Reyes said. “We were lucky.”\n\nThe dam is old.\n\n“Nobody knows who built it.”"
	qs := Extract(body)
	if len(qs) != 3 {
		t.Fatalf("%d quotes, want 3", len(qs))
	}
	for i, want := range []string{"cue", "inherited", ""} {
		if qs[i].SpeakerFrom != want {
			t.Errorf("quote %q: speaker_from %q, want %q", qs[i].Text, qs[i].SpeakerFrom, want)
		}
	}
}
