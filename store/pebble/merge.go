package pebble

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	pebbledb "github.com/cockroachdb/pebble/v2"

	"github.com/unspun/unspun/store"
)

// A posting value is a sequence of chunks, one per Put that added hits to
// the term: uvarint(hits<<1 | checked) uvarint(bytes) then, per hit,
// uvarint(doc delta) uvarint(sentence) and, in a checked chunk,
// uvarint(check); the first delta is from zero. Chunks are self-contained,
// so merging is concatenation and the count of a term is the sum of the
// chunk headers, read without decoding the hits.

func appendChunk(dst []byte, hits []store.Hit) []byte {
	checked := uint64(0)
	for _, h := range hits {
		if h.Check != 0 {
			checked = 1
			break
		}
	}
	// The body's length comes before it: the body is written where it
	// goes, after room for the longest length, and moved back over what
	// the length did not take (a move of a few bytes, not a buffer a chunk).
	dst = binary.AppendUvarint(dst, uint64(len(hits))<<1|checked)
	at := len(dst)
	dst = append(dst, make([]byte, binary.MaxVarintLen64)...)
	prev := uint32(0)
	for _, h := range hits { // hits arrive in doc order: numbers grow within a Put
		dst = binary.AppendUvarint(dst, uint64(h.Doc-prev))
		dst = binary.AppendUvarint(dst, uint64(h.Sentence))
		if checked == 1 {
			dst = binary.AppendUvarint(dst, uint64(h.Check))
		}
		prev = h.Doc
	}
	body := len(dst) - at - binary.MaxVarintLen64
	n := len(binary.AppendUvarint(dst[at:at], uint64(body)))
	copy(dst[at+n:], dst[at+binary.MaxVarintLen64:])
	return dst[:at+n+body]
}

var errCorruptPostings = errors.New("corrupt posting list")

// chunkHeader reads the header of the chunk that v starts with: its
// number of hits and its length, header included.
func chunkHeader(v []byte) (hits, n int, err error) {
	h, k := binary.Uvarint(v)
	if k <= 0 {
		return 0, 0, errCorruptPostings
	}
	size, k2 := binary.Uvarint(v[k:])
	if k2 <= 0 || uint64(len(v)-k-k2) < size {
		return 0, 0, errCorruptPostings
	}
	return int(h >> 1), k + k2 + int(size), nil
}

func countChunks(v []byte) (int, error) {
	total := 0
	for len(v) > 0 {
		hits, n, err := chunkHeader(v)
		if err != nil {
			return 0, err
		}
		total += hits
		v = v[n:]
	}
	return total, nil
}

func decodeChunks(dst []store.Hit, v []byte) ([]store.Hit, error) {
	for len(v) > 0 {
		header, k := binary.Uvarint(v)
		size, k2 := binary.Uvarint(v[k:])
		body := v[k+k2 : k+k2+int(size)]
		v = v[k+k2+int(size):]
		doc := uint64(0)
		for range header >> 1 {
			d, a := binary.Uvarint(body)
			if a <= 0 {
				return dst, errCorruptPostings
			}
			s, b := binary.Uvarint(body[a:])
			if b <= 0 || s > 0xffff {
				return dst, errCorruptPostings
			}
			body = body[a+b:]
			var check uint64
			if header&1 == 1 {
				var c int
				check, c = binary.Uvarint(body)
				if c <= 0 || check > 0xffff {
					return dst, errCorruptPostings
				}
				body = body[c:]
			}
			doc += d
			if doc > 0xffffffff {
				return dst, errCorruptPostings
			}
			dst = append(dst, store.Hit{Doc: uint32(doc), Sentence: uint16(s), Check: uint16(check)})
		}
	}
	return dst, nil
}

// merger merges posting chunks by appending them and counters by adding.
var merger = &pebbledb.Merger{
	Name: "unspun.v1",
	Merge: func(key, value []byte) (pebbledb.ValueMerger, error) {
		if len(key) > 0 && key[0] == prefixPosting {
			return &appendMerger{newer: [][]byte{append([]byte(nil), value...)}}, nil
		}
		m := &sumMerger{}
		return m, m.MergeNewer(value)
	},
}

// appendMerger concatenates operands oldest first. Pebble hands it operands
// newer and older than the first in any mix, so it keeps the two sides
// apart and joins them once, in Finish: prepending each older operand would
// be quadratic in the number of operands.
type appendMerger struct {
	newer [][]byte // the first operand and newer ones, oldest first
	older [][]byte // operands older than the first, newest first
}

func (m *appendMerger) MergeNewer(v []byte) error {
	m.newer = append(m.newer, append([]byte(nil), v...))
	return nil
}

func (m *appendMerger) MergeOlder(v []byte) error {
	m.older = append(m.older, append([]byte(nil), v...))
	return nil
}

func (m *appendMerger) Finish(bool) ([]byte, io.Closer, error) {
	n := 0
	for _, p := range m.older {
		n += len(p)
	}
	for _, p := range m.newer {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for i := len(m.older) - 1; i >= 0; i-- {
		out = append(out, m.older[i]...)
	}
	for _, p := range m.newer {
		out = append(out, p...)
	}
	return out, nil, nil
}

type sumMerger struct{ sum int64 }

func (m *sumMerger) MergeNewer(v []byte) error {
	if len(v) != 8 {
		return fmt.Errorf("corrupt counter of %d bytes", len(v))
	}
	m.sum += int64(binary.LittleEndian.Uint64(v))
	return nil
}

func (m *sumMerger) MergeOlder(v []byte) error { return m.MergeNewer(v) }

func (m *sumMerger) Finish(bool) ([]byte, io.Closer, error) {
	return int64Value(m.sum), nil, nil
}
