package reader

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var writeTestdata = flag.Bool("write-testdata", false, "rewrite the WARC files in testdata from the records below")

// warcRecord formats one WARC/1.1 record with the given header fields.
func warcRecord(fields [][2]string, block string) string {
	var b strings.Builder
	b.WriteString("WARC/1.1\r\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "%s: %s\r\n", f[0], f[1])
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s\r\n\r\n", len(block), block)
	return b.String()
}

func response(id, uri, date, httpHead, payload string) string {
	return warcRecord([][2]string{
		{"WARC-Type", "response"}, {"WARC-Record-ID", "<urn:uuid:" + id + ">"},
		{"WARC-Date", date}, {"WARC-Target-URI", uri}, {"Content-Type", "application/http; msgtype=response"},
	}, httpHead+"\r\n"+payload)
}

func chunked(s string, size int) string {
	var b strings.Builder
	for len(s) > 0 {
		n := min(size, len(s))
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, s[:n])
		s = s[n:]
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

// storyPage is a small news page written for these tests.
func storyPage(title, date string, paragraphs ...string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title>")
	if date != "" {
		b.WriteString(`<meta property="article:published_time" content="` + date + `">`)
	}
	b.WriteString("</head><body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>" + title + "</h1>")
	for _, p := range paragraphs {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString("</article><footer>Copyright the Fenwick Courier</footer></body></html>")
	return b.String()
}

// crawlRecords are the records of testdata/crawl.warc: two stories among
// records that are not articles.
func crawlRecords() []string {
	library := storyPage("Fenwick library to open on Sundays", "2026-04-02T09:00:00Z",
		"The county library in Fenwick will open on Sunday afternoons from May, after forty volunteers offered to staff the reading rooms.",
		"“People asked for it at every public meeting we held,” said Odile Marchetti, the head librarian, who has run the branch for eleven years.",
		"The council will pay for heating and lighting on Sundays, which it puts at about £9,000 a year, while the volunteers cover the staffing.")
	market := storyPage("Night market returns to Quayside", "",
		"The Quayside night market will return on the first Friday of June after a two-year absence, the harbour trust said on Tuesday.",
		"Around sixty stalls selling food, crafts and secondhand books are expected, with the quay closed to traffic from five in the evening.",
		"Traders had campaigned for its return since the trust ended the market during the repairs to the sea wall, which finished in March.")
	return []string{
		warcRecord([][2]string{{"WARC-Type", "warcinfo"}, {"WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000001>"},
			{"WARC-Date", "2026-04-03T10:00:00Z"}, {"Content-Type", "application/warc-fields"}}, "software: unspun tests\r\nformat: WARC File Format 1.1\r\n"),
		warcRecord([][2]string{{"WARC-Type", "request"}, {"WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000002>"},
			{"WARC-Date", "2026-04-03T10:00:01Z"}, {"WARC-Target-URI", "https://fenwickcourier.example/library-sundays"},
			{"Content-Type", "application/http; msgtype=request"}}, "GET /library-sundays HTTP/1.1\r\nHost: fenwickcourier.example\r\n\r\n"),
		response("00000000-0000-4000-8000-000000000003", "https://fenwickcourier.example/library-sundays", "2026-04-03T10:00:02Z",
			"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n", library),
		response("00000000-0000-4000-8000-000000000004", "https://fenwickcourier.example/logo.png", "2026-04-03T10:00:03Z",
			"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		response("00000000-0000-4000-8000-000000000005", "https://fenwickcourier.example/old-market", "2026-04-03T10:00:04Z",
			"HTTP/1.1 301 Moved Permanently\r\nLocation: /night-market\r\n", ""),
		// Stored as received: chunked and gzip-coded, and no date in the
		// page, so the WARC-Date is the article's.
		response("00000000-0000-4000-8000-000000000006", "https://fenwickcourier.example/night-market", "2026-04-03T10:00:05Z",
			"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", chunked(string(gz([]byte(market))), 100)),
	}
}

func TestWriteTestdata(t *testing.T) {
	if !*writeTestdata {
		t.Skip("run with -write-testdata to rewrite testdata/*.warc*")
	}
	recs := crawlRecords()
	write := func(name, content string) {
		if err := os.WriteFile("testdata/"+name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("crawl.warc", strings.Join(recs, ""))
	var members strings.Builder
	for _, r := range recs {
		members.Write(gz([]byte(r))) // one gzip member per record, as crawlers write them
	}
	write("crawl.warc.gz", members.String())
	// A record whose header block is garbage between two good ones.
	write("malformed.warc", recs[2]+"WARC/1.1\r\nWARC-Type response\r\nthis line is no header field\r\nContent-Length: many\r\n\r\n<html>lost</html>\r\n\r\n"+recs[5])
	// A good record, then one cut off in its payload.
	cut := string(gz([]byte(recs[5])))
	write("truncated.warc.gz", string(gz([]byte(recs[2])))+cut[:len(cut)/2])
}
