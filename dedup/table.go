package dedup

// table maps well-mixed 64-bit keys (band keys and sketch hashes, already
// hashes) to int32 values by open addressing with linear probing: the slot
// is the key's low bits, and one probe sequence both finds a key and
// claims its slot. It replaces a Go map on the clusterer's single-threaded
// hot path, where two map operations per band and document (look up the
// bucket head, then set it) cost a fifth of a dedup run.
type table struct {
	slots []slot
	n     int // keys held
}

type slot struct {
	key  uint64
	val  int32
	used bool
}

// swap sets key's value to val and returns the value it had, and whether
// it had one.
func (t *table) swap(key uint64, val int32) (old int32, ok bool) {
	if 4*(t.n+1) > 3*len(t.slots) { // keep the load under 3/4
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			*s = slot{key: key, val: val, used: true}
			t.n++
			return 0, false
		}
		if s.key == key {
			old, s.val = s.val, val
			return old, true
		}
	}
}

// getOrPut returns key's value if it has one, else sets it to val.
func (t *table) getOrPut(key uint64, val int32) (old int32, ok bool) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			*s = slot{key: key, val: val, used: true}
			t.n++
			return 0, false
		}
		if s.key == key {
			return s.val, true
		}
	}
}

func (t *table) grow() {
	old := t.slots
	t.slots = make([]slot, max(1024, 2*len(old)))
	t.n = 0
	for _, s := range old {
		if s.used {
			t.swap(s.key, s.val)
		}
	}
}
