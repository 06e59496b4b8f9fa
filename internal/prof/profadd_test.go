package prof

import (
	"bufio"
	"context"
	"os"
	"testing"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
)

func load(t testing.TB) []unspun.Article {
	f, _ := os.Open("/tmp/syn/corpus.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var out []unspun.Article
	for sc.Scan() && len(out) < 10000 {
		a, _ := reader.ParseJSON(sc.Bytes())
		out = append(out, a)
	}
	return out
}

func TestProfAdd(t *testing.T) {
	arts := load(t)
	db, _ := pebble.Open(t.TempDir(), pebble.Options{})
	defer db.Close()
	for i := 0; i < len(arts); i += 2000 {
		var docs []store.Doc
		for _, a := range arts[i : i+2000] {
			docs = append(docs, index.Doc(a, align.DefaultAliases))
		}
		db.Put(context.Background(), docs)
	}
}
