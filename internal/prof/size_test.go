package prof

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/pebble"
)

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && filepath.Ext(p) == ".sst" {
			n += info.Size()
		}
		return nil
	})
	return n
}

func TestSizes(t *testing.T) {
	arts := loadFile("/tmp/syn/corpus.jsonl", 10000)
	for _, mode := range []string{"none", "all"} {
		dir := t.TempDir()
		db, _ := pebble.Open(dir, pebble.Options{})
		for i := 0; i < len(arts); i += 2000 {
			var docs []store.Doc
			for _, a := range arts[i : i+2000] {
				d := index.Doc(a, align.DefaultAliases)
				switch mode {
				case "none":
					d.Terms = nil
				}
				docs = append(docs, d)
			}
			db.Put(context.Background(), docs)
		}
		db.Compact()
		db.Close()
		t.Logf("%s: %d bytes, %d per article", mode, dirSize(dir), dirSize(dir)/int64(len(arts)))
	}
}
