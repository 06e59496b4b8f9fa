package dedup

// table maps well-mixed 64-bit keys (band keys and sketch hashes, already
// hashes) to int32 values by open addressing with linear probing: the slot
// is the key's low bits, and one probe sequence both finds a key and
// claims its slot. It replaces a Go map on the clusterer's single-threaded
// hot path, where two map operations per band and document (look up the
// bucket head, then set it) cost a fifth of a dedup run. Keys and values
// live in two arrays (12 bytes a slot, under 3/4 full); key 0 marks an
// empty slot, so a real key 0 is stored as zeroKey.
type table struct {
	keys []uint64
	vals []int32
	n    int // keys held
}

// zeroKey stands for the key 0, which marks empty slots. It collides with
// a real key of that value, a 2^-64 event for hashes.
const zeroKey = 0x9e3779b97f4a7c15

// find returns the slot of key, or of the empty slot where it belongs.
func (t *table) find(key uint64) int {
	if 4*(t.n+1) > 3*len(t.keys) { // keep the load under 3/4
		t.grow()
	}
	mask := uint64(len(t.keys) - 1)
	i := key & mask
	for t.keys[i] != 0 && t.keys[i] != key {
		i = (i + 1) & mask
	}
	return int(i)
}

// swap sets key's value to val and returns the value it had, and whether
// it had one.
func (t *table) swap(key uint64, val int32) (old int32, ok bool) { return t.put(key, val, true) }

// getOrPut returns key's value if it has one, else sets it to val.
func (t *table) getOrPut(key uint64, val int32) (old int32, ok bool) { return t.put(key, val, false) }

// put stores val under key when key is new, or when replace is set, and
// returns the value key had and whether it had one.
func (t *table) put(key uint64, val int32, replace bool) (old int32, ok bool) {
	if key == 0 {
		key = zeroKey
	}
	i := t.find(key)
	if t.keys[i] == 0 {
		t.keys[i], t.vals[i] = key, val
		t.n++
		return 0, false
	}
	old = t.vals[i]
	if replace {
		t.vals[i] = val
	}
	return old, true
}

func (t *table) grow() {
	keys, vals := t.keys, t.vals
	size := max(1024, 2*len(keys))
	t.keys, t.vals, t.n = make([]uint64, size), make([]int32, size), 0
	mask := uint64(size - 1)
	for j, k := range keys {
		if k == 0 {
			continue
		}
		i := k & mask
		for t.keys[i] != 0 {
			i = (i + 1) & mask
		}
		t.keys[i], t.vals[i] = k, vals[j]
		t.n++
	}
}
