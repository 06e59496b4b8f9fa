// Command warcgen writes a large WARC file for benchmarks: every article of
// a JSON Lines corpus (cycled until the file reaches the wanted size) as an
// HTTP response holding a news page with navigation, related links and a
// footer around the story, each preceded by its request record, with an
// image response every tenth page. A name ending in .gz writes one gzip
// member per record, as crawlers do.
//
//	go run ./bench/warcgen -size 1GB -corpus demo/corpus.jsonl bench/out/big.warc
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"log"
	"os"
	"strings"
	"time"
)

type article struct {
	ID, URL, Title, Text, Published string
}

func main() {
	size := flag.String("size", "1GB", "stop once the file holds this many bytes (KB, MB, GB)")
	corpus := flag.String("corpus", "demo/corpus.jsonl", "JSON Lines articles to wrap in pages")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: warcgen [-size 1GB] [-corpus FILE] OUT.warc[.gz]")
	}
	limit, err := parseSize(*size)
	if err != nil {
		log.Fatal(err)
	}
	arts, err := load(*corpus)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	out := &counter{w: bufio.NewWriterSize(f, 1<<20)}
	compress := strings.HasSuffix(flag.Arg(0), ".gz")
	date := time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC)
	n := 0
	for out.n < limit {
		a := arts[n%len(arts)]
		uri := fmt.Sprintf("https://%s/%d", hostOf(a.URL), n)
		stamp := date.Add(time.Duration(n) * time.Second).Format(time.RFC3339)
		write(out, compress, record("request", uri, stamp, "application/http; msgtype=request",
			"GET /"+fmt.Sprint(n)+" HTTP/1.1\r\nHost: "+hostOf(a.URL)+"\r\nUser-Agent: warcgen\r\n\r\n"))
		write(out, compress, record("response", uri, stamp, "application/http; msgtype=response",
			"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"+page(a, n)))
		if n%10 == 0 {
			write(out, compress, record("response", uri+".png", stamp, "application/http; msgtype=response",
				"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n"+strings.Repeat("\x00\x10\x20\x30", 2048)))
		}
		n++
	}
	if err := out.w.(*bufio.Writer).Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %d pages, %d bytes\n", n, out.n)
}

func page(a article, n int) string {
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s</title>`, esc(a.Title))
	fmt.Fprintf(&b, `<meta property="article:published_time" content="%s"><link rel="canonical" href="%s">`, esc(a.Published), esc(a.URL))
	b.WriteString(`<script>window.dataLayer=[];function ads(){return "slot";}</script></head><body>`)
	b.WriteString(`<header><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>`)
	fmt.Fprintf(&b, `<main><article><h1>%s</h1><div class="share"><a href="#">Share</a> <a href="#">Tweet</a></div>`, esc(a.Title))
	for _, p := range strings.Split(a.Text, "\n\n") {
		fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
	}
	b.WriteString(`</article><aside class="related"><h2>Related stories</h2><ul>`)
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, `<li><a href="/story/%d">More coverage of the week's events, part %d</a></li>`, n+i, i)
	}
	b.WriteString(`</ul></aside></main><footer><p>All rights reserved. Terms of use. Privacy. Cookie settings.</p></footer></body></html>`)
	return b.String()
}

func record(typ, uri, date, contentType, block string) string {
	return fmt.Sprintf("WARC/1.1\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
		typ, uri, date, contentType, len(block), block)
}

func write(out *counter, compress bool, rec string) {
	if !compress {
		io.WriteString(out, rec)
		return
	}
	zw := gzip.NewWriter(out)
	io.WriteString(zw, rec)
	zw.Close()
}

type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func load(path string) ([]article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var arts []article
	dec := json.NewDecoder(f)
	for {
		var a article
		if err := dec.Decode(&a); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if a.URL == "" {
			a.URL = "https://example.test/" + a.ID
		}
		arts = append(arts, a)
	}
	if len(arts) == 0 {
		return nil, fmt.Errorf("%s: no articles", path)
	}
	return arts, nil
}

func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	host, _, _ := strings.Cut(u, "/")
	return host
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	var v int64
	if _, err := fmt.Sscan(s, &v); err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return v * mult, nil
}
