package pebble

import (
	"testing"

	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		db, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestAppendMergerOrder(t *testing.T) {
	m := &appendMerger{newer: [][]byte{[]byte("c")}}
	m.MergeOlder([]byte("b"))
	m.MergeNewer([]byte("d"))
	m.MergeOlder([]byte("a"))
	m.MergeNewer([]byte("e"))
	got, _, _ := m.Finish(true)
	if string(got) != "abcde" {
		t.Errorf("merged %q, want operands oldest first: abcde", got)
	}
}
