// Package reader turns files, directories and standard input into
// articles. It recognises each format by extension (or, for standard input
// and unknown extensions, by content), reads gzip transparently, and reports
// a bad record with its path and line (or record number) while going on with
// the rest. Memory is bounded by Options.MaxRecordBytes per record.
package reader

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	unspun "github.com/unspun/unspun"
)

// Error is a bad record: where it was and why it was skipped.
type Error struct {
	Path   string
	Line   int // 1-based line of a line-oriented format, else 0
	Record int // 1-based record number of other formats, else 0
	Err    error
}

func (e *Error) Error() string {
	// The reason, without the ": invalid" that wrapping unspun.ErrInvalid
	// appends: the sentinel is for errors.Is, not for the reader.
	reason := strings.TrimSuffix(e.Err.Error(), ": "+unspun.ErrInvalid.Error())
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, reason)
	case e.Record > 0:
		return fmt.Sprintf("%s: record %d: %s", e.Path, e.Record, reason)
	}
	return fmt.Sprintf("%s: %s", e.Path, reason)
}

func (e *Error) Unwrap() error { return e.Err }

// Options bound what a reader accepts. The zero value means the defaults.
type Options struct {
	MaxRecordBytes int // longest record (JSON line, text file); default 32 MiB
	MaxErrors      int // bad records in one file before the rest is skipped; default 100
	// Workers parse JSON lines and the pages of WARC files and saved pages
	// in parallel (output order is
	// kept); default GOMAXPROCS.
	Workers int
	// Skip, if set, is told of each record that is well formed but not an
	// article (a WARC request, an image response, a redirect), with a
	// short reason that callers may count by.
	Skip func(path, reason string)
}

func (o *Options) setDefaults() {
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = 32 << 20
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 100
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

// Format is an input format.
type Format int

// The formats a reader understands.
const (
	Unknown Format = iota
	Text
	JSONLines
	HTML
	WARC
	Feed
)

// FormatOf returns the format a path's extension names, looking through a
// final ".gz".
func FormatOf(path string) Format {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	switch filepath.Ext(name) {
	case ".txt":
		return Text
	case ".jsonl", ".ndjson":
		return JSONLines
	case ".html", ".htm", ".xhtml":
		return HTML
	case ".warc":
		return WARC
	case ".rss", ".atom", ".xml":
		return Feed
	}
	return Unknown
}

// Read reads every path ("-" is stdin) and calls emit for each article, in
// input order, and bad for each bad record. Directories are walked
// recursively in lexical order, reading the files whose extension names a
// format. Read stops at the first error emit returns or when ctx ends, and
// returns it; a path that cannot be opened is a bad record, not a stop.
// Saved pages and the pages of WARC files are parsed on Options.Workers
// cores; the order of articles and errors is kept.
func Read(ctx context.Context, paths []string, stdin io.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	opts.setDefaults()
	s := &session{ctx: ctx, opts: opts, emit: emit, bad: bad}
	var stop func()
	s.pages, stop = newOrdered(opts.Workers, s.deliverPage)
	defer stop()
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "-" {
			if err := s.readStream("-", stdin, Unknown); err != nil {
				return err
			}
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			if err := s.report(&Error{Path: p, Err: cleanPathError(err)}); err != nil {
				return err
			}
			continue
		}
		if !info.IsDir() {
			if err := s.readFile(p); err != nil {
				return err
			}
			continue
		}
		if err := s.pages.flush(); err != nil {
			return err
		}
		var files []string
		walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				bad(&Error{Path: path, Err: cleanPathError(err)})
				return nil
			}
			if !d.IsDir() && FormatOf(path) != Unknown {
				files = append(files, path)
			}
			return nil
		})
		if walkErr != nil {
			bad(&Error{Path: p, Err: walkErr})
		}
		sort.Strings(files)
		for _, f := range files {
			if err := s.readFile(f); err != nil {
				return err
			}
		}
	}
	return s.pages.flush()
}

// session is one Read: its callbacks and the window of saved pages being
// parsed. Anything reported directly must first flush that window, so
// that output keeps input order.
type session struct {
	ctx   context.Context
	opts  Options
	emit  func(unspun.Article) error
	bad   func(*Error)
	pages *ordered
}

func (s *session) deliverPage(o *outcome) error {
	if o.err != nil {
		s.bad(&Error{Path: o.path, Err: o.err})
		return nil
	}
	return s.emit(o.art)
}

// report flushes the pages in flight, then reports a bad record.
func (s *session) report(e *Error) error {
	if err := s.pages.flush(); err != nil {
		return err
	}
	s.bad(e)
	return nil
}

func cleanPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadStream reads one stream as Read reads the file name: the format from
// name's extension, else sniffed from the content; gzip undone; bad records
// reported with name and line or record. It is for files that another file
// system holds (a Beam pipeline's shards on any of its file systems).
func ReadStream(ctx context.Context, name string, r io.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	return ReadStreamAs(ctx, name, FormatOf(name), r, opts, emit, bad)
}

// ReadStreamAs reads one stream in the given format (Unknown: sniffed from
// the content), for callers that know it from elsewhere, such as an HTTP
// request's Content-Type. Named "-", its text and HTML articles get ids as
// standard input's do (StdinID).
func ReadStreamAs(ctx context.Context, name string, format Format, r io.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	opts.setDefaults()
	s := &session{ctx: ctx, opts: opts, emit: emit, bad: bad}
	var stop func()
	s.pages, stop = newOrdered(opts.Workers, s.deliverPage)
	defer stop()
	if err := s.readStream(name, r, format); err != nil {
		return err
	}
	return s.pages.flush()
}

func (s *session) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return s.report(&Error{Path: path, Err: cleanPathError(err)})
	}
	defer f.Close()
	return s.readStream(path, f, FormatOf(path))
}

var gzipMagic = []byte{0x1f, 0x8b}

// readStream reads one file or stdin, decompressing and sniffing as needed.
func (s *session) readStream(path string, r io.Reader, format Format) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	if format == Unknown {
		if h := gunzipHead(br); h != nil {
			format = sniff(h)
		} else {
			format = sniff(head)
		}
	}
	if format != HTML {
		// Only pages are parsed in the background; anything else is read
		// here and now, after the pages before it.
		if err := s.pages.flush(); err != nil {
			return err
		}
	}
	ctx, opts, emit, bad := s.ctx, s.opts, s.emit, s.bad
	// A WARC file is read from its compressed bytes: gzip members are its
	// record boundaries.
	if format == WARC && len(head) > 0 {
		return readWARC(ctx, path, br, opts, emit, bad)
	}
	if bytes.HasPrefix(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return s.report(&Error{Path: path, Err: fmt.Errorf("gzip: %v", err)})
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
		head, _ = br.Peek(512)
	}
	if len(head) == 0 {
		if _, err := br.Peek(1); err != nil && !errors.Is(err, io.EOF) {
			return s.report(&Error{Path: path, Err: readError(err)})
		}
		return s.report(&Error{Path: path, Err: fmt.Errorf("empty file: %w", unspun.ErrInvalid)})
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return s.report(&Error{Path: path, Err: fmt.Errorf("binary data, not text: %w", unspun.ErrInvalid)})
	}
	switch format {
	case JSONLines:
		return readJSONLines(ctx, path, br, opts, emit, bad)
	case HTML:
		return s.readPage(path, br)
	case Feed:
		return readFeed(ctx, path, br, opts, emit, bad)
	default:
		return readText(path, br, opts, emit, bad)
	}
}

// sniff guesses the format of content without a telling extension.
func sniff(head []byte) Format {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(t) == 0:
		return Text
	case t[0] == '{':
		return JSONLines
	case bytes.HasPrefix(t, []byte("WARC/")):
		return WARC
	case t[0] != '<':
		return Text
	}
	lower := bytes.ToLower(t)
	if bytes.HasPrefix(lower, []byte("<?xml")) || bytes.HasPrefix(lower, []byte("<rss")) || bytes.HasPrefix(lower, []byte("<feed")) || bytes.HasPrefix(lower, []byte("<rdf:rdf")) {
		// An XML declaration may start an XHTML page too.
		if bytes.Contains(lower, []byte("<html")) {
			return HTML
		}
		return Feed
	}
	return HTML
}

// gunzipHead returns the first bytes of a gzip stream's content without
// consuming any input, or nil when br is not gzip.
func gunzipHead(br *bufio.Reader) []byte {
	raw, _ := br.Peek(br.Size())
	if !bytes.HasPrefix(raw, gzipMagic) {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(zr, head)
	return head[:n]
}

// readWhole reads a record that is a whole file (a page, a feed, a text
// file), refusing one longer than limit bytes; what names it in that error.
func readWhole(r io.Reader, limit int, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, readError(err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s longer than %d bytes: %w", what, limit, unspun.ErrInvalid)
	}
	return data, nil
}

// readError names a read failure for a person: a truncated gzip stream says so.
func readError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated input (unexpected end of compressed stream)")
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return fmt.Errorf("corrupt gzip stream: %v", err)
	}
	return err
}
