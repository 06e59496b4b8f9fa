package reader

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
)

// readText reads a plain-text article: the first line is the title, then a
// blank line, then the body. The id is the path as given.
func readText(path string, br *bufio.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	data, err := readWhole(br, opts.MaxRecordBytes, "file")
	if err != nil {
		bad(&Error{Path: path, Err: err})
		return nil
	}
	if !utf8.Valid(data) {
		line := 1 + strings.Count(string(data[:firstInvalid(data)]), "\n")
		bad(&Error{Path: path, Line: line, Err: fmt.Errorf("invalid UTF-8: %w", unspun.ErrInvalid)})
		return nil
	}
	a := ParseText(string(data))
	switch {
	case strings.TrimSpace(a.Body) == "" && a.Title == "":
		bad(&Error{Path: path, Err: fmt.Errorf("empty file: %w", unspun.ErrInvalid)})
		return nil
	case strings.TrimSpace(a.Body) == "":
		bad(&Error{Path: path, Err: fmt.Errorf("no body: a text article is a title line, a blank line, then the body: %w", unspun.ErrInvalid)})
		return nil
	}
	a.ID = path
	if path == "-" {
		a.ID = StdinID(a.Body)
	}
	return emit(a)
}

// StdinID is the id of an article read from standard input as text or HTML,
// which has no path to name it: "stdin:" and a hash of its text, so that
// two different articles added from stdin do not replace each other, and
// the same one added twice does.
func StdinID(body string) string {
	sum := sha256.Sum256([]byte(body))
	return "stdin:" + hex.EncodeToString(sum[:8])
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// ParseText splits a plain-text article into title and body: the first line
// is the title; one blank line after it is skipped; the rest, without
// trailing space, is the body.
func ParseText(s string) unspun.Article {
	s = strings.TrimPrefix(s, "\ufeff")
	title, body, _ := strings.Cut(s, "\n")
	if rest, ok := strings.CutPrefix(body, "\r\n"); ok {
		body = rest
	} else if rest, ok := strings.CutPrefix(body, "\n"); ok {
		body = rest
	}
	return unspun.Article{Title: strings.TrimSpace(title), Body: strings.TrimRight(body, " \t\r\n")}
}
