package reader

import (
	"bufio"
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
	if strings.TrimSpace(a.Body) == "" && a.Title == "" {
		bad(&Error{Path: path, Err: fmt.Errorf("empty file: %w", unspun.ErrInvalid)})
		return nil
	}
	a.ID = path
	return emit(a)
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
