// Package dedup finds near-duplicate articles across a corpus: whole
// documents whose sets of word 3-grams overlap by at least a Jaccard
// threshold. Each article is reduced to a one-permutation MinHash sketch
// (fingerprint.OPH) as it streams past; LSH banding over the sketch finds
// candidate pairs; a candidate is kept when its sketches agree on at least
// the threshold's share of bins (the MinHash estimate of Jaccard); kept
// pairs are joined into clusters by union-find. Memory grows with the
// sketches (Bins × 4 bytes and the band keys), not with the text.
package dedup

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"time"
	"unicode"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/fingerprint"
)

// Bins is the size of a sketch. The MinHash estimate of a Jaccard J from k
// bins has a standard error of sqrt(J(1-J)/k): 0.025 at J = 0.8 with 256
// bins, so that pairs well inside or outside the threshold are told apart
// and only those within a few hundredths of it can fall either way.
const Bins = 256

// Params are the LSH banding of a sketch: Bands bands of Rows bins each
// (Bands × Rows ≤ Bins). Two documents of Jaccard J share at least one band
// with probability 1 − (1 − J^Rows)^Bands.
type Params struct {
	Bands, Rows int
}

// ParamsFor chooses the banding for a threshold: of all (bands, rows) that
// fit in Bins, the one that minimises the weighted area of missed pairs
// (weight 0.95) and of false candidates (weight 0.05) under the S-curve,
// split at 0.05 under the threshold — the verifying estimate is that noisy,
// so pairs just under the threshold must reach it too. Candidates are
// verified, so a false one costs a comparison and a missed one costs
// recall: the weights say so.
func ParamsFor(threshold float64) Params {
	split := max(0.01, threshold-0.05)
	best, bestCost := Params{1, 1}, math.Inf(1)
	for rows := 1; rows <= Bins; rows++ {
		for bands := 1; bands*rows <= Bins; bands++ {
			p := Params{bands, rows}
			cost := 0.05*integrate(0, split, func(j float64) float64 { return p.Chance(j) }) +
				0.95*integrate(split, 1, func(j float64) float64 { return 1 - p.Chance(j) })
			if cost < bestCost {
				best, bestCost = p, cost
			}
		}
	}
	return best
}

// Chance is the probability that two documents of Jaccard j share a band.
func (p Params) Chance(j float64) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(p.Rows)), float64(p.Bands))
}

func integrate(a, b float64, f func(float64) float64) float64 {
	const steps = 100
	h := (b - a) / steps
	sum := 0.0
	for i := range steps {
		sum += f(a + (float64(i)+0.5)*h)
	}
	return sum * h
}

// Sketch is the MinHash sketch of one document: the low 32 bits of each
// OPH bin (two different bins' values collide with probability 2^-32).
type Sketch [Bins]uint32

// Sketcher computes sketches, reusing its buffers; it is not safe for
// concurrent use.
type Sketcher struct {
	words, shingles []uint64
	sig             [Bins]uint64
}

// Sketch returns the sketch of a document's title and body: words are runs
// of letters and digits, lower-cased (the \w+ of regular expressions,
// without the underscore); an empty document has an all-empty sketch.
func (s *Sketcher) Sketch(title, body string) Sketch {
	s.words = appendWordHashes(s.words[:0], title)
	s.words = appendWordHashes(s.words, body)
	s.shingles = appendShingles(s.shingles[:0], s.words)
	fingerprint.OPH(s.sig[:], s.shingles)
	var out Sketch
	for i, v := range s.sig {
		out[i] = uint32(v)
	}
	return out
}

// appendShingles appends the hashes of the word 3-grams (one shingle of
// all words when there are fewer): the word hashes are already mixed, so
// rotating and combining them takes one Mix per shingle, not one per word
// of it. (Sketches are not stored, so this need not match the index's
// fingerprint.Shingles.)
func appendShingles(dst []uint64, words []uint64) []uint64 {
	switch len(words) {
	case 0:
		return dst
	case 1:
		return append(dst, fingerprint.Mix(words[0]))
	case 2:
		return append(dst, fingerprint.Mix(words[0]^bits.RotateLeft64(words[1], 21)))
	}
	for i := 2; i < len(words); i++ {
		dst = append(dst, fingerprint.Mix(words[i-2]^bits.RotateLeft64(words[i-1], 21)^bits.RotateLeft64(words[i], 42)))
	}
	return dst
}

// asciiFold maps an ASCII byte to its lower-case form if it belongs to a
// word (a letter or a digit), else to 0.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	return t
}()

// appendWordHashes appends the hash of every word of text, lower-cased,
// without allocating. A word's folded bytes are packed eight to a 64-bit
// chunk (shift and or: one cycle a byte, not FNV's multiply chain), and
// each chunk is folded into the hash with Mix. Folded bytes are never zero,
// so words of different lengths pack differently.
func appendWordHashes(dst []uint64, text string) []uint64 {
	const seed = 0x9e3779b97f4a7c15
	h, w, n := uint64(seed), uint64(0), 0 // n: bytes packed into w; 0 between words
	word := func(b byte) {
		w = w<<8 | uint64(b)
		if n++; n&7 == 0 {
			h, w = fingerprint.Mix(h^w), 0
		}
	}
	end := func() {
		if n > 0 {
			dst = append(dst, fingerprint.Mix(h^w))
			h, w, n = seed, 0, 0
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if f := asciiFold[c]; f != 0 {
				word(f)
			} else {
				end()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			var buf [utf8.UTFMax]byte
			k := utf8.EncodeRune(buf[:], unicode.ToLower(r))
			for _, b := range buf[:k] {
				word(b)
			}
		} else {
			end()
		}
		i += size
	}
	end()
	return dst
}

// Similarity is the MinHash estimate of the Jaccard similarity of the two
// documents: the share of bins on which their sketches agree.
func Similarity(a, b *Sketch) float64 {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / Bins
}

// Doc is one document as the clusterer keeps it: what the output names,
// and its sketch.
type Doc struct {
	ID, URL   string
	Published time.Time // zero when unknown
	Sketch    Sketch
}

// Member is one document of a cluster and its similarity to the cluster's
// earliest member (1 for that member).
type Member struct {
	Doc        *Doc
	Similarity float64
}

// Clusterer collects documents and the near-duplicate pairs among them.
type Clusterer struct {
	Threshold float64
	params    Params
	docs      []*Doc
	parent    []int32
	// LSH buckets as linked lists without a slice per bucket: head maps a
	// band key to the last entry added, and next[entry] is the entry
	// before it in the same bucket (-1 ends the list); entry = doc × Bands
	// + band. Only documents with a distinct sketch are entered.
	head  table
	next  []int32
	exact table   // hash of a whole sketch → its first document
	seen  []int32 // scratch: candidates already compared for this document
	// Compared counts the candidate pairs verified; Pairs those kept.
	Compared, Pairs int
}

// New returns a Clusterer for a Jaccard threshold in (0, 1].
func New(threshold float64) *Clusterer {
	return &Clusterer{Threshold: threshold, params: ParamsFor(threshold)}
}

// Params returns the banding the Clusterer uses.
func (c *Clusterer) Params() Params { return c.params }

// Keys returns the band keys of a sketch under the Clusterer's banding;
// callers may compute them in parallel and hand them to Add.
func (c *Clusterer) Keys(s *Sketch, dst []uint64) []uint64 { return c.params.Keys(s, dst) }

// Keys appends the band keys of a sketch: one per band, tagged with the
// band's position.
func (p Params) Keys(s *Sketch, dst []uint64) []uint64 {
	for b := 0; b < p.Bands; b++ {
		dst = append(dst, bandKey(b, s[b*p.Rows:(b+1)*p.Rows]))
	}
	return dst
}

// Add adds a document with its band keys (Keys; nil computes them).
// Documents are numbered in the order added, which breaks ties between
// equal dates.
func (c *Clusterer) Add(d *Doc, keys []uint64) {
	if keys == nil {
		keys = c.Keys(&d.Sketch, nil)
	}
	n := int32(len(c.docs))
	c.docs = append(c.docs, d)
	c.parent = append(c.parent, n)
	// Identical sketches are one document to the index: joined at once,
	// so that a thousand copies of a wire story cost no comparisons.
	whole := SketchHash(&d.Sketch)
	if first, ok := c.exact.getOrPut(whole, n); ok {
		c.union(first, n)
		c.Pairs++
		for range keys {
			c.next = append(c.next, -1) // entries stay aligned with documents
		}
		return
	}
	c.seen = c.seen[:0]
	bands := int32(c.params.Bands)
	for b, key := range keys {
		prev, ok := c.head.swap(key, n*bands+int32(b))
		if !ok {
			prev = -1
		}
		for e := prev; e >= 0; e = c.next[e] {
			other := e / bands
			if slices.Contains(c.seen, other) {
				continue
			}
			c.seen = append(c.seen, other)
			c.Compared++
			if Similarity(&d.Sketch, &c.docs[other].Sketch) >= c.Threshold {
				c.union(other, n)
				c.Pairs++
			}
		}
		c.next = append(c.next, prev)
	}
}

// SketchHash is a hash of a whole sketch: documents with equal hashes are
// treated as identical (their sketches agree on every bin, barring a 2^-64
// collision).
func SketchHash(s *Sketch) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, v := range s {
		h = fingerprint.Mix(h ^ uint64(v))
	}
	return h
}

func bandKey(band int, rows []uint32) uint64 {
	h := fingerprint.Mix(uint64(band) + 0x5bd1e995)
	for _, v := range rows {
		h = fingerprint.Mix(h ^ uint64(v))
	}
	return h
}

func (c *Clusterer) find(x int32) int32 {
	for c.parent[x] != x {
		c.parent[x] = c.parent[c.parent[x]]
		x = c.parent[x]
	}
	return x
}

func (c *Clusterer) union(a, b int32) {
	ra, rb := c.find(a), c.find(b)
	if ra != rb {
		c.parent[max(ra, rb)] = min(ra, rb)
	}
}

// Clusters returns the clusters of two or more documents, each with its
// earliest member first (the earliest published; unknown dates after known
// ones; ties in the order added) and the others by order added, each with
// its similarity to the earliest. Clusters are ordered by their earliest
// member's order added.
func (c *Clusterer) Clusters() [][]Member {
	groups := map[int32][]int32{}
	for i := range c.docs {
		r := c.find(int32(i))
		groups[r] = append(groups[r], int32(i))
	}
	type cluster struct {
		members []Member
		first   int32 // the order added of the earliest member
	}
	var cs []cluster
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		docs := make([]*Doc, len(g))
		for k, i := range g {
			docs[k] = c.docs[i]
		}
		ms := Cluster(docs)
		first := g[slices.Index(docs, ms[0].Doc)]
		cs = append(cs, cluster{ms, first})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].first < cs[j].first })
	out := make([][]Member, len(cs))
	for i, cl := range cs {
		out[i] = cl.members
	}
	return out
}

// Cluster orders the documents of one cluster, given in the order they were
// read: the earliest published first (unknown dates after known ones; ties
// in that order), then the others in that order, each with its similarity
// to the earliest.
func Cluster(docs []*Doc) []Member {
	first := 0
	for k := 1; k < len(docs); k++ {
		if earlier(docs[k], docs[first]) {
			first = k
		}
	}
	ms := []Member{{Doc: docs[first], Similarity: 1}}
	for k, d := range docs {
		if k != first {
			ms = append(ms, Member{Doc: d, Similarity: Similarity(&docs[first].Sketch, &d.Sketch)})
		}
	}
	return ms
}

// earlier reports whether a was published before b (unspun.Earlier).
func earlier(a, b *Doc) bool { return unspun.Earlier(a.Published, b.Published) }
