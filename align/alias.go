package align

import (
	_ "embed"
	"strings"

	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/text"
)

//go:embed aliases.txt
var aliasList string

// Aliases maps phrases to the canonical name of their class. It is built
// once from the embedded table and is read-only afterwards.
type Aliases struct {
	byFirst map[uint64][]variant // hash of the first word's Norm → variants starting with it, longest first
	first   fingerprint.Filter   // the keys of byFirst: most words start no alias
}

type variant struct {
	words     []string // Norm of each word
	acronym   []bool   // the word must be written in capitals
	canonical string
}

// DefaultAliases is the built-in table (countries, agencies, U.S./USA/United
// States, …).
var DefaultAliases = ParseAliases(aliasList)

// ParseAliases reads a table in the format of aliases.txt.
func ParseAliases(table string) *Aliases {
	a := &Aliases{byFirst: make(map[uint64][]variant)}
	for _, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names := strings.Split(line, "|")
		canonical := strings.Join(text.FoldWords(names[0]), " ")
		for _, name := range names {
			toks := text.Tokens(strings.TrimSpace(name))
			if len(toks) == 0 {
				continue
			}
			v := variant{canonical: canonical}
			for _, t := range toks {
				v.words = append(v.words, t.Norm)
				v.acronym = append(v.acronym, t.Acronym)
			}
			first := fingerprint.Hash(v.words[0])
			list := append(a.byFirst[first], v)
			// longest first, so "United States of America" wins over "United States"
			for i := len(list) - 1; i > 0 && len(list[i].words) > len(list[i-1].words); i-- {
				list[i], list[i-1] = list[i-1], list[i]
			}
			a.byFirst[first] = list
			a.first.Add(first)
		}
	}
	return a
}

// mayBegin reports whether an alias begins with the word whose Norm
// hashes to h.
func (a *Aliases) mayBegin(h uint64) bool { return a.first.MayHave(h) && len(a.byFirst[h]) > 0 }

// match returns the canonical name and length of the longest alias that
// starts at toks[i], whose Norm hashes to h, or ("", 0).
func (a *Aliases) match(toks []text.Token, i int, h uint64) (string, int) {
	if !a.first.MayHave(h) {
		return "", 0
	}
	for _, v := range a.byFirst[h] {
		if i+len(v.words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range v.words {
			t := toks[i+k]
			if t.Norm != w || v.acronym[k] && !t.Acronym {
				ok = false
				break
			}
		}
		if ok {
			return v.canonical, len(v.words)
		}
	}
	return "", 0
}
