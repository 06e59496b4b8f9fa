package align

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/text"
)

type pairs map[[2]string]bool

func (p pairs) Known(from, to string) bool { return p[[2]string{from, to}] }

// alignSentences aligns copy against src where src may hold several sentences.
func alignSentences(a *Aligner, copy, src string) Result {
	cu := Units(nil, text.Tokens(copy), a.Aliases)
	var su []Unit
	var bounds []int
	for _, sp := range text.Sentences(src) {
		bounds = append(bounds, len(su))
		su = Units(su, text.AppendTokens(nil, src[sp.Start:sp.End], sp.Start), a.Aliases)
	}
	bounds = append(bounds, len(su))
	return a.Align(cu, copy, su, src, bounds)
}

func editString(edits []unspun.Edit) string {
	var b []string
	for _, e := range edits {
		b = append(b, fmt.Sprintf("%s %q→%q", e.Op, e.From, e.To))
	}
	return strings.Join(b, "; ")
}

func TestAlign(t *testing.T) {
	lex := pairs{{"harbour", "port"}: true}
	tests := []struct {
		name     string
		src      string
		copy     string
		accept   bool
		edits    string
		minSim   float64
		srcSlice string // expected aligned source text, when set
	}{
		{name: "verbatim",
			src:    "The Velmora council approved the new flood barrier on Tuesday.",
			copy:   "The Velmora council approved the new flood barrier on Tuesday.",
			accept: true, minSim: 0.99},
		{name: "alias multiword",
			src:    "Officials in Russia and the U.S. signed the grain accord in Tallinn.",
			copy:   "Officials in Russian Federation and the USA signed the grain accord in Tallinn.",
			accept: true, minSim: 0.9,
			edits: `substitute "Russia"→"Russian Federation"; substitute "U.S."→"USA"`},
		{name: "synonyms one by one",
			src:    "The mayor of Velmora said the bridge repairs would cost 4 million crowns.",
			copy:   "The mayor of Velmora stated the overpass repairs would price 4 million crowns.",
			accept: true,
			edits:  `substitute "said"→"stated"; substitute "bridge"→"overpass"; substitute "cost"→"price"`},
		{name: "typo counts as equal but is reported",
			src:    "Engineers inspected the reservoir after the earthquake struck Ostrava.",
			copy:   "Engineers inspected the reservior after the earthquake struck Ostrava.",
			accept: true, minSim: 0.95,
			edits: `substitute "reservoir"→"reservior"`},
		{name: "learned lexicon",
			src:    "Ferries left the harbour at dawn carrying medical supplies to Keldholm.",
			copy:   "Ferries left the port at dawn carrying medical supplies to Keldholm.",
			accept: true, minSim: 0.95},
		{name: "dropped attribution",
			src:      "“We will not reopen the mine until it is safe,” she said.",
			copy:     "“We will not reopen the mine until it is safe.”",
			accept:   true,
			edits:    `delete "she said"→""`,
			srcSlice: "We will not reopen the mine until it is safe,” she said"},
		{name: "same topic different sentence",
			src:    "The Velmora council approved the new flood barrier on Tuesday.",
			copy:   "Residents of Velmora protested outside the council building for a week.",
			accept: false},
		{name: "different numbers are not typos",
			src:    "The fund grew by 1200 crowns in March across the region's schools.",
			copy:   "The fund grew by 1300 crowns in March across the region's schools.",
			accept: true, edits: `substitute "1200"→"1300"`},
		{name: "merged sentences align to both",
			src:    "Storms closed the pass. Drivers waited for two days near Brenno.",
			copy:   "Storms closed the pass and drivers waited for two days near Brenno.",
			accept: true, srcSlice: "Storms closed the pass. Drivers waited for two days near Brenno"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(lex)
			r := alignSentences(a, tt.copy, tt.src)
			if r.Accepted != tt.accept {
				t.Fatalf("accepted = %v (similarity %.2f, anchors %d), want %v", r.Accepted, r.Similarity, r.Anchors, tt.accept)
			}
			if r.Similarity < tt.minSim {
				t.Errorf("similarity %.3f, want ≥ %.2f", r.Similarity, tt.minSim)
			}
			if tt.edits != "" {
				if got := editString(r.Edits); got != tt.edits {
					t.Errorf("edits\n got %s\nwant %s", got, tt.edits)
				}
			}
			if tt.srcSlice != "" {
				if got := tt.src[r.Source.Start:r.Source.End]; got != tt.srcSlice {
					t.Errorf("source span %q, want %q", got, tt.srcSlice)
				}
			}
		})
	}
}

func TestIsTypo(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"airlines", "airlnes", true},
		{"uncleaer", "unclear", true},
		{"reservoir", "reservior", true},
		{"station", "stations", true},
		{"cat", "cut", false},
		{"market", "basket", false},
		{"harbour", "harbour", true},
	}
	for _, tt := range tests {
		if got := isTypo(tt.a, tt.b); got != tt.want {
			t.Errorf("isTypo(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func BenchmarkAlign(b *testing.B) {
	src := "The mayor of Velmora said on Tuesday that the bridge repairs, delayed twice by floods, would cost 4 million crowns and finish before the winter market opens."
	cp := "The mayor of Velmora stated on Tuesday that the overpass repairs, postponed twice by flooding, would price 4 million crowns and end before the winter bazaar opens."
	a := New(nil)
	cu := Units(nil, text.Tokens(cp), a.Aliases)
	su := Units(nil, text.Tokens(src), a.Aliases)
	bounds := []int{0, len(su)}
	b.ReportAllocs()
	for b.Loop() {
		a.Align(cu, cp, su, src, bounds)
	}
}

func TestContainment(t *testing.T) {
	a := New(nil)
	src := "Forty trucks carried drinking water, blankets and 12 tonnes of animal feed to Brenno."
	copy := "Forty trucks carried drinking water, blankets and 12 tonnes of animal feed to Brenno, while Keldmark Copper halted ore shipments through Lisk harbour pending embankment repairs, regional bus operators suspended mountain routes, and ski resorts near Ostrava Nova cancelled weekend competitions."
	r := alignSentences(a, copy, src)
	if !r.Accepted || !r.Contained {
		t.Fatalf("accepted=%v contained=%v similarity %.2f: a merged sentence should verify by containment", r.Accepted, r.Contained, r.Similarity)
	}
	if got := copy[r.Copy.Start:r.Copy.End]; got != "Forty trucks carried drinking water, blankets and 12 tonnes of animal feed to Brenno" {
		t.Errorf("aligned part of the copy = %q", got)
	}
	// A short shared phrase is not containment.
	r = alignSentences(a, "Officials said the animal feed to Brenno was late again this week and nobody knew why.", src)
	if r.Accepted {
		t.Errorf("a shared phrase was accepted (similarity %.2f, contained %v)", r.Similarity, r.Contained)
	}
}

// unitKeysTexts have aliases of one word and of several, one written in
// capitals where the alias asks for them, stopwords, numbers and names.
var unitKeysTexts = []string{
	"The U.S. envoy met the Russian Federation's minister in the United States on Monday.",
	"USA and US officials said the talks with Russia would go on, the UN said.",
	"The Russian federation and the united states signed 1,200.5 pages of the U.N. accord.",
	"Us and them: the mayor of Keldholm said it was not about us.",
	"",
	"Zürich’s Ada Quill, 42, said “we agreed” at 9.30 am.",
	"The harbour board of Keldholm met on Tuesday, and the Mayor said 1,200 ferries would sail.",
	"THE OSTREL FERRY SAILED AGAIN, its captain didn't say why.",
	"Officials in Burma said the global talks would go on.",
}

// TestUnitKeysMatchUnits checks AppendUnitKeys against the keys of the
// units Units makes, with and without aliases.
func TestUnitKeysMatchUnits(t *testing.T) {
	for _, s := range unitKeysTexts {
		checkUnitKeys(t, s)
	}
}

// FuzzUnitKeys checks AppendUnitKeys against Units on any text.
func FuzzUnitKeys(f *testing.F) {
	for _, s := range unitKeysTexts {
		f.Add(s)
	}
	f.Fuzz(checkUnitKeys)
}

func checkUnitKeys(t *testing.T, s string) {
	toks := text.Tokens(s)
	for _, aliases := range []*Aliases{DefaultAliases, nil} {
		units := Units(nil, toks, aliases)
		keys := AppendUnitKeys(nil, toks, aliases)
		if len(keys) != len(units) {
			t.Fatalf("%q: %d keys for %d units", s, len(keys), len(units))
		}
		for i := range units {
			if keys[i] != units[i].UnitKey() {
				t.Fatalf("%q: key %d is %+v, its unit %q has %+v", s, i, keys[i], units[i].Key, units[i].UnitKey())
			}
		}
		// From the words' keys, without tokens: the same keys, or a refusal
		// only where a word may begin an alias.
		fromWords, ok := UnitKeysOfWords([]UnitKey{{Hash: 1}}, text.AppendWordKeys(nil, s), aliases)
		matched, begins := false, false // an alias is matched; a word begins one
		for i, tok := range toks {
			if aliases != nil {
				_, n := aliases.match(toks, i, fingerprint.Hash(tok.Norm))
				matched = matched || n > 0
				begins = begins || len(aliases.byFirst[fingerprint.Hash(tok.Norm)]) > 0
			}
		}
		switch {
		case ok && matched:
			t.Fatalf("%q: UnitKeysOfWords made keys of a text with an alias", s)
		case !ok && !begins:
			t.Fatalf("%q: UnitKeysOfWords refused a text where no word begins an alias", s)
		case ok && !slices.Equal(fromWords[1:], keys):
			t.Fatalf("%q: keys from words\n%v\nfrom tokens\n%v", s, fromWords[1:], keys)
		case !ok && len(fromWords) != 1:
			t.Fatalf("%q: a refusal left %v", s, fromWords)
		}
	}
}
