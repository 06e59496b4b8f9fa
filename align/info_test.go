package align

import (
	"fmt"
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/text"
)

func unitsOf(s string) []Unit { return Units(nil, text.Tokens(s), DefaultAliases) }

func TestSetInfoNameRunsCountOnce(t *testing.T) {
	units := unitsOf("Secretary of State Ada Quill met the dockers of Lisk")
	SetInfo(units, func(*Unit) float64 { return 1 })
	var name, other float64
	for _, u := range units {
		switch {
		case u.Name && u.End <= len("Secretary of State Ada Quill"):
			name += u.Info
		case !u.Stopword:
			other += u.Info
		}
	}
	if name < 0.99 || name > 1.01 {
		t.Errorf("the titled name weighs %.2f in all, want 1 (one name)", name)
	}
	if other < 2.99 { // met, dockers, Lisk
		t.Errorf("the other content words weigh %.2f, want 3", other)
	}
	opener := unitsOf("Previously the dam held")
	SetInfo(opener, func(*Unit) float64 { return 1 })
	if opener[0].Name || opener[0].Info != 1 {
		t.Errorf("a capitalised sentence opener alone was taken for a name: %+v", opener[0])
	}
}

func TestFactEdits(t *testing.T) {
	a := New(nil)
	tests := []struct {
		name, src, copy string
		fact            string // the edit of kind fact, "" for none
	}{
		{"negation added", "The minister said the bridge would reopen in May after repairs.",
			"The minister said the bridge would not reopen in May after repairs.", `insert ""→"not"`},
		{"negation dropped", "The council did not approve the new harbour wall on Tuesday.",
			"The council did approve the new harbour wall on Tuesday.", `delete "not"→""`},
		{"number changed", "The storm destroyed 140 houses in the lower town of Brenno overnight.",
			"The storm destroyed 410 houses in the lower town of Brenno overnight.", `substitute "140"→"410"`},
		{"weekday changed", "Rescue teams found the missing climbers on Tuesday near the glacier hut.",
			"Rescue teams found the missing climbers on Thursday near the glacier hut.", `substitute "Tuesday"→"Thursday"`},
		{"person swapped", "The inquiry will be led by Judge Miriam Castellanos from next month onwards.",
			"The inquiry will be led by Judge Tomas Berg from next month onwards.", `substitute "Miriam"→"Tomas"`},
		{"synonym is spin, not a fact", "The mayor said the flood defences had held overnight in Brenno.",
			"The mayor stated the flood defences had held overnight in Brenno.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := alignPlain(a, tc.copy, tc.src)
			var facts []string
			for _, e := range r.Edits {
				if e.Kind == unspun.KindFact {
					facts = append(facts, fmt.Sprintf("%s %q→%q", e.Op, e.From, e.To))
				}
			}
			got := strings.Join(facts, "; ")
			if tc.fact == "" && got != "" || tc.fact != "" && !strings.HasPrefix(got, tc.fact) {
				t.Errorf("fact edits %q, want %q (all edits %+v)", got, tc.fact, r.Edits)
			}
			if !r.Accepted {
				t.Errorf("a copy with a changed fact was not accepted: similarity %.2f", r.Similarity)
			}
		})
	}
}

// alignPlain aligns two single sentences with every word weighing 1.
func alignPlain(a *Aligner, copy, src string) Result {
	cu, su := unitsOf(copy), Units(nil, text.Tokens(src), DefaultAliases)
	SetInfo(cu, func(*Unit) float64 { return 1 })
	return a.Align(cu, copy, su, src, []int{0, len(su)})
}

func TestCoverageOfNameOnlyOverlap(t *testing.T) {
	a := New(nil)
	r := alignPlain(a, "He also warned Senator Ada Quill that the new tariff would backfire badly.",
		"The vote was called off, said Senator Ada Quill on Tuesday.")
	if r.Coverage > 0.5 || r.Evidence > 0 {
		t.Errorf("a shared titled name covers %.2f of the sentence with evidence %.2f; want little and none", r.Coverage, r.Evidence)
	}
	r = alignPlain(a, "Ferries left the port at dawn carrying medical supplies to Keldholm.",
		"Ferries left the harbour at dawn carrying medical supplies to Keldholm.")
	if r.Coverage < 0.95 || r.Evidence < 0.5 {
		t.Errorf("a copy with one swapped word: coverage %.2f evidence %.2f, want about 1 and most", r.Coverage, r.Evidence)
	}
}
