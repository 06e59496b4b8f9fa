package jsonstr

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestRead(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{`"plain"`, "plain", true},
		{`""`, "", true},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t", true},
		{`"\u00e9\u20AC\u0000"`, "é€\x00", true},
		{`"caf\u00e9 run"`, "café run", true},
		{`"\ud83c\udf89"`, "", false}, // surrogates: encoding/json's business
		{`"tab	raw"`, "", false},      // a raw control character
		{`"\x"`, "", false},
		{`"\u12"`, "", false},
		{`"open`, "", false},
		{`open"`, "", false},
	}
	for _, tt := range tests {
		got, next, ok := Read([]byte(tt.in), 0, true)
		if ok != tt.ok || ok && (got != tt.want || next != len(tt.in)) {
			t.Errorf("Read(%s) = %q, %d, %v; want %q, %v", tt.in, got, next, ok, tt.want, tt.ok)
		}
		if _, next2, ok2 := Read([]byte(tt.in), 0, false); ok2 != ok || ok && next2 != next {
			t.Errorf("Read(%s) without decoding = %d, %v; decoding gave %d, %v", tt.in, next2, ok2, next, ok)
		}
	}
}

// FuzzRead checks that whatever Read takes, encoding/json reads the same.
func FuzzRead(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\n\u00e9"`, `"\ud83c"`, `"x` + "\x01" + `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, next, ok := Read(b, 0, true)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(b[:next], &want); err != nil {
			t.Fatalf("Read took %q, encoding/json refuses it: %v", b[:next], err)
		}
		if got != want && utf8.Valid(b[:next]) { // callers check UTF-8: encoding/json replaces invalid bytes
			t.Fatalf("%q: read %q, encoding/json reads %q", b[:next], got, want)
		}
	})
}

// TestSkipPlain checks the eight-bytes-at-a-time scan against the byte
// table, with every byte value in every place of a long run.
func TestSkipPlain(t *testing.T) {
	for c := range 256 {
		for at := range 20 {
			b := []byte("a run of plain text, long enough to skip")
			b[at] = byte(c)
			want := 0
			for want < len(b) && plain[b[want]] {
				want++
			}
			for from := range 3 {
				if got := skipPlain(b, from); got != max(want, from) && want >= from {
					t.Fatalf("skipPlain(%q, %d) = %d, want %d", b, from, got, want)
				}
			}
		}
	}
}
