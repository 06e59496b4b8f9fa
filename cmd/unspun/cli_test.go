package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unspun/unspun/internal/golden"
	"github.com/unspun/unspun/store/pebble"
)

// TestCommandLineMistakes runs the mistakes a new user makes and checks
// that each is a clear usage error or a clear report, said once.
func TestCommandLineMistakes(t *testing.T) {
	f, db := demoIndex(t)
	r := runCLI(t, "", "trace", "--help")
	if r.code != exitOK || !strings.Contains(r.stdout, "Usage: unspun trace") || r.stderr != "" || strings.Count(r.stdout, "Usage:") != 1 {
		t.Errorf("trace --help: exit %d, help printed %d times to stdout, stderr %q", r.code, strings.Count(r.stdout, "Usage:"), r.stderr)
	}
	r = runCLI(t, "", "trace", "--no-such-flag", f.Farm)
	if r.code != exitUsage || strings.Contains(r.stderr, "Flags:") || !strings.Contains(r.stderr, "unspun trace --help") {
		t.Errorf("an unknown flag: exit %d, stderr %q; want exit 2, a pointer to --help, not the whole help", r.code, r.stderr)
	}
	for _, args := range [][]string{
		{"trace", "--db", db, filepath.Join(t.TempDir(), "no-such-file.jsonl")},
		{"demo", "extra"},
		{"quotes", "--db", db, "--speaker", "Hale", f.Farm},
		{"lexicon", "--db", db, "stray"},
		{"synth", "--spin", "5", t.TempDir()},
	} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d (usage)\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
	// The same id twice in one run: said, and counted.
	dup := filepath.Join(t.TempDir(), "dup.jsonl")
	os.WriteFile(dup, []byte(`{"id":"x","text":"The ferry left at noon."}`+"\n"+`{"id":"x","text":"The ferry left at one."}`+"\n"), 0o644)
	r = runCLI(t, "", "add", "--db", db, dup)
	if !strings.Contains(r.stderr, `id "x" comes again`) || !strings.Contains(r.stderr, "1 of them replaced an article with the same id") {
		t.Errorf("a repeated id: %q", r.stderr)
	}
	// An empty text is a bad record, not an article that is 100 % original.
	r = runCLI(t, `{"id":"e","text":"  "}`+"\n", "trace", "--db", db, "-")
	if r.code != exitSkipped || !strings.Contains(r.stderr, `"text" is empty`) || strings.Contains(r.stderr, ": invalid") {
		t.Errorf("an empty text: exit %d, stderr %q", r.code, r.stderr)
	}
	// Two texts from stdin are two articles.
	for _, body := range []string{"First\n\nThe ferry left at noon.", "Second\n\nThe ferry left at one."} {
		if r := runCLI(t, body, "add", "--db", db, "-"); r.code != exitOK || !strings.Contains(r.stderr, "added 1 article,") {
			t.Errorf("add - : %d %q", r.code, r.stderr)
		}
	}
	r = runCLI(t, "", "lexicon", "--db", db)
	if !strings.Contains(r.stderr, "learned") {
		t.Errorf("lexicon prints no summary: %q", r.stderr)
	}
}

// TestInterruptedAdd sends SIGINT to a real add: it stops with exit status
// 130, says how many articles it stored, and they are there.
func TestInterruptedAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "idx")
	cmd, sc := startAdd(t, db, synthCorpus(t, dir))
	var last string
	sent := false
	for sc.Scan() {
		last = sc.Text()
		if _, ok := storedCount(last); ok && !sent {
			time.Sleep(20 * time.Millisecond)
			cmd.Process.Signal(syscall.SIGINT)
			sent = true
		}
	}
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code == exitOK && strings.HasPrefix(last, "added 9000") {
		t.Skip("add finished before the signal arrived")
	}
	if code != exitInterrupted || !strings.Contains(last, "interrupted:") || !strings.Contains(last, "stored") {
		t.Fatalf("SIGINT during add: exit %d, last line %q; want %d and how many were stored", code, last, exitInterrupted)
	}
	var said int
	fmt.Sscanf(last[strings.Index(last, "interrupted:"):], "interrupted: %d", &said)
	s, err := pebble.Open(db, pebble.Options{})
	if err != nil {
		t.Fatalf("the index does not open after SIGINT: %v", err)
	}
	defer s.Close()
	st, _ := s.Stats(context.Background())
	if said == 0 || st.Articles != int64(said) {
		t.Errorf("add said %d articles were stored, the index holds %d", said, st.Articles)
	}
}

// TestDedupGolden clusters invented near-duplicates — exact copies, a
// reprint under a new headline, a shortened version, an undated copy — and
// checks they form one cluster with the wire story first, while another
// outlet's article on the same event and an unrelated one stay out.
func TestDedupGolden(t *testing.T) {
	fixture := filepath.Join("..", "..", "dedup", "testdata", "near-duplicates.jsonl")
	r := runCLI(t, "", "dedup", "--format", "json", fixture)
	if r.code != exitOK {
		t.Fatalf("dedup: %d %s", r.code, r.stderr)
	}
	golden.Check(t, "dedup.golden", []byte(r.stdout))
	for _, out := range []string{"valleyherald/school-hall", "harbour/ferries-return"} {
		if strings.Contains(r.stdout, out) {
			t.Errorf("%s clustered with the wire story", out)
		}
	}
	db := filepath.Join(t.TempDir(), "idx")
	runCLI(t, "", "add", "--db", db, fixture)
	fromIndex := runCLI(t, "", "dedup", "--format", "json", "--db", db)
	if fromIndex.code != exitOK || strings.Count(fromIndex.stdout, "\n") != 1 || !strings.Contains(fromIndex.stdout, `"id":"wire/flood-walls","url":"","published":"2031-05-04T08:00:00Z","similarity":1`) {
		t.Errorf("dedup --db: %d %q", fromIndex.code, fromIndex.stdout)
	}
	if r := runCLI(t, "", "dedup", "--threshold", "1.5", fixture); r.code != exitUsage {
		t.Errorf("--threshold 1.5: exit %d, want usage", r.code)
	}
	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	os.WriteFile(empty, []byte("\n"), 0o644)
	if r := runCLI(t, "", "dedup", "--format", "json", empty); r.code != exitOK || r.stdout != "" {
		t.Errorf("an input without articles: exit %d, output %q; want no clusters and exit 0", r.code, r.stdout)
	}
}

// synthCorpus writes a synthetic corpus of 9,000 articles into dir and
// returns its path: enough for an add to take a few seconds.
func synthCorpus(t *testing.T, dir string) string {
	t.Helper()
	synthDir := filepath.Join(dir, "synth")
	if r := runCLI(t, "", "synth", "--articles", "9000", "--pages", "0", synthDir); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	return filepath.Join(synthDir, "corpus.jsonl")
}

// startAdd starts a real `unspun add -v` (this test binary standing in for
// unspun) and returns it with a scanner over its stderr.
func startAdd(t *testing.T, db, corpus string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "add", "-v", "--db", db, corpus)
	cmd.Env = append(os.Environ(), "UNSPUN_TEST_MAIN=1")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stderr)
}

// TestStoriesGolden groups the demo corpus and farm pages into stories.
func TestStoriesGolden(t *testing.T) {
	f := demoFiles(t)
	r := runCLI(t, "", "stories", "--format", "json", f.Corpus, f.Farm)
	if r.code != exitOK {
		t.Fatalf("stories: %d %s", r.code, r.stderr)
	}
	golden.Check(t, "stories.golden", []byte(r.stdout))
	if !strings.Contains(strings.SplitN(r.stdout, "\n", 2)[0], `"id":"northernwire/brenno-flood"`) {
		t.Error("the wire story is not in the first story")
	}
}

// TestStoriesKeptInTheIndex checks that add keeps the index's stories,
// that stories --db reads them (the same as clustering the same articles
// from their file), and that an add without them leaves stories to cluster
// and keep when first asked.
func TestStoriesKeptInTheIndex(t *testing.T) {
	f := demoFiles(t)
	fromFile := runCLI(t, "", "stories", "--format", "json", f.Corpus)
	db := filepath.Join(t.TempDir(), "idx")
	if r := runCLI(t, "", "add", "--db", db, f.Corpus); r.code != exitOK || !strings.Contains(r.stderr, "stories kept") {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	kept := runCLI(t, "", "stories", "--db", db, "--format", "json")
	if kept.code != exitOK || !strings.Contains(kept.stderr, "(kept in the index)") {
		t.Fatalf("stories --db: %d %s", kept.code, kept.stderr)
	}
	if kept.stdout != fromFile.stdout || kept.stdout == "" {
		t.Errorf("stories kept in the index:\n%s\ndiffer from the file's:\n%s", kept.stdout, fromFile.stdout)
	}
	// A farm page added without stories: they are stale until asked for.
	if r := runCLI(t, "", "add", "--db", db, "--stories=false", f.Farm); r.code != exitOK || strings.Contains(r.stderr, "stories kept") {
		t.Fatalf("add --stories=false: %d %s", r.code, r.stderr)
	}
	again := runCLI(t, "", "stories", "--db", db, "--format", "json")
	if again.code != exitOK || !strings.Contains(again.stderr, "clustered now") {
		t.Fatalf("stale stories: %d %s", again.code, again.stderr)
	}
	if n := strings.Count(again.stdout, `"id":`); n != f.Articles+f.Pages {
		t.Errorf("%d articles in the stories, want all %d", n, f.Articles+f.Pages)
	}
	if r := runCLI(t, "", "stories", "--db", db, "--format", "json"); !strings.Contains(r.stderr, "(kept in the index)") || r.stdout != again.stdout {
		t.Errorf("the stories clustered when asked were not kept: %s", r.stderr)
	}
}

// TestTraceHTML writes the demo's traces as one page.
func TestTraceHTML(t *testing.T) {
	f, db := demoIndex(t)
	r := runCLI(t, "", "trace", "--db", db, "--format", "html", f.Farm)
	if r.code != exitOK {
		t.Fatalf("trace --format html: %d %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(r.stdout), "</html>") {
		t.Error("not one whole page")
	}
	if n := strings.Count(r.stdout, "<section"); n != f.Pages {
		t.Errorf("%d sections, want one per farm page (%d)", n, f.Pages)
	}
	for _, want := range []string{"changed fact", "the sources say Petra Ilic", "recovered from northernwire/brenno-flood"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
