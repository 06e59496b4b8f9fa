package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/demo"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/quote"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
	"github.com/unspun/unspun/trace"
)

// articles parses JSON Lines of the input schema.
func articles(t testing.TB, data []byte) []unspun.Article {
	t.Helper()
	var out []unspun.Article
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		a, err := reader.ParseJSON(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// demoStore indexes the demo corpus, and extra articles, in memory.
func demoStore(t testing.TB, extra ...unspun.Article) store.Store {
	t.Helper()
	s := storetest.NewMemory()
	var docs []store.Doc
	for _, a := range append(articles(t, demo.Corpus()), extra...) {
		docs = append(docs, index.Doc(a, align.DefaultAliases))
	}
	if err := s.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return s
}

// newServer serves the demo index with cfg.
func newServer(t testing.TB, cfg Config, extra ...unspun.Article) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = demoStore(t, extra...)
	}
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// do sends a request and returns the status, headers and body.
func do(t testing.TB, method, url, contentType string, body io.Reader, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// cliJSON is the line the command line writes for v.
func cliJSON(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAPITraceAnswersAsTheCommandLine(t *testing.T) {
	_, ts := newServer(t, Config{})
	farm := bytes.SplitAfter(demo.Farm(), []byte("\n"))[0]
	code, hdr, body := do(t, "POST", ts.URL+"/api/trace", "application/json", bytes.NewReader(farm))
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q: %s", code, hdr.Get("Content-Type"), body)
	}
	// The same article traced as `unspun trace --format json` does.
	ctx := context.Background()
	s := demoStore(t)
	tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tr.Trace(ctx, articles(t, farm)[0])
	if err != nil {
		t.Fatal(err)
	}
	if w := cliJSON(t, report.Trace(want)); !bytes.Equal(body, w) {
		t.Errorf("API trace differs from the command line's:\n got %.300s\nwant %.300s", body, w)
	}
	var got report.TraceJSON
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Summary.CopiedSentences == 0 || len(got.Sentences) == 0 {
		t.Errorf("the farm page traced to no copied sentence: %+v", got.Summary)
	}
}

func TestAPITraceReadsTextAndHTML(t *testing.T) {
	_, ts := newServer(t, Config{})
	src := articles(t, demo.Corpus())[0]
	for _, c := range []struct{ typ, body string }{
		{"text/plain", src.Title + "\n\n" + src.Body},
		{"text/html", "<html><head><title>" + src.Title + "</title></head><body><article><h1>" + src.Title + "</h1><p>" +
			strings.ReplaceAll(src.Body, "\n\n", "</p><p>") + "</p></article></body></html>"},
		{"", src.Title + "\n\n" + src.Body}, // sniffed
	} {
		code, _, body := do(t, "POST", ts.URL+"/api/trace", c.typ, strings.NewReader(c.body))
		if code != 200 {
			t.Fatalf("%s: status %d: %s", c.typ, code, body)
		}
		var got report.TraceJSON
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Article.ID, "stdin:") || got.Summary.CopiedSentences == 0 {
			t.Errorf("%s: id %q, %d copied sentences; want a stdin: id and the stored original found", c.typ, got.Article.ID, got.Summary.CopiedSentences)
		}
	}
}

func TestAPIBadRequests(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, c := range []struct {
		name, typ, body string
		code            int
	}{
		{"empty body", "application/json", "", 400},
		{"not JSON", "application/json", "{not json", 400},
		{"two articles", "application/json", `{"id":"a","text":"One."}` + "\n" + `{"id":"b","text":"Two."}`, 400},
		{"unknown type", "image/png", "x", 400},
		{"bad type", "a/b/c", "x", 400},
	} {
		code, hdr, body := do(t, "POST", ts.URL+"/api/trace", c.typ, strings.NewReader(c.body))
		var e struct{ Error string }
		if code != c.code || json.Unmarshal(body, &e) != nil || e.Error == "" || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Errorf("%s: status %d body %s, want %d and an error message", c.name, code, body, c.code)
		}
	}
	if code, _, _ := do(t, "GET", ts.URL+"/api/trace", "", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/trace: %d, want 405", code)
	}
	if code, _, _ := do(t, "GET", ts.URL+"/nowhere", "", nil); code != http.StatusNotFound {
		t.Errorf("GET /nowhere: %d, want 404", code)
	}
}

func TestAPIQuotes(t *testing.T) {
	_, ts := newServer(t, Config{})
	body := "Ferry captain\n\n“The lake gave us nine minutes,” said Hugo Lind, a ferry captain."
	code, _, got := do(t, "POST", ts.URL+"/api/quotes", "text/plain", strings.NewReader(body))
	a := reader.ParseText(body)
	a.ID = reader.StdinID(a.Body)
	if want := cliJSON(t, report.QuotesOf(a, quote.Extract(a.Body))); code != 200 || !bytes.Equal(got, want) {
		t.Errorf("status %d:\n got %s\nwant %s", code, got, want)
	}
	if !bytes.Contains(got, []byte(`"name":"Hugo Lind"`)) {
		t.Errorf("no speaker in %s", got)
	}
}

func TestAPIArticlesAndAuth(t *testing.T) {
	_, ts := newServer(t, Config{Token: "s3cret-token"})
	id := articles(t, demo.Corpus())[0].ID
	code, _, body := do(t, "GET", ts.URL+"/api/articles/"+id, "", nil)
	var rec report.RecordJSON
	if code != 200 || json.Unmarshal(body, &rec) != nil || rec.ID != id || rec.Text == "" {
		t.Fatalf("GET article: %d %.200s", code, body)
	}
	if code, _, _ := do(t, "GET", ts.URL+"/api/articles/no-such-article", "", nil); code != 404 {
		t.Errorf("unknown article: %d, want 404", code)
	}
	add := `{"id":"new/one","url":"https://new.test/one","title":"A new one","text":"The ferry to Lisk ran again on Monday after a week of repairs."}`
	if code, hdr, _ := do(t, "POST", ts.URL+"/api/articles", "application/json", strings.NewReader(add)); code != 401 || hdr.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d, want 401 with WWW-Authenticate", code)
	}
	if code, _, _ := do(t, "POST", ts.URL+"/api/articles", "application/json", strings.NewReader(add), "Authorization", "Bearer wrong"); code != 403 {
		t.Errorf("wrong token: %d, want 403", code)
	}
	if code, _, _ := do(t, "GET", ts.URL+"/api/articles/new/one", "", nil); code != 404 {
		t.Errorf("refused article stored anyway: %d", code)
	}
	// Traced once before the article is added, so that the tracers have
	// read (and share) the posting lists of its words.
	copy := `{"id":"farm/x","text":"The ferry to Lisk ran again on Monday after a week of repairs."}`
	if _, _, body := do(t, "POST", ts.URL+"/api/trace", "application/json", strings.NewReader(copy)); bytes.Contains(body, []byte(`"id":"new/one"`)) {
		t.Fatal("a source found before it was added")
	}
	code, _, body = do(t, "POST", ts.URL+"/api/articles", "application/json", strings.NewReader(add), "Authorization", "Bearer s3cret-token")
	if code != 201 || string(body) != "{\"stored\":1}\n" {
		t.Fatalf("right token: %d %s", code, body)
	}
	if code, _, _ := do(t, "GET", ts.URL+"/api/articles/new/one", "", nil); code != 200 {
		t.Errorf("added article: %d, want 200", code)
	}
	// The new article is a source for traces at once: tracers are rebuilt,
	// and the posting lists they share are read again.
	_, _, body = do(t, "POST", ts.URL+"/api/trace", "application/json", strings.NewReader(copy))
	if !bytes.Contains(body, []byte(`"id":"new/one"`)) {
		t.Errorf("the added article is not found as a source: %.300s", body)
	}

	// Without a token, writes are refused unless the server is writable.
	_, ro := newServer(t, Config{})
	if code, _, _ := do(t, "POST", ro.URL+"/api/articles", "application/json", strings.NewReader(add)); code != 403 {
		t.Errorf("read-only server: %d, want 403", code)
	}
	_, rw := newServer(t, Config{Writable: true})
	if code, _, _ := do(t, "POST", rw.URL+"/api/articles", "application/json", strings.NewReader(add)); code != 201 {
		t.Errorf("writable server without token: %d, want 201", code)
	}
}

func TestBodyLimit(t *testing.T) {
	_, ts := newServer(t, Config{MaxBody: 2000})
	big := strings.Repeat("The lake rose again. ", 200)
	for _, c := range []struct{ path, typ string }{
		{"/api/trace", "text/plain"}, {"/api/trace", "application/json"}, {"/api/quotes", "text/plain"},
	} {
		body := big
		if c.typ == "application/json" {
			body = `{"id":"x","text":"` + big + `"}`
		}
		if code, _, got := do(t, "POST", ts.URL+c.path, c.typ, strings.NewReader(body)); code != 413 {
			t.Errorf("%s %s: %d %s, want 413", c.path, c.typ, code, got)
		}
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("text", big)
	mw.Close()
	if code, _, _ := do(t, "POST", ts.URL+"/trace", mw.FormDataContentType(), &form); code != 413 {
		t.Errorf("web form: %d, want 413", code)
	}
}

func TestSaturationAndCancel(t *testing.T) {
	s, ts := newServer(t, Config{MaxTraces: 1, MaxQueue: -1})
	hold, held := make(chan struct{}), make(chan struct{})
	go s.withTracer(context.Background(), func(*trace.Tracer) error { close(held); <-hold; return nil })
	<-held
	code, hdr, body := do(t, "POST", ts.URL+"/api/trace", "text/plain", strings.NewReader("T\n\nThe lake rose."))
	if code != 503 || hdr.Get("Retry-After") == "" {
		t.Errorf("saturated: %d %s, want 503 with Retry-After", code, body)
	}
	close(hold)
	// With room in the queue, a request waits for the tracer, and gives up
	// when its client does.
	s2, _ := newServer(t, Config{MaxTraces: 1, MaxQueue: 4})
	hold2, held2 := make(chan struct{}), make(chan struct{})
	go s2.withTracer(context.Background(), func(*trace.Tracer) error { close(held2); <-hold2; return nil })
	<-held2
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s2.withTracer(ctx, func(*trace.Tracer) error { return nil }) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("abandoned request: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("an abandoned request kept waiting for a tracer")
	}
	close(hold2)
	if !strings.Contains(string(metricsText(t, ts.URL)), "unspun_traces_rejected_total 1") {
		t.Error("the 503 is not counted in unspun_traces_rejected_total")
	}
}

func TestPanicIsNotShown(t *testing.T) {
	var logs bytes.Buffer
	s, _ := newServer(t, Config{Logger: slogTo(&logs)})
	s.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret internals") })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(logs.String(), "secret internals") {
		t.Errorf("panic: %d %q (log %q); want 500 without the panic's text, which goes to the log", rec.Code, rec.Body, logs.String())
	}
}

// hostile is an article written to break out of the page.
var hostile = unspun.Article{ID: `evil"><script>alert(1)</script>`, URL: "javascript:alert(document.cookie)", Site: `<img src=x onerror=alert(2)>`,
	Title: `<img src=x onerror=alert(3)>Lake </script><script>alert(4)</script>`,
	Body:  `The ferry <script>alert(5)</script> to Lisk ran again on Monday after a week of repairs, its captain said. “</p><img src=x onerror=alert(6)>,” said <b onmouseover=alert(7)>Hugo</b>.`}

func TestWebPageEscapesHostileArticles(t *testing.T) {
	_, ts := newServer(t, Config{}, hostile)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("title", hostile.Title)
	mw.WriteField("url", "javascript:alert(8)") // not the stored one's: an article is never its own source
	mw.WriteField("text", hostile.Body)
	mw.Close()
	code, hdr, page := do(t, "POST", ts.URL+"/trace", mw.FormDataContentType(), &form)
	if code != 200 {
		t.Fatalf("status %d: %s", code, page)
	}
	if !bytes.Contains(page, []byte("class=\"s copied\"")) {
		t.Fatal("the hostile article was not found as the source of the paste: the test would check too little")
	}
	checkInert(t, page)
	csp := hdr.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q: want default-src 'none' and no script source", csp)
	}
	for _, p := range []string{"/", "/stories", "/sites"} {
		_, _, page := do(t, "GET", ts.URL+p, "", nil)
		checkInert(t, page)
	}
}

// checkInert parses page as a browser does and fails on any script,
// image, event handler or link that is not http(s).
func checkInert(t *testing.T, page []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "img" || n.Data == "iframe" || n.Data == "object" {
				t.Errorf("a <%s> element in the page", n.Data)
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || (a.Key == "href" || a.Key == "src" || a.Key == "action") && !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "#")) {
					t.Errorf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func TestWebPages(t *testing.T) {
	_, ts := newServer(t, Config{})
	code, hdr, page := do(t, "GET", ts.URL+"/", "", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !bytes.Contains(page, []byte(`<form class="paste" method="post" action="/trace"`)) {
		t.Errorf("start page: %d %q", code, hdr.Get("Content-Type"))
	}
	farm := articles(t, demo.Farm())[0]
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	w, _ := mw.CreateFormFile("file", "page.json")
	w.Write(cliJSON(t, report.Record(farm)))
	mw.Close()
	code, _, page = do(t, "POST", ts.URL+"/trace", mw.FormDataContentType(), &form)
	if code != 200 || !bytes.Contains(page, []byte("class=\"s copied\"")) || !bytes.Contains(page, []byte("<details>")) {
		t.Errorf("uploaded farm page: %d, no copied sentence with its sources", code)
	}
	code, _, page = do(t, "POST", ts.URL+"/trace", "application/x-www-form-urlencoded", strings.NewReader("text="))
	if code != 400 || !bytes.Contains(page, []byte("paste an article")) {
		t.Errorf("empty paste: %d, want 400 and the form with a message", code)
	}
	_, _, page = do(t, "GET", ts.URL+"/stories", "", nil)
	if !bytes.Contains(page, []byte("<table>")) || !bytes.Contains(page, []byte(`<tr id="story-0"><td>0</td>`)) {
		t.Error("no stories table with the stories' numbers")
	}
	code, hdr, lines := do(t, "GET", ts.URL+"/api/stories", "", nil)
	if code != 200 || hdr.Get("Content-Type") != "application/x-ndjson" || bytes.Count(lines, []byte("\n")) == 0 {
		t.Errorf("stories API: %d %q %q", code, hdr.Get("Content-Type"), lines)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	_, ts := newServer(t, Config{Version: "test"})
	code, _, body := do(t, "GET", ts.URL+"/healthz", "", nil)
	if code != 200 || !bytes.Contains(body, []byte(`"status":"ok"`)) || !bytes.Contains(body, []byte(`"articles":9`)) {
		t.Errorf("healthz: %d %s", code, body)
	}
	do(t, "POST", ts.URL+"/api/trace", "text/plain", strings.NewReader("T\n\nThe lake rose."))
	text := metricsText(t, ts.URL)
	line := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? [-+0-9.eE]+(Inf)?$`)
	for _, l := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if !strings.HasPrefix(l, "# HELP ") && !strings.HasPrefix(l, "# TYPE ") && !line.MatchString(l) {
			t.Errorf("not a Prometheus text line: %q", l)
		}
	}
	for _, want := range []string{`unspun_http_requests_total{route="/api/trace",code="200"} 1`, `unspun_http_requests_total{route="/healthz",code="200"} 1`,
		`unspun_trace_duration_seconds_count 1`, "process_resident_memory_bytes "} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func metricsText(t testing.TB, base string) []byte {
	t.Helper()
	code, hdr, text := do(t, "GET", base+"/metrics", "", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics: %d %q", code, hdr.Get("Content-Type"))
	}
	return text
}

// TestOpenAPIMatchesHandlers checks the OpenAPI document against the
// routes: every API route is documented, every documented operation is
// routed, and each answers with a status the document lists.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	s, ts := newServer(t, Config{Writable: true})
	code, _, body := do(t, "GET", ts.URL+"/api/openapi.json", "", nil)
	var doc struct {
		OpenAPI string                                                   `json:"openapi"`
		Paths   map[string]map[string]struct{ Responses map[string]any } `json:"paths"`
	}
	if code != 200 || json.Unmarshal(body, &doc) != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %d, not an OpenAPI 3 document", code)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	var routed []string
	for _, r := range s.routes {
		if r.api {
			routed = append(routed, r.method+" "+strings.ReplaceAll(r.pattern, "...}", "}"))
		}
	}
	slices.Sort(documented)
	slices.Sort(routed)
	if !slices.Equal(documented, routed) {
		t.Fatalf("documented %v\n   routed %v", documented, routed)
	}
	farm := string(bytes.SplitAfter(demo.Farm(), []byte("\n"))[0])
	id := articles(t, demo.Corpus())[0].ID
	requests := map[string]struct{ path, typ, body string }{
		"POST /api/trace":        {"/api/trace", "application/json", farm},
		"POST /api/quotes":       {"/api/quotes", "application/json", farm},
		"POST /api/articles":     {"/api/articles", "application/json", farm},
		"GET /api/articles/{id}": {"/api/articles/" + id, "", ""},
		"GET /api/stories":       {"/api/stories", "", ""},
		"GET /api/sites":         {"/api/sites?networks=1", "", ""},
		"GET /api/sites/{site}":  {"/api/sites/northernwire.test", "", ""},
		"GET /api/openapi.json":  {"/api/openapi.json", "", ""},
		"GET /healthz":           {"/healthz", "", ""},
		"GET /metrics":           {"/metrics", "", ""},
	}
	for _, op := range routed {
		req, ok := requests[op]
		if !ok {
			t.Errorf("no test request for %s", op)
			continue
		}
		method, pattern, _ := strings.Cut(op, " ")
		code, _, _ := do(t, method, ts.URL+req.path, req.typ, strings.NewReader(req.body))
		if _, ok := doc.Paths[pattern][strings.ToLower(method)].Responses[itoa(code)]; !ok {
			t.Errorf("%s answered %d, which the document does not list", op, code)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// slogTo logs to w.
func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// FuzzAPI posts arbitrary bodies under each content type to the article
// endpoints: the answer is 200 or a 4xx with an error message, never a
// panic or a 500.
func FuzzAPI(f *testing.F) {
	for _, seed := range []string{"", "T\n\nThe lake rose.", `{"id":"x","text":"The lake rose."}`, "<html><body><p>The lake rose above Brenno.</p></body></html>", "\x00\xff{", `{"id":"a","text":"x"}` + "\n{"} {
		for typ := range 4 {
			f.Add(seed, uint8(typ))
		}
	}
	s, err := New(context.Background(), Config{Store: demoStore(f), MaxBody: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	types := []string{"application/json", "text/plain", "text/html", ""}
	f.Fuzz(func(t *testing.T, body string, typ uint8) {
		for _, path := range []string{"/api/trace", "/api/quotes"} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			if ct := types[int(typ)%len(types)]; ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var e struct{ Error string }
			switch {
			case rec.Code == 200:
			case rec.Code >= 400 && rec.Code < 500 && json.Unmarshal(rec.Body.Bytes(), &e) == nil && e.Error != "":
			default:
				t.Fatalf("%s %q: %d %q", path, body, rec.Code, rec.Body)
			}
		}
	})
}

// linkedDemoStore is the demo corpus and farm pages, linked, with the
// swaps they taught: the material of sites and networks.
func linkedDemoStore(t *testing.T, extra ...unspun.Article) store.Store {
	t.Helper()
	ctx := context.Background()
	farm := append(articles(t, demo.Farm()), extra...)
	st := demoStore(t, farm...)
	lex := trace.NewLexicon(trace.DefaultOptions.LexiconCount)
	tr, err := trace.New(ctx, st, lex, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	var links []store.Links
	for _, a := range append(articles(t, demo.Corpus()), farm...) {
		res, err := tr.Trace(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, trace.Links(res))
	}
	if err := st.PutLinks(ctx, links); err != nil {
		t.Fatal(err)
	}
	if err := lex.Flush(ctx, st); err != nil { // the swaps learned: the sites' fingerprints
		t.Fatal(err)
	}
	return st
}

// TestSitesPageEscapesHostileSites links a copy published under a site
// name written to break out of the page and the drawing.
func TestSitesPageEscapesHostileSites(t *testing.T) {
	src := articles(t, demo.Corpus())[0]
	evil := unspun.Article{ID: "evil/1", Site: `x"><svg onload="alert(1)"><script>alert(2)</script>.test`, Title: "Copy",
		Published: src.Published.Add(time.Hour), Body: src.Body}
	_, ts := newServer(t, Config{Store: linkedDemoStore(t, evil)})
	code, _, page := do(t, "GET", ts.URL+"/sites", "", nil)
	if code != 200 {
		t.Fatalf("sites page: %d", code)
	}
	if !bytes.Contains(page, []byte("&lt;script&gt;alert(2)")) {
		t.Fatal("the hostile site is not on the page: the test would check too little")
	}
	checkInert(t, page)
}

func TestAPISites(t *testing.T) {
	_, ts := newServer(t, Config{Store: linkedDemoStore(t)})
	code, _, body := do(t, "GET", ts.URL+"/api/sites?networks=1", "", nil)
	if code != 200 || !bytes.Contains(body, []byte(`{"network":0,"sites":[`)) || !bytes.Contains(body, []byte(`"site":"worldnewsnow.test"`)) {
		t.Errorf("sites: %d %.400s", code, body)
	}
	code, _, body = do(t, "GET", ts.URL+"/api/sites/worldnewsnow.test", "", nil)
	var one report.SiteJSON
	if code != 200 || json.Unmarshal(body, &one) != nil || one.Site != "worldnewsnow.test" || one.Originality != 0 || one.Network == nil {
		t.Errorf("one site: %d %s", code, body)
	}
	if code, _, _ := do(t, "GET", ts.URL+"/api/sites/nowhere.test", "", nil); code != 404 {
		t.Errorf("unknown site: %d, want 404", code)
	}

	// The web page: the networks with their evidence, the drawing, the table.
	code, _, page := do(t, "GET", ts.URL+"/sites", "", nil)
	if code != 200 {
		t.Fatalf("sites page: %d", code)
	}
	checkInert(t, page)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var lines, circles int
	var titles []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "line":
				lines++
			case "circle":
				circles++
			case "title":
				if n.FirstChild != nil {
					titles = append(titles, n.FirstChild.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if lines == 0 || circles < 2 {
		t.Errorf("the copy graph draws %d arrows between %d sites", lines, circles)
	}
	if !slices.ContainsFunc(titles, func(s string) bool { return strings.HasPrefix(s, "worldnewsnow.test copies from northernwire.test") }) {
		t.Errorf("no arrow from worldnewsnow.test to the wire it copies: %q", titles)
	}
	for _, want := range []string{"Network 0", "worldnewsnow.test", " → ", "network 0</span>"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the sites page lacks %q", want)
		}
	}
}
