// Package pebble is the embedded store.Store: one directory, no server,
// built on Pebble (an LSM engine, pure Go). Pebble gives crash safety (its
// write-ahead log for small Puts, synced; ingestion of a synced, sorted
// table for large ones) and merging (its merge operator
// appends posting chunks and adds counters during compaction), so this
// package only decides the key layout, documented in doc/format.md.
package pebble

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	pebbledb "github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/sstable"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
)

// FormatVersion is the version of the key layout below that a new index
// gets. Bump it on any change; Open reads every version it lists, and
// testdata keeps an index of each older one, built by its last release.
//
//	1: first layout.
//	2: a count key per term ('f'), so that a common word's long posting
//	   list is skipped without being read.
//	3: article records under 'z' instead of 'd', after every other key.
//	   A batch's records then form a table of their own that nothing
//	   overlaps, which Pebble ingests straight into the bottom level; under
//	   'd' they were three quarters of the bytes its compactions rewrote.
//	4: the posting chunks of a large Put go into a segment of their own
//	   under '{' (segment number, then term), after every other key, until
//	   a fold merges the segments into the terms' 'p' and 'f' keys. Each
//	   segment's table is then ingested into the bottom level, where no
//	   compaction rewrites it, and the fold writes each posting once; under
//	   'p' the compactions rewrote them four times (README, "Performance").
//	5: a segment holds one key per group of terms (the terms' top 12
//	   bits), whose value is the group's terms and chunks in term order,
//	   instead of one key per term. A batch of add's has about 100,000
//	   terms; Pebble's work for each key, in writing the segment and in
//	   the fold's reading, was most of both (README, "Performance").
const FormatVersion = 5

// newIndexVersion is the version Open writes into a new index: a variable
// so that tests can make an index of the version before and check that it
// is still read and written.
var newIndexVersion uint32 = FormatVersion

// Key prefixes.
const (
	prefixID      = 'a' // a + id → doc number (4 bytes, big-endian)
	prefixRecord  = 'z' // z + doc number → record (JSON); 'd' in version 2. Every other prefix but prefixSegment must sort before it
	prefixSegment = '{' // { + segment (4 bytes, big-endian) + group (2 bytes, big-endian) → the group's terms, each 8 bytes big-endian and then its posting chunk, of one large Put, until folded; in version 4 { + segment + term (8 bytes) → the term's chunk
	prefixRecord2 = 'd' // the records' prefix in version 2
	prefixPosting = 'p' // p + term (8 bytes, big-endian) → posting chunks (merged by appending)
	prefixCount   = 'f' // f + term (8 bytes, big-endian) → int64 hits (merged by adding)
	prefixCounter = 'c' // c + name → int64 (merged by adding)
	prefixSubst   = 's' // s + site 0 from 0 to → int64 (merged by adding)
	prefixLesson  = 'l' // l + page key → the page's substitutions (JSON); added in version 2 without a bump: an index without them has learned from no page yet
	prefixLinks   = 'k' // k + id → the article's links (JSON); added in version 2 without a bump: an index without them has linked no article yet
	prefixStory   = 'y' // y + story number (4 bytes, big-endian) → the story (JSON); added in version 2 without a bump, like the two above
	prefixStoryOf = 'Y' // Y + id → the article's story number (4 bytes, big-endian)
	keyStories    = "t" // present while the stored stories are fresh: Put deletes it
	keyNext       = "n" // → next doc number
	keyVersion    = "v" // → FormatVersion
)

// DefaultIngestBytes is the default Options.IngestBytes: a batch of
// add's (2,000 articles of 4 KB) is over it, an API write is far under.
const DefaultIngestBytes = 4 << 20

// Options configure a DB. The zero value opens an existing index.
type Options struct {
	Logger    *slog.Logger // Pebble's own messages; nil discards informational ones
	CacheSize int64        // block cache bytes; 0 means 256 MiB
	// Create makes a new index when dir does not exist or is empty. Without
	// it, Open of a missing index fails with ErrNoIndex: a mistyped --db
	// must not silently become an empty index that finds no source.
	Create bool
	// IngestBytes is the size of article text from which a Put is written
	// as a sorted table and ingested instead of going through Pebble's log
	// and memtable (README, "Performance": the measured effect). 0 means
	// DefaultIngestBytes; a negative value means never.
	IngestBytes int
}

// Errors of Open that a caller may want to tell apart.
var (
	// ErrNoIndex: there is no index at the directory (it does not exist, or is empty).
	ErrNoIndex = errors.New("no index there")
	// ErrNotIndex: the directory holds other files, not an index.
	ErrNotIndex = errors.New("the directory holds files that are not an unspun index")
	// ErrInUse: another process has the index open.
	ErrInUse = errors.New("the index is in use by another unspun process")
)

// kind tells what a directory holds: nothing (missing or empty), an
// index (Pebble's files), or other files.
func kind(dir string) (exists, index bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	if len(entries) == 0 {
		return false, false, nil
	}
	for _, e := range entries {
		n := e.Name()
		if n == "CURRENT" || strings.HasPrefix(n, "MANIFEST-") || strings.HasPrefix(n, "marker.manifest") {
			return true, true, nil
		}
	}
	return true, false, nil
}

// DB is a store.Store in one directory.
type DB struct {
	db    *pebbledb.DB
	cache *pebbledb.Cache
	opts  *pebbledb.Options // with Pebble's defaults filled in, for writing tables
	dir   string

	ingestBytes  int
	recordPrefix byte       // prefixRecord, or prefixRecord2 in a version 2 index
	segmented    bool       // large Puts write segments (version 4 and later)
	grouped      bool       // a segment has a key per group of terms, not per term (version 5)
	mu           sync.Mutex // serialises Put, which allocates doc numbers, and folds
	next         uint32

	// segments are the numbers of the segments not yet folded, in
	// ascending order, which is the order of their articles' numbers. The
	// slice is replaced, never changed, so readers load it without a lock.
	segments    atomic.Pointer[[]uint32]
	maxSegments int

	scratch putScratch // Put's buffers, under mu

	// putIDs, in an index that was empty when opened, holds the hashes of
	// the ids Put since: every id in the index. A Put looks an id up only
	// if its hash is here; the others are new. A bulk add into a new index
	// looked up each of its ids for nothing (0.8 s of CPU at 100k).
	putIDs map[uint64]bool

	learnMu sync.Mutex // serialises Learn

	closed atomic.Bool // Pebble panics on use after Close; we return errClosed
}

var errClosed = errors.New("store: closed")

var _ store.Store = (*DB)(nil)

// Open opens or creates the index in dir. Only one process may have it open.
func Open(dir string, opts Options) (*DB, error) {
	if opts.CacheSize == 0 {
		opts.CacheSize = 256 << 20
	}
	exists, index, err := kind(dir)
	switch {
	case err != nil:
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	case exists && !index:
		return nil, fmt.Errorf("store: open %s: %w", dir, ErrNotIndex)
	case !exists && !opts.Create:
		return nil, fmt.Errorf("store: open %s: %w", dir, ErrNoIndex)
	case !exists:
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", dir, err)
		}
	}
	cache := pebbledb.NewCache(opts.CacheSize)
	po := &pebbledb.Options{
		Cache:        cache,
		Merger:       merger,
		Logger:       logger{opts.Logger},
		MemTableSize: 32 << 20,
	}
	// Folding segments excises them in the step that ingests the folded
	// lists, which needs virtual tables: an older index is ratcheted to it
	// when opened (readable by this Pebble, which every unspun uses).
	po.FormatMajorVersion = pebbledb.FormatVirtualSSTables
	po.EnsureDefaults()
	// Tables above the bottom level are written to be rewritten: bulk
	// ingests land in level 0 and are soon compacted down. Compressing them
	// cost a sixth of add's CPU and saved no byte of the final index, which
	// the bottom level's compression decides (README, "Performance").
	for i := range len(po.Levels) - 1 {
		po.Levels[i].Compression = func() *sstable.CompressionProfile { return sstable.NoCompression }
	}
	for _, name := range tempTables() {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			cache.Unref()
			return nil, fmt.Errorf("store: open %s: %w", dir, err)
		}
	}
	db, err := pebbledb.Open(dir, po)
	cache.Unref() // the DB holds its own reference
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("store: open %s: %w", dir, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	s := &DB{db: db, cache: cache, opts: po, dir: dir, ingestBytes: opts.IngestBytes, maxSegments: maxSegments}
	switch {
	case s.ingestBytes == 0:
		s.ingestBytes = DefaultIngestBytes
	case s.ingestBytes < 0:
		s.ingestBytes = math.MaxInt
	}
	if err := s.checkVersion(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	if err := s.loadSegments(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: segments: %v", dir, err)
	}
	v, err := s.get([]byte(keyNext))
	switch {
	case err == nil && len(v) == 4:
		s.next = binary.BigEndian.Uint32(v)
	case errors.Is(err, unspun.ErrNotFound):
		s.next = 1
		s.putIDs = map[uint64]bool{}
	default:
		db.Close()
		return nil, fmt.Errorf("store: open %s: next doc number: %v", dir, err)
	}
	return s, nil
}

// checkVersion reads the index's format version, or writes it into a new
// index, and sets what depends on it.
func (s *DB) checkVersion() error {
	v, err := s.get([]byte(keyVersion))
	if errors.Is(err, unspun.ErrNotFound) {
		v = binary.BigEndian.AppendUint32(nil, newIndexVersion)
		if err := s.db.Set([]byte(keyVersion), v, pebbledb.Sync); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	version := uint32(0) // not a version: the value is malformed
	if len(v) == 4 {
		version = binary.BigEndian.Uint32(v)
	}
	switch version {
	case 2:
		s.recordPrefix = prefixRecord2
	case 3:
		s.recordPrefix = prefixRecord
	case 4:
		s.recordPrefix = prefixRecord
		s.segmented = true
	case FormatVersion:
		s.recordPrefix = prefixRecord
		s.segmented, s.grouped = true, true
	default:
		return fmt.Errorf("index format %x, this unspun reads 2 to %d: rebuild the index", v, FormatVersion)
	}
	return nil
}

// get returns a copy of the value of key, or ErrNotFound.
func (s *DB) get(key []byte) ([]byte, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebbledb.ErrNotFound) {
		return nil, unspun.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, nil
}

func idKey(id string) []byte { return append([]byte{prefixID}, id...) }

func linksKey(id string) []byte { return append([]byte{prefixLinks}, id...) }

func (s *DB) docKey(doc uint32) []byte {
	k := [5]byte{s.recordPrefix}
	binary.BigEndian.PutUint32(k[1:], doc)
	return k[:]
}

// records are the iterator bounds of the article records.
func (s *DB) records() *pebbledb.IterOptions {
	return &pebbledb.IterOptions{LowerBound: []byte{s.recordPrefix}, UpperBound: []byte{s.recordPrefix + 1}}
}

func postingKey(term uint64) []byte {
	k := [9]byte{prefixPosting}
	binary.BigEndian.PutUint64(k[1:], term)
	return k[:]
}

func countKey(term uint64) []byte {
	k := [9]byte{prefixCount}
	binary.BigEndian.PutUint64(k[1:], term)
	return k[:]
}

// segmentKey is the key of term's chunk in segment seg: of its group's
// terms in a version 5 index, of the term's alone in version 4.
func (s *DB) segmentKey(seg uint32, term uint64) []byte {
	if s.grouped {
		k := [7]byte{prefixSegment}
		binary.BigEndian.PutUint32(k[1:], seg)
		binary.BigEndian.PutUint16(k[5:], termGroup(term))
		return k[:]
	}
	k := [13]byte{prefixSegment}
	binary.BigEndian.PutUint32(k[1:], seg)
	binary.BigEndian.PutUint64(k[5:], term)
	return k[:]
}

// segmentStart is the first key that any segment from seg on may have.
func segmentStart(seg uint32) []byte {
	k := [5]byte{prefixSegment}
	binary.BigEndian.PutUint32(k[1:], seg)
	return k[:]
}

// groupBits is how many of a term's top bits make its group. A batch of
// 2,000 articles has about 100,000 terms: some 25 a group, 2 KB of
// chunks, which a read before the fold goes through to find its term.
const groupBits = 12

func termGroup(term uint64) uint16 { return uint16(term >> (64 - groupBits)) }

// nextGrouped splits the first term and chunk off a group's value.
func nextGrouped(v []byte) (term uint64, chunk, rest []byte, err error) {
	if len(v) < 8 {
		return 0, nil, nil, errCorruptPostings
	}
	term, v = binary.BigEndian.Uint64(v), v[8:]
	_, n, err := chunkHeader(v)
	if err != nil {
		return 0, nil, nil, err
	}
	return term, v[:n], v[n:], nil
}

func counterKey(name string) []byte { return append([]byte{prefixCounter}, name...) }

func substKey(site, from, to string) []byte {
	k := append([]byte{prefixSubst}, site...)
	k = append(k, 0)
	k = append(k, from...)
	k = append(k, 0)
	return append(k, to...)
}

func int64Value(n int64) []byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

// Get implements store.Store.
func (s *DB) Get(ctx context.Context, id string) (unspun.Article, error) {
	num, err := s.Number(ctx, id)
	if err != nil {
		return unspun.Article{}, err
	}
	return s.Doc(ctx, num)
}

// Number implements store.Store.
func (s *DB) Number(ctx context.Context, id string) (uint32, error) {
	if s.closed.Load() {
		return 0, errClosed
	}
	v, err := s.get(idKey(id))
	if err != nil {
		return 0, fmt.Errorf("store: get %q: %w", id, err)
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("store: get %q: corrupt id entry", id)
	}
	return binary.BigEndian.Uint32(v), nil
}

// Doc implements store.Store.
func (s *DB) Doc(ctx context.Context, doc uint32) (unspun.Article, error) {
	if s.closed.Load() {
		return unspun.Article{}, errClosed
	}
	v, closer, err := s.db.Get(s.docKey(doc))
	if errors.Is(err, pebbledb.ErrNotFound) {
		return unspun.Article{}, fmt.Errorf("store: doc %d: %w", doc, unspun.ErrNotFound)
	}
	if err != nil {
		return unspun.Article{}, fmt.Errorf("store: doc %d: %w", doc, err)
	}
	defer closer.Close()
	a, _, err := decodeRecord(v)
	if err != nil {
		return unspun.Article{}, fmt.Errorf("store: doc %d: %w", doc, err)
	}
	return a, nil
}

// Postings implements store.Store.
func (s *DB) Postings(ctx context.Context, key uint64, max int, dst []store.Hit) ([]store.Hit, int, error) {
	if s.closed.Load() {
		return dst, 0, errClosed
	}
	if segs := *s.segments.Load(); len(segs) > 0 {
		return s.segmentedPostings(key, max, dst, segs)
	}
	if max > 0 {
		// The count first: a common word's list can be megabytes.
		c, err := s.get(countKey(key))
		switch {
		case errors.Is(err, unspun.ErrNotFound):
			return dst, 0, nil
		case err != nil:
			return dst, 0, fmt.Errorf("store: postings: %w", err)
		case len(c) != 8:
			return dst, 0, fmt.Errorf("store: postings %016x: corrupt count", key)
		}
		if df := int(binary.LittleEndian.Uint64(c)); df > max {
			return dst, df, nil
		}
	}
	v, closer, err := s.db.Get(postingKey(key))
	if errors.Is(err, pebbledb.ErrNotFound) {
		return dst, 0, nil
	}
	if err != nil {
		return dst, 0, fmt.Errorf("store: postings: %w", err)
	}
	defer closer.Close()
	return decodePostings(key, max, dst, v)
}

// decodePostings appends the hits of the chunks v to dst, unless there are
// more than max > 0 of them; it returns how many there are.
func decodePostings(key uint64, max int, dst []store.Hit, v []byte) ([]store.Hit, int, error) {
	df, err := countChunks(v)
	if err != nil {
		return dst, 0, fmt.Errorf("store: postings %016x: %w", key, err)
	}
	if max > 0 && df > max {
		return dst, df, nil
	}
	dst, err = decodeChunks(dst, v)
	if err != nil {
		return dst, 0, fmt.Errorf("store: postings %016x: %w", key, err)
	}
	return dst, df, nil
}

// segmentedPostings is Postings while segments are not folded: the term's
// folded chunks, then its chunk in each segment, read from one snapshot.
// The snapshot makes the read consistent with a fold that runs meanwhile:
// if the fold came first, the segments' chunks are in the folded value
// and their keys are gone; if it came later, the snapshot has both as
// they were. Segments newer than segs are not read, as if the read had
// come before their Put.
func (s *DB) segmentedPostings(key uint64, max int, dst []store.Hit, segs []uint32) ([]store.Hit, int, error) {
	snap := s.db.NewSnapshot()
	defer snap.Close()
	var v []byte
	// read appends the value of k, or with grouped the chunk of key in
	// the group that is k's value.
	read := func(k []byte, grouped bool) error {
		val, closer, err := snap.Get(k)
		if errors.Is(err, pebbledb.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: postings: %w", err)
		}
		defer closer.Close()
		if !grouped {
			v = append(v, val...)
			return nil
		}
		for len(val) > 0 {
			term, chunk, rest, err := nextGrouped(val)
			switch {
			case err != nil:
				return fmt.Errorf("store: postings: segment key %x: %w", k, err)
			case term == key:
				v = append(v, chunk...)
				return nil
			case term > key: // terms are in order
				return nil
			}
			val = rest
		}
		return nil
	}
	if err := read(postingKey(key), false); err != nil {
		return dst, 0, err
	}
	for _, seg := range segs {
		if err := read(s.segmentKey(seg, key), s.grouped); err != nil {
			return dst, 0, err
		}
	}
	return decodePostings(key, max, dst, v)
}

func (s *DB) counter(name string) (int64, error) {
	v, err := s.get(counterKey(name))
	if errors.Is(err, unspun.ErrNotFound) {
		return 0, nil
	}
	if err != nil || len(v) != 8 {
		return 0, fmt.Errorf("store: counter %s: %v", name, err)
	}
	return int64(binary.LittleEndian.Uint64(v)), nil
}

// Stats implements store.Store.
func (s *DB) Stats(ctx context.Context) (store.Stats, error) {
	if s.closed.Load() {
		return store.Stats{}, errClosed
	}
	a, err := s.counter("articles")
	if err != nil {
		return store.Stats{}, err
	}
	n, err := s.counter("sentences")
	return store.Stats{Articles: a, Sentences: n}, err
}

// Dates implements store.Store.
func (s *DB) Dates(ctx context.Context) ([]int64, error) {
	if s.closed.Load() {
		return nil, errClosed
	}
	s.mu.Lock()
	next := s.next
	s.mu.Unlock()
	it, err := s.db.NewIter(s.records())
	if err != nil {
		return nil, fmt.Errorf("store: dates: %w", err)
	}
	defer it.Close()
	out := make([]int64, next)
	for it.First(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k := it.Key()
		if len(k) != 5 {
			continue
		}
		n := binary.BigEndian.Uint32(k[1:])
		a, _, err := decodeRecord(it.Value())
		if err != nil {
			return nil, fmt.Errorf("store: dates: doc %d: %w", n, err)
		}
		if int(n) < len(out) && !a.Published.IsZero() {
			out[n] = a.Published.UnixNano()
		}
	}
	return out, it.Error()
}

// Articles implements store.Store.
func (s *DB) Articles(ctx context.Context, fn func(unspun.Article) error) error {
	if s.closed.Load() {
		return errClosed
	}
	it, err := s.db.NewIter(s.records())
	if err != nil {
		return fmt.Errorf("store: articles: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, _, err := decodeRecord(it.Value())
		if err != nil {
			return fmt.Errorf("store: articles: %w", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return it.Error()
}

// Learn implements store.Store.
func (s *DB) Learn(ctx context.Context, lessons []store.Lesson) (int, error) {
	if s.closed.Load() {
		return 0, errClosed
	}
	s.learnMu.Lock() // the check for a page and its record must not interleave with another Learn
	defer s.learnMu.Unlock()
	b := s.db.NewBatch()
	defer b.Close()
	seen := map[string]bool{}
	fresh := 0
	for _, l := range lessons {
		key := append([]byte{prefixLesson}, l.Page...)
		if seen[l.Page] {
			continue
		}
		seen[l.Page] = true
		if _, err := s.get(key); err == nil {
			continue
		} else if !errors.Is(err, unspun.ErrNotFound) {
			return 0, fmt.Errorf("store: learn: %w", err)
		}
		rec, err := json.Marshal(l.Subs)
		if err != nil {
			return 0, fmt.Errorf("store: learn: %w", err)
		}
		if err := b.Set(key, rec, nil); err != nil {
			return 0, fmt.Errorf("store: learn: %w", err)
		}
		for _, sub := range l.Subs {
			if err := b.Merge(substKey(sub.Site, sub.From, sub.To), int64Value(sub.Count), nil); err != nil {
				return 0, fmt.Errorf("store: learn: %w", err)
			}
		}
		fresh++
	}
	if err := b.Commit(pebbledb.Sync); err != nil {
		return 0, fmt.Errorf("store: learn: commit: %w", err)
	}
	return fresh, nil
}

// Lesson implements store.Store.
func (s *DB) Lesson(ctx context.Context, page string) ([]store.Substitution, bool, error) {
	if s.closed.Load() {
		return nil, false, errClosed
	}
	v, err := s.get(append([]byte{prefixLesson}, page...))
	if errors.Is(err, unspun.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: lesson: %w", err)
	}
	var subs []store.Substitution
	if err := json.Unmarshal(v, &subs); err != nil {
		return nil, false, fmt.Errorf("store: lesson %q: corrupt record: %w", page, err)
	}
	return subs, true, nil
}

// linksRecord is the stored form of an article's links.
type linksRecord struct {
	Sentences int          `json:"n"`
	Links     []store.Link `json:"l"`
}

// PutLinks implements store.Store.
func (s *DB) PutLinks(ctx context.Context, links []store.Links) error {
	if s.closed.Load() {
		return errClosed
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, l := range links {
		if l.Article == "" {
			return fmt.Errorf("store: put links: no article id: %w", unspun.ErrInvalid)
		}
		rec, err := json.Marshal(linksRecord{l.Sentences, l.Links})
		if err != nil {
			return fmt.Errorf("store: put links: %w", err)
		}
		if err := b.Set(linksKey(l.Article), rec, nil); err != nil {
			return fmt.Errorf("store: put links: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.Commit(pebbledb.Sync); err != nil {
		return fmt.Errorf("store: put links: commit: %w", err)
	}
	return nil
}

// ArticleLinks implements store.Store.
func (s *DB) ArticleLinks(ctx context.Context, id string) (store.Links, bool, error) {
	if s.closed.Load() {
		return store.Links{}, false, errClosed
	}
	v, err := s.get(linksKey(id))
	if errors.Is(err, unspun.ErrNotFound) {
		return store.Links{}, false, nil
	}
	if err != nil {
		return store.Links{}, false, fmt.Errorf("store: links: %w", err)
	}
	l, err := decodeLinks(id, v)
	return l, err == nil, err
}

func decodeLinks(id string, v []byte) (store.Links, error) {
	var r linksRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return store.Links{}, fmt.Errorf("store: links of %q: corrupt record: %w", id, err)
	}
	return store.Links{Article: id, Sentences: r.Sentences, Links: r.Links}, nil
}

// AllLinks implements store.Store.
func (s *DB) AllLinks(ctx context.Context, fn func(store.Links) error) error {
	if s.closed.Load() {
		return errClosed
	}
	it, err := s.db.NewIter(&pebbledb.IterOptions{LowerBound: []byte{prefixLinks}, UpperBound: []byte{prefixLinks + 1}})
	if err != nil {
		return fmt.Errorf("store: links: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		l, err := decodeLinks(string(it.Key()[1:]), it.Value())
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return it.Error()
}

// Substitutions implements store.Store.
func (s *DB) Substitutions(ctx context.Context, site string) ([]store.Substitution, error) {
	if s.closed.Load() {
		return nil, errClosed
	}
	lower := []byte{prefixSubst}
	upper := []byte{prefixSubst + 1}
	if site != "" {
		lower = append(append(lower, site...), 0)
		upper = append(append([]byte{prefixSubst}, site...), 1)
	}
	it, err := s.db.NewIter(&pebbledb.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, fmt.Errorf("store: substitutions: %w", err)
	}
	defer it.Close()
	sum := map[[2]string]int64{}
	for it.First(); it.Valid(); it.Next() {
		parts := splitZero(it.Key()[1:])
		v := it.Value()
		if len(parts) != 3 || len(v) != 8 {
			return nil, fmt.Errorf("store: substitutions: corrupt entry %q", it.Key())
		}
		sum[[2]string{parts[1], parts[2]}] += int64(binary.LittleEndian.Uint64(v))
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("store: substitutions: %w", err)
	}
	out := make([]store.Substitution, 0, len(sum))
	for k, n := range sum {
		out = append(out, store.Substitution{Site: site, From: k[0], To: k[1], Count: n})
	}
	store.SortSubstitutions(out)
	return out, nil
}

func splitZero(b []byte) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	return append(out, string(b[start:]))
}

// Close implements store.Store.
func (s *DB) Close() error {
	if s.closed.Swap(true) {
		return errClosed
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// logger adapts Pebble's printf logger to slog. Informational messages are
// debug level: Pebble logs every flush and compaction.
type logger struct{ l *slog.Logger }

func (l logger) Infof(format string, args ...interface{}) {
	if l.l != nil {
		l.l.Debug(fmt.Sprintf(format, args...))
	}
}

func (l logger) Errorf(format string, args ...interface{}) {
	if l.l != nil {
		l.l.Error(fmt.Sprintf(format, args...))
	}
}

func (l logger) Fatalf(format string, args ...interface{}) {
	panic(fmt.Sprintf("pebble: "+format, args...)) // Pebble's contract: Fatalf does not return
}

// Compact folds the segments, flushes the memtable and compacts the whole
// key space: posting chunks of every add are merged into one value per
// term, which makes lookups cheaper, and the directory's size reflects
// what is stored.
func (s *DB) Compact() error {
	if s.closed.Load() {
		return errClosed
	}
	s.mu.Lock()
	err := s.fold(context.Background())
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if err := s.db.Flush(); err != nil {
		return err
	}
	return s.db.Compact(context.Background(), []byte{0}, []byte{0xff}, true)
}

// storyRecord is the stored form of a story.
type storyRecord struct {
	Title   string         `json:"title,omitempty"`
	First   string         `json:"first,omitempty"`
	Last    string         `json:"last,omitempty"`
	Members []memberRecord `json:"members"`
}

type memberRecord struct {
	ID        string `json:"id"`
	URL       string `json:"url,omitempty"`
	Site      string `json:"site,omitempty"`
	Published string `json:"published,omitempty"`
}

func storyKey(n int) []byte {
	k := [5]byte{prefixStory}
	binary.BigEndian.PutUint32(k[1:], uint32(n))
	return k[:]
}

// PutStories implements store.Store.
func (s *DB) PutStories(ctx context.Context, stories []store.Story) error {
	if s.closed.Load() {
		return errClosed
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, p := range []byte{prefixStory, prefixStoryOf} {
		if err := b.DeleteRange([]byte{p}, []byte{p + 1}, nil); err != nil {
			return fmt.Errorf("store: put stories: %w", err)
		}
	}
	for k, st := range stories {
		if k%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if st.Number < 0 || int64(st.Number) > math.MaxUint32 {
			return fmt.Errorf("store: put stories: story number %d: %w", st.Number, unspun.ErrInvalid)
		}
		r := storyRecord{Title: st.Title, First: formatTime(st.First), Last: formatTime(st.Last), Members: make([]memberRecord, len(st.Members))}
		var nb [4]byte
		binary.BigEndian.PutUint32(nb[:], uint32(st.Number))
		for i, m := range st.Members {
			r.Members[i] = memberRecord{m.ID, m.URL, m.Site, formatTime(m.Published)}
			if err := b.Set(append([]byte{prefixStoryOf}, m.ID...), nb[:], nil); err != nil {
				return fmt.Errorf("store: put stories: %w", err)
			}
		}
		v, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("store: put stories: %w", err)
		}
		if err := b.Set(storyKey(st.Number), v, nil); err != nil {
			return fmt.Errorf("store: put stories: %w", err)
		}
	}
	if err := b.Set([]byte(keyStories), nil, nil); err != nil {
		return fmt.Errorf("store: put stories: %w", err)
	}
	if err := b.Commit(pebbledb.Sync); err != nil {
		return fmt.Errorf("store: put stories: commit: %w", err)
	}
	return nil
}

// storiesFresh reports whether stories are stored and no article was put
// since.
func (s *DB) storiesFresh() (bool, error) {
	_, err := s.get([]byte(keyStories))
	if errors.Is(err, unspun.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Stories implements store.Store.
func (s *DB) Stories(ctx context.Context, fn func(store.Story) error) (bool, error) {
	if s.closed.Load() {
		return false, errClosed
	}
	// One snapshot, so that a Put between the check and the scan cannot
	// mix stale stories in.
	snap := s.db.NewSnapshot()
	defer snap.Close()
	if _, closer, err := snap.Get([]byte(keyStories)); errors.Is(err, pebbledb.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("store: stories: %w", err)
	} else {
		closer.Close()
	}
	it, err := snap.NewIter(&pebbledb.IterOptions{LowerBound: []byte{prefixStory}, UpperBound: []byte{prefixStory + 1}})
	if err != nil {
		return false, fmt.Errorf("store: stories: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		key := it.Key()
		if len(key) != 5 {
			return true, fmt.Errorf("store: stories: corrupt key %q", key)
		}
		var r storyRecord
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			return true, fmt.Errorf("store: story %d: corrupt record: %w", binary.BigEndian.Uint32(key[1:]), err)
		}
		st := store.Story{Number: int(binary.BigEndian.Uint32(key[1:])), Title: r.Title, First: parseTime(r.First), Last: parseTime(r.Last),
			Members: make([]store.StoryMember, len(r.Members))}
		for i, m := range r.Members {
			st.Members[i] = store.StoryMember{ID: m.ID, URL: m.URL, Site: m.Site, Published: parseTime(m.Published)}
		}
		if err := fn(st); err != nil {
			return true, err
		}
	}
	return true, it.Error()
}

// StoryOf implements store.Store.
func (s *DB) StoryOf(ctx context.Context, id string) (int, bool, error) {
	if s.closed.Load() {
		return 0, false, errClosed
	}
	if fresh, err := s.storiesFresh(); !fresh || err != nil {
		return 0, false, err
	}
	v, err := s.get(append([]byte{prefixStoryOf}, id...))
	if errors.Is(err, unspun.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil || len(v) != 4 {
		return 0, false, fmt.Errorf("store: story of %q: %v (%d bytes)", id, err, len(v))
	}
	return int(binary.BigEndian.Uint32(v)), true, nil
}

// formatTime is how stories keep dates, as records keep an article's.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// parseTime reads formatTime's dates; what it cannot read is unknown.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
