package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store/pebble"
)

// Exit statuses (README, "Exit status").
const (
	exitOK      = 0
	exitSkipped = 1 // some input records were bad and skipped
	exitUsage   = 2
	exitFailed  = 3 // the command could not do its work (index, I/O)
	// exitInterrupted is the shell's status for a process ended by SIGINT
	// (128 + 2): the command stopped early, on the user's word.
	exitInterrupted = 130
)

// app is one invocation: its streams and environment.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	helps          map[*flag.FlagSet]string // each command's help text
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"demo", "trace the bundled demo farm pages against the bundled demo corpus", runDemo},
		{"add", "add articles to the index", runAdd},
		{"trace", "trace articles back to their sources in the index", runTrace},
		{"quotes", "list quotes and their speakers", runQuotes},
		{"extract", "print articles as unspun reads them (JSON Lines)", runExtract},
		{"compact", "compact the index after large adds (faster trace)", runCompact},
		{"lexicon", "print the spin lexicon learned from traced copies", runLexicon},
		{"dedup", "find clusters of near-duplicate articles", runDedup},
		{"stories", "group articles into stories, one event each", runStories},
		{"link", "trace every stored article and keep its links (for sites)", runLink},
		{"sites", "per site: originality, copy graph, spin; farm networks", runSites},
		{"serve", "serve the web page and the JSON API on the index", runServe},
		{"synth", "write a synthetic corpus with farm pages and ground truth", runSynth},
	}
}

const usage = `unspun traces news articles back to the reporting they were built from.

Usage: unspun COMMAND [flags] [PATH...]

Commands:
%s
Run 'unspun COMMAND --help' for a command's flags. PATH is a file, a
directory (read recursively) or - for standard input.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return a.main(ctx, args)
}

func (a *app) main(ctx context.Context, args []string) int {
	var list strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&list, "  %-8s %s\n", c.name, c.summary)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(a.stdout, usage, list.String())
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, a, args[1:])
		}
	}
	fmt.Fprintf(a.stderr, "unspun: unknown command %q\n\n"+usage, args[0], list.String())
	return exitUsage
}

// flagSet returns a FlagSet for a command that prints its help once, to
// stdout, on --help, and a usage error with a pointer to --help to stderr.
func (a *app) flagSet(name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {} // the flag package calls it on every error: parse prints instead
	if a.helps == nil {
		a.helps = map[*flag.FlagSet]string{}
	}
	a.helps[fs] = help
	return fs
}

// parse parses flags, interspersed with positional arguments, and returns
// the exit status to stop with, or -1 to go on.
func (a *app) parse(fs *flag.FlagSet, args []string) ([]string, int) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(a.stdout, strings.TrimLeft(a.helps[fs], "\n"))
				fmt.Fprintln(a.stdout, "\nFlags:")
				fs.SetOutput(a.stdout)
				fs.PrintDefaults()
				return nil, exitOK
			}
			fmt.Fprintf(a.stderr, "Run 'unspun %s --help' for its usage.\n", fs.Name())
			return nil, exitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, -1
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// defaultDB is $UNSPUN_DB, else the user's data directory.
func (a *app) defaultDB() string {
	if d := a.getenv("UNSPUN_DB"); d != "" {
		return d
	}
	if d := a.getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "unspun")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "unspun")
	}
	return "unspun-index"
}

// openDB opens the index at dir. Only commands that add to an index create
// one (create); the others fail on a missing index, so that a mistyped
// --db is an error, not an empty index that finds no source. Errors say
// what to do.
func (a *app) openDB(dir string, create bool) (*pebble.DB, error) {
	db, err := pebble.Open(dir, pebble.Options{Create: create,
		Logger: slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	switch {
	case errors.Is(err, pebble.ErrNoIndex):
		return nil, fmt.Errorf("no index at %s (unspun add --db %s FILES creates one)", dir, dir)
	case errors.Is(err, pebble.ErrNotIndex):
		return nil, fmt.Errorf("%s is not an unspun index: it holds other files (choose an empty or new directory)", dir)
	case errors.Is(err, pebble.ErrInUse):
		return nil, fmt.Errorf("index %s is in use by another unspun process: wait until it finishes, or work on a copy of the directory", dir)
	}
	return db, err
}

// unfoldedNotice is how many unfolded segments make a command that looks
// sources up say so: each is one more read a word, and at 50 (a 100k add
// with --compact=false) tracing 300 pages took 4.5 s against 1.2 s.
const unfoldedNotice = 8

// noteUnfolded tells the user of a lookup command that the index holds
// segments an interrupted or unfolded add left, and how to fold them.
func (a *app) noteUnfolded(cmd, dir string, s *pebble.DB) {
	if n := s.Unfolded(); n >= unfoldedNotice {
		fmt.Fprintf(a.stderr, "unspun %s: the index holds %d segments not yet folded (an add was interrupted or ran with --compact=false): 'unspun compact --db %s' makes looking up sources faster\n", cmd, n, dir)
	}
}

func (a *app) fail(cmd string, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(a.stderr, "unspun %s: interrupted\n", cmd)
		return exitInterrupted
	}
	fmt.Fprintf(a.stderr, "unspun %s: %v\n", cmd, err)
	return exitFailed
}

// color reports whether output to w may use terminal colours: only on a
// terminal, and not when NO_COLOR is set or TERM is "dumb".
func (a *app) color(w io.Writer) bool {
	return isTerminal(w) && a.getenv("NO_COLOR") == "" && a.getenv("TERM") != "dumb"
}

// isTerminal reports whether w is a terminal, for progress and colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// inputs reads articles from paths, reporting bad records on stderr and
// counting them.
type inputs struct {
	a       *app
	opts    reader.Options
	read    int
	skipped int
	passed  map[string]int // records that are not articles, by reason
	// ownProgress: the command shows its own progress line.
	ownProgress bool
}

func (in *inputs) each(ctx context.Context, paths []string, emit func(unspun.Article) error) error {
	in.opts.Skip = func(_, reason string) {
		if in.passed == nil {
			in.passed = map[string]int{}
		}
		in.passed[reason]++
	}
	// Progress, on stderr and only on a terminal: a line redrawn twice a
	// second with the articles read so far, cleared at the end.
	var read atomic.Int64
	if isTerminal(in.a.stderr) && !in.ownProgress {
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(500 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					fmt.Fprint(in.a.stderr, "\r\x1b[K")
					return
				case <-tick.C:
					fmt.Fprintf(in.a.stderr, "\r%s read…", report.Plural(int(read.Load()), "article"))
				}
			}
		}()
		defer func() { close(done); wg.Wait() }()
	}
	return reader.Read(ctx, paths, in.a.stdin, in.opts, func(art unspun.Article) error {
		in.read++
		read.Add(1)
		return emit(art)
	}, func(e *reader.Error) {
		in.skipped++
		fmt.Fprintln(in.a.stderr, e.Error())
	})
}

// passedOver completes a summary line with the records that were read
// but are not articles, counted by reason; "" when there were none.
func (in *inputs) passedOver() string {
	if len(in.passed) == 0 {
		return ""
	}
	reasons := make([]string, 0, len(in.passed))
	total := 0
	for r, n := range in.passed {
		reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		total += n
	}
	sort.Strings(reasons)
	return fmt.Sprintf(", passed over %s that are not articles (%s)", report.Plural(total, "record"), strings.Join(reasons, ", "))
}

// summary is a command's closing line: what it did with how many
// articles, the bad records skipped and the records passed over.
func (in *inputs) summary(verb string, n int) string {
	return fmt.Sprintf("%s %s, skipped %s%s", verb, report.Plural(n, "article"), report.Plural(in.skipped, "bad record"), in.passedOver())
}

// status is the exit status for a finished read.
func (in *inputs) status() int {
	if in.skipped > 0 {
		return exitSkipped
	}
	return exitOK
}

// needInput reports a usage error when a reading command got no paths, or
// a path that does not exist (a typo is a usage error, not a bad record).
func (a *app) needInput(cmd string, paths []string) bool {
	if len(paths) == 0 {
		fmt.Fprintf(a.stderr, "unspun %s: no input: give files, directories or - for stdin\n", cmd)
		return false
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(a.stderr, "unspun %s: %s: no such file or directory\n", cmd, p)
			return false
		}
	}
	return true
}

// noArgs reports a usage error when a command that reads no paths got some.
func (a *app) noArgs(cmd string, args []string) bool {
	if len(args) == 0 {
		return true
	}
	fmt.Fprintf(a.stderr, "unspun %s: unexpected argument %q\nRun 'unspun %s --help' for its usage.\n", cmd, args[0], cmd)
	return false
}

// choice is a flag that takes one of a fixed set of values; the flag
// package reports any other value as a usage error while parsing.
type choice struct {
	value   string
	allowed []string
}

func (c *choice) String() string { return c.value }

func (c *choice) Set(v string) error {
	if !slices.Contains(c.allowed, v) {
		return fmt.Errorf("must be one of %s", strings.Join(c.allowed, ", "))
	}
	c.value = v
	return nil
}

// formatFlag defines --format with its allowed values, the first the default.
func formatFlag(fs *flag.FlagSet, usage string, allowed ...string) *choice {
	c := &choice{value: allowed[0], allowed: allowed}
	fs.Var(c, "format", usage)
	return c
}
