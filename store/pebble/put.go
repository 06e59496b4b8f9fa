package pebble

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	pebbledb "github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/objstorage/objstorageprovider"
	"github.com/cockroachdb/pebble/v2/sstable"
	"github.com/cockroachdb/pebble/v2/vfs"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/fingerprint"
	"github.com/unspun/unspun/store"
)

// ingestFile and ingestRecordsFile are where a large Put writes its tables
// before Pebble links them into the index. Put is serialised, so one name
// each is enough; Open removes what a crash left behind.
const (
	ingestFile        = "ingest.tmp"
	ingestRecordsFile = "ingest-records.tmp"
)

// Kinds of write.
const (
	writeSet = iota
	writeMerge
	writeDelete
)

// writes are the key-value writes of one Put. They are collected first so
// that they can go either into a Pebble batch (small Puts: the write-ahead
// log, the memtable, a flush later) or, sorted, into a table that Pebble
// ingests whole (large Puts: no log, no memtable, no flush).
type writes struct {
	buf   []byte // keys and values, back to back
	ops   []write
	spare []write // sort's output, kept for the next sort
}

// write is one write; its key is buf[k:v] and its value buf[v:end].
type write struct {
	kind      uint8
	k, v, end int
}

func (w *writes) add(kind uint8, key, value []byte) {
	k := len(w.buf)
	w.buf = append(w.buf, key...)
	v := len(w.buf)
	w.buf = append(w.buf, value...)
	w.ops = append(w.ops, write{kind, k, v, len(w.buf)})
}

// addRecord adds the write of an article's record under key, encoded
// straight into the buffer.
func (w *writes) addRecord(key []byte, a unspun.Article, sentences int) {
	k := len(w.buf)
	w.buf = append(w.buf, key...)
	v := len(w.buf)
	w.buf = appendRecord(w.buf, a, sentences)
	w.ops = append(w.ops, write{writeSet, k, v, len(w.buf)})
}

// sort orders the writes by key. Put makes most of them in order within
// their prefix (records by number, posting chunks and counts by term), so
// they are spread by the key's first byte and only a prefix's writes that
// are out of order are sorted: the ids of the articles, a few thousand.
// A comparison sort of them all cost a sixth of Put.
func (w *writes) sort() {
	var start [257]int
	for _, o := range w.ops {
		start[w.first(o)+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	out := grow(w.spare[:0], len(w.ops))
	next := start
	for _, o := range w.ops {
		b := w.first(o)
		out[next[b]] = o
		next[b]++
	}
	byKey := func(a, b write) int { return bytes.Compare(w.key(a), w.key(b)) }
	for b := range 256 {
		if part := out[start[b]:start[b+1]]; !slices.IsSortedFunc(part, byKey) {
			slices.SortFunc(part, byKey)
		}
	}
	w.ops, w.spare = out, w.ops
}

// grow returns s, or a larger slice, with length n; what it holds is not
// kept.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// first is the first byte of o's key, by which sort spreads the writes;
// an empty key sorts first, as its own.
func (w *writes) first(o write) int {
	if o.k == o.v {
		return 0
	}
	return int(w.buf[o.k])
}

func (w *writes) key(o write) []byte   { return w.buf[o.k:o.v] }
func (w *writes) value(o write) []byte { return w.buf[o.v:o.end] }

// Put implements store.Store. A Put of at least Options.IngestBytes of
// articles is written as sorted tables and ingested, its posting chunks a
// segment in a version 4 or 5 index; a smaller one goes through a batch, after
// folding any segments. Both are durable when Put returns, and both are
// atomic: a crash leaves the index with all of the Put or none of it.
func (s *DB) Put(ctx context.Context, docs []store.Doc) error {
	if s.closed.Load() {
		return errClosed
	}
	for i, d := range docs {
		if d.Article.ID == "" {
			return fmt.Errorf("store: put: doc %d has no id: %w", i, unspun.ErrInvalid)
		}
	}
	size := 0
	for _, d := range docs {
		size += len(d.Article.Body) + len(d.Article.Title) + len(d.Article.URL)
	}
	bulk := size >= s.ingestBytes
	s.mu.Lock()
	defer s.mu.Unlock()
	segment := int64(noSegment)
	if bulk && s.segmented {
		segment = int64(s.nextSegment())
	} else if err := s.fold(ctx); err != nil {
		// A Put into the terms' lists must come after the segments' chunks,
		// whose articles have lower numbers: chunks list docs in order.
		return fmt.Errorf("store: put: %w", err)
	}
	p, err := s.plan(docs, size, segment)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if bulk {
		err = s.ingest(ctx, p)
	} else {
		s.addRecords(p)
		s.addChunks(p)
		err = s.commit(p.w)
	}
	if err != nil {
		return fmt.Errorf("store: put: %w", err)
	}
	s.next = p.next
	if s.putIDs != nil {
		for _, d := range docs {
			s.putIDs[fingerprint.Hash(d.Article.ID)] = true
		}
	}
	if segment != noSegment {
		s.addSegment(uint32(segment))
		if len(*s.segments.Load()) >= s.maxSegments {
			if err := s.fold(ctx); err != nil {
				return fmt.Errorf("store: put: the articles are stored; %w", err)
			}
		}
	}
	return nil
}

// putScratch holds the buffers of a Put, used again by the next (under
// DB.mu). They keep the size of the largest Put so far.
type putScratch struct {
	w                writes
	postings, sorted []posting
	plan             putPlan
	record           []byte // a record being encoded into its table
}

// noSegment is plan's segment when the Put's chunks go into the terms'
// lists.
const noSegment = -1

// putPlan is a Put, planned: the writes of its ids, counters and
// deletions, and the two things that are most of a large Put's work, made
// later: the records of its articles and the chunks of its hits. Ingest
// makes those at once, each into a table of its own; a batch, or a table
// of one, has them added to the writes (addRecords, addChunks).
type putPlan struct {
	w        *writes
	docs     []store.Doc
	records  []numbered // the docs to store, in ascending number
	replaced []uint32   // the numbers of the records the Put replaces, ascending
	postings []posting  // the docs' hits, in the order of their docs
	segment  int64
	next     uint32 // the next free number after the Put
}

// numbered is a doc of a Put with its number.
type numbered struct {
	doc int // index into putPlan.docs
	num uint32
}

// plan numbers docs from s.next and collects what storing them writes,
// with their posting chunks to go into the given segment or, with
// noSegment, to be merged into the terms' lists. size is the bytes of the
// docs' text.
func (s *DB) plan(docs []store.Doc, size int, segment int64) (*putPlan, error) {
	last := make(map[string]int, len(docs)) // the last doc of each id wins
	terms := 0
	for i, d := range docs {
		last[d.Article.ID] = i
		terms += len(d.Terms)
	}
	// The buffers of the Put before are used again: a batch of add's is tens
	// of megabytes of them, which cost the collector and the kernel's page
	// zeroing when each batch made its own.
	sc := &s.scratch
	p := &sc.plan
	*p = putPlan{w: &sc.w, docs: docs, records: p.records[:0], replaced: p.replaced[:0], segment: segment, next: s.next}
	w := p.w
	w.buf = grow(w.buf, size+len(docs)*512+terms*4)[:0]
	w.ops = grow(w.ops, 4*len(docs)+terms/2)[:0]
	var articles, sentences int64
	postings := grow(sc.postings, terms)[:0]
	for i, d := range docs {
		if last[d.Article.ID] != i {
			continue
		}
		var old []byte
		err := unspun.ErrNotFound
		if s.putIDs == nil || s.putIDs[fingerprint.Hash(d.Article.ID)] {
			old, err = s.get(idKey(d.Article.ID))
		}
		switch {
		case err == nil && len(old) == 4:
			oldNum := binary.BigEndian.Uint32(old)
			if rec, err := s.get(s.docKey(oldNum)); err == nil {
				if _, n, err := decodeRecord(rec); err == nil {
					sentences -= int64(n)
				}
				articles--
			}
			p.replaced = append(p.replaced, oldNum)
			w.add(writeDelete, linksKey(d.Article.ID), nil) // links of the old text
		case err != nil && !errors.Is(err, unspun.ErrNotFound):
			return nil, fmt.Errorf("store: put %q: %w", d.Article.ID, err)
		}
		num := p.next
		p.next++
		var nb [4]byte
		binary.BigEndian.PutUint32(nb[:], num)
		w.add(writeSet, idKey(d.Article.ID), nb[:])
		p.records = append(p.records, numbered{i, num})
		articles++
		sentences += int64(d.Sentences)
		for _, t := range d.Terms {
			postings = append(postings, posting{t.Key, store.Hit{Doc: num, Sentence: t.Sentence, Check: t.Check}})
		}
	}
	sc.postings, p.postings = postings, postings
	slices.Sort(p.replaced)
	w.add(writeMerge, counterKey("articles"), int64Value(articles))
	w.add(writeMerge, counterKey("sentences"), int64Value(sentences))
	var nb [4]byte
	binary.BigEndian.PutUint32(nb[:], p.next)
	w.add(writeSet, []byte(keyNext), nb[:])
	w.add(writeDelete, []byte(keyStories), nil) // the stories leave these articles out
	return p, nil
}

// addRecords adds the writes of p's records, and the deletions of those
// they replace, to p.w.
func (s *DB) addRecords(p *putPlan) {
	for _, num := range p.replaced {
		p.w.add(writeDelete, s.docKey(num), nil)
	}
	for _, r := range p.records {
		d := &p.docs[r.doc]
		p.w.addRecord(s.docKey(r.num), d.Article, d.Sentences)
	}
}

// writeRecords writes p's records as a table at path, synced, after the
// deletions of those they replace: their numbers are lower than every
// new one, so the table is in key order.
func (s *DB) writeRecords(path string, p *putPlan) (err error) {
	t, err := s.newTable(path, len(s.opts.Levels)-1)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := t.Close(); err == nil { // syncs the file
			err = cerr
		}
	}()
	for _, num := range p.replaced {
		if err := t.Delete(s.docKey(num)); err != nil {
			return err
		}
	}
	for _, r := range p.records {
		d := &p.docs[r.doc]
		s.scratch.record = appendRecord(s.scratch.record[:0], d.Article, d.Sentences)
		if err := t.Set(s.docKey(r.num), s.scratch.record); err != nil {
			return err
		}
	}
	return nil
}

// addChunks sorts p's hits by term and adds their chunks to p.w: to its
// segment, or merged into the terms' lists and counts.
func (s *DB) addChunks(p *putPlan) {
	sc, w := &s.scratch, p.w
	sc.sorted = sortPostings(p.postings, sc.sorted)
	postings := sc.sorted
	var chunk, group []byte
	var hits []store.Hit
	for i := 0; i < len(postings); {
		term := postings[i].term
		hits = hits[:0]
		for ; i < len(postings) && postings[i].term == term; i++ {
			hits = append(hits, postings[i].hit)
		}
		switch {
		case p.segment != noSegment && s.grouped: // counted when folded
			group = binary.BigEndian.AppendUint64(group, term)
			group = appendChunk(group, hits)
			if i == len(postings) || termGroup(postings[i].term) != termGroup(term) {
				w.add(writeSet, s.segmentKey(uint32(p.segment), term), group)
				group = group[:0]
			}
		case p.segment != noSegment:
			chunk = appendChunk(chunk[:0], hits)
			w.add(writeSet, s.segmentKey(uint32(p.segment), term), chunk)
		default:
			chunk = appendChunk(chunk[:0], hits)
			w.add(writeMerge, postingKey(term), chunk)
			w.add(writeMerge, countKey(term), int64Value(int64(len(hits))))
		}
	}
}

// posting is one hit of a term, while a Put groups its hits by term.
type posting struct {
	term uint64
	hit  store.Hit
}

// sortPostings sorts p by term, keeping the order of each term's hits (the
// order of the docs: chunks list docs in ascending order). Terms are hashes,
// so a pass that puts each hit in the bucket of its term's top 16 bits
// leaves buckets of a few dozen hits, each then sorted on its own. A Put of
// 2,000 articles has about 1.5M hits: grouping them in a map cost more than
// all of Pebble's writing, and a radix sort a byte at a time half as much.
// It returns them in out, grown.
func sortPostings(p, out []posting) []posting {
	out = grow(out, len(p))
	if len(p) < 2 {
		copy(out, p)
		return out
	}
	const bits = 16
	start := make([]int, 1<<bits+1)
	for i := range p {
		start[p[i].term>>(64-bits)+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	next := slices.Clone(start[:1<<bits])
	for i := range p {
		b := p[i].term >> (64 - bits)
		out[next[b]] = p[i]
		next[b]++
	}
	var large largeBucket
	for b := range 1 << bits {
		bucket := out[start[b]:start[b+1]]
		if len(bucket) > 48 {
			large.sort(bucket)
			continue
		}
		for i := 1; i < len(bucket); i++ { // insertion sort: stable, and fast on a few dozen
			for j := i; j > 0 && bucket[j].term < bucket[j-1].term; j-- {
				bucket[j], bucket[j-1] = bucket[j-1], bucket[j]
			}
		}
	}
	return out
}

// largeBucket sorts the buckets of sortPostings that hold more than a few
// dozen hits. Such a bucket is a common word's: most of its hits share a
// few terms. It is sorted as the whole was, by counting: each hit goes to
// the place of its term among the bucket's few, which keeps each term's
// hits in their order. A comparison sort of these buckets cost a third of
// sortPostings.
type largeBucket struct {
	terms []uint64  // the bucket's distinct terms, sorted
	at    []int     // where each term's hits go
	tmp   []posting // the bucket, sorted
}

// maxLargeTerms is the most distinct terms a bucket is sorted by counting
// with; one with more is sorted by comparison.
const maxLargeTerms = 64

func (l *largeBucket) sort(bucket []posting) {
	l.terms = l.terms[:0]
	for i := range bucket {
		t := bucket[i].term
		if i > 0 && t == bucket[i-1].term {
			continue // the common case: a run of one term
		}
		if k, found := slices.BinarySearch(l.terms, t); !found {
			if len(l.terms) == maxLargeTerms {
				slices.SortStableFunc(bucket, func(a, b posting) int { return cmp.Compare(a.term, b.term) })
				return
			}
			l.terms = slices.Insert(l.terms, k, t)
		}
	}
	l.at = grow(l.at, len(l.terms)+1)
	clear(l.at)
	k := 0
	for i := range bucket {
		if i == 0 || bucket[i].term != bucket[i-1].term {
			k, _ = slices.BinarySearch(l.terms, bucket[i].term)
		}
		l.at[k+1]++
	}
	for k := 1; k < len(l.at); k++ {
		l.at[k] += l.at[k-1]
	}
	l.tmp = grow(l.tmp, len(bucket))
	for i := range bucket {
		if i == 0 || bucket[i].term != bucket[i-1].term {
			k, _ = slices.BinarySearch(l.terms, bucket[i].term)
		}
		l.tmp[l.at[k]] = bucket[i]
		l.at[k]++
	}
	copy(bucket, l.tmp)
}

// commit writes w through a batch, synced.
func (s *DB) commit(w *writes) error {
	b := s.db.NewBatchWithSize(len(w.buf) + 16*len(w.ops))
	defer b.Close()
	for _, o := range w.ops {
		var err error
		switch o.kind {
		case writeSet:
			err = b.Set(w.key(o), w.value(o), nil)
		case writeMerge:
			err = b.Merge(w.key(o), w.value(o), nil)
		default:
			err = b.Delete(w.key(o), nil)
		}
		if err != nil {
			return err
		}
	}
	return b.Commit(pebbledb.Sync)
}

// ingest writes the Put p as sorted tables, synced, and has Pebble ingest
// them: Pebble links the files into the index and records them in its
// manifest, synced, in one step, so the writes are all there or none are.
//
// From version 3 the article records go into a table of their
// own (in version 2 they sort among the other keys, and Pebble takes no
// two tables whose ranges overlap). Their numbers are new and they sort
// after every other key but the segments, so nothing overlaps that table
// and Pebble puts it straight into the bottom level, where no compaction
// rewrites it (unless the Put replaces articles: it deletes their old
// records, among the earlier ones). From version 4 the posting chunks are a
// segment, a third table, which lands at the bottom for the same reason
// and stays there until folded. The other table holds the counters and
// ids (and in version 3 the chunks), which every Put adds to: it lands in
// level 0, above the tables it overlaps, and is rewritten by compactions,
// so it is written as level 0 is: fast, not compressed. Only the first Put
// into an empty index lands wholly at the bottom level.
func (s *DB) ingest(ctx context.Context, p *putPlan) error {
	restPath, segmentPath, recordsPath := filepath.Join(s.dir, ingestFile), filepath.Join(s.dir, ingestSegmentFile), filepath.Join(s.dir, ingestRecordsFile)
	defer func() {
		for _, path := range []string{restPath, segmentPath, recordsPath} {
			os.Remove(path) // Pebble has linked it, or it is not wanted
		}
	}()
	// The records' table is written while the hits are sorted into chunks
	// and the other tables are written: compressing the records is the
	// largest part of a Put, and the other core can take the rest.
	var jobs []func() error
	var written [3]string // each job's table, if it wrote one
	if s.recordPrefix == prefixRecord {
		if len(p.records)+len(p.replaced) > 0 {
			jobs = append(jobs, func() error { written[0] = recordsPath; return s.writeRecords(recordsPath, p) })
		}
	} else {
		s.addRecords(p) // version 2: the records sort among the other keys
	}
	jobs = append(jobs, func() error {
		s.addChunks(p)
		w := p.w
		w.sort()
		for i := 1; i < len(w.ops); i++ {
			if bytes.Equal(w.key(w.ops[i]), w.key(w.ops[i-1])) {
				return fmt.Errorf("two writes of key %q in one put", w.key(w.ops[i]))
			}
		}
		// The segment's keys are the last: a table of its own, written as
		// fast as level 0's tables, uncompressed, though it lies at the
		// bottom: it is folded, not compacted.
		rest, segment := splitTail(w, w.ops, prefixSegment)
		restLevel := 0
		if s.next == 1 {
			restLevel = len(s.opts.Levels) - 1
		}
		var tables []func() error
		if len(rest) > 0 {
			written[1] = restPath
			tables = append(tables, func() error { return s.writeTable(restPath, w, rest, restLevel) })
		}
		if len(segment) > 0 {
			written[2] = segmentPath
			tables = append(tables, func() error { return s.writeTable(segmentPath, w, segment, 0) })
		}
		return runAll(tables)
	})
	if err := runAll(jobs); err != nil {
		return err
	}
	var paths []string
	for _, path := range written {
		if path != "" {
			paths = append(paths, path)
		}
	}
	return s.db.Ingest(ctx, paths)
}

// newTable creates a table at path written with the options of level.
func (s *DB) newTable(path string, level int) (*sstable.Writer, error) {
	f, err := vfs.Default.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return nil, err
	}
	return sstable.NewWriter(objstorageprovider.NewFileWritable(f), s.opts.MakeWriterOptions(level, s.db.TableFormat())), nil
}

// runAll runs each function on a goroutine of its own, waits for them all,
// and returns the first error.
func runAll(fns []func() error) error {
	errs := make(chan error, len(fns))
	for _, fn := range fns {
		go func() { errs <- fn() }()
	}
	var first error
	for range fns {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// splitTail splits the sorted ops into those before the keys of the given
// prefix at their end, and those.
func splitTail(w *writes, ops []write, prefix byte) (head, tail []write) {
	i := len(ops)
	for i > 0 && w.first(ops[i-1]) == int(prefix) {
		i--
	}
	return ops[:i], ops[i:]
}

// writeTable writes the sorted ops of w as a table at path, synced, with
// the options of the given level.
func (s *DB) writeTable(path string, w *writes, ops []write, level int) error {
	t, err := s.newTable(path, level)
	if err != nil {
		return err
	}
	for _, o := range ops {
		switch o.kind {
		case writeSet:
			err = t.Set(w.key(o), w.value(o))
		case writeMerge:
			err = t.Merge(w.key(o), w.value(o))
		default:
			err = t.Delete(w.key(o))
		}
		if err != nil {
			t.Close()
			return err
		}
	}
	return t.Close() // syncs the file
}
