package pebble

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	pebbledb "github.com/cockroachdb/pebble/v2"
)

// Segments (version 4 and later). A large Put writes its posting chunks
// under '{' + segment + group of terms (in version 4, + term) instead of
// merging them into each term's 'p' key.
// A segment's keys sort after every other key and every earlier segment's,
// so Pebble ingests its table into the bottom level, and no compaction
// reads or writes it. A fold merges the segments into the terms' 'p' and
// 'f' keys in one pass, writing each chunk once, and removes them in the
// same atomic step. Merged under 'p' by Pebble's compactions instead, the
// 364 MB of chunks of a bulk add of 100,000 articles cost 1.4 GB of
// writes: every compaction of level 0 rewrote the growing lists below it.

// maxSegments is how many segments a Put leaves before it folds them
// (DB.maxSegments, which tests lower). Until they are folded, a lookup
// reads one key per segment; add folds when it is done, so this bounds
// only what a long add, or one killed before its end, leaves: at 2,000
// articles a Put, a million articles.
const maxSegments = 512

// maxFoldParts is the most parts of the term space a fold merges at once,
// one per core, each into a table of its own.
const maxFoldParts = 8

// ingestSegmentFile is where a large Put writes its segment's table.
const ingestSegmentFile = "ingest-segment.tmp"

// foldFile is where a fold writes a part's counts ('f') or lists ('p').
func foldFile(part int, prefix byte) string {
	return fmt.Sprintf("ingest-fold-%d-%c.tmp", part, prefix)
}

// tempTables are the names of every table a Put or a fold writes before
// Pebble ingests it; Open removes what a crash left behind.
func tempTables() []string {
	names := []string{ingestFile, ingestRecordsFile, ingestSegmentFile}
	for i := range maxFoldParts {
		names = append(names, foldFile(i, prefixCount), foldFile(i, prefixPosting))
	}
	return names
}

// segmentSpan is the key range of all segments.
var segmentSpan = pebbledb.KeyRange{Start: []byte{prefixSegment}, End: []byte{prefixSegment + 1}}

// loadSegments finds the segments in the index: one seek per segment.
func (s *DB) loadSegments() error {
	segs := []uint32{}
	defer func() { s.segments.Store(&segs) }()
	it, err := s.db.NewIter(&pebbledb.IterOptions{LowerBound: segmentSpan.Start, UpperBound: segmentSpan.End})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; {
		k := it.Key()
		if len(k) != len(s.segmentKey(0, 0)) {
			it.Close()
			return fmt.Errorf("corrupt segment key %x", k)
		}
		seg := binary.BigEndian.Uint32(k[1:])
		segs = append(segs, seg)
		if seg == 1<<32-1 {
			break
		}
		ok = it.SeekGE(segmentStart(seg + 1))
	}
	return it.Close()
}

// Unfolded is how many segments the index holds that are not folded yet:
// left by an add that was killed, or that ran with folding off, and read
// by every lookup until 'unspun compact' or the next add folds them.
func (s *DB) Unfolded() int { return len(*s.segments.Load()) }

// nextSegment is the number of the next segment.
func (s *DB) nextSegment() uint32 {
	segs := *s.segments.Load()
	if len(segs) == 0 {
		return 0
	}
	return segs[len(segs)-1] + 1
}

// addSegment records that seg is in the index.
func (s *DB) addSegment(seg uint32) {
	segs := append(append([]uint32(nil), *s.segments.Load()...), seg)
	s.segments.Store(&segs)
}

// fold merges every segment into the terms' 'p' and 'f' keys and removes
// the segments, in one step that Pebble makes atomic and durable: a crash
// leaves the segments or their fold, never both nor neither. The term
// space is cut into one part per core; each part is merged into a table
// of its own. The caller holds s.mu.
func (s *DB) fold(ctx context.Context) error {
	segs := *s.segments.Load()
	if len(segs) == 0 {
		return nil
	}
	has, err := s.hasLists()
	if err != nil {
		return err
	}
	parts := min(runtime.GOMAXPROCS(0), maxFoldParts)
	var paths []string
	defer func() {
		for _, p := range paths {
			os.Remove(p) // Pebble has linked it, or it is not wanted
		}
	}()
	var folds []func() error
	for part := range parts {
		counts, lists := filepath.Join(s.dir, foldFile(part, prefixCount)), filepath.Join(s.dir, foldFile(part, prefixPosting))
		paths = append(paths, counts, lists)
		// Parts are cut between groups, so that a group is one part's.
		lo := uint64(part*(1<<groupBits)/parts) << (64 - groupBits)
		hi := uint64((part+1)*(1<<groupBits)/parts) << (64 - groupBits) // exclusive, but for the last part
		folds = append(folds, func() error { return s.foldPart(ctx, counts, lists, segs, lo, hi, part == parts-1, has) })
	}
	if err := runAll(folds); err != nil {
		return fmt.Errorf("fold: %w", err)
	}
	if _, err := s.db.IngestAndExcise(ctx, paths, nil, nil, segmentSpan); err != nil {
		return fmt.Errorf("fold: %w", err)
	}
	none := []uint32{}
	s.segments.Store(&none)
	return nil
}

// hasLists reports whether the index has any folded list or count.
func (s *DB) hasLists() (bool, error) {
	for _, prefix := range []byte{prefixCount, prefixPosting} {
		it, err := s.db.NewIter(&pebbledb.IterOptions{LowerBound: []byte{prefix}, UpperBound: []byte{prefix + 1}})
		if err != nil {
			return false, err
		}
		has := it.First()
		if err := it.Close(); err != nil || has {
			return has, err
		}
	}
	return false, nil
}

// foldPart merges the chunks of the terms in [lo, hi) (or [lo, hi] when
// last) of every segment into a table of their counts and one of their
// lists: Pebble ingests only tables that do not overlap, and 'f' sorts
// before 'p'. A term's chunks are appended oldest segment first, the
// order of their articles' numbers. When the index has no folded lists
// (hasLists false), these are the first: they are set, and Pebble puts
// them at the bottom level; otherwise they are merged into the lists, from
// level 0.
//
// The segments are merged a group of terms at a time (groupMerge): every
// segment's chunks of the group, then each term's in the segments' order.
// A heap of the segments' cursors ordered by term cost a third of a fold
// of 500 segments: nine levels of comparisons for every chunk.
func (s *DB) foldPart(ctx context.Context, countsPath, listsPath string, segs []uint32, lo, hi uint64, last, hasLists bool) (err error) {
	cursors := make([]*segmentCursor, 0, len(segs)) // in the segments' order, those with keys left
	defer func() {
		for _, c := range cursors {
			c.it.Close()
		}
	}()
	for _, seg := range segs {
		upper := s.segmentKey(seg, hi)
		if last {
			upper = segmentStart(seg + 1)
			if seg == 1<<32-1 {
				upper = segmentSpan.End
			}
		}
		it, err := s.db.NewIter(&pebbledb.IterOptions{LowerBound: s.segmentKey(seg, lo), UpperBound: upper})
		if err != nil {
			return err
		}
		c := &segmentCursor{it: it, grouped: s.grouped}
		if ok, err := c.load(it.First()); err != nil {
			it.Close()
			return err
		} else if ok {
			cursors = append(cursors, c)
		} else if err := it.Close(); err != nil {
			return err
		}
	}

	// Written as level 0's tables are, not compressed, wherever Pebble
	// puts them: snappy made the lists of a 100k add 8 of 150 MB smaller
	// (the index 488 MiB instead of 496) for a third of the fold's writing.
	const level = 0
	counts, err := s.newTable(countsPath, level)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := counts.Close(); err == nil { // syncs the file
			err = cerr
		}
	}()
	lists, err := s.newTable(listsPath, level)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := lists.Close(); err == nil {
			err = cerr
		}
	}()
	var m groupMerge
	var value []byte
	for len(cursors) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		g := cursors[0].group
		for _, c := range cursors[1:] {
			g = min(g, c.group)
		}
		m.entries = m.entries[:0]
		for _, c := range cursors {
			if c.group == g {
				if m.entries, err = c.take(m.entries); err != nil {
					return err
				}
			}
		}
		for term, chunks := range m.byTerm() {
			value = value[:0]
			for _, e := range chunks {
				value = append(value, m.entries[e].chunk...)
			}
			count, err := countChunks(value)
			if err != nil {
				return fmt.Errorf("term %016x: %w", term, err)
			}
			if hasLists {
				err = counts.Merge(countKey(term), int64Value(int64(count)))
				if err == nil {
					err = lists.Merge(postingKey(term), value)
				}
			} else {
				err = counts.Set(countKey(term), int64Value(int64(count)))
				if err == nil {
					err = lists.Set(postingKey(term), value)
				}
			}
			if err != nil {
				return err
			}
		}
		left := cursors[:0]
		for _, c := range cursors {
			if c.group == g {
				more, err := c.next()
				if err != nil {
					return err
				}
				if !more {
					if err := c.it.Close(); err != nil {
						return err
					}
					continue
				}
			}
			left = append(left, c)
		}
		clear(cursors[len(left):])
		cursors = left
	}
	return nil
}

// segmentCursor is one segment's iterator in a fold, at a group of terms.
type segmentCursor struct {
	it      *pebbledb.Iterator
	grouped bool   // a key holds a group of terms (version 5), not one term
	group   uint16 // the group of the key the iterator is at
	// In version 4 take moves the iterator past the group, and more says
	// whether it is at a key then; its chunks are copied into buf.
	moved, more bool
	buf         []byte
}

// load reads the group of the key the iterator is at after a move that
// returned valid; it reports whether there is a key.
func (c *segmentCursor) load(valid bool) (bool, error) {
	if !valid {
		return false, nil
	}
	switch k := c.it.Key(); {
	case c.grouped && len(k) == 7:
		c.group = binary.BigEndian.Uint16(k[5:])
	case !c.grouped && len(k) == 13:
		c.group = termGroup(binary.BigEndian.Uint64(k[5:]))
	default:
		return false, fmt.Errorf("corrupt segment key %x", k)
	}
	return true, nil
}

// take appends the terms and chunks of the cursor's group to dst, in term
// order. In version 5 they are the value of the key the iterator is at,
// valid until next moves it; in version 4 each term has a key, and its
// chunk is copied as the iterator moves on.
func (c *segmentCursor) take(dst []groupEntry) ([]groupEntry, error) {
	if c.grouped {
		for v := c.it.Value(); len(v) > 0; {
			term, chunk, rest, err := nextGrouped(v)
			if err != nil {
				return dst, fmt.Errorf("segment key %x: %w", c.it.Key(), err)
			}
			dst = append(dst, groupEntry{term, chunk})
			v = rest
		}
		return dst, nil
	}
	c.buf = c.buf[:0]
	g := c.group
	for c.group == g {
		from := len(c.buf)
		c.buf = append(c.buf, c.it.Value()...)
		dst = append(dst, groupEntry{binary.BigEndian.Uint64(c.it.Key()[5:]), c.buf[from:len(c.buf):len(c.buf)]})
		more, err := c.load(c.it.Next())
		if err != nil || !more {
			c.moved, c.more = true, false
			return dst, err
		}
	}
	c.moved, c.more = true, true
	return dst, nil
}

// next moves the cursor past the group it has taken; it reports whether
// it is at a key then.
func (c *segmentCursor) next() (bool, error) {
	if c.moved {
		c.moved = false
		return c.more, nil
	}
	return c.load(c.it.Next())
}

// groupEntry is one segment's chunk of a term in a fold.
type groupEntry struct {
	term  uint64
	chunk []byte
}

// groupMerge orders the chunks of a group of terms, gathered from every
// segment in the segments' order, by term: each term's in the order they
// were gathered. A group holds a few hundred terms, each in many
// segments; the terms are found in a small hash table and the chunks put
// in place by counting, two passes over them.
type groupMerge struct {
	entries []groupEntry
	slots   []int32  // the hash table: a term's place in terms, plus one; 0 is empty
	terms   []uint64 // the group's distinct terms, as met
	ids     []int32  // each entry's term, as a place in terms
	byOrder []int32  // the places in terms, in the order of the terms
	start   []int32  // where each term's entries begin in placed, by place in terms
	placed  []int32  // the entries, by term
}

// byTerm yields each term of the entries, in ascending order, with the
// indexes of its entries in the order they were gathered.
func (m *groupMerge) byTerm() func(yield func(uint64, []int32) bool) {
	size := 16
	for size < 2*len(m.entries) {
		size <<= 1
	}
	m.slots = grow(m.slots, size)
	clear(m.slots)
	mask := uint64(size - 1)
	m.terms, m.ids = m.terms[:0], grow(m.ids, len(m.entries))
	for i, e := range m.entries {
		k := e.term & mask
		for m.slots[k] != 0 && m.terms[m.slots[k]-1] != e.term {
			k = (k + 1) & mask
		}
		if m.slots[k] == 0 {
			m.terms = append(m.terms, e.term)
			m.slots[k] = int32(len(m.terms))
		}
		m.ids[i] = m.slots[k] - 1
	}
	m.byOrder = grow(m.byOrder, len(m.terms))
	for i := range m.byOrder {
		m.byOrder[i] = int32(i)
	}
	slices.SortFunc(m.byOrder, func(a, b int32) int { return cmp.Compare(m.terms[a], m.terms[b]) })
	// Each term's entries start after those of the terms before it.
	m.start = grow(m.start, len(m.terms)+1)
	clear(m.start)
	for _, id := range m.ids {
		m.start[id+1]++ // counts, by place, shifted by one
	}
	at := int32(0)
	for _, id := range m.byOrder {
		n := m.start[id+1]
		m.start[id+1] = at // where the term's entries begin, for now
		at += n
	}
	m.placed = grow(m.placed, len(m.entries))
	for i, id := range m.ids {
		m.placed[m.start[id+1]] = int32(i)
		m.start[id+1]++
	}
	return func(yield func(uint64, []int32) bool) {
		from := int32(0)
		for _, id := range m.byOrder {
			to := m.start[id+1] // past the term's entries, after placing them
			if !yield(m.terms[id], m.placed[from:to]) {
				return
			}
			from = to
		}
	}
}
