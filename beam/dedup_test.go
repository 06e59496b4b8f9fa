package beam

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/dedup"
	"github.com/unspun/unspun/reader"
)

func TestMain(m *testing.M) {
	beam.Init()
	os.Exit(m.Run())
}

// shards writes the invented near-duplicates of the main module's dedup
// fixture as two shards, one gzip-compressed, with a broken line in each.
func shards(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "dedup", "testdata", "near-duplicates.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	dir := t.TempDir()
	half := len(lines) / 2
	plain := strings.Join(lines[:half], "\n") + "\n{\"id\": broken\n"
	if err := os.WriteFile(filepath.Join(dir, "part-0.jsonl"), []byte(plain), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "part-1.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte(strings.Join(lines[half:], "\n") + "\n{\"text\": \"no id\"}\n"))
	zw.Close()
	f.Close()
	return dir
}

// local clusters the shards as `unspun dedup` does: the reader, the
// sketcher and dedup.Clusterer, in one process. Each cluster is its sorted
// member ids, joined by spaces.
func local(t *testing.T, dir string, threshold float64) []string {
	t.Helper()
	c := dedup.New(threshold)
	var sk dedup.Sketcher
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	bad := 0
	err := reader.Read(context.Background(), files, nil, reader.Options{}, func(a unspun.Article) error {
		c.Add(&dedup.Doc{ID: a.ID, URL: a.URL, Published: a.Published, Sketch: sk.Sketch(a.Title, a.Body)}, nil)
		return nil
	}, func(*reader.Error) { bad++ })
	if err != nil {
		t.Fatal(err)
	}
	if bad != 2 {
		t.Fatalf("the reader reported %d bad records, want the 2 broken lines", bad)
	}
	var out []string
	for _, cl := range c.Clusters() {
		var ids []string
		for _, m := range cl {
			ids = append(ids, m.Doc.ID)
		}
		slices.Sort(ids)
		out = append(out, strings.Join(ids, " "))
	}
	slices.Sort(out)
	return out
}

// TestPipelineMatchesDedup runs the pipeline on prism and checks it finds
// the clusters unspun dedup finds, with the same earliest member and
// similarities, numbered in order.
func TestPipelineMatchesDedup(t *testing.T) {
	dir := shards(t)
	out := filepath.Join(t.TempDir(), "clusters.jsonl")
	p, s := beam.NewPipelineWithRoot()
	Write(s, filepath.Join(dir, "*"), out, 0.8)
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if l.Cluster != n {
			t.Errorf("cluster numbered %d, want %d", l.Cluster, n)
		}
		n++
		if l.Members[0].ID != "wire/flood-walls" || l.Members[0].Similarity != 1 {
			t.Errorf("earliest member %+v, want the wire story", l.Members[0])
		}
		var ids []string
		for _, m := range l.Members {
			ids = append(ids, m.ID)
			if m.Similarity < 0.8 {
				t.Errorf("member %s at similarity %.3f, under the threshold", m.ID, m.Similarity)
			}
		}
		slices.Sort(ids)
		got = append(got, strings.Join(ids, " "))
	}
	slices.Sort(got)
	want := local(t, dir, 0.8)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("pipeline clusters %q, unspun dedup %q", got, want)
	}
}

// TestEmptyInput: no articles, no clusters, no failure.
func TestEmptyInput(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "empty.jsonl"), []byte("\n"), 0o644)
	out := filepath.Join(t.TempDir(), "clusters.jsonl")
	p, s := beam.NewPipelineWithRoot()
	Write(s, filepath.Join(dir, "*.jsonl"), out, 0.8)
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err == nil && strings.TrimSpace(string(data)) != "" {
		t.Errorf("clusters from an empty input: %q", data) // Beam writes no file at all for an empty result
	}
}
