// Command crashcampaign kills a real `unspun add` with SIGKILL many times
// at random points on one index, and after each kill checks that the index
// opens and holds every article that add had reported as stored (add -v
// reports each durable batch), every 500th of them listed under each of
// its index terms. add folds its segments when done, so kills also land in
// folds. It is the long version of the crash test in cmd/unspun, kept out
// of CI:
//
//	CGO_ENABLED=0 go build -o bench/out/unspun ./cmd/unspun
//	bench/out/unspun synth --articles 20000 --pages 0 bench/out/crash-synth
//	CGO_ENABLED=0 go run ./bench/crashcampaign -unspun bench/out/unspun -corpus bench/out/crash-synth/corpus.jsonl -kills 50
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
)

func main() {
	bin := flag.String("unspun", "bench/out/unspun", "the unspun binary")
	corpus := flag.String("corpus", "", "JSON Lines corpus to add (ids in file order)")
	kills := flag.Int("kills", 50, "how many times to kill add")
	seed := flag.Uint64("seed", 1, "random seed for the kill points")
	minDelay := flag.Duration("min-delay", 0, "kill add no sooner than this after it starts (near the time add takes, to kill it in its fold)")
	maxDelay := flag.Duration("max-delay", 8*time.Second, "kill add at a random time up to this after it starts (about the time add takes)")
	flag.Parse()
	if *corpus == "" {
		log.Fatal("give -corpus")
	}
	articles, err := readArticles(*corpus)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "unspun-crash-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "idx")
	rng := rand.New(rand.NewPCG(*seed, 7))
	checked, lostTotal, inFold := 0, 0, 0
	for round := range *kills {
		reported, killedAt, killed, err := addAndKill(*bin, db, *corpus, rng, *minDelay, *maxDelay)
		if err != nil {
			log.Fatalf("round %d: %v", round, err)
		}
		how := "killed"
		switch {
		case !killed:
			how = "add finished before the kill,"
		case reported == len(articles):
			how = "killed in the fold or compaction" // every batch reported: add was past them
			inFold++
		}
		lost, held, err := check(db, articles[:reported])
		if err != nil {
			log.Fatalf("round %d: the index does not open after SIGKILL: %v", round, err)
		}
		checked += reported
		lostTotal += lost
		fmt.Printf("round %2d: %s %v after %d articles reported stored; index holds %d; missing %d\n", round, how, killedAt.Round(time.Millisecond), reported, held, lost)
	}
	fmt.Printf("crash campaign: %d rounds, %d kills after every batch was reported, %d reported-stored articles checked, %d missing\n", *kills, inFold, checked, lostTotal)
	if lostTotal > 0 {
		os.Exit(1)
	}
}

// addAndKill starts add, kills it at a random time, and returns how many
// articles it had reported stored, when, and whether the kill came before
// add ended.
func addAndKill(bin, db, corpus string, rng *rand.Rand, minDelay, maxDelay time.Duration) (int, time.Duration, bool, error) {
	cmd := exec.Command(bin, "add", "-v", "--stories=false", "--db", db, corpus)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, 0, false, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, false, err
	}
	delay := minDelay + time.Duration(rng.Int64N(int64(max(maxDelay-minDelay, 1))))
	timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
	defer timer.Stop()
	reported := 0
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "stored %d articles", &n); err == nil {
			reported = n
		}
	}
	err = cmd.Wait()
	killed := false
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed = true
		}
	}
	return reported, min(delay, time.Since(start)), killed, nil
}

// check opens the index and counts the reported articles it lacks: not
// stored, or (every 500th) not listed under one of its index terms.
func check(db string, articles []unspun.Article) (missing int, held int64, err error) {
	if len(articles) == 0 {
		if _, err := os.Stat(db); os.IsNotExist(err) {
			return 0, 0, nil // killed before the index was made
		}
	}
	s, err := pebble.Open(db, pebble.Options{Create: true})
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	ctx := context.Background()
	for i, a := range articles {
		num, err := s.Number(ctx, a.ID)
		if err != nil {
			missing++
			continue
		}
		if i%500 != 0 {
			continue
		}
		for _, term := range index.Doc(a, align.DefaultAliases).Terms {
			hits, _, err := s.Postings(ctx, term.Key, 0, nil)
			if err != nil || !slices.Contains(hits, store.Hit{Doc: num, Sentence: term.Sentence, Check: term.Check}) {
				missing++
				break
			}
		}
	}
	st, err := s.Stats(ctx)
	return missing, st.Articles, err
}

// readArticles returns the articles of a JSON Lines corpus in file order:
// add stores them in that order, so "N reported stored" means the first N.
func readArticles(path string) ([]unspun.Article, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var articles []unspun.Article
	for line := range bytes.Lines(data) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		a, err := reader.ParseJSON(line)
		if err != nil {
			return nil, err
		}
		articles = append(articles, a)
	}
	return articles, nil
}
