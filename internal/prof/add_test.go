package prof

import (
	"context"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/ingest"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/store/pebble"
)

func TestProfPipeline(t *testing.T) {
	db, _ := pebble.Open(t.TempDir(), pebble.Options{})
	defer db.Close()
	start := time.Now()
	p := &ingest.Pipeline{Store: db}
	n, err := p.Run(context.Background(), func(emit func(unspun.Article) error) error {
		return reader.Read(context.Background(), []string{"/tmp/syn/corpus.jsonl"}, nil, reader.Options{}, emit, func(*reader.Error) {})
	})
	t.Logf("%d articles, %.0f/s, err %v", n, float64(n)/time.Since(start).Seconds(), err)
}
