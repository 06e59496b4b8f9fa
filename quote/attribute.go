package quote

import (
	_ "embed"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/text"
)

var (
	//go:embed cues.txt
	cueList string
	//go:embed titles.txt
	titleList string
	//go:embed pronouns.txt
	pronounList string
	//go:embed openers.txt
	openerList string
)

func wordSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(list, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}

var (
	cues     = wordSet(cueList)
	titles   = wordSet(titleList)
	pronouns = wordSet(pronounList)
	openers  = wordSet(openerList)
)

// nameWord reports whether a token can be part of a name: capitalised, not a
// number, and not a word that merely opens a sentence ("Though", "At").
func nameWord(t text.Token) bool {
	return t.Capital && !t.Number && !openers[t.Norm] && !text.IsStopword(t.Norm)
}

// titleKinds are kinds of work whose name is quoted: the film “13th”, the
// “Evening Ferry Hour” programme.
const titleKinds = "film\nshow\nbook\nseries\nprogram\nprogramme\ndocumentary\nalbum\nsong\nnovel\nnewspaper\nmagazine"

// titleLead are words after which a capitalised quoted string is a title.
var titleLead = wordSet("on\nin\nof\nat\nto\nfor\nfrom\nwith\nby\ntitled\nentitled\nnickname\nnicknamed\ndubbed\n" + titleKinds)

// titleTail are words before which a capitalised quoted string is a
// title: the "Keepin' On" radio programme.
var titleTail = wordSet(titleKinds + "\npodcast\ncolumn\nradio\nforum\ncampaign\nslogan\ntour")

// lookBack bounds how many words (or quotes) name resolution looks back
// over, which keeps extraction linear in the article's length.
const lookBack = 2000

// Limits on how far from a quote attribution is looked for, in words.
const (
	maxAfter   = 8  // a cue after the quote: ”, said the mayor / ”, the mayor said
	maxBefore  = 40 // a cue before it: The mayor said: “ / According to a report by …, “
	maxSpeaker = 8  // words of a speaker phrase
)

type attributor struct {
	body   string
	spans  []span
	toks   []text.Token
	bounds []int // clause ends: sentence ends outside quotes and line breaks, sorted
	found  []*unspun.Speaker
	// caseOf records how the article writes each word (seenLower,
	// seenCapitalInside), built on first use by commonWord.
	caseOf map[string]uint8
	// sentenceCues records, by sentence start, whether the sentence has a
	// speech cue outside quotes (sentenceHasCue).
	sentenceCues map[int]bool
}

// newAttributor reads body's words into toks (reusing its room) and finds
// its clause ends.
func newAttributor(body string, spans []span, toks []text.Token) *attributor {
	a := &attributor{body: body, spans: spans, toks: text.AppendTokens(toks, body, 0), found: make([]*unspun.Speaker, len(spans))}
	k := 0
	for i := 0; i < len(body); i++ {
		if c := body[i]; c != '\n' && c != '.' && c != '!' && c != '?' && c != ';' && (k >= len(spans) || i < spans[k].start) {
			continue // neither a clause end nor a quote: most bytes
		}
		for k < len(spans) && spans[k].end <= i {
			k++
		}
		if k < len(spans) && i >= spans[k].start {
			if endsSentence(body, spans[k]) {
				a.bounds = append(a.bounds, spans[k].end)
			}
			i = spans[k].end - 1
			continue
		}
		switch body[i] {
		case '\n':
			a.bounds = append(a.bounds, i)
		case '.', '!', '?', ';':
			if spaceAt(body, i+1) && !(body[i] == '.' && afterAbbreviation(body, i)) {
				a.bounds = append(a.bounds, i+1)
			}
		}
	}
	return a
}

// spaceAt reports whether a sentence may end before i: the text ends there
// or a space follows (crawled pages often put a no-break space after a
// full stop).
func spaceAt(body string, i int) bool {
	if i >= len(body) {
		return true
	}
	switch body[i] {
	case ' ', '\n', '\t', '\r':
		return true
	}
	return strings.HasPrefix(body[i:], "\u00a0")
}

// endsSentence reports whether quote q closes its sentence: its words end
// with a full stop, question or exclamation mark, and a capital opens what
// follows (“We were lucky.” Trump called …). The closing mark's own
// attribution (“We were lucky.” Reyes said.) still reads past this bound,
// since clause looks for the first bound after the quote's end.
func endsSentence(body string, q span) bool {
	if !stopsInside(body, q) || !spaceAt(body, q.end) {
		return false
	}
	rest := strings.TrimLeft(body[q.end:], " \t\u00a0")
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsUpper(r)
}

// stopsInside reports whether quote q's words end with a full stop, a
// question or an exclamation mark inside its closing marks.
func stopsInside(body string, q span) bool {
	inner := strings.TrimRightFunc(body[q.start:q.end], func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '!' && r != '?'
	})
	return inner != "" && strings.ContainsAny(inner[len(inner)-1:], ".!?")
}

// afterAbbreviation reports whether the dot at i ends a title or an initial
// ("Rep.", "J.") rather than a sentence.
func afterAbbreviation(body string, i int) bool {
	j := i
	for j > 0 && unicode.IsLetter(rune(body[j-1])) {
		j--
	}
	w := strings.ToLower(body[j:i])
	return len(w) == 1 || abbreviations[w]
}

// abbreviations take a dot inside a sentence: titles, ranks, months and
// company forms. Whole words ("in July.", "in the head.") end a sentence.
var abbreviations = wordSet("mr\nmrs\nms\ndr\nprof\nrev\ngov\nsen\nrep\nreps\nsens\ngen\ncol\ncapt\nlt\nsgt\nadm\nmaj\ncmdr\ndet\ninsp\nsupt\natty\npres\nhon\nst\nmt\nft\njr\nsr\nco\ninc\ncorp\nltd\nvs\njan\nfeb\nmar\napr\njun\njul\naug\nsep\nsept\noct\nnov\ndec")

// clause returns the text range around quote i that attribution may use:
// from the last clause end (or the previous quote's end) before it to the
// next clause end (or the next quote's start) after it.
func (a *attributor) clause(i int) (before, after [2]int) {
	q := a.spans[i]
	start, end := a.sentenceStart(q.start), len(a.body)
	if k := sort.SearchInts(a.bounds, q.end+1); k < len(a.bounds) {
		end = a.bounds[k]
	}
	if i > 0 && a.spans[i-1].end > start {
		start = a.spans[i-1].end
	}
	if i+1 < len(a.spans) && a.spans[i+1].start < end {
		end = a.spans[i+1].start
	}
	return [2]int{start, q.start}, [2]int{q.end, end}
}

// tokensIn returns the tokens inside [r0, r1).
func (a *attributor) tokensIn(r [2]int) []text.Token {
	lo := searchTok(a.toks, r[0])
	hi := lo
	for hi < len(a.toks) && a.toks[hi].End <= r[1] {
		hi++
	}
	return a.toks[lo:hi]
}

func searchTok(toks []text.Token, pos int) int {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := (lo + hi) / 2
		if toks[m].Start < pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// cueAt reports whether a cue starts at toks[i] and how many words it has.
// A capitalised word is a name, not a cue ("the United States"), except
// "According" opening a sentence.
func cueAt(toks []text.Token, i int) int {
	if toks[i].Capital && toks[i].Norm != "according" {
		return 0
	}
	if i > 0 && nounMarker(toks[i-1].Norm) {
		return 0 // "Obama's remarks", "the claims": a noun, not a verb
	}
	if i+1 < len(toks) && cues[toks[i].Norm+" "+toks[i+1].Norm] {
		return 2
	}
	if i+2 < len(toks) && cues[toks[i].Norm+" "+toks[i+1].Norm+" "+toks[i+2].Norm] {
		return 3
	}
	if cues[toks[i].Norm] {
		return 1
	}
	return 0
}

// beForms make a following participle passive.
var beForms = wordSet("is\nare\nwas\nwere\nbe\nbeen\nbeing")

// passive reports whether the cue at toks[i] is a passive participle ("it
// was labeled “Mostly True”"): speech, but its subject is not the speaker.
func passive(toks []text.Token, i int) bool {
	return i > 0 && beForms[toks[i-1].Norm] && strings.HasSuffix(toks[i].Norm, "ed")
}

// isAdverb recognises adverbs that sit between a subject and its cue.
func isAdverb(norm string) bool {
	switch norm {
	case "often", "also", "later", "then", "again", "once", "still", "never", "always", "now", "too", "just", "had", "has", "have", "was", "is":
		return true
	}
	return strings.HasSuffix(norm, "ly") && len(norm) > 4
}

// nounMarker reports whether a word before a cue makes the cue a noun.
func nounMarker(norm string) bool {
	switch norm {
	case "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "these", "those", "this", "such":
		return true
	}
	return strings.HasSuffix(norm, "'s")
}

// isNotSpeech recognises quoted strings that are titles or scare quotes:
// a few capitalised words with no cue nearby ("Evening Ferry Hour"), or a
// quote after "so-called".
func (a *attributor) isNotSpeech(i int) bool {
	q := a.spans[i]
	inner := a.tokensIn([2]int{q.start, q.end})
	before, after := a.clause(i)
	prev := a.tokensIn(before)
	if n := len(prev); n >= 2 && prev[n-2].Norm == "so" && prev[n-1].Norm == "called" {
		return true
	}
	if len(inner) == 0 || len(inner) > 5 {
		return false
	}
	titleCase := inner[0].Capital || inner[0].Number
	for _, t := range inner {
		if !t.Capital && !t.Number && !text.IsStopword(t.Norm) {
			titleCase = false // a lower-case content word: speech or a partial quote
		}
	}
	if titleCase && a.aloneInParagraph(q) {
		return true // a subheading: ‘All Hands on Deck.’ between paragraphs
	}
	if a.speechOnItsOwn(q, before) {
		return false // not a title
	}
	if !titleCase {
		return false
	}
	if next := a.tokensIn(after); len(next) > 0 && titleTail[next[0].Norm] && a.onlyMarks(inner[len(inner)-1], next[0]) {
		return true // the “Evening Ferry Hour” programme
	}
	if n := len(prev); n >= 1 && titleLead[prev[n-1].Norm] {
		return true // on “Evening Ferry Hour”, the film “13th”
	}
	if n := len(prev); n >= 1 && prev[n-1].Capital && strings.HasSuffix(prev[n-1].Norm, "'s") && a.onlyMarks(prev[n-1], inner[0]) {
		return true // KNA's “Evening Ferry Hour”: a programme of an outlet
	}
	if n := len(prev); n >= 1 && nameWord(prev[n-1]) && a.onlyMarks(prev[n-1], inner[0]) {
		if next := a.tokensIn(after); len(next) > 0 && nameWord(next[0]) && a.onlyMarks(inner[len(inner)-1], next[0]) {
			return true // Marta “Mimi” Lind: a nickname inside a name
		}
	}
	for _, r := range [][2]int{before, after} {
		for k, toks := 0, a.tokensIn(r); k < len(toks); k++ {
			if cueAt(toks, k) > 0 {
				return false
			}
		}
	}
	return true
}

// attribute finds the speaker of quote i, or nil, its cue and how it was
// found: unspun.FromCue when this quote's own sentence or attribution names
// the speaker, unspun.FromInherited when it continues a nearby quote's or
// sentence's speaker.
func (a *attributor) attribute(i int) (*unspun.Speaker, string, string) {
	before, after := a.clause(i)
	if sp := a.transcriptLabel(i); sp != nil {
		a.found[i] = sp
		return sp, "", unspun.FromCue
	}
	if sp, cue := a.fromAfter(after); sp != nil {
		a.found[i] = sp
		return sp, cue, unspun.FromCue
	}
	if sp, cue := a.fromBefore(before, i); sp != nil {
		a.found[i] = sp
		return sp, cue, unspun.FromCue
	}
	if sp := a.possessiveClaim(before); sp != nil {
		a.found[i] = sp
		return sp, "", unspun.FromCue
	}
	if sp := a.signature(after); sp != nil {
		a.found[i] = sp
		return sp, "", unspun.FromCue
	}
	// A partial quote inside a sentence belongs to the sentence's subject:
	// "Reyes is again questioning whether the vote was “fair and square.”"
	if sp := a.sentenceSubject(i); sp != nil {
		a.found[i] = sp
		return sp, "", unspun.FromCue
	}
	// The quote continues the previous quote's speaker: in the same
	// paragraph, or starting the next one, unless a statement of someone
	// else's stands between them ("Lind said …", "But she stressed …").
	if i > 0 && a.found[i-1] != nil && a.paragraphsBetween(a.spans[i-1].end, a.spans[i].start) <= 1 && !a.statementBetween(i) && a.continues(i) {
		a.found[i] = a.found[i-1]
		return a.found[i-1], "", unspun.FromInherited
	}
	// A speaker introduced in the previous sentence of the paragraph:
	// "Reyes said the dam held. “We were lucky.”"
	if sp, cue := a.fromPreviousSentence(i); sp != nil {
		a.found[i] = sp
		return sp, cue, unspun.FromInherited
	}
	return nil, "", ""
}

// continues reports whether quote i can continue the previous quote: it
// opens its sentence, or shares its sentence with the previous quote. A
// quote inside a sentence of its own belongs to that sentence's words
// ("The choice was between going after Trump as “unfit” or …"), even when
// they name no speaker.
func (a *attributor) continues(i int) bool {
	start := a.sentenceStart(a.spans[i].start)
	if a.spans[i-1].end > start {
		return true
	}
	return strings.TrimFunc(a.body[start:a.spans[i].start], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) == ""
}

// statementBetween reports whether a sentence with a cue of its own stands
// between quote i-1's sentence and quote i: that statement's speaker, not
// the earlier quote's, is the nearer context, and the earlier speaker is
// not inherited across it.
func (a *attributor) statementBetween(i int) bool {
	prevEnd := a.spans[i-1].end
	// Skip quote i-1's own attribution: the rest of its sentence.
	k := sort.SearchInts(a.bounds, prevEnd+1)
	if k >= len(a.bounds) {
		return false
	}
	from := a.bounds[k]
	to := a.sentenceStart(a.spans[i].start)
	if from >= to {
		return false
	}
	toks := a.tokensIn([2]int{from, to})
	for c := range toks {
		if cueAt(toks, c) > 0 {
			return true
		}
	}
	return false
}

func (a *attributor) paragraphsBetween(from, to int) int {
	n, inBreak := 0, false
	for _, c := range a.body[from:to] {
		switch {
		case c == '\n' && !inBreak:
			n++
			inBreak = true
		case c != '\n' && c != ' ' && c != '\t' && c != '\r':
			inBreak = false
		}
	}
	return n
}

// fromAfter reads ”, said Ana Reyes / ”, Reyes said / ”, she added.
func (a *attributor) fromAfter(r [2]int) (*unspun.Speaker, string) {
	toks := a.tokensIn(r)
	// “absolutely right” when he said…: a clause opened by a conjunction
	// goes on with the sentence; it does not attribute the quote.
	if len(toks) > 0 && subordinators[toks[0].Norm] {
		return nil, ""
	}
	// “… the end of the story.” Reyes left the hall: a quote that ends a
	// sentence is attributed by what follows only in a short clause
	// ("Reyes said.", "said Reyes.").
	endsSentence := false
	if q := strings.TrimRight(a.body[:r[0]], "”\"'’»"); len(q) > 0 {
		endsSentence = q[len(q)-1] == '.' && len(toks) > 0 && toks[0].Capital // “…?” she asked is common
	}
	// “walk-in” at 2,000 schools, according to the organisers: unambiguous
	// wherever it stands in the clause.
	for c := 0; c+1 < len(toks) && !endsSentence; c++ {
		if toks[c].Norm == "according" && toks[c+1].Norm == "to" {
			if sp := a.speaker(upToComma(a.body, toks[c+2:])); sp != nil {
				return sp, a.body[toks[c].Start:toks[c+1].End]
			}
		}
	}
	// ”, per the party's bylaws: "per" right after the quote attributes it.
	if len(toks) > 1 && toks[0].Norm == "per" && !endsSentence {
		if sp := a.speaker(upToComma(a.body, toks[1:])); sp != nil {
			return sp, a.body[toks[0].Start:toks[0].End]
		}
	}
	// ”, Ana Reyes, the mayor of Brenno and a former judge, said: a name and
	// its apposition may put the cue far from the quote.
	limit := maxAfter
	named := len(toks) > 0 && nameWord(toks[0])
	if named {
		limit = maxBefore
	}
	for c := 0; c < len(toks) && c < limit; c++ {
		n := cueAt(toks, c)
		if n == 0 {
			continue
		}
		cue := a.body[toks[c].Start:toks[c+n-1].End]
		if endsSentence && !a.shortAttribution(toks, c, n) {
			return nil, ""
		}
		if endsSentence && strings.Trim(a.body[toks[c+n-1].End:r[1]], " \t\u00a0,:") == "" && r[1] < len(a.body) && a.inQuote(r[1]) {
			// “… change.” She adds, “What kind of …”: the cue introduces
			// the next quote, not this one.
			return nil, ""
		}
		if c > 1 && toks[0].Norm == "as" {
			// ”, as a Homeland Security memo put it
			return a.speaker(toks[1:c]), cue
		}
		if c > 0 && !startsLikeSubject(toks[0]) && !titledName(toks[:c]) {
			// ” is held to account, Reyes said: the subject is the last
			// segment before the cue; ” in response, and he urged is no attribution
			if seg := lastSegment(a.body, toks[:c]); len(seg) < c && len(seg) <= 4 && startsLikeSubject(seg[0]) {
				return a.speaker(seg), cue
			}
			return nil, ""
		}
		if c >= maxAfter {
			if name := upToComma(a.body, toks[:c]); len(name) < c {
				return a.speaker(name), cue
			}
			return nil, ""
		}
		if c > 0 {
			return a.speaker(toks[:c]), cue // subject before the cue
		}
		if strings.HasSuffix(toks[c].Norm, "ing") {
			// ”, adding that its value quadrupled: a participle goes on with
			// the sentence's subject, which the words before the quote give.
			return nil, ""
		}
		rest := toks[n:]
		phrase := firstNamePhrase(upToComma(a.body, rest))
		if len(phrase) > 0 && !hasName(phrase) && len(phrase) < len(rest) && hasName(rest[len(phrase):len(phrase)+1]) {
			// ”, said the company's chief executive, Jonas Arendt: the name in apposition
			return a.speaker(upToComma(a.body, rest[len(phrase):])), cue
		}
		return a.speaker(phrase), cue
	}
	return nil, ""
}

// fromPreviousSentence attributes a quote that opens its sentence to the
// subject of a cue in the sentence before it, within the paragraph.
func (a *attributor) fromPreviousSentence(i int) (*unspun.Speaker, string) {
	q := a.spans[i]
	start := a.sentenceStart(q.start)
	if strings.TrimSpace(a.body[start:q.start]) != "" || start == 0 || a.body[start-1] == '\n' || a.body[start] == '\n' {
		return nil, "" // not opening its sentence, or opening its paragraph
	}
	prev := a.sentenceStart(start - 1)
	if i > 0 && a.spans[i-1].end > prev {
		return nil, "" // the previous sentence holds a quote of its own
	}
	return a.fromBefore([2]int{prev, start}, i)
}

// transcriptLabel reads a transcript's speaker label opening the quote:
// “REYES: We will rebuild.”
func (a *attributor) transcriptLabel(i int) *unspun.Speaker {
	q := a.spans[i]
	toks := a.tokensIn([2]int{q.start, min(q.end, q.start+40)})
	if len(toks) < 2 || !toks[0].Acronym || !strings.HasPrefix(a.body[toks[0].End:], ":") {
		return nil
	}
	sp := unspun.Span{Start: toks[0].Start, End: toks[0].End}
	return &unspun.Speaker{Name: a.body[sp.Start:sp.End], Mention: &sp}
}

// speechNouns are nouns of saying that a possessive attributes: "Reyes’s
// claim that …", "the mayor’s description of …".
var speechNouns = wordSet("claim\nclaims\nstatement\nstatements\ncomment\ncomments\nremark\nremarks\nwords\nassertion\ndescription\nwarning\npromise\npledge\nvow\ncharge\naccusation\nadvice\nmessage\ntweet\nletter\nspeech\nanswer\nresponse\nargument\nboast\nprediction")

// possessiveClaim reads "Reyes’s claim that the dam was “safe”": the
// possessor of a noun of saying is the speaker.
func (a *attributor) possessiveClaim(r [2]int) *unspun.Speaker {
	toks := a.tokensIn(r)
	for k := len(toks) - 1; k >= 1 && k >= len(toks)-maxBefore; k-- {
		if !speechNouns[toks[k].Norm] || !strings.HasSuffix(toks[k-1].Norm, "'s") {
			continue
		}
		owner := toks[k-1]
		if !owner.Capital {
			return nil
		}
		s := k - 1
		for s > 0 && nameWord(toks[s-1]) && a.adjacent(toks[s-1], toks[s]) {
			s--
		}
		sp := unspun.Span{Start: toks[s].Start, End: owner.End}
		name := strings.TrimSuffix(strings.TrimSuffix(a.body[sp.Start:sp.End], "'s"), "’s")
		return &unspun.Speaker{Name: name, Mention: &sp}
	}
	return nil
}

// signature reads a name standing right after a quote with no cue, as in
// vox pops and captions: ”— Ana Reyes, 34, Brenno / ” Ana Reyes, teacher.
func (a *attributor) signature(r [2]int) *unspun.Speaker {
	gap := a.body[r[0]:r[1]]
	trimmed := strings.TrimLeftFunc(gap, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == ','
	})
	toks := a.tokensIn(r)
	if len(toks) < 2 || len(toks) > maxAfter || toks[0].Start != r[0]+len(gap)-len(trimmed) {
		return nil
	}
	e := 0
	for e+1 < len(toks) && toks[e+1].Capital && a.adjacent(toks[e], toks[e+1]) {
		e++
	}
	if e == 0 || !toks[0].Capital || titles[toks[0].Norm] || text.IsStopword(toks[0].Norm) {
		return nil // one capitalised word may open a sentence; a name here has two
	}
	if e+1 < len(toks) && !strings.Contains(a.body[toks[e].End:toks[e+1].Start], ",") {
		return nil // the name must end the clause or be followed by a comma
	}
	sp := unspun.Span{Start: toks[0].Start, End: toks[e].End}
	return &unspun.Speaker{Name: a.body[sp.Start:sp.End], Mention: &sp}
}

// shortAttribution reports whether the cue at toks[c] ends a short clause:
// at most three words before it, at most three after it, then a full stop
// or a comma ("Reyes said." / "said Ana Reyes, the mayor.").
func (a *attributor) shortAttribution(toks []text.Token, c, n int) bool {
	if c > 3 {
		return false
	}
	for k := c + n - 1; k < len(toks) && k <= c+n+2; k++ {
		after := strings.TrimLeft(a.body[toks[k].End:], " ")
		if after == "" || strings.ContainsAny(after[:1], ".,") {
			return true // "Reyes said." / "Reyes said, looking at the crowd"
		}
	}
	return false
}

// firstNamePhrase cuts a phrase after a cue at the first lower-case word
// that follows a name: "wrote Ana Reyes for the Lisk Post" is Ana Reyes;
// title words ("Secretary of State") do not cut.
func firstNamePhrase(phrase []text.Token) []text.Token {
	named := false
	for k, t := range phrase {
		switch {
		case nameWord(t):
			named = true
		case named && !t.Capital && !titles[t.Norm]:
			return phrase[:k]
		}
	}
	return phrase
}

// titledName reports whether a phrase is a name after a lower-case title
// ("union secretary Tomas Berg", "police spokesman Ivo Marek", "harbour
// master Lena Holm"): at most three lower-case words, the last of them a
// title or a word of a role, then only name words.
func titledName(phrase []text.Token) bool {
	k := 0
	for k < len(phrase) && k < 3 && !phrase[k].Capital && !phrase[k].Number && !text.IsStopword(phrase[k].Norm) {
		k++
	}
	if k == 0 || k == len(phrase) || !isRole(phrase[k-1].Norm) {
		return false
	}
	for _, t := range phrase[k:] {
		if !nameWord(t) {
			return false
		}
	}
	return true
}

// isRole reports whether a lower-case word names a role: a title of the
// list, or a word with a role's ending (spokesman, master, director,
// analyst, secretary, lieutenant, resident).
func isRole(norm string) bool {
	if titles[norm] {
		return true
	}
	for _, suffix := range []string{"man", "woman", "person", "er", "or", "ist", "ary", "ant", "ent", "ian"} {
		if len(norm) > len(suffix)+2 && strings.HasSuffix(norm, suffix) {
			return true
		}
	}
	return false
}

// startsLikeSubject reports whether a word can open a subject phrase: a
// name, a pronoun or a determiner.
func startsLikeSubject(t text.Token) bool {
	return nameWord(t) || titles[t.Norm] || isPronoun(t.Norm) || startsWithDeterminer([]text.Token{t})
}

// fromBefore reads Ana Reyes said: “ / Reyes, the mayor, said “ / According
// to Reyes, “ / a colon lead-in ending the previous paragraph.
func (a *attributor) fromBefore(r [2]int, i int) (*unspun.Speaker, string) {
	toks := a.tokensIn(r)
	if len(toks) == 0 || strings.TrimSpace(a.body[r[0]:r[1]]) == "" {
		// A quote opening its paragraph: the previous paragraph may end with a lead-in colon.
		end := strings.TrimRight(a.body[:r[0]], " \t\r\n")
		if !strings.HasSuffix(end, ":") {
			return nil, ""
		}
		start := len(end) - 1
		r = [2]int{a.sentenceStart(max(0, start-2)), start}
		if i > 0 && a.spans[i-1].end > r[0] {
			r[0] = a.spans[i-1].end
		}
		toks = a.tokensIn(r)
	}
	lo := max(0, len(toks)-maxBefore)
	for c := len(toks) - 1; c >= lo; c-- {
		n := cueAt(toks, c)
		if n == 0 || passive(toks, c) {
			continue
		}
		cue := a.body[toks[c].Start:toks[c+n-1].End]
		if toks[c].Norm == "according" {
			return a.speaker(upToComma(a.body, toks[c+n:])), cue
		}
		if c == 0 {
			return nil, ""
		}
		if rel := toks[c-1]; c > 1 && isRelative(toks[c-1:c]) && a.spaced(toks[c-2], rel) {
			// "saying anybody who complains", "told a young woman who
			// suggested": a relative clause without a comma narrows a noun
			// (not a speaker); the cue before it governs the quote.
			continue
		}
		if rel := toks[c-1]; c > 1 && isRelative(toks[c-1:c]) {
			// "Lind, who called it “a farce”": the mention is "who", where the
			// attribution stands; its name is the antecedent's
			sp := &unspun.Speaker{Name: rel.Norm, Mention: &unspun.Span{Start: rel.Start, End: rel.End}}
			if ante := a.speaker(subjectBefore(a.body, toks[:c-1])); ante != nil {
				sp.Name = ante.Name
			}
			return sp, cue
		}
		if seg := lastSegment(a.body, toks[:c]); isRelative(seg[:1]) && c > len(seg) && len(seg) <= 3 {
			// "McConnell, who in 2010 said": the relative pronoun is the mention
			rel := seg[0]
			sp := &unspun.Speaker{Name: rel.Norm, Mention: &unspun.Span{Start: rel.Start, End: rel.End}}
			if ante := a.speaker(subjectBefore(a.body, toks[:c-len(seg)])); ante != nil {
				sp.Name = ante.Name
			}
			return sp, cue
		}
		subj := subjectBefore(a.body, toks[:c])
		participle := strings.HasSuffix(toks[c].Norm, "ing") && strings.Contains(a.body[toks[c-1].End:toks[c].Start], ",") ||
			toks[c-1].Norm == "to" // "took to the radio to accuse": an infinitive takes the main subject
		if participle || clauseSubject(subj) {
			// "Chaffetz said in a statement, adding that", "Dean … poked at
			// the rival, tweeting", "Reyes spoke in Lisk, arguing that": the
			// words before the cue are a verb phrase, or the cue a
			// participle; the speaker is the sentence's subject.
			if sp := a.subjectAt(max(r[0], toks[0].Start), toks[c].Start); sp != nil {
				return sp, cue
			}
		}
		if last := subj[len(subj)-1]; len(subj) > 6 && !last.Capital {
			// not a clean subject ("He released a letter that says"): the sentence's subject
			if sp := a.subjectAt(subj[0].Start, toks[c].Start); sp != nil {
				return sp, cue
			}
		}
		sp := a.speaker(subj)
		if sp != nil && sp.Mention != nil && a.objectAt(sp.Mention.Start) {
			// "rated 32% of Republican claims as", "sponsored by NBC News and
			// said": a name after a preposition or a number is not the cue's
			// subject; the sentence's is.
			if s := a.subjectAt(a.sentenceStart(toks[c].Start), toks[c].Start); s != nil && !a.objectAt(s.Mention.Start) {
				return s, cue
			}
		}
		return sp, cue
	}
	return nil, ""
}

// spaced reports whether only spaces separate tokens x and y (no comma,
// dash or other mark).
func (a *attributor) spaced(x, y text.Token) bool {
	return strings.TrimSpace(a.body[x.End:y.Start]) == ""
}

// onlyMarks reports whether only spaces and quotation marks separate
// tokens x and y: the words run on across a quote's edge.
func (a *attributor) onlyMarks(x, y text.Token) bool {
	return strings.Trim(a.body[x.End:y.Start], " \u00a0\"'“”‘’«»") == ""
}

// objectAt reports whether the mention starting at pos follows a
// preposition or a number in its clause: "to Ukraine", "in Chelsea", "14
// Catholics".
func (a *attributor) objectAt(pos int) bool {
	k := searchTok(a.toks, pos)
	if k == 0 || k >= len(a.toks) || !a.spaced(a.toks[k-1], a.toks[k]) {
		return false
	}
	prev := a.toks[k-1]
	return prepositions[prev.Norm] || prev.Number
}

// isRelative reports whether subj is a lone relative pronoun.
func isRelative(subj []text.Token) bool {
	if len(subj) != 1 {
		return false
	}
	switch subj[0].Norm {
	case "who", "whom", "which": // "that" mostly stands for a thing: "a letter that says"
		return true
	}
	return false
}

// sentenceStart returns where the sentence holding pos starts.
func (a *attributor) sentenceStart(pos int) int {
	if k := sort.SearchInts(a.bounds, pos+1); k > 0 {
		return a.bounds[k-1]
	}
	return 0
}

// sentenceSubject returns the subject of the sentence of quote i when the
// quote sits inside the sentence (not at its start).
func (a *attributor) sentenceSubject(i int) *unspun.Speaker {
	q := a.spans[i]
	start := a.sentenceStart(q.start)
	if strings.TrimSpace(a.body[start:q.start]) == "" {
		return nil // the quote opens its sentence: no subject before it
	}
	return a.subjectAt(start, q.start)
}

// subjectAt reads a subject at the start of a clause, before limit and
// outside quotes: a pronoun in its first three words, or a run of
// capitalised words (titles left out) in its first six.
func (a *attributor) subjectAt(pos, limit int) *unspun.Speaker {
	// A dateline ("BRENNO, March 4 (KNA) — Reyes said"): the sentence starts after its dash.
	if head := a.body[pos:min(limit, pos+80)]; strings.Contains(head, "—") {
		if d := strings.Index(head, "—"); strings.ToUpper(head[:d]) == head[:d] || strings.Contains(head[:d], "(") {
			pos += d + len("—")
		}
	}
	k := searchTok(a.toks, pos)
	// An opening phrase ("Following the debate, Reyes said", "On Monday,
	// she said"): the subject comes after its comma.
	if k < len(a.toks) && (clauseOpeners[a.toks[k].Norm] || strings.HasSuffix(a.toks[k].Norm, "ing")) {
		for j := k + 1; j < len(a.toks) && j < k+20 && a.toks[j].Start < limit; j++ {
			if strings.Contains(a.body[a.toks[j-1].End:a.toks[j].Start], ",") {
				k = j
				break
			}
		}
	}
	for j := k; j < len(a.toks) && j < k+6 && a.toks[j].End <= limit; j++ {
		t := a.toks[j]
		if a.inQuote(t.Start) {
			continue
		}
		if j < k+3 && isPronoun(t.Norm) {
			end := t.Start + len(pronounOf(t.Norm))
			return &unspun.Speaker{Name: a.resolvePronoun(t.Start), Mention: &unspun.Span{Start: t.Start, End: end}}
		}
		if nameWord(t) && !titles[t.Norm] {
			e := j
			for e+1 < len(a.toks) && nameWord(a.toks[e+1]) && a.adjacent(a.toks[e], a.toks[e+1]) {
				e++
			}
			if j > k && (prepositions[a.toks[j-1].Norm] || a.toks[j-1].Number) {
				// "The dispute centers on Ohio's removal", "To date, 14
				// Catholics": a name after a preposition or a number is
				// not the clause's subject.
				j = e
				continue
			}
			if j == k && e == j && a.commonWord(t.Norm) {
				// "Calls men derogatory names": a capital only because it
				// opens the sentence; the article uses the word in lower case
				// and never capitalises it inside a sentence.
				continue
			}
			return a.speaker(a.toks[j : e+1])
		}
	}
	return nil
}

// commonWord reports whether the article writes the word norm in lower
// case and never capitalises it inside a sentence: the evidence that a
// sentence-opening capital is not a name.
func (a *attributor) commonWord(norm string) bool {
	if a.caseOf == nil {
		a.caseOf = map[string]uint8{}
		for j, t := range a.toks {
			if !t.Capital {
				a.caseOf[t.Norm] |= seenLower
				continue
			}
			if j == 0 {
				continue
			}
			gap := strings.TrimRight(a.body[a.toks[j-1].End:t.Start], " \t\u00a0\"'“‘")
			if gap == "" || !strings.ContainsAny(gap[len(gap)-1:], ".!?\n:") {
				a.caseOf[t.Norm] |= seenCapitalInside
			}
		}
	}
	return a.caseOf[norm] == seenLower
}

// How commonWord has seen a word written.
const (
	seenLower uint8 = 1 << iota
	seenCapitalInside
)

// prepositions before a name make it a place or an outlet, not a person
// a pronoun can stand for.
var prepositions = wordSet("with\non\nat\nin\nto\nfrom\nfor\nby\nof\nvia\ninto\nacross\nnear")

// subordinators open a clause of their own after a quote.
var subordinators = wordSet("when\nwhile\nwhereas\nbecause\nsince\nafter\nbefore\nif\nalthough\nthough\nuntil\nunless\nwhere")

// clauseOpeners open an adverbial phrase before a sentence's subject.
var clauseOpeners = wordSet("though\nalthough\nhowever\nfollowing\nafter\nbefore\nas\nat\nin\non\nwhile\nwhen\nsince\nbecause\nif\nduring\ndespite\nmeanwhile\nearlier\nlater\nlast\nyesterday\ntoday\nnow\nthen\nwith\nwithout\nfor\nfrom\nby\nunder\nover\namid\nonce\nunlike\nlike")

// inQuote reports whether pos lies inside a quote.
func (a *attributor) inQuote(pos int) bool {
	k := sort.Search(len(a.spans), func(i int) bool { return a.spans[i].end > pos })
	return k < len(a.spans) && a.spans[k].start <= pos
}

// pronounOf strips a contraction: "he's" → "he".
func pronounOf(norm string) string {
	if i := strings.IndexByte(norm, '\''); i > 0 {
		return norm[:i]
	}
	return norm
}

func isPronoun(norm string) bool { return pronouns[pronounOf(norm)] }

// upToComma returns the tokens before the first comma or clause end.
func upToComma(body string, toks []text.Token) []text.Token {
	for k := 1; k < len(toks); k++ {
		if gap := body[toks[k-1].End:toks[k].Start]; strings.ContainsAny(gap, ",;:()—") {
			return toks[:k]
		}
	}
	return toks
}

// lastSegment returns the words after the last comma (or other clause
// punctuation) of toks.
func lastSegment(body string, toks []text.Token) []text.Token {
	for k := len(toks) - 1; k > 0; k-- {
		if strings.ContainsAny(body[toks[k-1].End:toks[k].Start], segmentMarks) {
			return toks[k:]
		}
	}
	return toks
}

// segmentMarks end a phrase: commas, parentheses and dashes (an en dash
// between words is a dash; in "3–1" no gap holds it).
const segmentMarks = ",;:()—―–"

// subjectBefore picks the subject of a cue from the words before it,
// passing over an apposition: "Ana Reyes, the mayor, said" → Ana Reyes;
// "On Monday, Reyes said" → Reyes.
func subjectBefore(body string, toks []text.Token) []text.Token {
	var segs [][]text.Token
	start := 0
	for k := 1; k <= len(toks); k++ {
		if k == len(toks) || strings.ContainsAny(body[toks[k-1].End:toks[k].Start], segmentMarks) {
			segs = append(segs, toks[start:k])
			start = k
		}
	}
	last := segs[len(segs)-1]
	endsWithComma := strings.Contains(body[last[len(last)-1].End:min(len(body), last[len(last)-1].End+2)], ",")
	if endsWithComma && len(segs) >= 2 && startsWithDeterminer(last) {
		return segs[len(segs)-2] // Ana Reyes, a doctor, said
	}
	if len(segs) >= 2 && clauseOpeners[segs[len(segs)-2][0].Norm] {
		return last // "At a press conference in Chelsea, the mayor said": an opening phrase, then the subject
	}
	if len(segs) >= 2 && startsWithDeterminer(last) && !hasName(last) && hasName(segs[len(segs)-2]) {
		return segs[len(segs)-2]
	}
	if endsWithComma && len(segs) >= 2 && !hasName(last) && hasName(segs[len(segs)-2]) {
		return segs[len(segs)-2] // Clinton, at a later press gaggle, said
	}
	return last
}

// clauseSubject reports whether the words before a cue are not a subject
// but a verb phrase: they hold a cue of their own, or open with a lower-case
// word that is neither a determiner nor a pronoun.
func clauseSubject(subj []text.Token) bool {
	for k := range subj {
		if cueAt(subj, k) > 0 {
			return true
		}
	}
	for len(subj) > 1 && (subordinators[subj[0].Norm] || subj[0].Norm == "and" || subj[0].Norm == "but" || subj[0].Norm == "as") {
		subj = subj[1:] // "and as Reyes went on": look past the conjunctions
	}
	if first := subj[0]; !first.Capital && !first.Number && !startsWithDeterminer(subj) && !isPronoun(first.Norm) {
		return true // "bemoaned the unrest in Lisk and said": a verb phrase, whatever names it holds
	}
	if hasName(subj) {
		return false // "and as Reyes went on": the name is the subject
	}
	for _, t := range subj {
		if isPronoun(t.Norm) {
			return false
		}
	}
	first := subj[0]
	return !first.Capital && !first.Number && !startsWithDeterminer(subj)
}

func startsWithDeterminer(toks []text.Token) bool {
	switch toks[0].Norm {
	case "a", "an", "the", "who", "which", "whose", "its", "his", "her", "their", "my", "our", "your":
		return true
	}
	return false
}

func hasName(toks []text.Token) bool {
	for _, t := range toks {
		if nameWord(t) && !titles[t.Norm] {
			return true
		}
	}
	return false
}

// speaker turns a phrase into a speaker: a pronoun, a name (titles left
// out, a surname resolved to an earlier full name), or a description.
func (a *attributor) speaker(phrase []text.Token) *unspun.Speaker {
	for len(phrase) > 1 && cues[phrase[len(phrase)-1].Norm] {
		phrase = phrase[:len(phrase)-1] // "he said, adding that": the subject is "he"
	}
	if len(phrase) == 0 {
		return nil
	}
	if len(phrase) > maxSpeaker {
		phrase = phrase[len(phrase)-maxSpeaker:]
	}
	// A pronoun subject: "he said".
	if last := phrase[len(phrase)-1]; isPronoun(last.Norm) { // "in an interview with RT he said"
		end := last.Start + len(pronounOf(last.Norm))
		return &unspun.Speaker{Name: a.resolvePronoun(last.Start), Mention: &unspun.Span{Start: last.Start, End: end}}
	}
	if !hasName(phrase) || len(phrase) <= 2 {
		for k := len(phrase) - 1; k >= 0; k-- { // "he said", "I laughed and said"
			if p := phrase[k]; isPronoun(p.Norm) && (k == len(phrase)-1 || !hasName(phrase)) {
				end := p.Start + len(pronounOf(p.Norm))
				return &unspun.Speaker{Name: a.resolvePronoun(p.Start), Mention: &unspun.Span{Start: p.Start, End: end}}
			}
		}
	}
	// The last run of capitalised words is the name.
	end := -1
	for k := len(phrase) - 1; k >= 0; k-- {
		if nameWord(phrase[k]) {
			end = k
			break
		}
	}
	if end >= 0 {
		start := end
		for start > 0 && (nameWord(phrase[start-1]) || titles[phrase[start-1].Norm] && phrase[start-1].Capital || isInitial(phrase[start-1])) && a.adjacent(phrase[start-1], phrase[start]) {
			start--
		}
		run := phrase[start : end+1]
		nameStart := 0
		for nameStart < len(run)-1 && titles[run[nameStart].Norm] {
			nameStart++
		}
		// "Transport Minister Paul Ortega": the title may open with a word
		// of its own; the name starts after the run's last title word.
		for k := len(run) - 2; k >= nameStart; k-- {
			if titles[run[k].Norm] {
				nameStart = k + 1
				break
			}
		}
		name := run[nameStart:]
		if len(name) > 0 && !(len(run) == 1 && titles[run[0].Norm] && len(phrase) > 1) {
			sp := unspun.Span{Start: name[0].Start, End: name[len(name)-1].End}
			full := a.body[sp.Start:sp.End]
			if len(name) == 1 {
				full = a.resolveSurname(name[0], sp.Start)
			}
			return &unspun.Speaker{Name: full, Mention: &sp}
		}
	}
	// A description: "the mayor", "a spokesman for the council".
	for len(phrase) > 1 && isAdverb(phrase[len(phrase)-1].Norm) {
		phrase = phrase[:len(phrase)-1] // "my father often said"
	}
	content := false
	for _, t := range phrase {
		if !text.IsStopword(t.Norm) {
			content = true
		}
	}
	if !content {
		return nil
	}
	k := 0
	for k < len(phrase)-1 && !startsWithDeterminer(phrase[k:]) && !phrase[k].Capital {
		k++
	}
	if !startsWithDeterminer(phrase[k:]) {
		k = 0
	}
	sp := unspun.Span{Start: phrase[k].Start, End: phrase[len(phrase)-1].End}
	return &unspun.Speaker{Name: a.body[sp.Start:sp.End], Mention: &sp}
}

func isInitial(t text.Token) bool {
	return utf8.RuneCountInString(t.Norm) == 1 && t.Capital
}

// adjacent reports whether two tokens are separated by spaces or a dot only
// (so "Reyes, Ana" is two runs, "J. Reyes" one).
func (a *attributor) adjacent(x, y text.Token) bool {
	gap := a.body[x.End:y.Start]
	return strings.Trim(gap, " .") == "" && len(gap) <= 2
}

// resolveSurname finds an earlier mention "First Last" of a surname.
func (a *attributor) resolveSurname(t text.Token, before int) string {
	k := searchTok(a.toks, before)
	for j := k - 1; j > 0 && j > k-lookBack; j-- {
		if a.toks[j].Norm != t.Norm || !a.toks[j].Capital {
			continue
		}
		s := j
		for s > 0 && (a.toks[s-1].Capital || isInitial(a.toks[s-1])) && !titles[a.toks[s-1].Norm] && a.adjacent(a.toks[s-1], a.toks[s]) {
			s--
		}
		if s < j {
			return a.body[a.toks[s].Start:a.toks[j].End]
		}
	}
	return a.body[t.Start:t.End]
}

// resolvePronoun names the nearest person mentioned before pos: the last
// speaker found, else the last run of two or more capitalised words.
func (a *attributor) resolvePronoun(pos int) string {
	for i := len(a.found) - 1; i >= 0 && i > len(a.found)-lookBack; i-- {
		if a.found[i] != nil && a.spans[i].start < pos && a.found[i].Mention != nil && !pronouns[strings.ToLower(a.body[a.found[i].Mention.Start:a.found[i].Mention.End])] {
			return a.found[i].Name
		}
	}
	k := searchTok(a.toks, pos)
	for j := k - 1; j > 0 && j > k-lookBack; j-- {
		t := a.toks[j]
		if !nameWord(t) || titles[t.Norm] {
			continue
		}
		s := j
		for s > 0 && nameWord(a.toks[s-1]) && !titles[a.toks[s-1].Norm] && a.adjacent(a.toks[s-1], a.toks[s]) {
			s--
		}
		if s > 0 && prepositions[a.toks[s-1].Norm] {
			j = s // "with Lisk Radio": a place or an outlet, not the person
			continue
		}
		if s < j {
			return a.body[a.toks[s].Start:a.toks[j].End]
		}
	}
	t := a.toks[min(k, len(a.toks)-1)]
	return a.body[t.Start:t.End] // nobody named before: the pronoun itself
}

// speechOnItsOwn reports whether quote q, with the clause before it, is a
// sentence of its own (“Neither do I.”) or follows a colon: speech, whatever
// its length or case.
func (a *attributor) speechOnItsOwn(q span, before [2]int) bool {
	lead := strings.TrimSpace(a.body[before[0]:before[1]])
	return lead == "" && stopsInside(a.body, q) || strings.HasSuffix(lead, ":")
}

// maxScareWords is the most words a scare quote has.
const maxScareWords = 3

// isScareQuote recognises a few words quoted inside the writer's own
// sentence: no speech cue in the sentence and no speaker named for them
// ("the so-called “sex tape”", "a “quack”").
func (a *attributor) isScareQuote(i int) bool {
	q := a.spans[i]
	inner := a.tokensIn([2]int{q.start, q.end})
	if len(inner) == 0 || len(inner) > maxScareWords {
		return false
	}
	before, _ := a.clause(i)
	if a.speechOnItsOwn(q, before) {
		return false
	}
	// A cue anywhere in the sentence, outside quotes, makes the quoted
	// words part of what someone said ("the complaint says they “looted” …").
	return !a.sentenceHasCue(a.sentenceStart(q.start))
}

// sentenceHasCue reports whether the sentence starting at start has a
// speech cue outside quotes. Each sentence is read once, however many
// quotes it holds.
func (a *attributor) sentenceHasCue(start int) bool {
	if has, ok := a.sentenceCues[start]; ok {
		return has
	}
	end := len(a.body)
	if k := sort.SearchInts(a.bounds, start+1); k < len(a.bounds) {
		end = a.bounds[k]
	}
	toks := a.tokensIn([2]int{start, end})
	s := sort.Search(len(a.spans), func(k int) bool { return a.spans[k].end > start })
	has := false
	for k := range toks {
		for s < len(a.spans) && a.spans[s].end <= toks[k].Start {
			s++
		}
		if s < len(a.spans) && a.spans[s].start <= toks[k].Start {
			continue // a word inside a quote
		}
		if cueAt(toks, k) > 0 {
			has = true
			break
		}
	}
	if a.sentenceCues == nil {
		a.sentenceCues = map[int]bool{}
	}
	a.sentenceCues[start] = has
	return has
}

// aloneInParagraph reports whether quote q is the whole of its paragraph.
// It reads only the blanks around the quote, so that a long line of many
// quotes costs no more than its length.
func (a *attributor) aloneInParagraph(q span) bool {
	blankTo := func(i, step int) bool {
		for ; i >= 0 && i < len(a.body); i += step {
			switch a.body[i] {
			case '\n':
				return true
			case ' ', '\t', '\r':
				continue
			}
			return false
		}
		return true // the start or end of the text
	}
	return blankTo(q.start-1, -1) && blankTo(q.end, 1)
}
