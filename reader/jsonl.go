package reader

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
)

// jsonRecord is one line of the JSON Lines input schema (CLI.md).
type jsonRecord struct {
	ID        *string `json:"id"`
	URL       *string `json:"url"`
	Site      *string `json:"site"`
	Title     *string `json:"title"`
	Text      *string `json:"text"`
	Published *string `json:"published"`
	Lang      *string `json:"lang"`
}

func readJSONLines(ctx context.Context, path string, br *bufio.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	errorsSeen := 0
	report := func(line int, err error) bool {
		bad(&Error{Path: path, Line: line, Err: err})
		errorsSeen++
		if errorsSeen >= opts.MaxErrors {
			bad(&Error{Path: path, Err: fmt.Errorf("%d bad records: skipping the rest of the file", errorsSeen)})
			return false
		}
		return true
	}
	// Lines are read here, in batches, and parsed on all cores; batches are
	// delivered in order through a window of two per worker, so output and
	// errors do not depend on scheduling and memory stays bounded.
	workers := max(1, opts.Workers)
	work := make(chan *lineBatch, workers)
	defer close(work)
	for range workers {
		go func() {
			for b := range work {
				b.parse()
				close(b.done)
			}
		}()
	}
	var window []*lineBatch
	stopped := false // too many bad records: the rest of the file is skipped
	deliver := func(b *lineBatch) error {
		<-b.done
		for i := range b.lines {
			if stopped {
				return nil
			}
			switch r := &b.results[i]; {
			case r.skip:
			case r.err != nil:
				stopped = !report(b.lines[i], r.err)
			default:
				if err := emit(r.art); err != nil {
					return err
				}
			}
		}
		return nil
	}
	flush := func(keep int) error {
		for len(window) > keep {
			b := window[0]
			window = window[1:]
			if err := deliver(b); err != nil {
				return err
			}
		}
		return nil
	}
	b := newLineBatch()
	send := func() error {
		if len(b.lines) == 0 {
			return nil
		}
		window = append(window, b)
		work <- b
		b = newLineBatch()
		return flush(2 * workers)
	}
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if stopped {
			return nil
		}
		raw, tooLong, err := readLine(br, opts.MaxRecordBytes)
		if err != nil && !errors.Is(err, io.EOF) {
			if err := send(); err != nil {
				return err
			}
			if err := flush(0); err != nil {
				return err
			}
			if !stopped {
				bad(&Error{Path: path, Line: line, Err: readError(err)}) // the partial line is not a record
			}
			return nil
		}
		if len(raw) > 0 || tooLong {
			b.add(line, raw, tooLong, opts.MaxRecordBytes)
			if b.bytes >= batchBytes || len(b.lines) >= batchLines {
				if err := send(); err != nil {
					return err
				}
			}
		}
		if err != nil { // io.EOF
			if err := send(); err != nil {
				return err
			}
			return flush(0)
		}
	}
}

// A batch of JSON lines is about this large: big enough that handing it to
// a worker costs little against parsing it, small enough that the window
// of batches stays a few megabytes.
const (
	batchBytes = 256 << 10
	batchLines = 512
)

// lineBatch is a run of JSON lines parsed by one worker.
type lineBatch struct {
	lines   []int    // line numbers
	raws    [][]byte // the lines; nil for one too long
	max     int
	bytes   int
	results []lineResult
	done    chan struct{}
}

type lineResult struct {
	art  unspun.Article
	err  error
	skip bool // a blank line
}

func newLineBatch() *lineBatch { return &lineBatch{done: make(chan struct{})} }

func (b *lineBatch) add(line int, raw []byte, tooLong bool, max int) {
	if tooLong {
		raw = nil
	}
	b.lines, b.raws, b.max = append(b.lines, line), append(b.raws, raw), max
	b.bytes += len(raw)
}

func (b *lineBatch) parse() {
	b.results = make([]lineResult, len(b.lines))
	for i, raw := range b.raws {
		r := &b.results[i]
		switch {
		case raw == nil:
			r.err = fmt.Errorf("line longer than %d bytes: %w", b.max, unspun.ErrInvalid)
		case len(bytes.TrimSpace(raw)) == 0:
			r.skip = true // blank lines are allowed between records
		default:
			r.art, r.err = ParseJSON(raw)
		}
		b.raws[i] = nil
	}
}

// readLine reads one line without its newline. A line longer than max is
// consumed and reported as tooLong, without holding more than max bytes.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > max+1 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = trimNewline(buf)
		return buf, tooLong, err
	}
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// ParseJSON parses one record of the JSON Lines schema into an article:
// "text" and one of "id" or "url" are required, "site" defaults to the
// URL's host without "www.", "published" is RFC 3339 or YYYY-MM-DD.
func ParseJSON(raw []byte) (unspun.Article, error) {
	if !utf8.Valid(raw) {
		return unspun.Article{}, fmt.Errorf("invalid UTF-8: %w", unspun.ErrInvalid)
	}
	r, ok := scanRecord(raw)
	if !ok {
		// encoding/json for anything unusual, and for its precise error
		// messages (which field, what type, at which byte).
		if err := json.Unmarshal(raw, &r); err != nil {
			return unspun.Article{}, fmt.Errorf("bad JSON: %v: %w", shortJSONError(err), unspun.ErrInvalid)
		}
	}
	if r.Text == nil {
		return unspun.Article{}, fmt.Errorf(`no "text" field: %w`, unspun.ErrInvalid)
	}
	if strings.TrimSpace(*r.Text) == "" {
		return unspun.Article{}, fmt.Errorf(`"text" is empty: %w`, unspun.ErrInvalid)
	}
	a := unspun.Article{Body: *r.Text, ID: deref(r.ID), URL: deref(r.URL), Site: deref(r.Site), Title: deref(r.Title), Lang: deref(r.Lang)}
	if a.ID == "" {
		a.ID = a.URL
	}
	if a.ID == "" {
		return unspun.Article{}, fmt.Errorf(`no "id" or "url" field: %w`, unspun.ErrInvalid)
	}
	if a.Site == "" {
		a.Site = SiteOf(a.URL)
	}
	if p := strings.TrimSpace(deref(r.Published)); p != "" {
		t, err := ParseDate(p)
		if err != nil {
			return unspun.Article{}, fmt.Errorf("published %q: %v: %w", clip(p, 40), err, unspun.ErrInvalid)
		}
		a.Published = t
	}
	return a, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func shortJSONError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Sprintf("a line must be a JSON object, not %s", te.Value)
		}
		want := te.Type
		for want.Kind() == reflect.Pointer {
			want = want.Elem()
		}
		return fmt.Sprintf("field %q must be a %v, not %s", te.Field, want.Kind(), te.Value)
	}
	return err.Error()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// SiteOf returns a URL's host without "www." and port, or "" when the URL has
// no host.
func SiteOf(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Hostname() == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", time.RFC1123Z, time.RFC1123}

// ParseDate parses a publication date: RFC 3339, YYYY-MM-DD, or the RFC 1123
// form feeds use. A date without a zone is UTC; a date with an offset keeps
// it, so that a report shows the article's own day.
func ParseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not RFC 3339 or YYYY-MM-DD")
}
