// Command loadgen is the load generator for `unspun serve`: many clients
// on loopback post pages to /api/trace for a while, and it reports
// requests per second, latency percentiles, errors, and the server's
// resident memory at the start and the end (from /proc, given its pid).
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080 -pages bench/out/synth-100000/queries.jsonl -clients 200 -duration 60s -pid 1234
//
// bench/serve.sh starts a server on a 100k index and runs it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	pagesPath := flag.String("pages", "", "JSON Lines of articles to post (one per request, round robin)")
	clients := flag.Int("clients", 200, "concurrent clients")
	duration := flag.Duration("duration", time.Minute, "how long to send requests")
	pid := flag.Int("pid", 0, "server process id, to sample its resident memory")
	flag.Parse()
	pages, err := readPages(*pagesPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	r := run(*url, pages, *clients, *duration, *pid)
	fmt.Print(r)
	if r.errors > 0 {
		os.Exit(1)
	}
}

// readPages reads the request bodies: one JSON article a line.
func readPages(path string) ([][]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("-pages is required")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pages [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			pages = append(pages, bytes.Clone(line))
		}
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%s: no pages", path)
	}
	return pages, sc.Err()
}

// result is what a run measured.
type result struct {
	clients    int
	elapsed    time.Duration
	latencies  []time.Duration // of successful requests
	errors     int64
	errorKinds map[string]int64
	rss        []int64 // server RSS samples, bytes, one a second
}

func run(base string, pages [][]byte, clients int, d time.Duration, pid int) *result {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	res := &result{clients: clients, errorKinds: map[string]int64{}}
	var mu sync.Mutex
	var next atomic.Int64
	stopSampling := sampleRSS(pid, &res.rss, &mu)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			var lat []time.Duration
			for ctx.Err() == nil {
				body := pages[int(next.Add(1))%len(pages)]
				t0 := time.Now()
				kind := post(client, base+"/api/trace", body)
				if ctx.Err() != nil && kind != "" {
					break // cut by the end of the run, not a server error
				}
				if kind != "" {
					mu.Lock()
					res.errors++
					res.errorKinds[kind]++
					mu.Unlock()
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	stopSampling()
	return res
}

// post sends one page and returns "" on a 200 with a body, else what went
// wrong.
func post(c *http.Client, url string, body []byte) string {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return "transport: " + strings.SplitN(err.Error(), ": ", 2)[0]
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	switch {
	case err != nil:
		return "reading the answer"
	case resp.StatusCode != http.StatusOK:
		return "status " + strconv.Itoa(resp.StatusCode)
	case n == 0:
		return "empty answer"
	}
	return ""
}

// sampleRSS reads the server's VmRSS once a second until stopped.
func sampleRSS(pid int, into *[]int64, mu *sync.Mutex) (stop func()) {
	if pid == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := func() {
		if v, ok := rss(pid); ok {
			mu.Lock()
			*into = append(*into, v)
			mu.Unlock()
		}
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		sample()
		for {
			select {
			case <-done:
				sample()
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return func() { close(done); <-finished }
}

// rss reads a process's resident set size from /proc.
func rss(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err == nil
			}
		}
	}
	return 0, false
}

func (r *result) String() string {
	var b strings.Builder
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	ms := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds()*1000, 'f', 1, 64) + " ms" }
	fmt.Fprintf(&b, "clients %d, %.0f s: %d requests answered, %.1f requests/s, %d errors\n",
		r.clients, r.elapsed.Seconds(), len(r.latencies), float64(len(r.latencies))/r.elapsed.Seconds(), r.errors)
	for kind, n := range r.errorKinds {
		fmt.Fprintf(&b, "  error %s: %d\n", kind, n)
	}
	fmt.Fprintf(&b, "latency p50 %s, p90 %s, p99 %s, max %s\n", ms(pct(0.5)), ms(pct(0.9)), ms(pct(0.99)), ms(pct(1)))
	if len(r.rss) > 0 {
		mb := func(v int64) string { return strconv.FormatInt(v>>20, 10) + " MB" }
		fmt.Fprintf(&b, "server RSS: start %s, end %s, peak %s (%d samples)\n", mb(r.rss[0]), mb(r.rss[len(r.rss)-1]), mb(slices.Max(r.rss)), len(r.rss))
		b.WriteString("server RSS every 10 s:")
		for i := 0; i < len(r.rss); i += 10 {
			b.WriteString(" " + mb(r.rss[i]))
		}
		b.WriteString("\n")
	}
	return b.String()
}
