// Command crashcampaign kills a real `unspun add` with SIGKILL many times
// at random points on one index, and after each kill checks that the index
// opens and holds every article that add had reported as stored (add -v
// reports each durable batch). It is the long version of the crash test in
// cmd/unspun, kept out of CI:
//
//	CGO_ENABLED=0 go build -o bench/out/unspun ./cmd/unspun
//	bench/out/unspun synth --articles 20000 --pages 0 bench/out/crash-synth
//	CGO_ENABLED=0 go run ./bench/crashcampaign -unspun bench/out/unspun -corpus bench/out/crash-synth/corpus.jsonl -kills 50
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/unspun/unspun/store/pebble"
)

func main() {
	bin := flag.String("unspun", "bench/out/unspun", "the unspun binary")
	corpus := flag.String("corpus", "", "JSON Lines corpus to add (ids in file order)")
	kills := flag.Int("kills", 50, "how many times to kill add")
	seed := flag.Uint64("seed", 1, "random seed for the kill points")
	flag.Parse()
	if *corpus == "" {
		log.Fatal("give -corpus")
	}
	ids, err := readIDs(*corpus)
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
	checked, lostTotal := 0, 0
	for round := range *kills {
		reported, killedAt, err := addAndKill(*bin, db, *corpus, rng)
		if err != nil {
			log.Fatalf("round %d: %v", round, err)
		}
		lost, held, err := check(db, ids[:reported])
		if err != nil {
			log.Fatalf("round %d: the index does not open after SIGKILL: %v", round, err)
		}
		checked += reported
		lostTotal += lost
		fmt.Printf("round %2d: killed %v after %d articles reported stored; index holds %d; missing %d\n", round, killedAt.Round(time.Millisecond), reported, held, lost)
	}
	fmt.Printf("crash campaign: %d kills, %d reported-stored articles checked, %d missing\n", *kills, checked, lostTotal)
	if lostTotal > 0 {
		os.Exit(1)
	}
}

// addAndKill starts add, waits a random time after its first reported
// batch (or before it), kills it, and returns how many articles it had
// reported stored.
func addAndKill(bin, db, corpus string, rng *rand.Rand) (int, time.Duration, error) {
	cmd := exec.Command(bin, "add", "-v", "--compact=false", "--db", db, corpus)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	delay := time.Duration(rng.IntN(8000)) * time.Millisecond // add of 20,000 articles takes about 10 s here
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
	cmd.Wait()
	return reported, min(delay, time.Since(start)), nil
}

// check opens the index and counts the reported articles it lacks.
func check(db string, ids []string) (missing int, held int64, err error) {
	if len(ids) == 0 {
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
	for _, id := range ids {
		if _, err := s.Get(ctx, id); err != nil {
			missing++
		}
	}
	st, err := s.Stats(ctx)
	return missing, st.Articles, err
}

// readIDs returns the ids of a JSON Lines corpus in file order: add stores
// them in that order, so "N reported stored" means the first N.
func readIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	return ids, sc.Err()
}
