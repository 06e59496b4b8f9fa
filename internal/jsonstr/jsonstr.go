// Package jsonstr reads JSON strings exactly as encoding/json does, for the
// one-pass decoders of JSON Lines input (reader) and of stored article
// records (store/pebble): both read long texts, where encoding/json's
// reflection and its two passes cost several times the reading itself.
package jsonstr

import (
	"strings"

	"github.com/unspun/unspun/internal/swar"
)

// plain marks the bytes a JSON string holds as they are: not the quote,
// not the backslash, not a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipPlain returns the index of the first byte from i that plain does not
// mark, or len(b): eight bytes at a time while none of them stops it.
func skipPlain(b []byte, i int) int {
	for i+8 <= len(b) {
		w := swar.Load(b, i)
		if swar.Equal(w, '"')|swar.Equal(w, '\\')|swar.Less(w, 0x20) != 0 {
			break
		}
		i += 8
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// Read reads the JSON string whose opening quote is b[i] and returns it
// with the index after its closing quote; with decode false it only checks
// the string and returns "". It reports false for a control character, an
// unknown escape and an escaped surrogate (encoding/json replaces a lone
// one: a caller falls back to it). It does not check UTF-8.
func Read(b []byte, i int, decode bool) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	i++
	start := i
	i = skipPlain(b, i)
	if i < len(b) && b[i] == '"' { // no escape: the common case
		if !decode {
			return "", i + 1, true
		}
		return string(b[start:i]), i + 1, true
	}
	var out strings.Builder
	if decode {
		out.Grow(len(b) - start) // escapes only shorten: one allocation, and String does not copy
		out.Write(b[start:i])
	}
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			return out.String(), i + 1, true
		case c != '\\':
			if c < 0x20 {
				return "", 0, false
			}
			run := i // a run of plain bytes, copied at once
			i = skipPlain(b, i)
			if decode {
				out.Write(b[run:i])
			}
			continue
		}
		if i+1 >= len(b) {
			return "", 0, false
		}
		var r rune
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			r = rune(e)
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			if i+6 > len(b) {
				return "", 0, false
			}
			for _, h := range b[i+2 : i+6] {
				switch {
				case h >= '0' && h <= '9':
					r = r<<4 | rune(h-'0')
				case h >= 'a' && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case h >= 'A' && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return "", 0, false
				}
			}
			if r >= 0xd800 && r <= 0xdfff { // a surrogate
				return "", 0, false
			}
			i += 4
		default:
			return "", 0, false
		}
		i += 2
		if decode {
			out.WriteRune(r)
		}
	}
	return "", 0, false
}
