package server

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
)

// The web page is rendered on the server with html/template: the trace
// view is the HTML report's own article section (report.HTMLReport), so the
// page and the file a fact-checker attaches to a ticket show the same
// thing. No script is needed: a source opens beside the sentence with
// <details>.

//go:embed web/*.tmpl
var webFiles embed.FS

var webTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"percent": report.Percent,
	"sites": func(st report.StoryJSON) string {
		var sites []string
		for _, m := range st.Members {
			if m.Site != "" && !slices.Contains(sites, m.Site) {
				sites = append(sites, m.Site)
			}
		}
		return strings.Join(sites, ", ")
	},
}).ParseFS(webFiles, "web/*.tmpl"))

// navData is what the navigation bar shows.
type navData struct{ Articles int64 }

// render writes a whole page: the report's head, the navigation, then
// body, buffered so that a failure halfway gives a clean error page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title string, body func(io.Writer, *report.HTMLReport) error, footer bool) {
	var buf bytes.Buffer
	rep := report.NewHTMLReport(&buf)
	var nav navData
	if st, err := s.cfg.Store.Stats(r.Context()); err == nil {
		nav.Articles = st.Articles
	}
	err := rep.Begin(title)
	if err == nil {
		err = webTemplates.ExecuteTemplate(&buf, "nav", nav)
	}
	if err == nil {
		err = body(&buf, rep)
	}
	if err == nil {
		if footer {
			err = rep.End()
		} else {
			_, err = io.WriteString(&buf, "</body>\n</html>\n")
		}
	}
	if err != nil {
		s.cfg.Logger.Error("rendering a page", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// webIndex is the start page: the paste and upload form.
func (s *Server) webIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "unspun: where did this article come from?", func(w io.Writer, _ *report.HTMLReport) error {
		return webTemplates.ExecuteTemplate(w, "form", nil)
	}, false)
}

// webError shows the form again under an error message.
func (s *Server) webError(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := s.statusOf(r, err)
	if code == 499 {
		return // the client is gone
	}
	s.render(w, r, code, "unspun: where did this article come from?", func(w io.Writer, _ *report.HTMLReport) error {
		if err := webTemplates.ExecuteTemplate(w, "error", msg); err != nil {
			return err
		}
		return webTemplates.ExecuteTemplate(w, "form", nil)
	}, false)
}

// webTrace traces the pasted text or uploaded file and shows the trace.
func (s *Server) webTrace(w http.ResponseWriter, r *http.Request) {
	a, err := formArticle(r)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	tr, err := s.traceArticle(r.Context(), a)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unspun trace", func(_ io.Writer, rep *report.HTMLReport) error {
		return rep.Trace(tr)
	}, true)
}

// formArticle reads the article of the trace form: an uploaded file if
// there is one, else the pasted text with its headline and address.
func formArticle(r *http.Request) (unspun.Article, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return unspun.Article{}, tooBig
		}
		return unspun.Article{}, badRequest(err.Error())
	}
	if f, hdr, err := r.FormFile("file"); err == nil {
		defer f.Close()
		if hdr.Size > 0 {
			return fileArticle(r.Context(), hdr.Filename, f)
		}
	}
	body := strings.ReplaceAll(r.FormValue("text"), "\r\n", "\n")
	if strings.TrimSpace(body) == "" {
		return unspun.Article{}, badRequest("paste an article's text or choose a file")
	}
	a := unspun.Article{ID: reader.StdinID(body), Title: strings.TrimSpace(r.FormValue("title")), URL: strings.TrimSpace(r.FormValue("url")), Body: body}
	a.Site = reader.SiteOf(a.URL)
	return a, nil
}

// fileArticle reads an uploaded file in the format its name says.
func fileArticle(ctx context.Context, name string, f io.Reader) (unspun.Article, error) {
	arts, bad, err := readBody(ctx, reader.FormatOf(path.Base(name)), f, 1)
	switch {
	case errors.Is(err, errTooMany):
		return unspun.Article{}, badRequest("the file holds more than one article: trace one at a time")
	case err != nil:
		return unspun.Article{}, err
	case len(arts) == 0 && len(bad) > 0:
		return unspun.Article{}, badRequest(name + ": " + bad[0])
	case len(arts) == 0:
		return unspun.Article{}, badRequest(name + ": no article in the file")
	}
	return arts[0], nil
}

// webStories lists the stories of the index.
func (s *Server) webStories(w http.ResponseWriter, r *http.Request) {
	lines, err := s.storyLines(r.Context())
	if err != nil {
		s.webError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unspun: stories of the index", func(w io.Writer, _ *report.HTMLReport) error {
		return webTemplates.ExecuteTemplate(w, "stories", lines)
	}, false)
}
