package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/unspun/unspun/server"
)

const serveHelp = `
Usage: unspun serve [--db DIR] [--addr HOST:PORT] [--token-file FILE]

Serves the web page (paste a page, see where each sentence came from) and
the JSON API (/api/trace, /api/quotes, /api/articles, /api/stories,
/healthz, /metrics; described at /api/openapi.json) on the index.

It listens on 127.0.0.1:8080 unless told otherwise. Writes (POST
/api/articles) need "Authorization: Bearer TOKEN" when --token-file is
given; without one they are allowed on a loopback address only, and serve
refuses a non-loopback address unless --read-only. Traces never teach the
spin lexicon. SIGTERM or Ctrl-C stops taking requests, lets the running
ones finish (up to 30 s) and closes the index.
`

func runServe(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("serve", serveHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	cfg, addr, open := serveFlags(fs)
	paths, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.noArgs("serve", paths) {
		return exitUsage
	}
	return a.serve(ctx, *db, cfg(), *addr, *open)
}

// serveFlags declares the flags serve and demo --serve share and returns
// their values, read after parsing.
func serveFlags(fs *flag.FlagSet) (cfg func() serveConfig, addr *string, open *bool) {
	addr = fs.String("addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; :0 picks a free port)")
	tokenFile := fs.String("token-file", "", "file holding the bearer token that write endpoints require")
	readOnly := fs.Bool("read-only", false, "refuse every write (needed to listen on a non-loopback address without a token)")
	maxBody := fs.Int64("max-body", 4<<20, "largest request body in bytes (413 past it)")
	maxTraces := fs.Int("max-traces", 2*runtime.GOMAXPROCS(0), "traces running at once")
	maxQueue := fs.Int("max-queue", 0, "trace requests waiting for a tracer before 503 (0: 64 per tracer)")
	open = fs.Bool("open", false, "open the page in a browser (xdg-open)")
	return func() serveConfig {
		return serveConfig{tokenFile: *tokenFile, readOnly: *readOnly, maxBody: *maxBody, maxTraces: *maxTraces, maxQueue: *maxQueue}
	}, addr, open
}

// serveConfig is what the serve flags say.
type serveConfig struct {
	tokenFile           string
	readOnly            bool
	maxBody             int64
	maxTraces, maxQueue int
}

// serve runs the server on the index at db until ctx ends.
func (a *app) serve(ctx context.Context, db string, c serveConfig, addr string, open bool) int {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(a.stderr, "unspun serve: --addr %q: %v\n", addr, err)
		return exitUsage
	}
	token := ""
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return a.fail("serve", err)
		}
		if token = strings.TrimSpace(string(b)); token == "" {
			fmt.Fprintf(a.stderr, "unspun serve: %s holds no token\n", c.tokenFile)
			return exitUsage
		}
	}
	loopback := isLoopback(host)
	if !loopback && token == "" && !c.readOnly {
		fmt.Fprintf(a.stderr, "unspun serve: %s is not a loopback address: give --token-file so that writes need a token, or --read-only\n", addr)
		return exitUsage
	}
	s, err := a.openDB(db, false)
	if err != nil {
		return a.fail("serve", err)
	}
	defer s.Close()
	a.noteUnfolded("serve", db, s)
	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(ctx, server.Config{Store: s, Token: token, Writable: loopback && !c.readOnly && token == "",
		MaxBody: c.maxBody, MaxTraces: c.maxTraces, MaxQueue: c.maxQueue, Logger: logger})
	if err != nil {
		return a.fail("serve", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return a.fail("serve", err)
	}
	hs := &http.Server{Handler: srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(a.stderr, "unspun serve: %s on %s (%s)\n", url, db, writesNote(token, loopback && !c.readOnly))
	if open {
		openBrowser(url)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return a.fail("serve", err)
	case <-ctx.Done():
	}
	// Stop taking requests and let the running ones finish; the index
	// closes (deferred) only after them.
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		fmt.Fprintf(a.stderr, "unspun serve: shutdown: %v\n", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return a.fail("serve", err)
	}
	fmt.Fprintln(a.stderr, "unspun serve: stopped")
	return exitOK
}

func writesNote(token string, writable bool) string {
	switch {
	case token != "":
		return "writes need the bearer token"
	case writable:
		return "writes allowed from this machine"
	}
	return "read-only"
}

// isLoopback reports whether host names only this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// openBrowser asks the desktop to open url, and says nothing if it cannot.
func openBrowser(url string) {
	for _, name := range []string{"xdg-open", "open"} {
		if path, err := exec.LookPath(name); err == nil {
			if exec.Command(path, url).Start() == nil {
				return
			}
		}
	}
}
