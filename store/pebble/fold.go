package pebble

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

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
// (hasLists false), these are the first: they are set, and written as the
// bottom level's tables are, compressed, since Pebble puts them there;
// otherwise they are merged into the lists, from level 0.
func (s *DB) foldPart(ctx context.Context, countsPath, listsPath string, segs []uint32, lo, hi uint64, last, hasLists bool) (err error) {
	h := make(segmentHeap, 0, len(segs))
	defer func() {
		for _, c := range h {
			c.it.Close()
		}
	}()
	for i, seg := range segs {
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
		c := &segmentCursor{it: it, order: i, grouped: s.grouped}
		if ok, err := c.load(it.First()); err != nil {
			it.Close()
			return err
		} else if ok {
			h = append(h, c)
		} else if err := it.Close(); err != nil {
			return err
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}

	level := len(s.opts.Levels) - 1
	if hasLists {
		level = 0
	}
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
	var value []byte
	for n := 0; len(h) > 0; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		term := h[0].term
		value = value[:0]
		for len(h) > 0 && h[0].term == term {
			c := h[0]
			value = append(value, c.chunk...)
			if ok, err := c.next(); err != nil {
				return err
			} else if ok {
				h.down(0)
			} else {
				if err := c.it.Close(); err != nil {
					return err
				}
				h[0] = h[len(h)-1]
				h = h[:len(h)-1]
				h.down(0)
			}
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
	return nil
}

// segmentCursor is one segment's iterator in a fold, at its current term
// and chunk.
type segmentCursor struct {
	it      *pebbledb.Iterator
	term    uint64
	chunk   []byte
	order   int    // the segment's place among the segments: older first
	grouped bool   // keys are groups of terms (version 5)
	rest    []byte // the terms of the key's group after term
}

// next moves the cursor to its next term; it reports whether there is one.
func (c *segmentCursor) next() (bool, error) {
	if len(c.rest) > 0 {
		return c.take(c.rest)
	}
	return c.load(c.it.Next())
}

// load reads the key the iterator is at after a move that returned valid.
func (c *segmentCursor) load(valid bool) (bool, error) {
	if !valid {
		return false, nil
	}
	k := c.it.Key()
	if k[0] != prefixSegment {
		return false, nil
	}
	if c.grouped {
		if len(k) != 7 {
			return false, fmt.Errorf("corrupt segment key %x", k)
		}
		// The value is valid until the iterator moves, which it does only
		// when the group's terms are all taken.
		return c.take(c.it.Value())
	}
	if len(k) != 13 {
		return false, fmt.Errorf("corrupt segment key %x", k)
	}
	c.term, c.chunk = binary.BigEndian.Uint64(k[5:]), c.it.Value()
	return true, nil
}

// take makes the first term of a group's value the cursor's.
func (c *segmentCursor) take(v []byte) (bool, error) {
	var err error
	c.term, c.chunk, c.rest, err = nextGrouped(v)
	if err != nil {
		return false, fmt.Errorf("segment key %x: %w", c.it.Key(), err)
	}
	return true, nil
}

// segmentHeap orders the cursors by term, then by segment, so that a
// term's chunks come out oldest first.
type segmentHeap []*segmentCursor

func (h segmentHeap) less(i, j int) bool {
	if h[i].term != h[j].term {
		return h[i].term < h[j].term
	}
	return h[i].order < h[j].order
}

// down moves the cursor at i down to its place. It is container/heap's
// down without the interface calls, which cost a third of a fold.
func (h segmentHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		j := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			j = r
		}
		if !h.less(j, i) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}
