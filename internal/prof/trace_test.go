package prof

import (
	"bufio"
	"context"
	"os"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
	"github.com/unspun/unspun/trace"
)

func loadFile(path string, n int) []unspun.Article {
	f, _ := os.Open(path)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var out []unspun.Article
	for sc.Scan() && len(out) < n {
		a, _ := reader.ParseJSON(sc.Bytes())
		out = append(out, a)
	}
	return out
}

func TestProfTrace(t *testing.T) {
	arts := loadFile("/tmp/syn/corpus.jsonl", 20000)
	db, _ := pebble.Open(t.TempDir(), pebble.Options{})
	defer db.Close()
	for i := 0; i < len(arts); i += 2000 {
		var docs []store.Doc
		for _, a := range arts[i : i+2000] {
			docs = append(docs, index.Doc(a, align.DefaultAliases))
		}
		db.Put(context.Background(), docs)
	}
	if os.Getenv("COMPACT") != "" {
		db.Compact()
	}
	qs := loadFile("/tmp/syn/queries.jsonl", 300)
	tr, _ := trace.New(context.Background(), db, nil, trace.DefaultOptions)
	start := time.Now()
	for _, q := range qs {
		tr.Trace(context.Background(), q)
	}
	t.Logf("%.2f ms per query", float64(time.Since(start).Microseconds())/1000/float64(len(qs)))
}
