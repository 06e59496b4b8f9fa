package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/unspun/unspun/internal/golden"
	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
	"github.com/unspun/unspun/synth"
)

// TestSitesDemoGolden links the demo corpus and farm pages and compares the
// sites view, networks included, with testdata/sites.golden.
func TestSitesDemoGolden(t *testing.T) {
	f := demoFiles(t)
	db := filepath.Join(t.TempDir(), "idx")
	if r := runCLI(t, "", "add", "--db", db, "--link", f.Corpus, f.Farm); r.code != exitOK || !strings.Contains(r.stderr, "linked 17 articles") || !strings.Contains(r.stderr, "stories kept") {
		t.Fatalf("add --link: %d %s", r.code, r.stderr)
	}
	// The stories, clustered while the articles were linked, are kept and
	// are those of the same articles clustered from their files.
	kept := runCLI(t, "", "stories", "--db", db, "--format", "json")
	if fromFiles := runCLI(t, "", "stories", "--format", "json", f.Corpus, f.Farm); !strings.Contains(kept.stderr, "(kept in the index)") || kept.stdout != fromFiles.stdout {
		t.Errorf("stories after add --link (%s):\n%s\nwant those of the files:\n%s", kept.stderr, kept.stdout, fromFiles.stdout)
	}
	r := runCLI(t, "", "sites", "--db", db, "--networks")
	if r.code != exitOK {
		t.Fatalf("sites: %d %s", r.code, r.stderr)
	}
	golden.Check(t, "sites.golden", []byte(r.stdout))
	// Linking again changes nothing: links are replaced, lessons learned once.
	if r := runCLI(t, "", "link", "--db", db); r.code != exitOK {
		t.Fatalf("link: %d %s", r.code, r.stderr)
	}
	if again := runCLI(t, "", "sites", "--db", db, "--networks"); again.stdout != r.stdout {
		t.Errorf("sites differ after linking again:\n%s\nvs\n%s", again.stdout, r.stdout)
	}
}

// TestSitesFindTheNetworksOfASyntheticWorld builds a world of honest
// outlets (some running wire copy word for word) and three farm networks
// with their own dictionaries over shared stock swaps, links it, and
// checks every network is found whole, alone, and without an honest site.
func TestSitesFindTheNetworksOfASyntheticWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("links a thousand articles")
	}
	dir := t.TempDir()
	w := synth.NewWorld(synth.WorldOptions{Seed: 11})
	if err := writeWorld(dir, w); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "idx")
	if r := runCLI(t, "", "add", "--db", db, "--link", filepath.Join(dir, "world.jsonl")); r.code != exitOK {
		t.Fatalf("add --link: %d %s", r.code, r.stderr)
	}
	r := runCLI(t, "", "sites", "--db", db, "--networks", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("sites: %d %s", r.code, r.stderr)
	}
	found := map[int][]string{}
	honestCopies := 0
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(line, `{"network"`) {
			var n report.NetworkJSON
			if err := json.Unmarshal([]byte(line), &n); err != nil {
				t.Fatal(err)
			}
			if len(n.Evidence.SharedSpin) == 0 {
				t.Errorf("network %d comes without evidence", n.Network)
			}
			found[n.Network] = n.Sites
			continue
		}
		var s report.SiteJSON
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatal(err)
		}
		if _, farm := w.Network[s.Site]; !farm && s.Site != "wire.test" && len(s.CopiesFrom) > 0 {
			honestCopies++
		}
	}
	if honestCopies == 0 {
		t.Error("no honest outlet copies the wire: the world does not test what it should")
	}
	truth := map[int][]string{}
	for site, n := range w.Network {
		truth[n] = append(truth[n], site)
	}
	var got, want []string
	for _, sites := range found {
		got = append(got, strings.Join(sites, ","))
	}
	for _, sites := range truth {
		slices.Sort(sites)
		want = append(want, strings.Join(sites, ","))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("networks found:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	os.RemoveAll(db)
}

// TestKilledAddLinkKeepsWholeLinks kills a real `add --link` while it
// stores links: the index opens, every stored links record reads back
// whole, and at least as many articles are linked as it reported.
func TestKilledAddLinkKeepsWholeLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "idx")
	cmd := exec.Command(os.Args[0], "add", "-v", "--link", "--db", db, synthCorpus(t, dir))
	cmd.Env = append(os.Environ(), "UNSPUN_TEST_MAIN=1")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	reported := 0
	for sc.Scan() {
		if n, err := fmt.Sscanf(sc.Text(), "linked %d articles through", &reported); n == 1 && err == nil {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	cmd.Wait()
	if reported == 0 {
		t.Fatal("add --link reported no stored links before it ended")
	}
	s, err := pebble.Open(db, pebble.Options{})
	if err != nil {
		t.Fatalf("the index does not open after SIGKILL: %v", err)
	}
	defer s.Close()
	linked := 0
	err = s.AllLinks(context.Background(), func(l store.Links) error {
		linked++
		if l.Sentences == 0 {
			return fmt.Errorf("%s: a links record without its sentences", l.Article)
		}
		return nil
	})
	if err != nil || linked < reported {
		t.Errorf("after SIGKILL: %d articles linked (%v), add reported %d", linked, err, reported)
	}
}
