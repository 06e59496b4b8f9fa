package pebble

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/internal/jsonstr"
	"github.com/unspun/unspun/internal/swar"
)

// record is the stored form of an article.
type record struct {
	ID        string `json:"id"`
	URL       string `json:"url,omitempty"`
	Site      string `json:"site,omitempty"`
	Title     string `json:"title,omitempty"`
	Published string `json:"published,omitempty"`
	Lang      string `json:"lang,omitempty"`
	Body      string `json:"body"`
	Sentences int    `json:"sentences"`
}

// encodeRecord writes the record of an article: the bytes json.Marshal
// writes for its record (TestEncodeRecordMatchesMarshal and
// FuzzEncodeRecord check that), by hand, because Marshal cost a tenth of
// Put, most of it escaping the body through reflection.
func encodeRecord(a unspun.Article, sentences int) ([]byte, error) {
	return appendRecord(make([]byte, 0, len(a.Body)+len(a.Title)+len(a.URL)+len(a.ID)+len(a.Site)+128), a, sentences), nil
}

// appendRecord appends the record encodeRecord makes to b: Put writes it
// into its buffer of writes, without a copy of its own.
func appendRecord(b []byte, a unspun.Article, sentences int) []byte {
	published := ""
	if !a.Published.IsZero() {
		published = a.Published.Format(time.RFC3339Nano)
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, a.ID)
	for _, f := range [...]struct{ key, value string }{
		{`,"url":`, a.URL}, {`,"site":`, a.Site}, {`,"title":`, a.Title}, {`,"published":`, published}, {`,"lang":`, a.Lang},
	} {
		if f.value != "" { // omitempty
			b = append(b, f.key...)
			b = appendJSONString(b, f.value)
		}
	}
	b = append(b, `,"body":`...)
	b = appendJSONString(b, a.Body)
	b = append(b, `,"sentences":`...)
	b = strconv.AppendInt(b, int64(sentences), 10)
	return append(b, '}')
}

// appendJSONString appends s as encoding/json writes a string: quoted, with
// HTML's <, > and & escaped, invalid UTF-8 as U+FFFD, and U+2028 and
// U+2029 escaped. Runs of bytes that need nothing are copied whole.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	from := 0 // s[from:i] is to be copied as it is
	for i := 0; i < len(s); {
		if i+8 <= len(s) && !jsonMayEscape(swar.Load(s, i)) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[from:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default: // other control characters, and <, > and &
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			from = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[from:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[from:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		from = i
	}
	b = append(b, s[from:]...)
	return append(b, '"')
}

// jsonMayEscape reports whether any of the eight bytes in w is one that
// appendJSONString looks at: a byte jsonPlain does not mark, or one beyond
// ASCII (invalid UTF-8, U+2028 and U+2029 are written otherwise).
func jsonMayEscape(w uint64) bool {
	return swar.Less(w, 0x20)|swar.Equal(w, '"')|swar.Equal(w, '\\')|swar.Equal(w, '<')|swar.Equal(w, '>')|
		swar.Equal(w, '&')|swar.NotASCII(w) != 0
}

// jsonPlain marks the ASCII bytes that encoding/json writes as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// decodeRecord reads a record. Records are what encodeRecord wrote, so a
// reader made for exactly that form (no spaces, known keys, strings whose
// escapes are the simple ones) reads them; anything else, which an index
// written by this code does not hold, goes to encoding/json. Scans of the
// whole index (stories, link, sites) spent most of their reading time in
// encoding/json.
func decodeRecord(b []byte) (unspun.Article, int, error) {
	r, ok := parseRecord(b)
	if !ok {
		r = record{}
		if err := json.Unmarshal(b, &r); err != nil {
			return unspun.Article{}, 0, fmt.Errorf("corrupt article record: %v", err)
		}
	}
	a := unspun.Article{ID: r.ID, URL: r.URL, Site: r.Site, Title: r.Title, Lang: r.Lang, Body: r.Body}
	if r.Published != "" {
		t, err := time.Parse(time.RFC3339Nano, r.Published)
		if err != nil {
			return unspun.Article{}, 0, fmt.Errorf("corrupt article record: %v", err)
		}
		a.Published = t
	}
	return a, r.Sentences, nil
}

// parseRecord reads a record in encodeRecord's form. It reports false for
// anything else; it never reads a record differently from encoding/json
// (FuzzParseRecord checks that).
func parseRecord(b []byte) (r record, ok bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return record{}, false
	}
	i := 1
	for first := true; ; first = false {
		if i >= len(b)-1 {
			return r, !first // "{}" is not a record
		}
		if !first {
			if b[i] != ',' {
				return record{}, false
			}
			i++
		}
		key, n, ok := parseString(b, i)
		if !ok || n >= len(b) || b[n] != ':' {
			return record{}, false
		}
		i = n + 1
		if key == "sentences" {
			v, n, ok := parseCount(b, i)
			if !ok {
				return record{}, false
			}
			r.Sentences, i = v, n
			continue
		}
		var dst *string
		switch key {
		case "id":
			dst = &r.ID
		case "url":
			dst = &r.URL
		case "site":
			dst = &r.Site
		case "title":
			dst = &r.Title
		case "published":
			dst = &r.Published
		case "lang":
			dst = &r.Lang
		case "body":
			dst = &r.Body
		default:
			return record{}, false
		}
		if *dst, i, ok = parseString(b, i); !ok {
			return record{}, false
		}
	}
}

// parseString reads the JSON string at b[i:] and returns it with the index
// after it; invalid UTF-8, which encoding/json would replace, reports false.
func parseString(b []byte, i int) (string, int, bool) {
	s, next, ok := jsonstr.Read(b, i, true)
	if !ok || !utf8.ValidString(s) {
		return "", 0, false
	}
	return s, next, true
}

// parseCount reads a non-negative integer of at most nine digits.
func parseCount(b []byte, i int) (int, int, bool) {
	start, v := i, 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < 9 {
		v = v*10 + int(b[i]-'0')
		i++
	}
	if i == start || b[start] == '0' && i-start > 1 || i < len(b) && b[i] >= '0' && b[i] <= '9' {
		return 0, 0, false
	}
	return v, i, true
}
