package storetest

import (
	"testing"

	"github.com/unspun/unspun/store"
)

func TestMemory(t *testing.T) {
	stores := map[string]*Memory{}
	Run(t, func(t *testing.T, dir string) store.Store {
		if s, ok := stores[dir]; ok {
			s.closed = false // a reopen of the same in-memory store
			return s
		}
		s := NewMemory()
		stores[dir] = s
		return s
	})
}
