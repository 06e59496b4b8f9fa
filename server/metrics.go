package server

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are the server's Prometheus metrics, written in the text
// exposition format (version 0.0.4) by hand: a handful of counters and two
// histograms do not need the client library and its dependencies.
type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]int64
	latency  map[string]*histogram // by route

	inFlight     atomic.Int64 // traces running
	rejected     atomic.Int64 // trace requests refused with 503
	traceSeconds *histogram
	started      time.Time
}

type requestKey struct {
	route string
	code  int
}

func newMetrics() *metrics {
	return &metrics{requests: map[requestKey]int64{}, latency: map[string]*histogram{}, traceSeconds: newHistogram(), started: time.Now()}
}

// histogram counts observations in fixed buckets of seconds.
type histogram struct {
	mu     sync.Mutex
	counts []int64 // per bucket of latencyBuckets, not cumulative
	sum    float64
	n      int64
}

// latencyBuckets are upper bounds in seconds, from a fast trace to a slow
// queue wait.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

func newHistogram() *histogram { return &histogram{counts: make([]int64, len(latencyBuckets))} }

func (h *histogram) observe(v float64) {
	i, _ := slices.BinarySearch(latencyBuckets, v)
	h.mu.Lock()
	if i < len(h.counts) {
		h.counts[i]++
	}
	h.sum += v
	h.n++
	h.mu.Unlock()
}

// write writes the histogram's series; labels is "" or `k="v",`.
func (h *histogram) write(w io.Writer, name, labels string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var cum int64
	for i, le := range latencyBuckets {
		cum += h.counts[i]
		fmt.Fprintf(w, "%s_bucket{%sle=\"%s\"} %d\n", name, labels, strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	fmt.Fprintf(w, "%s_bucket{%sle=\"+Inf\"} %d\n", name, labels, h.n)
	trimmed := strings.TrimSuffix(labels, ",")
	if trimmed != "" {
		trimmed = "{" + trimmed + "}"
	}
	fmt.Fprintf(w, "%s_sum%s %g\n%s_count%s %d\n", name, trimmed, h.sum, name, trimmed, h.n)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument counts a route's requests by status and times them.
func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	m.mu.Lock()
	m.latency[route] = newHistogram()
	hist := m.latency[route]
	m.mu.Unlock()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			hist.observe(time.Since(start).Seconds())
			m.mu.Lock()
			m.requests[requestKey{route, code}]++
			m.mu.Unlock()
		}()
		h.ServeHTTP(rec, r)
	})
}

// serve writes every metric in the text exposition format.
func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.mu.Lock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.code - b.code
	})
	fmt.Fprintln(w, "# HELP unspun_http_requests_total HTTP requests by route pattern and status code.")
	fmt.Fprintln(w, "# TYPE unspun_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "unspun_http_requests_total{route=%q,code=\"%d\"} %d\n", k.route, k.code, m.requests[k])
	}
	routes := make([]string, 0, len(m.latency))
	for route := range m.latency {
		routes = append(routes, route)
	}
	slices.Sort(routes)
	hists := make([]*histogram, len(routes))
	for i, route := range routes {
		hists[i] = m.latency[route]
	}
	m.mu.Unlock()
	fmt.Fprintln(w, "# HELP unspun_http_request_duration_seconds Time to answer a request, by route pattern.")
	fmt.Fprintln(w, "# TYPE unspun_http_request_duration_seconds histogram")
	for i, route := range routes {
		hists[i].write(w, "unspun_http_request_duration_seconds", fmt.Sprintf("route=%q,", route))
	}
	fmt.Fprintln(w, "# HELP unspun_trace_duration_seconds Time to trace one article, queue wait included.")
	fmt.Fprintln(w, "# TYPE unspun_trace_duration_seconds histogram")
	m.traceSeconds.write(w, "unspun_trace_duration_seconds", "")
	fmt.Fprintf(w, "# HELP unspun_traces_in_flight Traces running now.\n# TYPE unspun_traces_in_flight gauge\nunspun_traces_in_flight %d\n", m.inFlight.Load())
	fmt.Fprintf(w, "# HELP unspun_traces_rejected_total Trace requests refused with 503 because the queue was full.\n# TYPE unspun_traces_rejected_total counter\nunspun_traces_rejected_total %d\n", m.rejected.Load())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "# HELP go_goroutines Goroutines that exist now.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_memstats_heap_alloc_bytes Heap bytes allocated and in use.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	if rss, ok := residentBytes(); ok {
		fmt.Fprintf(w, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %d\n", rss)
	}
	fmt.Fprintf(w, "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %d\n", m.started.Unix())
}

// residentBytes reads the process's resident set from /proc (Linux).
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}
