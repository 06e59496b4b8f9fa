package server

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/ingest"
	"github.com/unspun/unspun/quote"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/site"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/story"
)

// errBadRequest marks a request the client must change.
var errBadRequest = errors.New("bad request")

// badRequest is an errBadRequest that says what is wrong.
func badRequest(msg string) error { return fmt.Errorf("%w: %s", errBadRequest, msg) }

// maxAddArticles bounds the articles of one POST /api/articles; larger
// loads belong to `unspun add`.
const maxAddArticles = 10000

// formatOf reads a request's Content-Type: JSON (one article, or JSON
// Lines of them), HTML (a page, extracted as `unspun extract` does) or
// plain text (a title line, a blank line, the body).
func formatOf(r *http.Request) (reader.Format, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return reader.Unknown, nil // sniffed, as standard input is
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return 0, fmt.Errorf("%w: Content-Type %q", errBadRequest, ct)
	}
	switch mt {
	case "application/json", "application/x-ndjson", "application/jsonl":
		return reader.JSONLines, nil
	case "text/html", "application/xhtml+xml":
		return reader.HTML, nil
	case "text/plain":
		return reader.Text, nil
	case "application/x-www-form-urlencoded":
		return reader.Unknown, nil // curl -d without a type: sniff the body
	}
	return 0, fmt.Errorf("%w: unsupported Content-Type %q (send application/json, text/html or text/plain)", errBadRequest, mt)
}

// readArticles reads the articles of a request body, at most max of them.
// Bad records fail the request with the reader's message.
func readArticles(ctx context.Context, r *http.Request, max int) ([]unspun.Article, error) {
	format, err := formatOf(r)
	if err != nil {
		return nil, err
	}
	arts, bad, err := readBody(ctx, format, r.Body, max)
	switch {
	case errors.Is(err, errTooMany):
		return nil, fmt.Errorf("%w: more than %d articles in one request", errBadRequest, max)
	case err != nil:
		return nil, err
	case len(bad) > 0:
		return nil, badRequest(strings.Join(bad, "; "))
	case len(arts) == 0:
		return nil, fmt.Errorf("%w: no article in the request body", errBadRequest)
	}
	return arts, nil
}

// errTooMany stops readBody at its limit.
var errTooMany = errors.New("too many articles")

// readBody reads up to max articles of body in the given format (Unknown:
// sniffed), with the reader's message for each bad record. The body
// limit's error, which the reader reports as a bad record, is returned as
// the *http.MaxBytesError it is, so that the client gets 413.
func readBody(ctx context.Context, format reader.Format, body io.Reader, max int) (arts []unspun.Article, bad []string, err error) {
	b := &readErr{r: body}
	err = reader.ReadStreamAs(ctx, "-", format, b, reader.Options{Workers: 1}, func(a unspun.Article) error {
		if len(arts) == max {
			return errTooMany
		}
		arts = append(arts, a)
		return nil
	}, func(e *reader.Error) {
		bad = append(bad, strings.TrimPrefix(e.Error(), "-: "))
	})
	var tooBig *http.MaxBytesError
	if errors.As(b.err, &tooBig) {
		return nil, nil, tooBig
	}
	return arts, bad, err
}

// readErr remembers the error its reader returned: the body limit's, which
// the article reader turns into a bad record.
type readErr struct {
	r   io.Reader
	err error
}

func (b *readErr) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// oneArticle reads a request that must hold exactly one article.
func oneArticle(r *http.Request) (unspun.Article, error) {
	arts, err := readArticles(r.Context(), r, 1)
	if err != nil {
		return unspun.Article{}, err
	}
	return arts[0], nil
}

// apiTrace answers POST /api/trace with the JSON of `trace --format json`.
func (s *Server) apiTrace(w http.ResponseWriter, r *http.Request) {
	a, err := oneArticle(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := s.traceArticle(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, report.Trace(tr))
}

// apiQuotes answers POST /api/quotes with the JSON of `quotes --format json`.
func (s *Server) apiQuotes(w http.ResponseWriter, r *http.Request) {
	a, err := oneArticle(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, report.QuotesOf(a, quote.Extract(a.Body)))
}

// apiArticle answers GET /api/articles/{id} with the stored article in the
// input schema.
func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) {
	a, err := s.cfg.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, report.Record(a))
}

// apiAdd answers POST /api/articles: it stores the articles of the body
// (one JSON article, JSON Lines, a text or an HTML page) and says how many
// are durably stored. Re-adding an id replaces the article.
func (s *Server) apiAdd(w http.ResponseWriter, r *http.Request) {
	arts, err := readArticles(r.Context(), r, maxAddArticles)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &ingest.Pipeline{Store: s.cfg.Store}
	n, err := p.Run(r.Context(), func(emit func(unspun.Article) error) error {
		for _, a := range arts {
			if err := emit(a); err != nil {
				return err
			}
		}
		return nil
	})
	if n > 0 {
		s.generation.Add(1) // tracers and stories see the new articles
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, struct {
		Stored int `json:"stored"`
	}{n})
}

// apiStories answers GET /api/stories with the JSON Lines of
// `stories --format json` over the index.
func (s *Server) apiStories(w http.ResponseWriter, r *http.Request) {
	lines, err := s.storyLines(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	for _, l := range lines {
		if err := report.WriteJSON(w, l); err != nil {
			return // the client went away
		}
	}
}

// storyLines returns the stories of the index, computed once per store
// generation.
func (s *Server) storyLines(ctx context.Context) ([]report.StoryJSON, error) {
	return s.stories.get(s.generation.Load(), func() ([]report.StoryJSON, error) {
		var lines []report.StoryJSON
		kept, err := s.cfg.Store.Stories(ctx, func(r store.Story) error {
			lines = append(lines, report.Story(len(lines), story.FromRecord(r)))
			return nil
		})
		if kept || err != nil {
			return lines, err
		}
		// Articles were posted since the stories were kept: cluster them
		// here, without keeping them (a post meanwhile would be left out).
		stories, err := story.Collect(ctx, func(emit func(unspun.Article) error) error { return s.cfg.Store.Articles(ctx, emit) }, story.DefaultOptions)
		if err != nil {
			return nil, err
		}
		lines = make([]report.StoryJSON, len(stories))
		for n, st := range stories {
			lines[n] = report.Story(n, st)
		}
		return lines, nil
	})
}

// apiSites answers GET /api/sites with the JSON Lines of `sites --format
// json`; with ?networks=1, the network lines follow, as with --networks.
func (s *Server) apiSites(w http.ResponseWriter, r *http.Request) {
	sites, nets, err := s.siteViews(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	for _, st := range sites {
		if err := report.WriteJSON(w, report.Site(st)); err != nil {
			return
		}
	}
	if r.URL.Query().Get("networks") == "" {
		return
	}
	for _, n := range nets {
		if err := report.WriteJSON(w, report.Network(n)); err != nil {
			return
		}
	}
}

// apiSite answers GET /api/sites/{site} with that site's line.
func (s *Server) apiSite(w http.ResponseWriter, r *http.Request) {
	sites, _, err := s.siteViews(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("site")
	for _, st := range sites {
		if st.Name == name {
			writeJSON(w, report.Site(st))
			return
		}
	}
	s.fail(w, r, fmt.Errorf("site %q: %w", name, unspun.ErrNotFound))
}

// siteViews returns the site views and networks of the index, computed
// once per store generation.
func (s *Server) siteViews(ctx context.Context) ([]site.Site, []site.Network, error) {
	v, err := s.sites.get(s.generation.Load(), func() (siteViews, error) {
		in, err := site.Read(ctx, s.cfg.Store)
		if err != nil {
			return siteViews{}, err
		}
		sites, _ := site.Build(in)
		return siteViews{sites, site.Networks(sites, in, site.DefaultNetworkOptions)}, nil
	})
	return v.sites, v.networks, err
}

//go:embed openapi.json
var openAPI []byte

// apiOpenAPI serves the OpenAPI 3 description of the API.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}

// healthz answers GET /healthz: the store answers, and how much it holds.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.Store.Stats(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, struct {
		Status    string `json:"status"`
		Version   string `json:"version,omitempty"`
		Articles  int64  `json:"articles"`
		Sentences int64  `json:"sentences"`
	}{"ok", s.cfg.Version, st.Articles, st.Sentences})
}
