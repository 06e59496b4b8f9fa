// Package server is unspun's HTTP face: a JSON API that answers exactly as
// the command line does, and a server-rendered web page where a
// fact-checker pastes a page and sees where each sentence came from.
//
// The server is built for a public network: it listens where it is told
// (the command defaults to loopback), write endpoints need a bearer token,
// request bodies are limited, traces run on a fixed number of tracers with a
// bounded queue (503 past it), every handler's context is the client's so
// an abandoned trace stops, and every page is escaped by html/template
// under a Content-Security-Policy that allows no script at all.
package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/site"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/trace"
)

// Config is what a Server needs. The zero value of each limit means its
// default.
type Config struct {
	Store store.Store
	// Token, when set, is the bearer token write endpoints require. When
	// empty, writes are allowed without one only if Writable is set (the
	// command sets it for loopback addresses) and refused otherwise.
	Token    string
	Writable bool
	// MaxBody is the largest request body accepted, in bytes (413 past
	// it); default 4 MiB.
	MaxBody int64
	// MaxTraces is how many traces run at once; default 2 × GOMAXPROCS.
	MaxTraces int
	// MaxQueue is how many more trace requests may wait for a tracer;
	// past it a request gets 503 at once. Default 64 × MaxTraces.
	MaxQueue int
	// Options are the trace options; Learn is always off (a pasted page
	// must not teach the shared lexicon).
	Options trace.Options
	Logger  *slog.Logger
	// Version is shown on the page and in /healthz.
	Version string
}

// serveCacheDocs bounds each pooled tracer's cache of analysed source
// articles (the command line's default, 4,096, is sized for one batch run).
const serveCacheDocs = 512

// servePostingHits bounds the posting lists the server's tracers share:
// 8M hits, 64 MiB.
const servePostingHits = 8 << 20

// Server serves the API and the web page. Make one with New.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	lexicon *trace.Lexicon
	// tracers holds the idle tracers; a request takes one and gives it
	// back. queue admits MaxTraces+MaxQueue requests; the rest get 503.
	tracers chan *pooledTracer
	queue   chan struct{}
	// generation counts stored writes: a tracer built before the latest
	// write is rebuilt, so that it sees the index's new size.
	generation atomic.Int64
	metrics    *metrics
	stories    perGeneration[[]report.StoryJSON]
	sites      perGeneration[siteViews]
	// postings are the posting lists the tracers of one generation share
	// (index.PostingCache): a write starts a new cache, so no trace reads
	// lists older than the articles it should find.
	postings perGeneration[*index.PostingCache]
	routes   []route
}

// pooledTracer is a tracer and the store generation it was built for.
type pooledTracer struct {
	t          *trace.Tracer
	generation int64
}

// route is one endpoint: its method and pattern as net/http.ServeMux reads
// them, and whether it belongs to the API (and so to the OpenAPI document).
type route struct {
	method, pattern string
	api             bool
	write           bool
	handler         http.HandlerFunc
}

// New builds a server on cfg.Store.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 4 << 20
	}
	if cfg.MaxTraces <= 0 {
		cfg.MaxTraces = 2 * runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueue < 0 {
		cfg.MaxQueue = 0
	} else if cfg.MaxQueue == 0 {
		cfg.MaxQueue = 64 * cfg.MaxTraces
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Options.Candidates == 0 {
		cfg.Options = trace.DefaultOptions
	}
	cfg.Options.Learn = false
	if cfg.Options.CacheDocs > serveCacheDocs {
		// Tracers live as long as the server: each keeps at most this many
		// analysed source articles, so memory stays flat under load.
		cfg.Options.CacheDocs = serveCacheDocs
	}
	lex, err := trace.LoadLexicon(ctx, cfg.Store, cfg.Options.LexiconCount)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, lexicon: lex, mux: http.NewServeMux(), metrics: newMetrics(),
		tracers: make(chan *pooledTracer, cfg.MaxTraces), queue: make(chan struct{}, cfg.MaxTraces+cfg.MaxQueue)}
	for range cfg.MaxTraces {
		s.tracers <- &pooledTracer{generation: -1} // built on first use
	}
	s.routes = []route{
		{"POST", "/api/trace", true, false, s.apiTrace},
		{"POST", "/api/quotes", true, false, s.apiQuotes},
		{"GET", "/api/articles/{id...}", true, false, s.apiArticle}, // ids hold slashes
		{"POST", "/api/articles", true, true, s.apiAdd},
		{"GET", "/api/stories", true, false, s.apiStories},
		{"GET", "/api/sites", true, false, s.apiSites},
		{"GET", "/api/sites/{site}", true, false, s.apiSite},
		{"GET", "/api/openapi.json", true, false, s.apiOpenAPI},
		{"GET", "/healthz", true, false, s.healthz},
		{"GET", "/metrics", true, false, s.metrics.serve},
		{"GET", "/{$}", false, false, s.webIndex},
		{"POST", "/trace", false, false, s.webTrace},
		{"GET", "/stories", false, false, s.webStories},
		{"GET", "/sites", false, false, s.webSites},
	}
	for _, r := range s.routes {
		h := r.handler
		if r.write {
			h = s.requireToken(h)
		}
		s.mux.Handle(r.method+" "+r.pattern, s.metrics.instrument(r.pattern, h))
	}
	return s, nil
}

// Handler returns the server's handler with its security headers, body
// limit and panic guard around every route.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// No script at all, inline or not; styles only from the page itself
		// (the trace view colours sentences with style attributes).
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The client learns nothing of the inside; the log has it.
				s.cfg.Logger.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		s.mux.ServeHTTP(w, r)
	})
}

// requireToken guards a write endpoint: 401 without a bearer token, 403
// with a wrong one, compared in constant time.
func (s *Server) requireToken(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token == "" {
			if !s.cfg.Writable {
				writeError(w, http.StatusForbidden, "this server is read-only: start it with --token-file to allow writes")
				return
			}
			next(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || got == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="unspun"`)
			writeError(w, http.StatusUnauthorized, "this endpoint needs Authorization: Bearer <token>")
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
			writeError(w, http.StatusForbidden, "wrong token")
			return
		}
		next(w, r)
	}
}

// errSaturated is returned when every tracer is busy and the queue is full.
var errSaturated = errors.New("every tracer is busy and the queue is full")

// withTracer runs fn with a tracer of the pool: it waits for one while the
// queue has room and the client waits, and fails with errSaturated when
// the queue is full.
func (s *Server) withTracer(ctx context.Context, fn func(*trace.Tracer) error) error {
	select {
	case s.queue <- struct{}{}:
	default:
		s.metrics.rejected.Add(1)
		return errSaturated
	}
	defer func() { <-s.queue }()
	var pt *pooledTracer
	select {
	case pt = <-s.tracers:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { s.tracers <- pt }()
	if gen := s.generation.Load(); pt.generation != gen {
		opts := s.cfg.Options
		opts.Postings, _ = s.postings.get(gen, func() (*index.PostingCache, error) {
			return index.NewPostingCache(servePostingHits), nil
		})
		t, err := trace.New(ctx, s.cfg.Store, s.lexicon, opts)
		if err != nil {
			return err
		}
		pt.t, pt.generation = t, gen
	}
	s.metrics.inFlight.Add(1)
	defer s.metrics.inFlight.Add(-1)
	return fn(pt.t)
}

// traceArticle traces one article on a pooled tracer.
func (s *Server) traceArticle(ctx context.Context, a unspun.Article) (unspun.Trace, error) {
	var tr unspun.Trace
	start := time.Now()
	err := s.withTracer(ctx, func(t *trace.Tracer) error {
		var err error
		tr, err = t.Trace(ctx, a)
		return err
	})
	if err == nil {
		s.metrics.traceSeconds.observe(time.Since(start).Seconds())
	}
	return tr, err
}

// statusOf maps an error of the work behind request r to its HTTP status
// and the message the client may see, and logs an internal error, whose
// text the client never sees.
func (s *Server) statusOf(r *http.Request, err error) (int, string) {
	code, msg := statusOfError(err)
	if code == http.StatusInternalServerError {
		s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return code, msg
}

// statusOfError maps an error to its HTTP status and client message.
func statusOfError(err error) (int, string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", tooBig.Limit)
	case errors.Is(err, errSaturated):
		return http.StatusServiceUnavailable, err.Error()
	case errors.Is(err, unspun.ErrInvalid), errors.Is(err, errBadRequest):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, unspun.ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return 499, "request cancelled" // nginx's code for a client gone; nobody reads it
	}
	return http.StatusInternalServerError, "internal error"
}

// fail writes err's status and message (never an internal error's text)
// and logs internal errors.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := s.statusOf(r, err)
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeError(w, code, msg)
}

// writeError writes {"error": msg} with the status code.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{msg})
}

// writeJSON writes v as one JSON document.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // as the command line writes it; the type says JSON, and nosniff holds browsers to it
	enc.Encode(v)
}

// perGeneration keeps a value computed from the whole index for the store
// generation it was computed at: clustering stories or building the site
// views is seconds of work at 100k articles, not something to redo per
// request, and a write makes it stale.
type perGeneration[T any] struct {
	mu         sync.Mutex
	generation int64
	valid      bool
	value      T
}

// get returns the value for generation gen, computing it when the kept one
// is of another generation (or none).
func (c *perGeneration[T]) get(gen int64, compute func() (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.valid && c.generation == gen {
		return c.value, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.value, c.generation, c.valid = v, gen, true
	return v, nil
}

// siteViews are the site views and networks of the index.
type siteViews struct {
	sites    []site.Site
	networks []site.Network
}
