package reader

import (
	"strings"

	"github.com/unspun/unspun/internal/jsonstr"
)

// scanRecord decodes one JSON Lines record in a single pass that also
// validates the whole line, by JSON's grammar as encoding/json applies it.
// It decodes the fields of the input schema when they are strings or null
// and skips every other field, however nested. It reports false for any
// line it does not decode exactly as encoding/json would — invalid JSON, a
// known field of another type, a known field name in other letter case
// (encoding/json matches names case-insensitively), an escaped surrogate
// — and the caller then asks encoding/json, for its result and its error
// message. The line must be valid UTF-8 (ParseJSON checks first).
func scanRecord(raw []byte) (jsonRecord, bool) {
	s := scanner{b: raw}
	var r jsonRecord
	s.space()
	if !s.byte('{') {
		return r, false
	}
	s.space()
	if s.byte('}') {
		return r, s.end()
	}
	for {
		s.space()
		key, ok := s.str(nil)
		if !ok {
			return r, false
		}
		s.space()
		if !s.byte(':') {
			return r, false
		}
		s.space()
		dst, known := r.field(key)
		switch {
		case known:
			if s.literal("null") {
				*dst = nil
				break
			}
			v, ok := s.str(nil)
			if !ok {
				return r, false // another type, or broken: encoding/json says which
			}
			*dst = &v
		case isSchemaName(key):
			return r, false
		default:
			if !s.value(0) {
				return r, false
			}
		}
		s.space()
		if s.byte(',') {
			continue
		}
		if s.byte('}') {
			return r, s.end()
		}
		return r, false
	}
}

// field returns where a known field of the schema goes.
func (r *jsonRecord) field(key string) (**string, bool) {
	switch key {
	case "id":
		return &r.ID, true
	case "url":
		return &r.URL, true
	case "site":
		return &r.Site, true
	case "title":
		return &r.Title, true
	case "text":
		return &r.Text, true
	case "published":
		return &r.Published, true
	case "lang":
		return &r.Lang, true
	}
	return nil, false
}

// isSchemaName reports whether key names a schema field in other letter
// case, which encoding/json would decode into it.
func isSchemaName(key string) bool {
	for _, f := range [...]string{"id", "url", "site", "title", "text", "published", "lang"} {
		if strings.EqualFold(key, f) {
			return true
		}
	}
	return false
}

// maxDepth bounds the nesting of skipped values, as encoding/json does
// (10,000), so that a hostile line cannot exhaust the stack.
const maxDepth = 10000

type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

func (s *scanner) literal(word string) bool {
	if strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+len(word))]), word) {
		s.i += len(word)
		return true
	}
	return false
}

// value skips one JSON value of any type.
func (s *scanner) value(depth int) bool {
	if depth > maxDepth || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, ok := s.str(skipString)
		return ok
	case c == '{' || c == '[':
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		s.i++
		s.space()
		if s.byte(close) {
			return true
		}
		for {
			s.space()
			if c == '{' {
				if _, ok := s.str(skipString); !ok {
					return false
				}
				s.space()
				if !s.byte(':') {
					return false
				}
				s.space()
			}
			if !s.value(depth + 1) {
				return false
			}
			s.space()
			if s.byte(',') {
				continue
			}
			return s.byte(close)
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.number()
}

// number skips a number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (s *scanner) number() bool {
	s.byte('-')
	switch {
	case s.byte('0'):
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.byte('.') && !s.digits() {
		return false
	}
	if s.byte('e') || s.byte('E') {
		if !s.byte('+') {
			s.byte('-')
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// skipString is a sentinel for str: validate only, decode nothing.
var skipString = []byte{}

// str reads a string at s.i. With into == nil it returns the decoded
// string; with skipString it only validates (jsonstr.Read's rules).
func (s *scanner) str(into []byte) (string, bool) {
	out, next, ok := jsonstr.Read(s.b, s.i, into == nil)
	if !ok {
		return "", false
	}
	s.i = next
	return out, true
}
