// Package index turns articles into the terms unspun stores, and looks up
// the stored sentences that may be the source of a new one. It has two
// candidate channels, both per sentence:
//
//   - anchors: every word that is not a stopword, after alias folding
//     ("USA" and "U.S." index as one term). Names, numbers and rare words
//     survive a spinner's synonym dictionary, and an IDF-weighted vote over
//     them finds sources whose every word trigram was replaced.
//   - near-verbatim: one-permutation MinHash over word trigrams with LSH
//     bands, which finds copies whose words are mostly common.
//
// Candidates are only that: the align package verifies them.
package index

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"sort"
	"sync"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/text"
)

// MinHash and LSH parameters of the near-verbatim channel. They are part of
// the index format: changing them needs a rebuild.
const (
	shingleWords = 3
	sketchBins   = 8
	bandRows     = 2 // 4 bands: a trigram Jaccard of 0.5 is found with p 0.68, 0.8 with p 0.98
)

// Analysis is an article cut into sentences and alias-folded units.
type Analysis struct {
	Sentences []unspun.Span
	Units     [][]align.Unit // per sentence
}

// Analyze splits body into sentences and units.
func Analyze(body string, aliases *align.Aliases) Analysis {
	spans := text.Sentences(body)
	an := Analysis{Sentences: spans, Units: make([][]align.Unit, len(spans))}
	var toks []text.Token
	for i, sp := range spans {
		toks = text.AppendTokens(toks[:0], body[sp.Start:sp.End], sp.Start)
		an.Units[i] = align.Units(make([]align.Unit, 0, len(toks)), toks, aliases)
	}
	return an
}

// maxSentences is the most sentences of one article that are indexed:
// store.Hit numbers sentences with 16 bits.
const maxSentences = math.MaxUint16

// anchorTerm is the key of an anchor word, from the hash of its alias key.
func anchorTerm(keyHash uint64) uint64 { return fingerprint.Mix(keyHash ^ 0x77a1c0d3e5f70913) }

// bandBuckets is how many keys the LSH band values are folded into. A key
// of its own for every band value would cost Pebble about 25 bytes a value
// (the key is random, so nothing is shared); folded, a value costs its hit
// (about 6 bytes) and its check tells the values of a bucket apart.
const bandBuckets = 1 << 16

// bandTerm maps a band value to its bucket key and check.
func bandTerm(h uint64) (key uint64, check uint16) {
	bucket := h % bandBuckets
	return fingerprint.Mix(bucket ^ 0x6c62272e07bb0142), uint16(h>>48) | 1 // never 0: 0 means unchecked
}

// term is one index term of a sentence: an anchor (check 0) or a band.
type term struct {
	key   uint64
	check uint16
}

// scratch holds buffers reused across sentences.
type scratch struct {
	words, shingles []uint64
	keys            []align.UnitKey
	seen            []term // distinctSentenceTerms' table
}

// unitKeys are the keys of units, in sc.
func (sc *scratch) unitKeys(units []align.Unit) []align.UnitKey {
	sc.keys = sc.keys[:0]
	for i := range units {
		sc.keys = append(sc.keys, units[i].UnitKey())
	}
	return sc.keys
}

// sentenceTerms appends the distinct terms of one sentence, whose units
// have the given keys, in order of key and check.
func sentenceTerms(dst []term, units []align.UnitKey, sc *scratch) []term {
	start := len(dst)
	dst = appendTerms(dst, units, sc)
	terms := dst[start:]
	sortTerms(terms)
	out := start
	for i, t := range terms {
		if i == 0 || t != terms[i-1] {
			dst[out] = t
			out++
		}
	}
	return dst[:out]
}

// distinctSentenceTerms is sentenceTerms in no set order: what a sentence's
// hits in the index are made of, where the order of its terms does not
// matter (each makes one hit of its own list). Leaving duplicates out with
// a small table cost a fifth of sorting them out (BenchmarkDoc).
func distinctSentenceTerms(dst []term, units []align.UnitKey, sc *scratch) []term {
	start := len(dst)
	dst = appendTerms(dst, units, sc)
	n := len(dst) - start
	size := 16
	for size < 4*n { // at most a quarter full: a probe past a taken slot is a branch guessed wrong
		size <<= 1
	}
	if cap(sc.seen) < size {
		sc.seen = make([]term, size)
	}
	seen := sc.seen[:size]
	clear(seen)
	mask := uint64(size - 1)
	out, zero := start, false // the zero term marks an empty slot, so it is kept apart
	for _, t := range dst[start:] {
		if t == (term{}) {
			if zero {
				continue
			}
			zero = true
		} else {
			i := t.key & mask
			for seen[i] != (term{}) && seen[i] != t {
				i = (i + 1) & mask
			}
			if seen[i] == t {
				continue
			}
			seen[i] = t
		}
		dst[out] = t
		out++
	}
	return dst[:out]
}

// appendTerms appends the terms of one sentence, duplicates included.
func appendTerms(dst []term, units []align.UnitKey, sc *scratch) []term {
	sc.words = sc.words[:0]
	// Every unit's anchor is written and only a non-stopword's kept, by
	// moving the end past it: a branch on the stopword mark guessed wrong
	// on about every other word of text the predictor had not seen.
	n := len(dst)
	dst = slices.Grow(dst, len(units))[:n+len(units)]
	for _, u := range units {
		dst[n] = term{key: anchorTerm(u.Hash)}
		n += int(b2u(!u.Stopword))
		sc.words = append(sc.words, u.Hash)
	}
	dst = dst[:n]
	if len(sc.words) >= 2 {
		var sig [sketchBins]uint64
		sc.shingles = fingerprint.Shingles(sc.shingles[:0], sc.words, shingleWords)
		fingerprint.OPH(sig[:], sc.shingles)
		for b := 0; b+bandRows <= sketchBins; b += bandRows {
			var band [1]uint64
			fingerprint.Bands(band[:0], sig[b:b+bandRows], bandRows)
			k, c := bandTerm(fingerprint.Mix(band[0] + uint64(b)))
			dst = append(dst, term{k, c})
		}
	}
	return dst
}

// b2u is 1 for true and 0 for false; the compiler makes it a flag move,
// not a branch.
func b2u(b bool) uint {
	var u uint
	if b {
		u = 1
	}
	return u
}

// sortTerms sorts terms by key, then check. A sentence has a few dozen
// terms, which an insertion sort orders faster than a general sort called
// through a comparison function (1.1 against 1.8 s of CPU in adding 100k
// articles); and as the order is total, which sort ran does not change
// the result.
func sortTerms(terms []term) {
	if len(terms) > 48 {
		slices.SortFunc(terms, compareTerms)
		return
	}
	for i := 1; i < len(terms); i++ {
		t := terms[i]
		j := i
		for ; j > 0 && compareTerms(terms[j-1], t) > 0; j-- {
			terms[j] = terms[j-1]
		}
		terms[j] = t
	}
}

// compareTerms orders terms by key, then check. It is written to be
// inlined into sortTerms' loop.
func compareTerms(a, b term) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	}
	return int(a.check) - int(b.check)
}

// Doc prepares an article for storing.
func Doc(a unspun.Article, aliases *align.Aliases) store.Doc { return DocEach(a, aliases, nil) }

// DocEach is Doc that hands each sentence's words' keys to each
// (text.AppendWordKeys), in order: a story doc is made of them.
//
// It analyses as Analyze does, but makes only the units' keys, not the
// units, and those from the words' keys (align.UnitKeysOfWords): the
// tokens are made only for a sentence where a word may begin an alias.
func DocEach(a unspun.Article, aliases *align.Aliases, each func(words []text.WordKey)) store.Doc {
	z := docScratches.Get().(*docScratch)
	defer docScratches.Put(z)
	z.spans = text.AppendSentences(z.spans[:0], a.Body)
	d := store.Doc{Article: a, Sentences: len(z.spans)}
	d.Terms = make([]store.Term, 0, len(a.Body)/5) // anchors plus bands are about one per word, of about six bytes
	for i, sp := range z.spans {
		if each == nil && i >= maxSentences {
			break
		}
		sentence := a.Body[sp.Start:sp.End]
		z.words = text.AppendWordKeys(z.words[:0], sentence)
		if each != nil {
			each(z.words)
		}
		if i >= maxSentences {
			continue
		}
		var ok bool
		if z.units, ok = align.UnitKeysOfWords(z.units[:0], z.words, aliases); !ok {
			z.toks = text.AppendTokens(z.toks[:0], sentence, sp.Start)
			z.units = align.AppendUnitKeys(z.units[:0], z.toks, aliases)
		}
		z.terms = distinctSentenceTerms(z.terms[:0], z.units, &z.sc)
		for _, t := range z.terms {
			d.Terms = append(d.Terms, store.Term{Key: t.key, Sentence: uint16(i), Check: t.check})
		}
	}
	return d
}

// docScratch is what DocEach works in and leaves nothing of in its Doc. A
// pool keeps it from one article to the next instead of the collector
// taking it after each: it was half the bytes an article allocated.
type docScratch struct {
	spans []unspun.Span
	words []text.WordKey
	toks  []text.Token
	units []align.UnitKey
	terms []term
	sc    scratch
}

var docScratches = sync.Pool{New: func() any { return new(docScratch) }}

// Postings is what candidate lookup needs of a store.
type Postings interface {
	Postings(ctx context.Context, key uint64, max int, dst []store.Hit) ([]store.Hit, int, error)
}

// Candidate is a stored sentence that may be a source, with its vote.
type Candidate struct {
	store.Hit
	Score float64
}

// Lookup finds candidate sources for each sentence of an analysis.
type Lookup struct {
	Store     Postings
	Sentences int64 // stored sentences, for IDF
	// MaxDF skips anchor terms in more sentences than this: long lists cost
	// time and carry little evidence. 0 means 2,000 (README, "Performance":
	// the measured trade-off between recall and latency at 100k articles).
	MaxDF int
	// PerSentence is how many candidates to keep per sentence; candidates
	// that tie with the best are kept too, up to MaxTies more, so that of
	// many copies of a sentence none is cut at random (the earliest of
	// them is the origin).
	PerSentence int
	MaxTies     int
	// Capped lists the sentences (indexes into the analysis) of the last
	// Candidates call whose ties with the best went past MaxTies: they
	// have more copies in the index than are verified.
	Capped []int
	// MinShare drops candidates whose vote is under this share of the
	// sentence's total anchor weight, unless the near-verbatim channel
	// found them too.
	MinShare float64

	// Shared, if set, keeps posting lists across calls and across the
	// Lookups that share it: a long run of traces (link, trace of many
	// pages) reads a common word's list once, not once per page. It is
	// only correct while the store's postings do not change: a caller
	// that puts articles must not share one.
	Shared *PostingCache

	// Dates, if set, are the publication times of the stored articles,
	// and NotAfter, when not 0, is the time of the page being looked up:
	// stored sentences of articles published after it get no vote. That is
	// link's view, where an article's sources are the articles published
	// before it.
	Dates    *Dates
	NotAfter int64
	laterCut uint32 // articles whose rank is at least this are later: see markLater
	// Articles numbered below laterFrom are not later, and those numbered
	// from laterAll to the end of Dates all are: see Dates.
	laterFrom, laterAll uint32

	cache  map[uint64]postingList
	votes  votes       // kept from call to call: its table keeps the size it grew to
	seen   seenSet     // kept from call to call
	voted  seenSet     // kept from call to call
	firsts []firstHit  // kept from call to call
	cands  []Candidate // kept from call to call
}

// PostingCache keeps decoded posting lists for Lookups, up to a number of
// hits. It is safe for concurrent use. When a part of it is full, that
// part forgets everything and fills again: the lists in use come back at
// once, and the cost of keeping the count of each list's uses is saved.
//
// Its parts are picked by the key's top bits, each with its own lock: the
// workers of a link run look up about twenty lists a sentence, and one
// lock for all made every look-up move the lock's cache line from one core
// to the other.
type PostingCache struct {
	parts [cacheParts]cachePart
}

// cachePartBits is how many of a key's top bits pick its part: keys are
// mixed hashes, so the parts fill evenly.
const cachePartBits = 4

// cacheParts is how many parts a PostingCache has.
const cacheParts = 1 << cachePartBits

// cachePart is one part of a PostingCache, padded so that two parts' locks
// are not on one cache line.
//
// Its lists are in an open-addressing table of 64-byte slots, a key beside
// its list: a look-up reads one cache line, where Go's map read its control
// word and then the slot, and hashed the key again (a key is already a
// mixed hash). Link looks up some twenty lists a sentence, nearly all in
// this cache, and the map was a tenth of its time at 100k articles.
type cachePart struct {
	mu      sync.Mutex
	slots   []cacheSlot // a power of two, at most half full; key 0 marks an empty slot
	used    int         // slots in use
	zero    postingList // the list of key 0, which cannot have a slot
	hasZero bool
	hits    int // hits held
	maxHits int
	_       [64]byte
}

// cacheSlot is one place of a cachePart's table.
type cacheSlot struct {
	key  uint64
	list postingList
}

// minCacheSlots is the size of a cachePart's table when it is made.
const minCacheSlots = 1 << 10

// NewPostingCache returns a cache of at most maxHits hits (8 bytes each,
// plus about 100 bytes a list).
func NewPostingCache(maxHits int) *PostingCache {
	c := &PostingCache{}
	for i := range c.parts {
		c.parts[i] = cachePart{slots: make([]cacheSlot, minCacheSlots), maxHits: maxHits / cacheParts}
	}
	return c
}

func (c *PostingCache) part(key uint64) *cachePart { return &c.parts[key>>(64-cachePartBits)] }

// hits returns how many hits the cache holds.
func (c *PostingCache) hits() int {
	n := 0
	for i := range c.parts {
		p := &c.parts[i]
		p.mu.Lock()
		n += p.hits
		p.mu.Unlock()
	}
	return n
}

func (c *PostingCache) get(key uint64) (postingList, bool) {
	p := c.part(key)
	p.mu.Lock()
	defer p.mu.Unlock()
	if key == 0 {
		return p.zero, p.hasZero
	}
	s := &p.slots[p.find(key)]
	return s.list, s.key == key
}

// find returns the slot of key (not 0), or the empty slot where it would go.
// The part picks a key by its top bits; its slot starts from the low ones.
func (p *cachePart) find(key uint64) int {
	mask := len(p.slots) - 1
	i := int(key) & mask
	for p.slots[i].key != key && p.slots[i].key != 0 {
		i = (i + 1) & mask
	}
	return i
}

func (c *PostingCache) put(key uint64, pl postingList) {
	p := c.part(key)
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(pl.hits) > p.maxHits {
		return
	}
	held := p.held(key) // a list put again: two workers read it at once
	if p.hits-held+len(pl.hits) > p.maxHits {
		clear(p.slots)
		p.used, p.hits, p.zero, p.hasZero = 0, 0, postingList{}, false
		held = 0
	}
	p.hits += len(pl.hits) - held
	if key == 0 {
		p.zero, p.hasZero = pl, true
		return
	}
	i := p.find(key)
	if p.slots[i].key != key {
		if 2*(p.used+1) > len(p.slots) {
			p.grow()
			i = p.find(key)
		}
		p.used++
	}
	p.slots[i] = cacheSlot{key, pl}
}

// held returns how many hits the part holds for key.
func (p *cachePart) held(key uint64) int {
	if key == 0 {
		return len(p.zero.hits)
	}
	if s := &p.slots[p.find(key)]; s.key == key {
		return len(s.list.hits)
	}
	return 0
}

// grow doubles the table.
func (p *cachePart) grow() {
	old := p.slots
	p.slots = make([]cacheSlot, 2*len(old))
	for _, s := range old {
		if s.key != 0 {
			p.slots[p.find(s.key)] = s
		}
	}
}

// sentenceRef is a stored sentence: its document's number in the high 32
// bits and its index in the low 16, one integer to hash and compare in the
// vote table.
type sentenceRef uint64

func refOf(h store.Hit) sentenceRef { return sentenceRef(uint64(h.Doc)<<16 | uint64(h.Sentence)) }

func (r sentenceRef) doc() uint32      { return uint32(r >> 16) }
func (r sentenceRef) sentence() uint16 { return uint16(r) }

// vote is a stored sentence's evidence so far; band says it shares an LSH
// band with the sentence, which admits it whatever its score. admitted
// says a band or an admitting anchor hit it: a vote made only of hits
// after admitting stopped is not a candidate (see Candidates).
type vote struct {
	ref      sentenceRef
	score    score
	band     bool
	admitted bool
}

// score is a sum of weights in fixed point (2^-40): integers add the same
// in any order, so that a vote counted in two places (see firsts) sums to
// exactly what it would in one, and copies of a sentence tie exactly.
type score int64

// scoreOf converts a weight to a score.
func scoreOf(w float64) score { return score(math.Round(w * (1 << 40))) }

// float converts a score back to a weight.
func (s score) float() float64 { return float64(s) / (1 << 40) }

// firstHit is a stored sentence's first hit by an anchor: its ref, and
// the anchor's weight.
type firstHit struct {
	ref   sentenceRef
	score score
}

// seenSet is a bitmap of the stored sentences (by hash) hit so far in one
// sentence's count. A set bit may be a collision; a clear bit is exact. It
// is small enough for the core's first cache, where the vote table is not:
// most stored sentences a sentence's anchors hit are hit once, and those
// never reach the table.
type seenSet struct {
	bits  []uint64 // the part of all in use
	all   []uint64
	shift uint
}

// minSeenBits is the least size of a seenSet.
const minSeenBits = 1 << 12

// reset empties the set and sizes it for expect stored sentences: about
// eight bits each, so that few hits find the bit of another set.
func (s *seenSet) reset(expect int) {
	n := minSeenBits
	for n < 8*expect {
		n <<= 1
	}
	if n/64 > len(s.all) {
		s.all = make([]uint64, n/64)
	}
	s.bits = s.all[:n/64]
	clear(s.bits)
	s.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

func (s *seenSet) bit(ref sentenceRef) (word int, mask uint64) {
	h := (uint64(ref) * 0xd6e8feb86659fd93) >> (s.shift & 63) // the mask spares the check for a shift of 64 or more
	return int(h >> 6), 1 << (h & 63)
}

// add sets ref's bit and reports whether it was set.
func (s *seenSet) add(ref sentenceRef) bool {
	w, m := s.bit(ref)
	was := s.bits[w]&m != 0
	s.bits[w] |= m
	return was
}

// has reports whether ref's bit is set.
func (s *seenSet) has(ref sentenceRef) bool {
	w, m := s.bit(ref)
	return s.bits[w]&m != 0
}

// votes are the stored sentences voted for more than once so far (and
// those a band hit), in a list with an open-addressing table from each
// sentence to its place. A slot is live when its epoch is the table's: a
// new sentence empties the table by counting one up, not by clearing it.
// Go's map cost twice as much.
type votes struct {
	list  []vote
	slots []voteSlot
	epoch uint32
	shift uint
}

// voteSlot is one place of the table, its three fields side by side so
// that a probe reads one cache line.
type voteSlot struct {
	ref   sentenceRef
	place int32
	epoch uint32
}

func (v *votes) reset() {
	v.list = v.list[:0]
	v.epoch++
	if v.slots == nil || v.epoch == 0 { // first use, or the epoch wrapped
		v.grow(1 << 10)
	}
}

// grow makes a table of n slots (a power of two) holding the list's votes.
func (v *votes) grow(n int) {
	v.slots = make([]voteSlot, n)
	v.epoch = 1
	v.shift = uint(64 - bits.TrailingZeros(uint(n)))
	mask := n - 1
	for k := range v.list {
		i := v.slot(v.list[k].ref)
		for v.slots[i].epoch == v.epoch {
			i = (i + 1) & mask
		}
		v.slots[i] = voteSlot{v.list[k].ref, int32(k), v.epoch}
	}
}

func (v *votes) slot(ref sentenceRef) int {
	return int((uint64(ref) * 0x9e3779b97f4a7c15) >> (v.shift & 63)) // as in seenSet.bit
}

// at returns the vote of ref; a new one when admit is set, else nil when
// ref has none.
func (v *votes) at(ref sentenceRef, admit bool) *vote {
	mask := len(v.slots) - 1
	i := v.slot(ref)
	for ; v.slots[i].epoch == v.epoch; i = (i + 1) & mask {
		if v.slots[i].ref == ref {
			return &v.list[v.slots[i].place]
		}
	}
	if !admit {
		return nil
	}
	v.list = append(v.list, vote{ref: ref})
	if 2*len(v.list) > len(v.slots) { // at most half full: short probes
		v.grow(2 * len(v.slots))
	} else {
		v.slots[i] = voteSlot{ref, int32(len(v.list) - 1), v.epoch}
	}
	return &v.list[len(v.list)-1]
}

type postingList struct {
	hits []store.Hit
	df   int
	// groups, when set, says the hits (of a band bucket) are sorted by
	// check, and where the hits of each group of checks start: see
	// indexChecks.
	groups []uint32
}

// checkGroupBits is how many top bits of a check name its group.
const checkGroupBits = 6

// indexChecks sorts a band bucket's hits by check, each check's hits still
// in order of number, and returns where each group of checks starts (and
// where the last ends). A sentence looks for one check among a bucket's
// couple of hundred hits: this way it reads a few of them instead of all.
// It pays when the lists are kept for many lookups (a shared cache).
func indexChecks(hits []store.Hit) []uint32 {
	slices.SortStableFunc(hits, func(a, b store.Hit) int { return cmp.Compare(a.Check, b.Check) })
	groups := make([]uint32, 1<<checkGroupBits+1)
	for _, h := range hits {
		groups[h.Check>>(16-checkGroupBits)+1]++
	}
	for g := 1; g < len(groups); g++ {
		groups[g] += groups[g-1]
	}
	return groups
}

// withCheck returns the hits of pl that may carry check: all of them, or
// only its group when pl's checks are indexed.
func (pl postingList) withCheck(check uint16) []store.Hit {
	if pl.groups == nil {
		return pl.hits
	}
	g := check >> (16 - checkGroupBits)
	return pl.hits[pl.groups[g]:pl.groups[g+1]]
}

// tieMinShare is the least share of a sentence's anchor weight that its
// best candidate's vote must reach for the candidates tying with it to be
// kept beyond PerSentence.
const tieMinShare = 0.5

// bandVote is the vote of one shared LSH band: strong, as a band only
// matches when its trigram sketch rows agree.
const bandVote = 4.0

// weighted is one term of a sentence with its posting list and vote.
type weighted struct {
	term
	weight float64
	hits   []store.Hit
}

// order is a place in a sentence's weighted list with the key it is
// counted by: bands first (-Inf), then anchors rarest first (-weight).
// Sorting these 16-byte pairs instead of the 48-byte terms moves a third
// of the bytes, and compares the same keys in the same sort, so the order
// is the one the terms would take.
type order struct {
	key float64
	at  int32
}

// Candidates returns up to PerSentence candidates for every sentence of an,
// best first.
//
// A stored sentence is a candidate when it shares a band with the sentence
// or when its anchor votes reach MinShare of the sentence's anchor weight.
// Anchors are counted rarest first (MaxScore): once the weight still to come
// cannot lift a new sentence to that share, a common word's long posting
// list only adds to the candidates already found.
//
// Most stored sentences that an anchor hits are hit by no other term of the
// sentence (at 100k synthetic articles, 927 of 929 hits a sentence were a
// stored sentence's first). So a first hit is not put in the vote table: it
// sets the stored sentence's bit in a bitmap the core's cache holds and is
// listed among the firsts; only a hit whose bit is set goes to the table,
// and a common word's hit whose bit is clear is passed over at once. The
// firsts are then added to the votes they belong to, or stand alone when
// one word is enough. Scores are sums in fixed point, so that the order in
// which a vote's hits are added does not change it.
func (l *Lookup) Candidates(ctx context.Context, an Analysis) ([][]Candidate, error) {
	if l.cache == nil {
		l.cache = make(map[uint64]postingList)
	}
	clear(l.cache)
	l.markLater()
	l.Capped = l.Capped[:0]
	maxDF := l.MaxDF
	if maxDF == 0 {
		maxDF = 2000
	}
	n := float64(max(l.Sentences, 1))
	out := make([][]Candidate, len(an.Units))
	votes := &l.votes
	var terms []term
	var list []weighted
	var sorted []order
	var sc scratch
	for i, units := range an.Units {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		list, sorted = list[:0], sorted[:0]
		var total float64
		terms = sentenceTerms(terms[:0], sc.unitKeys(units), &sc)
		for _, t := range terms {
			anchor := t.check == 0
			limit := maxDF
			if !anchor {
				limit = 0 // a band bucket is read whole: its check filters it
			}
			pl, ok := l.cache[t.key]
			if !ok && l.Shared != nil {
				pl, ok = l.Shared.get(t.key)
			}
			if !ok {
				hits, df, err := l.Store.Postings(ctx, t.key, limit, nil)
				if err != nil {
					return nil, err
				}
				pl = postingList{hits: hits, df: df}
				if l.Shared != nil {
					if !anchor {
						pl.groups = indexChecks(pl.hits)
					}
					l.Shared.put(t.key, pl)
				}
			}
			l.cache[t.key] = pl
			switch {
			case !anchor:
				sorted = append(sorted, order{math.Inf(-1), int32(len(list))})
				list = append(list, weighted{term: t, weight: bandVote, hits: pl.withCheck(t.check)})
			case pl.df == 0:
				total += math.Log(1 + n) // a word never seen still counts in the total
			default:
				w := math.Log(1 + n/float64(pl.df))
				total += w
				if len(pl.hits) == 0 {
					// Too common to be read (MaxDF): it counts in the
					// total, but no stored sentence gets its weight, so
					// it is not in the weight still to come either.
					break
				}
				sorted = append(sorted, order{-w, int32(len(list))})
				list = append(list, weighted{term: t, weight: w, hits: pl.hits})
			}
		}
		slices.SortFunc(sorted, func(a, b order) int { return cmp.Compare(a.key, b.key) })
		need := l.MinShare * total
		remaining := 0.0
		for _, w := range list {
			if w.check == 0 {
				remaining += w.weight
			}
		}
		// Votes come from the hits of bands and of the anchors read
		// while a new stored sentence can still reach the share.
		expect, left := 0, remaining
		for _, o := range sorted {
			w := &list[o.at]
			if w.check == 0 {
				if left < need {
					break
				}
				left -= w.weight
			}
			expect += len(w.hits)
		}
		// No more stored sentences can be hit than there are: that bounds
		// the bitmaps whatever MaxDF a caller sets.
		expect = min(expect, int(max(l.Sentences, 1)))
		votes.reset()
		seen, voted := &l.seen, &l.voted
		seen.reset(expect)
		voted.reset(expect)
		firsts := l.firsts[:0]
		// Bands first (they always admit), then anchors rarest first.
		for _, o := range sorted {
			w := &list[o.at]
			if w.check != 0 {
				for _, h := range w.hits {
					if h.Check == w.check && !l.isLater(h.Doc) {
						ref := refOf(h)
						seen.add(ref)
						voted.add(ref)
						v := votes.at(ref, true)
						v.score += scoreOf(bandVote)
						v.band, v.admitted = true, true
					}
				}
				continue
			}
			// A stored sentence's first hit goes to the firsts, its
			// later ones to the vote table; once admitting stops, a hit
			// of a stored sentence not seen before is passed over, as it
			// cannot reach the share.
			admit := remaining >= need
			ws := scoreOf(w.weight)
			for _, hits := range l.earlier(w.hits) {
				for _, h := range hits {
					if l.isLater(h.Doc) {
						continue
					}
					ref := refOf(h)
					switch {
					case !admit:
						if !seen.has(ref) {
							continue
						}
					case !seen.add(ref):
						firsts = append(firsts, firstHit{ref, ws})
						continue
					}
					voted.add(ref)
					// A set bit may be another stored sentence's: a vote
					// made here after admitting stopped is admitted only
					// when its first hit is found among the firsts below.
					v := votes.at(ref, true)
					v.score += ws
					v.admitted = v.admitted || admit
				}
			}
			remaining -= w.weight
		}
		l.firsts = firsts
		needScore := scoreOf(need)
		cands := l.cands[:0]
		for _, f := range firsts {
			// Most stored sentences are hit once: the bitmap of those
			// voted for tells them without a look-up in the table.
			if voted.has(f.ref) {
				if v := votes.at(f.ref, false); v != nil {
					v.score += f.score
					v.admitted = true
					continue
				}
			}
			if f.score >= needScore { // one hit, and enough
				cands = append(cands, Candidate{store.Hit{Doc: f.ref.doc(), Sentence: f.ref.sentence()}, f.score.float()})
			}
		}
		for _, v := range votes.list {
			if v.admitted && (v.band || v.score >= needScore) {
				cands = append(cands, Candidate{store.Hit{Doc: v.ref.doc(), Sentence: v.ref.sentence()}, v.score.float()})
			}
		}
		l.cands = cands
		kept, capped := l.best(cands, total)
		if capped {
			l.Capped = append(l.Capped, i) // more copies than are verified
		}
		out[i] = slices.Clone(kept)
	}
	return out, nil
}

// better orders candidates: higher score first, then by article and
// sentence number, so that the order is total.
func better(a, b Candidate) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Doc, b.Doc); c != 0 {
		return c
	}
	return cmp.Compare(a.Sentence, b.Sentence)
}

// best reorders cands and returns the first of them that are kept, best
// first: the PerSentence best, or, when the best is strong, all that tie
// with it up to PerSentence+MaxTies; capped says that more tied. Only a
// strong best is worth ties: copies of one sentence share most of its
// anchors, while a weak vote ties with many unrelated sentences that share
// a word or two.
//
// A sentence of a common story has thousands of candidates. Gathering them
// in a new list and sorting them all was a twelfth of link's CPU; only the
// best and the ties need an order, and finding them is one pass.
func (l *Lookup) best(cands []Candidate, total float64) (kept []Candidate, capped bool) {
	k := l.PerSentence
	if len(cands) <= k {
		slices.SortFunc(cands, better)
		return cands, false
	}
	top := cands[0].Score
	for _, c := range cands[1:] {
		top = max(top, c.Score)
	}
	if top >= tieMinShare*total {
		ties := 0
		for j := range cands {
			if cands[j].Score >= top {
				cands[ties], cands[j] = cands[j], cands[ties]
				ties++
			}
		}
		if ties > k {
			tied := cands[:ties]
			slices.SortFunc(tied, better)
			if limit := k + l.MaxTies; ties > limit {
				return tied[:limit], true
			}
			return tied, false
		}
		// Fewer ties than PerSentence: the swaps above only changed the
		// order of the candidates.
	}
	return selectBest(cands, k), false
}

// selectBest moves the k best of cands (len(cands) > k) to its front, in
// order, and returns them: each candidate is compared with the k-th best
// so far, and most go no further.
func selectBest(cands []Candidate, k int) []Candidate {
	if k == 0 {
		return cands[:0]
	}
	slices.SortFunc(cands[:k], better)
	for j := k; j < len(cands); j++ {
		if better(cands[j], cands[k-1]) >= 0 {
			continue
		}
		cands[j], cands[k-1] = cands[k-1], cands[j]
		for p := k - 1; p > 0 && better(cands[p], cands[p-1]) < 0; p-- {
			cands[p], cands[p-1] = cands[p-1], cands[p]
		}
	}
	return cands[:k]
}

// Dates are the publication times of the stored articles, by number, with
// each article's rank in time: every hit a page reads is tested for being
// published after the page, and a rank compared with the page's cut is one
// read of 4 bytes an article (the times themselves take 8, and comparing
// them costs the same). Built once for a run, a Dates is shared by its
// Lookups.
//
// It also keeps, for every cut, the least number of an article at or above
// it and the greatest below it. Articles are numbered as they are added, and
// crawls and archives are mostly added in time order: then a page's later
// articles are a block at the end of each posting list (sorted by number),
// which the page skips without reading, and the hits before the least later
// number need no test. In any other order nothing is skipped and the answer
// is the same.
type Dates struct {
	sorted    []int64  // the times, ascending
	rank      []uint32 // each article's place in sorted
	leastFrom []uint32 // [r]: the least number of an article of rank r or more (len(rank) when none)
	mostBelow []uint32 // [r]: one more than the greatest number of an article of rank below r (0 when none)
}

// NewDates ranks times: the publication time of each stored article by
// number, in Unix nanoseconds, 0 when unknown (unknown dates rank first: an
// article without a date may be the source of any other, as it is never
// published after one).
func NewDates(times []int64) *Dates {
	order := make([]uint32, len(times))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(times[a], times[b]) })
	n := len(times)
	d := &Dates{sorted: make([]int64, n), rank: make([]uint32, n),
		leastFrom: make([]uint32, n+1), mostBelow: make([]uint32, n+1)}
	for r, i := range order {
		d.sorted[r], d.rank[i] = times[i], uint32(r)
		d.mostBelow[r+1] = max(d.mostBelow[r], i+1)
	}
	d.leastFrom[n] = uint32(n)
	for r := n - 1; r >= 0; r-- {
		d.leastFrom[r] = min(d.leastFrom[r+1], order[r])
	}
	return d
}

// cut returns the least rank of an article published after t: all those
// of rank below it were published at or before t, whatever the order of
// equal times.
func (d *Dates) cut(t int64) uint32 {
	return uint32(sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] > t }))
}

// markLater sets the cut of the articles published after NotAfter.
func (l *Lookup) markLater() {
	l.laterCut, l.laterFrom, l.laterAll = math.MaxUint32, math.MaxUint32, math.MaxUint32
	if l.Dates != nil && l.NotAfter != 0 {
		l.laterCut = l.Dates.cut(l.NotAfter)
		l.laterFrom, l.laterAll = l.Dates.leastFrom[l.laterCut], l.Dates.mostBelow[l.laterCut]
	}
}

// isLater reports whether the stored article doc was published after
// NotAfter (articles stored after Dates was made are not).
func (l *Lookup) isLater(doc uint32) bool {
	return doc >= l.laterFrom && l.laterCut != math.MaxUint32 && int(doc) < len(l.Dates.rank) && l.Dates.rank[doc] >= l.laterCut
}

// earlier returns the parts of hits (sorted by number) that may hold
// articles not later than the page: it leaves out the block numbered from
// laterAll to the end of Dates, all of them later. The parts still hold
// later articles numbered before laterAll: isLater tells them.
func (l *Lookup) earlier(hits []store.Hit) [2][]store.Hit {
	if l.laterAll == math.MaxUint32 || len(hits) == 0 || hits[len(hits)-1].Doc < l.laterAll {
		return [2][]store.Hit{hits, nil}
	}
	i, _ := slices.BinarySearchFunc(hits, l.laterAll, func(h store.Hit, doc uint32) int { return cmp.Compare(h.Doc, doc) })
	end := uint32(len(l.Dates.rank))
	if hits[len(hits)-1].Doc < end { // no article stored after Dates was made: link's case
		return [2][]store.Hit{hits[:i], nil}
	}
	j, _ := slices.BinarySearchFunc(hits[i:], end, func(h store.Hit, doc uint32) int { return cmp.Compare(h.Doc, doc) })
	return [2][]store.Hit{hits[:i], hits[i+j:]}
}

// Info returns the informative weight of a non-stopword unit of the
// analysis last passed to Candidates, for align.SetInfo: its inverse
// document frequency over stored sentences, scaled to 0..1 (1 for a word in
// at most one stored sentence). It reads the document frequencies that
// Candidates fetched, so it costs no store access.
func (l *Lookup) Info(u *align.Unit) float64 {
	n := float64(max(l.Sentences, 1))
	df := 1
	if pl, ok := l.cache[anchorTerm(u.KeyHash())]; ok {
		df = max(pl.df, 1)
	}
	return math.Log(1+n/float64(df)) / math.Log(1+n)
}
