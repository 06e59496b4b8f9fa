package text

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/internal/swar"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string // Norm of each token
	}{
		{"The U.S. Navy docked.", []string{"the", "us", "navy", "docked"}},
		{"Velmora’s mayor didn't", []string{"velmora's", "mayor", "didn't"}},
		{"It cost $1,200.50 in 2031.", []string{"it", "cost", "120050", "in", "2031"}},
		{"worse-than-expected", []string{"worse", "than", "expected"}},
		{"ＦＵＬＬ width", []string{"full", "width"}},
		{"U.N.-backed talks", []string{"un", "backed", "talks"}},
		{"He said: 'No.'", []string{"he", "said", "no"}},
		{"A.", []string{"a"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range Tokens(tt.in) {
			got = append(got, tok.Norm)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenFlags(t *testing.T) {
	toks := Tokens("NATO and the U.S. met Ana in 2030")
	want := []struct{ acronym, capital, number bool }{
		{true, true, false}, {false, false, false}, {false, false, false},
		{true, true, false}, {false, false, false}, {false, true, false},
		{false, false, false}, {false, false, true},
	}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens, want %d", len(toks), len(want))
	}
	for i, w := range want {
		got := toks[i]
		if got.Acronym != w.acronym || got.Capital != w.capital || got.Number != w.number {
			t.Errorf("token %d %q: acronym=%v capital=%v number=%v, want %+v", i, got.Norm, got.Acronym, got.Capital, got.Number, w)
		}
	}
}

func TestTokenOffsets(t *testing.T) {
	in := "“Crème brûlée,” said Zoë of the U.S. embassy."
	for _, tok := range Tokens(in) {
		raw := in[tok.Start:tok.End]
		if Fold(raw) != tok.Norm {
			t.Errorf("token %q at [%d,%d) folds to %q, Norm is %q", raw, tok.Start, tok.End, Fold(raw), tok.Norm)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "The dam held. Engineers cheered! Was it luck? Nobody knew.",
			[]string{"The dam held.", "Engineers cheered!", "Was it luck?", "Nobody knew."}},
		{"title abbreviation", "Mr. Okafor arrived. Gen. Ruiz left.",
			[]string{"Mr. Okafor arrived.", "Gen. Ruiz left."}},
		{"initialism inside", "The U.S. Coast Guard said nothing. Then it spoke.",
			[]string{"The U.S. Coast Guard said nothing.", "Then it spoke."}},
		{"initialism at end", "Aid arrived from the U.S. The port reopened.",
			[]string{"Aid arrived from the U.S.", "The port reopened."}},
		{"initial", "The report by J. Halvorsen was late. It was long.",
			[]string{"The report by J. Halvorsen was late.", "It was long."}},
		{"decimal", "Output rose 4.5 percent. Prices fell.",
			[]string{"Output rose 4.5 percent.", "Prices fell."}},
		{"period inside quote", "“We will rebuild.” The crowd clapped.",
			[]string{"“We will rebuild.”", "The crowd clapped."}},
		{"period outside quote", "She called it “a disgrace”. Then she left.",
			[]string{"She called it “a disgrace”.", "Then she left."}},
		{"comma in quote", "“We are ready,” said Ines Marlow. “Are you?”",
			[]string{"“We are ready,” said Ines Marlow.", "“Are you?”"}},
		{"question then attribution", "“Is it safe?” she asked. Nobody answered.",
			[]string{"“Is it safe?” she asked.", "Nobody answered."}},
		{"paragraphs", "Flood warning lifted\n\nThe river fell overnight.\n\nSchools reopen",
			[]string{"Flood warning lifted", "The river fell overnight.", "Schools reopen"}},
		{"headline line", "Port strike ends\nDockers voted to return.",
			[]string{"Port strike ends", "Dockers voted to return."}},
		{"wrapped line", "The council voted to\nclose the bridge.",
			[]string{"The council voted to\nclose the bridge."}},
		{"lowercase after dot", "It rose to 3 p.m. levels. Then fell.",
			[]string{"It rose to 3 p.m. levels.", "Then fell."}},
		{"time then a new sentence", "The alarm sounded at 5:10 a.m. Fire crews arrived within minutes.",
			[]string{"The alarm sounded at 5:10 a.m.", "Fire crews arrived within minutes."}},
		{"time then a weekday or zone", "Talks resume at 9 a.m. Monday and end at 3 p.m. EST on Friday.",
			[]string{"Talks resume at 9 a.m. Monday and end at 3 p.m. EST on Friday."}},
		{"domain at the end", "Prices come from the website Coinledger.test. Q&A What is a token?",
			[]string{"Prices come from the website Coinledger.test.", "Q&A What is a token?"}},
		{"number abbreviation", "He lives at No. 10 Lindenweg. St. Anna's church burned.",
			[]string{"He lives at No. 10 Lindenweg.", "St. Anna's church burned."}},
		{"company suffix ends a sentence", "The mine belongs to Keldmark Holdings Inc. The firm declined to comment.",
			[]string{"The mine belongs to Keldmark Holdings Inc.", "The firm declined to comment."}},
		{"suffix inside a sentence", "The Tomas Berg Jr. Memorial Fund and Acme Inc. Lawyers paid.",
			[]string{"The Tomas Berg Jr. Memorial Fund and Acme Inc. Lawyers paid."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, sp := range Sentences(tt.in) {
				got = append(got, tt.in[sp.Start:sp.End])
			}
			if strings.Join(got, "¶") != strings.Join(tt.want, "¶") {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentencesLongRunIsCut(t *testing.T) {
	in := strings.Repeat("word ", 3000)
	spans := Sentences(in)
	if len(spans) < 2 {
		t.Fatalf("got %d sentences for a %d-byte run, want it cut", len(spans), len(in))
	}
	for _, sp := range spans {
		if sp.Len() > MaxSentenceBytes {
			t.Errorf("sentence of %d bytes exceeds %d", sp.Len(), MaxSentenceBytes)
		}
	}
}

func FuzzSentencesAndTokens(f *testing.F) {
	for _, s := range []string{"The U.S. Navy. “Yes.” No", "a.b.c. 1,2.3", "\n\n\n", "Mr. X.\nY", "\xff\xfe."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, sp := range Sentences(s) {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("bad span %+v (prev end %d, len %d)", sp, prev, len(s))
			}
			if utf8.ValidString(s) && (!utf8.ValidString(s[sp.Start:sp.End])) {
				t.Fatalf("span %+v splits a rune", sp)
			}
			prev = sp.End
		}
		prev = 0
		toks := Tokens(s)
		for _, tok := range toks {
			if tok.Start < prev || tok.End <= tok.Start || tok.End > len(s) {
				t.Fatalf("bad token %+v", tok)
			}
			prev = tok.End
		}
		if general := generalTokens(s); !slices.Equal(toks, general) {
			t.Fatalf("tokens of %q:\n%+v\nthe general path gives\n%+v", s, toks, general)
		}
		for _, n := range []int{0, 2, maxFurnitureWords} {
			if moreWordsThan(s, n) && len(toks) <= n {
				t.Fatalf("moreWordsThan(%q, %d) with %d tokens", s, n, len(toks))
			}
		}
	})
}

// generalTokens is AppendTokens without its fast path for plain ASCII
// words: every word through scanWord and makeToken.
func generalTokens(s string) []Token {
	var dst []Token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		end := scanWord(s, i)
		dst = append(dst, makeToken(s[i:end], i, end))
		i = end
	}
	return dst
}

// TestASCIITokensMatchGeneral checks the fast path for plain words against
// the general one, on random text made of the characters where a word may
// or may not go on: apostrophes, dots and commas, digits, capitals,
// letters and marks beyond ASCII.
func TestASCIITokensMatchGeneral(t *testing.T) {
	pieces := []string{"a", "b", "Z", "Q", "7", "0", ".", ",", "'", "’", " ", "é", "É", "\u0301", "ß", "-", "\n", "U.S.", "1,200.5", "don't", "NATO", "McKay", "\xff", "“",
		"harbour", "Velmora", "OSTREL", "2031"} // long words, read eight bytes at a time
	r := rand.New(rand.NewPCG(7, 8))
	for range 40000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := Tokens(s), generalTokens(s); !slices.Equal(got, want) {
			t.Fatalf("tokens of %q:\n%+v\nthe general path gives\n%+v", s, got, want)
		}
	}
}

// TestMoreWordsThan checks the lower bound on tokens that spares
// IsFurniture tokenising long sentences.
func TestMoreWordsThan(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want bool
	}{
		{"one two three", 2, true},
		{"one two three", 3, false},
		{"one -- two", 2, false},           // a dash is no word
		{"naïve café über", 2, true},       // each run holds an ASCII letter
		{"Σήμερα Αθήνα Λονδίνο", 2, false}, // no ASCII letter: not counted, the bound stays low
		{"U.S.-led talks", 1, true},
		{"it's  \n\t 4,5", 1, true},
		{"", 0, false},
	} {
		if got := moreWordsThan(c.s, c.n); got != c.want {
			t.Errorf("moreWordsThan(%q, %d) = %v, want %v", c.s, c.n, got, c.want)
		}
		if got, toks := moreWordsThan(c.s, c.n), len(Tokens(c.s)); got && toks <= c.n {
			t.Errorf("%q: more than %d words claimed, %d tokens", c.s, c.n, toks)
		}
	}
}

// BenchmarkNormalize measures splitting and tokenising a 600-word article.
func BenchmarkNormalize(b *testing.B) {
	var body strings.Builder
	for body.Len() < 4000 {
		body.WriteString("The mayor of Velmora said on Tuesday that the U.S. grant, worth 4.5 million crowns, would rebuild the old stone bridge. ")
		body.WriteString("“We will not wait for the spring floods,” Mr. Okafor told reporters outside the town hall.\n\n")
	}
	s := body.String()
	var toks []Token
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		for _, sp := range Sentences(s) {
			toks = AppendTokens(toks[:0], s[sp.Start:sp.End], sp.Start)
		}
	}
}

func TestIsFurniture(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Posted March 3, 2031", true},
		{"Updated 3:41 PM", true},
		{"Published: Tuesday, March 3, 2031 at 9:10 a.m. EST", true},
		{"Last updated 2 hours ago", true},
		{"March 3, 2031", true},
		{"By Ada Quill and Tomas Berg, Staff Writers", true},
		{"By Petra Ilic", true},
		{"Posted", false},
		{"Updated figures showed the river rising again on Monday.", false},
		{"By Monday the river had fallen by two metres.", false},
		{"The dam held on March 3, 2031.", false},
	}
	for _, tt := range tests {
		if got := IsFurniture(tt.in); got != tt.want {
			t.Errorf("IsFurniture(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestIsStopwordHashed(t *testing.T) {
	for _, w := range []string{"the", "of", "said", "harbour", "keldholm", "ferry"} {
		if got, want := IsStopwordHashed(fingerprint.Hash(w), w), IsStopword(w); got != want {
			t.Errorf("IsStopwordHashed(%q) = %v, IsStopword says %v", w, got, want)
		}
	}
	for _, w := range Stopwords() {
		if !IsStopwordHashed(fingerprint.Hash(w), w) {
			t.Errorf("stopword %q not found by its hash", w)
		}
		if IsStopwordHashed(fingerprint.Hash(w), w+"x") { // a word whose hash collides with a stopword's
			t.Errorf("%q taken for a stopword by the hash of %q", w+"x", w)
		}
	}
}

// TestSentencesCutInvalidUTF8 splits a sentence longer than
// MaxSentenceBytes made of bytes that start no rune: every cut must advance
// (it once found no rune boundary, cut at the start, and never ended).
func TestSentencesCutInvalidUTF8(t *testing.T) {
	body := strings.Repeat("\xac", 3*MaxSentenceBytes+17) + " 0 0 00 0"
	spans := Sentences(body)
	covered := 0
	for _, sp := range spans {
		if sp.End-sp.Start > MaxSentenceBytes {
			t.Errorf("span %+v longer than %d bytes", sp, MaxSentenceBytes)
		}
		covered += sp.End - sp.Start
	}
	if covered < 3*MaxSentenceBytes {
		t.Errorf("spans %v cover %d of %d bytes", spans, covered, len(body))
	}
}

// TestMayStop checks the eight-byte test of the sentence loop against the
// byte-by-byte one on random words that hold no stop, one, or several.
func TestMayStop(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	plain := []byte("abcXYZ019 ,;'\"-()\t")
	for range 200000 {
		var w [8]byte
		for k := range w {
			w[k] = plain[r.IntN(len(plain))]
		}
		for range r.IntN(3) {
			w[r.IntN(8)] = byte(r.IntN(256))
		}
		s := string(w[:])
		want := false
		for _, c := range w {
			want = want || c >= utf8.RuneSelf || endsOrBreaks[c]
		}
		if got := mayStop(swar.Load(s, 0)); got != want {
			t.Fatalf("mayStop(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSwarClasses checks the eight-byte classes against wordClass for every
// byte value in every place, among neighbours of every class.
func TestSwarClasses(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for c := range 256 {
		for at := range 8 {
			var b [8]byte
			for k := range b {
				b[k] = byte(r.IntN(256))
			}
			b[at] = byte(c)
			upper, lower, digit := swarClasses(swar.Load(string(b[:]), 0))
			for k, c := range b {
				bit := uint64(0x80) << (8 * k)
				got := uint8(0)
				if upper&bit != 0 {
					got |= classUpper
				}
				if lower&bit != 0 {
					got |= classLower
				}
				if digit&bit != 0 {
					got |= classDigit
				}
				if got != wordClass[c] {
					t.Fatalf("byte %#x in % x: classes %b, want %b", c, b, got, wordClass[c])
				}
			}
		}
	}
}

// TestMaxAbbreviationRunes checks that no word the sentence splitter looks
// up after a dot is longer than the length past which it does not look.
func TestMaxAbbreviationRunes(t *testing.T) {
	for _, m := range []map[string]bool{abbreviations, endingAbbreviations, {"a.m": true, "p.m": true}} {
		for w := range m {
			if n := utf8.RuneCountInString(w); n > maxAbbreviationRunes {
				t.Errorf("%q has %d runes, more than maxAbbreviationRunes", w, n)
			}
		}
	}
}

// wordKeysOfTokens is what AppendWordKeys must give: the keys of the
// tokens of s.
func wordKeysOfTokens(s string) []WordKey {
	var keys []WordKey
	for _, t := range Tokens(s) {
		h := fingerprint.Hash(t.Norm)
		keys = append(keys, WordKey{Hash: h, NormLen: int32(len(t.Norm)), Stopword: IsStopwordHashed(h, t.Norm), Number: t.Number, Capital: t.Capital})
	}
	return keys
}

// TestWordKeysMatchTokens checks the keys made without tokens against the
// keys of the tokens, on random text of the characters where a word may or
// may not go on and of stopwords in every case.
func TestWordKeysMatchTokens(t *testing.T) {
	pieces := []string{"a", "Z", "7", ".", ",", "'", "’", " ", "é", "É", "\u0301", "-", "\n", "U.S.", "1,200.5", "don't", "NATO", "McKay", "\xff",
		"harbour", "Velmora", "the", "The", "THE", "Said", "said", "of", "OF", "iN", "2031"}
	r := rand.New(rand.NewPCG(11, 12))
	for range 40000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(2) == 0 {
				b.WriteByte(' ')
			}
		}
		s := b.String()
		if got, want := AppendWordKeys(nil, s), wordKeysOfTokens(s); !slices.Equal(got, want) {
			t.Fatalf("word keys of %q:\n%v\nthe tokens give\n%v", s, got, want)
		}
	}
	stops := 0
	for _, w := range Stopwords() {
		for _, s := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			got, want := AppendWordKeys(nil, s), wordKeysOfTokens(s)
			if !slices.Equal(got, want) {
				t.Fatalf("word keys of %q: %v, the tokens give %v", s, got, want)
			}
			if len(got) == 1 && got[0].Stopword {
				stops++
			}
			// Followed by eight bytes more, a word of up to eight is read
			// eight bytes at once; and a letter changed, it is no stopword.
			for _, s := range []string{s + " zqxjkvw", "x" + s[1:] + " zqxjkvw", s[:len(s)-1] + "q zqxjkvw"} {
				if got, want := AppendWordKeys(nil, s), wordKeysOfTokens(s); !slices.Equal(got, want) {
					t.Fatalf("word keys of %q: %v, the tokens give %v", s, got, want)
				}
			}
		}
	}
	if stops == 0 {
		t.Error("no stopword was found by its word key")
	}
}

// FuzzWordKeys checks the keys made without tokens against the keys of the
// tokens on any text.
func FuzzWordKeys(f *testing.F) {
	f.Add("The U.S. Navy said 1,200.5 don't NATO McKay Velmora’s café")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendWordKeys(nil, s), wordKeysOfTokens(s); !slices.Equal(got, want) {
			t.Fatalf("word keys of %q:\n%v\nthe tokens give\n%v", s, got, want)
		}
	})
}

// BenchmarkWordKeys measures the words' keys of a 600-word article: the
// words of the index and of story docs.
func BenchmarkWordKeys(b *testing.B) {
	words := strings.Fields("the mayor of Velmora said on Tuesday that a grant of 4.5 million crowns would rebuild " +
		"the old stone bridge before the spring floods and that the harbour board had agreed to it after " +
		"a long meeting with Okafor and the ferry company")
	// 500 different texts in turn: on one text again and again the
	// branch predictor learns it, which add's articles do not let it do
	// (see index.BenchmarkDoc).
	r := rand.New(rand.NewPCG(1, 2))
	texts := make([]string, 500)
	for i := range texts {
		var body strings.Builder
		for body.Len() < 4000 {
			body.WriteString(words[r.IntN(len(words))])
			body.WriteByte(' ')
		}
		texts[i] = body.String()
	}
	var keys []WordKey
	b.SetBytes(int64(len(texts[0])))
	i := 0
	for b.Loop() {
		keys = AppendWordKeys(keys[:0], texts[i%len(texts)])
		i++
	}
}

// TestParseStopwords checks that a comment is not read as words, wherever
// it starts on its line.
func TestParseStopwords(t *testing.T) {
	got := parseStopwords("# a comment line\nthe of # after words\n  and#glued\n#\n")
	want := map[string]bool{"the": true, "of": true, "and": true}
	if !maps.Equal(got, want) {
		t.Errorf("parseStopwords = %v, want %v", got, want)
	}
}
