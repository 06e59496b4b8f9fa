package reader

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"strings"

	"github.com/nlnwa/gowarc/v3"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/page"
)

// errRecordTooLarge trips when one record's decompressed bytes pass
// Options.MaxRecordBytes: the cap that makes a gzip bomb one bad record
// instead of a machine out of memory.
var errRecordTooLarge = errors.New("record too large")

// recordCap counts the bytes read for the current record and fails the
// read past the cap. Reset before each record.
type recordCap struct {
	r       io.Reader
	left    int64
	max     int64
	tripped bool
	total   int64 // bytes read through the cap, for the record frame check
	eof     bool  // the stream under it ended
}

func (c *recordCap) reset() { c.left, c.tripped = c.max, false }

func (c *recordCap) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.tripped = true
		return 0, errRecordTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	c.total += int64(n)
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}

// warcReader reads the records of one WARC file. Records are read in
// order on the caller's goroutine; their pages are parsed on all cores and
// delivered in record order (see ordered).
type warcReader struct {
	ctx   context.Context
	path  string
	opts  Options
	emit  func(unspun.Article) error
	bad   func(*Error)
	un    gowarc.Unmarshaler
	n     int // records seen
	fails int
	// truncated is set once a record was reported cut off, so the end of
	// its gzip member is not reported a second time.
	truncated bool
	out       *ordered
	// The frame of the record being read: where its block ends in the
	// stream (bytes consumed from in), from its own Content-Length.
	capped *recordCap
	in     *bufio.Reader
	end    int64
	failed int // the last record reported bad
}

// consumed is how many bytes of the record stream were taken from in.
func (w *warcReader) consumed() int64 { return w.capped.total - int64(w.in.Buffered()) }

// frame reads the header of the record starting at in's position without
// consuming it and returns its length up to the blank line and the value
// of its Content-Length field. A header without a valid Content-Length is
// an error: the record's end cannot be known, and trusting anything else
// would swallow the records after it.
func frame(in *bufio.Reader) (headerLen, contentLength int64, err error) {
	buf, _ := in.Peek(min(in.Size(), 64<<10))
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	sep := 4
	if end < 0 {
		if end = bytes.Index(buf, []byte("\n\n")); end < 0 {
			return 0, 0, errors.New("no end of the WARC header")
		}
		sep = 2
	}
	v := rawField(buf[:end], "content-length")
	if v == "" {
		return 0, 0, errors.New("no Content-Length field")
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' || n > 1<<40 {
			return 0, 0, fmt.Errorf("bad Content-Length %q", clip(v, 20))
		}
		n = n*10 + int64(c-'0')
	}
	return int64(end + sep), n, nil
}

// blockShort reports whether the stream ended before the current record's
// block: a record cut off, whose Content-Length promised more.
func (w *warcReader) blockShort() bool { return w.capped.eof && w.consumed() < w.end }

// deliver reports one record's outcome: the article, or the bad record
// (ending the file after Options.MaxErrors of them).
func (w *warcReader) deliver(o *outcome) error {
	switch {
	case o.err != nil:
		w.bad(&Error{Path: w.path, Record: o.record, Err: o.err})
		w.fails++
		if w.fails >= w.opts.MaxErrors {
			w.bad(&Error{Path: w.path, Err: fmt.Errorf("%d bad records: skipping the rest of the file", w.fails)})
			return errStopFile
		}
	case o.art.ID != "":
		return w.emit(o.art)
	}
	return nil
}

// fail queues the current record as bad.
func (w *warcReader) fail(err error) error {
	w.failed = w.n
	return w.out.push(settled(w.path, w.n, err))
}

// readWARC reads a WARC file, plain or gzip-compressed record by record
// (each gzip member is decompressed under the record cap, so a bomb costs
// time proportional to its size but no memory). HTTP responses with an HTML
// payload become articles; every other record is passed to opts.Skip.
func readWARC(ctx context.Context, path string, br *bufio.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	w := &warcReader{ctx: ctx, path: path, opts: opts, emit: emit, bad: bad,
		// Blocks are cached in memory up to the record cap, which the cap
		// reader enforces; nothing spills to temporary files.
		un: gowarc.NewUnmarshaler(gowarc.WithBufferMaxMemBytes(int64(opts.MaxRecordBytes) + 64<<10)),
	}
	var stop func()
	w.out, stop = newOrdered(opts.Workers, w.deliver)
	defer stop()
	err := w.members(br)
	if err == nil {
		err = w.out.flush()
	}
	if errors.Is(err, errStopFile) {
		return nil
	}
	return err
}

// errStopFile ends the reading of one file (too many bad records) without
// ending the whole read.
var errStopFile = errors.New("stop reading this file")

// members reads a file that is one stream or a series of gzip members.
func (w *warcReader) members(br *bufio.Reader) error {
	head, _ := br.Peek(2)
	if !bytes.HasPrefix(head, gzipMagic) {
		return w.records(br)
	}
	zr := new(gzip.Reader)
	for {
		if err := zr.Reset(br); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			w.n++
			return w.fail(fmt.Errorf("gzip: %v; the rest of the file is unreadable", err))
		}
		zr.Multistream(false)
		if err := w.records(bufio.NewReaderSize(zr, 64<<10)); err != nil {
			return err
		}
		// Finish the member (a record may end before its gzip trailer) so
		// the next Reset starts at the next member.
		if _, err := io.Copy(io.Discard, zr); err != nil {
			if w.truncated {
				return nil
			}
			w.n++
			return w.fail(fmt.Errorf("gzip: %v; the rest of the file is unreadable", readError(err)))
		}
	}
}

// records reads the records of an uncompressed stream until it ends.
func (w *warcReader) records(src *bufio.Reader) error {
	capped := &recordCap{r: src, max: int64(w.opts.MaxRecordBytes)}
	in := bufio.NewReaderSize(capped, 64<<10)
	w.capped, w.in = capped, in
	for {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		capped.reset()
		start := w.consumed()
		headerLen, length, frameErr := frame(in)
		if frameErr != nil {
			if head, _ := in.Peek(1); len(head) == 0 {
				return nil // the end of the stream
			}
			w.n++
			if err := w.fail(fmt.Errorf("malformed record: %v: %w", frameErr, unspun.ErrInvalid)); err != nil {
				return err
			}
			in.Discard(1) // past this record's start, to the next one
			if !w.resync(in) {
				return nil
			}
			continue
		}
		w.end = start + headerLen + length
		rec, _, validation, err := w.un.Unmarshal(in)
		w.n++
		if errors.Is(err, io.EOF) && rec == nil {
			err = io.ErrUnexpectedEOF // a whole header was there: the record was cut off
		}
		if err == nil && rec.WarcHeader().Get(gowarc.WarcType) == "" {
			// gowarc tolerates broken header lines as warnings; a record
			// whose type is lost with them is not one we can read.
			err = errors.New("no WARC-Type field")
			if len(validation) > 0 {
				err = fmt.Errorf("no WARC-Type field (%v)", validation[0])
			}
		}
		if err != nil {
			if rec != nil {
				rec.Close()
			}
			reason := err
			if capped.tripped {
				reason = fmt.Errorf("decompressed record longer than %d bytes (the cap on one record): %w", w.opts.MaxRecordBytes, unspun.ErrInvalid)
			} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				reason = fmt.Errorf("truncated record: %w", unspun.ErrInvalid)
				w.truncated = true
			} else {
				reason = fmt.Errorf("malformed record: %v: %w", err, unspun.ErrInvalid)
			}
			if err := w.fail(reason); err != nil {
				return err
			}
			if !w.resync(in) {
				return nil
			}
			continue
		}
		err = w.record(rec)
		rec.Close()
		if err != nil {
			return err
		}
		if err := w.finishFrame(in); err != nil {
			if errors.Is(err, errResync) {
				if !w.resync(in) {
					return nil
				}
				continue
			}
			return err
		}
	}
}

// errResync asks records to look for the next record header.
var errResync = errors.New("resync")

// finishFrame checks that the record just read ended where its
// Content-Length said, followed by the blank line that closes a record. A
// record cut off was reported by record (its article is not kept) or is
// reported here; a length that does not fit the record is a bad record,
// and reading goes on at the next record header.
func (w *warcReader) finishFrame(in *bufio.Reader) error {
	if left := w.end - w.consumed(); left > 0 {
		w.capped.max = 1 << 62 // the rest of the block is thrown away, not kept
		w.capped.reset()
		_, err := in.Discard(int(min(left, 1<<40)))
		w.capped.max = int64(w.opts.MaxRecordBytes)
		if err != nil {
			if w.failed != w.n {
				w.truncated = true
				return w.fail(fmt.Errorf("truncated record: the file ends before its Content-Length: %w", unspun.ErrInvalid))
			}
			return nil
		}
	}
	if w.consumed() > w.end {
		return nil // gowarc read the closing blank line already
	}
	tail, _ := in.Peek(4)
	switch {
	case len(tail) == 0:
		return nil
	case bytes.HasPrefix(tail, []byte("\r\n\r\n")):
		in.Discard(4)
	case bytes.HasPrefix(tail, []byte("\n\n")):
		in.Discard(2)
	default:
		if err := w.fail(fmt.Errorf("malformed record: its Content-Length does not end the record: %w", unspun.ErrInvalid)); err != nil {
			return err
		}
		return errResync
	}
	return nil
}

// resync discards input up to the next record header, without the cap (the
// bytes passed over are not kept), and reports whether there is one.
func (w *warcReader) resync(in *bufio.Reader) bool {
	w.capped.max = 1 << 62
	w.capped.reset()
	more := skipToRecord(in)
	w.capped.max = int64(w.opts.MaxRecordBytes)
	return more
}

// skipToRecord discards input up to the next line that starts a WARC
// record and reports whether there is one.
func skipToRecord(in *bufio.Reader) bool {
	magic := []byte("\nWARC/")
	for {
		buf, err := in.Peek(in.Size())
		if i := bytes.Index(buf, magic); i >= 0 {
			in.Discard(i + 1)
			return true
		}
		if err != nil {
			return false
		}
		// Keep the tail that could be the start of the magic.
		in.Discard(len(buf) - len(magic) + 1)
	}
}

// record turns one WARC record into an article, or passes it over.
func (w *warcReader) record(rec gowarc.WarcRecord) error {
	uri := strings.Trim(rec.WarcHeader().Get(gowarc.WarcTargetURI), "<>")
	if rec.Type() != gowarc.Response {
		w.skip("WARC " + rec.Type().String() + " record")
		return nil
	}
	block, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok {
		w.skip("WARC response without an HTTP response")
		return nil
	}
	if code := block.HttpStatusCode(); code < 200 || code > 299 {
		w.skip(fmt.Sprintf("HTTP status %dxx", code/100))
		return nil
	}
	header := block.HttpHeader()
	if header == nil {
		header = &http.Header{}
	}
	contentType := header.Get("Content-Type")
	payload, err := block.PayloadBytes()
	if err != nil {
		return w.fail(fmt.Errorf("payload: %v: %w", err, unspun.ErrInvalid))
	}
	payload, err = decodeTransfer(payload, header, block.ProtocolHeaderBytes())
	if err != nil {
		return w.fail(err)
	}
	body, err := io.ReadAll(io.LimitReader(payload, int64(w.opts.MaxRecordBytes)+1))
	if err != nil {
		return w.fail(fmt.Errorf("payload: %v: %w", readError(err), unspun.ErrInvalid))
	}
	if len(body) > w.opts.MaxRecordBytes {
		return w.fail(fmt.Errorf("payload longer than %d bytes: %w", w.opts.MaxRecordBytes, unspun.ErrInvalid))
	}
	if w.blockShort() {
		w.truncated = true
		return w.fail(fmt.Errorf("truncated record: the file ends before its Content-Length: %w", unspun.ErrInvalid))
	}
	if !isHTML(contentType, body) {
		media, _, _ := mime.ParseMediaType(contentType)
		if media == "" {
			media = "unknown type"
		}
		w.skip("HTTP response of " + media)
		return nil
	}
	date, dateErr := rec.Date()
	return w.out.push(pending(w.path, w.n, func() (unspun.Article, error) {
		a, err := page.Parse(body, page.Hints{URL: uri, ContentType: contentType})
		if err != nil {
			return a, err
		}
		if uri != "" {
			a.URL = uri
		}
		a.ID = a.URL
		if a.ID == "" {
			return a, fmt.Errorf("no WARC-Target-URI: %w", unspun.ErrInvalid)
		}
		a.Site = SiteOf(a.URL)
		if a.Published.IsZero() && dateErr == nil {
			a.Published = date
		}
		return a, nil
	}))
}

func (w *warcReader) skip(reason string) {
	if w.opts.Skip != nil {
		w.opts.Skip(w.path, reason)
	}
}

// decodeTransfer undoes chunked transfer coding and gzip or deflate content
// coding, which crawlers store as received. The decompressed payload is
// capped by the caller's read limit.
func decodeTransfer(r io.Reader, h *http.Header, rawHeader []byte) (io.Reader, error) {
	// The parsed header lacks Transfer-Encoding (Go's HTTP reader moves it
	// out of the map), so it is read from the raw header.
	if strings.Contains(strings.ToLower(rawField(rawHeader, "transfer-encoding")), "chunked") {
		r = httputil.NewChunkedReader(r)
	}
	switch enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); enc {
	case "", "identity":
		return r, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip content: %v: %w", err, unspun.ErrInvalid)
		}
		return zr, nil
	case "deflate":
		return flate.NewReader(r), nil
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q: %w", clip(enc, 20), unspun.ErrInvalid)
	}
}

// rawField is the value of the first header line named name (lower case)
// in a raw HTTP header.
func rawField(raw []byte, name string) string {
	for line := range bytes.Lines(raw) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), name) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}

// isHTML decides from the Content-Type, or when there is none from the
// payload's start, whether a response is a web page.
func isHTML(contentType string, body []byte) bool {
	if contentType != "" {
		media, _, err := mime.ParseMediaType(contentType)
		if err == nil {
			return media == "text/html" || media == "application/xhtml+xml"
		}
	}
	return sniff(body[:min(len(body), 512)]) == HTML
}
