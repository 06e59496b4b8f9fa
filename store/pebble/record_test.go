package pebble

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/store"
)

// trickyTexts are strings whose JSON form has every kind of escape
// encoding/json writes, and some it reads.
var trickyTexts = []string{
	"", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\rcr\bbf\f",
	"<script>&amp;</script>", "line\u2028sep\u2029", "nul \x00 and \x1f", "héllo — “curly” 漢字 🎉",
	"bad utf-8 \xff\xfe here",
}

// TestRecordRoundTrip writes articles with tricky texts and reads them
// back through the fast reader: it must take them all (an index written by
// this code never needs encoding/json to be read) and read them as
// encoding/json does.
func TestRecordRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 500 {
		pick := func() string {
			var sb strings.Builder
			for range rng.IntN(4) {
				sb.WriteString(trickyTexts[rng.IntN(len(trickyTexts))])
			}
			return sb.String()
		}
		a := unspun.Article{ID: pick() + "id", URL: pick(), Site: pick(), Title: pick(), Lang: pick(), Body: pick()}
		if n%2 == 0 {
			a.Published = time.Date(2031, 3, 1+n%28, 9, n%60, 0, n, time.UTC)
		}
		b, err := encodeRecord(a, n)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseRecord(b)
		if !ok {
			t.Fatalf("fast reader refused %s", b)
		}
		var want record
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if ok && got != want {
			t.Fatalf("read %+v, encoding/json reads %+v", got, want)
		}
		if _, sentences, err := decodeRecord(b); err != nil || sentences != n {
			t.Fatalf("decodeRecord: %d, %v", sentences, err)
		}
	}
}

// marshalRecord is what encodeRecord must write: encoding/json's form of
// the article's record.
func marshalRecord(a unspun.Article, sentences int) []byte {
	r := record{ID: a.ID, URL: a.URL, Site: a.Site, Title: a.Title, Lang: a.Lang, Body: a.Body, Sentences: sentences}
	if !a.Published.IsZero() {
		r.Published = a.Published.Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

// TestEncodeRecordMatchesMarshal checks encodeRecord's bytes against
// encoding/json's for the tricky texts in every field, each byte alone,
// and empty fields (omitted but for id and body).
func TestEncodeRecordMatchesMarshal(t *testing.T) {
	texts := append([]string(nil), trickyTexts...)
	for c := range 256 {
		texts = append(texts, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
		for at := range 17 { // in every place of the eight-byte runs that are skipped whole
			b := []byte("plain words of a body, long enough")
			b[at] = byte(c)
			texts = append(texts, string(b))
		}
	}
	texts = append(texts, "\u2027\u2028\u2029\u202a", "\xe2\x80", "\xed\xa0\x80", "\U0010ffff\xf4\x90\x80\x80")
	for i, s := range texts {
		for _, a := range []unspun.Article{
			{ID: s, Body: s},
			{ID: s, URL: s, Site: s, Title: s, Lang: s, Body: s, Published: time.Date(2031, 3, 1, 9, 0, i, i, time.UTC)},
		} {
			got, err := encodeRecord(a, i)
			if want := marshalRecord(a, i); err != nil || string(got) != string(want) {
				t.Fatalf("encodeRecord(%q) = %s (%v), json.Marshal writes %s", s, got, err, want)
			}
		}
	}
}

// FuzzEncodeRecord checks encodeRecord against encoding/json on any text.
func FuzzEncodeRecord(f *testing.F) {
	for _, s := range trickyTexts {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, id, body string) {
		a := unspun.Article{ID: id, Title: body, Body: body + id}
		got, err := encodeRecord(a, len(body))
		if want := marshalRecord(a, len(body)); err != nil || string(got) != string(want) {
			t.Fatalf("encodeRecord = %s (%v), json.Marshal writes %s", got, err, want)
		}
	})
}

// FuzzParseRecord checks that whatever the fast reader takes, it reads as
// encoding/json does.
func FuzzParseRecord(f *testing.F) {
	for _, s := range trickyTexts {
		b, _ := encodeRecord(unspun.Article{ID: s, Body: s, Title: s, Published: time.Unix(1e9, 5)}, 3)
		f.Add(b)
	}
	f.Add([]byte(`{"id":"a","sentences":12}`))
	f.Add([]byte(`{"id":"a","id":"b","body":"\u00e9\ud83c\udf89"}`))
	f.Add([]byte(`{"ID":"a"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := parseRecord(b)
		if !ok {
			return
		}
		var want record
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("fast reader took %q, encoding/json refuses it: %v", b, err)
		}
		if got != want {
			t.Fatalf("%q: read %+v, encoding/json reads %+v", b, got, want)
		}
	})
}

// BenchmarkDecodeRecord reads a record of a 4.5 KB article, with the fast
// reader and with encoding/json.
func BenchmarkDecodeRecord(b *testing.B) {
	body := strings.Repeat("The harbour board of Keldholm met on Tuesday and said “the ferry will run again”.\n\n", 52)
	rec, _ := encodeRecord(unspun.Article{ID: "keldholm/ferry", URL: "https://keldholm-post.test/ferry", Site: "keldholm-post.test",
		Title: "Ferry to run again", Published: time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC), Lang: "en", Body: body}, 104)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		for b.Loop() {
			if _, _, err := decodeRecord(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(rec)))
		for b.Loop() {
			var r record
			if err := json.Unmarshal(rec, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestAppendChunk checks the chunk writer, which writes the body in place
// and moves it back over the room its length did not take, against the
// format written plainly: header, body length, body.
func TestAppendChunk(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 400 {
		hits := make([]store.Hit, n)
		doc := uint32(r.IntN(1000))
		for i := range hits {
			doc += uint32(r.IntN(3000))
			hits[i] = store.Hit{Doc: doc, Sentence: uint16(r.IntN(300))}
			if n%3 == 0 {
				hits[i].Check = uint16(r.Uint32())
			}
		}
		var body []byte
		prev := uint32(0)
		for _, h := range hits {
			body = binary.AppendUvarint(body, uint64(h.Doc-prev))
			body = binary.AppendUvarint(body, uint64(h.Sentence))
			if n%3 == 0 && n > 0 {
				body = binary.AppendUvarint(body, uint64(h.Check))
			}
			prev = h.Doc
		}
		checked := uint64(0)
		if n%3 == 0 && n > 0 {
			checked = 1
		}
		want := binary.AppendUvarint([]byte("prefix"), uint64(n)<<1|checked)
		want = binary.AppendUvarint(want, uint64(len(body)))
		want = append(want, body...)
		if got := appendChunk([]byte("prefix"), hits); !bytes.Equal(got, want) {
			t.Fatalf("%d hits: chunk\n%x\nwant\n%x", n, got, want)
		}
	}
}
