// Package keyed is the bounded per-key state every stateful detector uses: a map from a
// 64-bit key hash to a value, with least-recently-used eviction at a configured maximum
// and an eviction count for internal telemetry. Keys are hashes so that building a key
// from record attributes allocates nothing; callers hash with Hash / HashString.
//
// A Map is not safe for concurrent use; the processor serialises detection.
package keyed

// Map is a bounded LRU map. The zero value is not usable; call New.
type Map[V any] struct {
	max       int
	index     map[uint64]int32 // key -> slot
	slots     []slot[V]
	head      int32 // most recently used, -1 when empty
	tail      int32 // least recently used
	free      int32 // free-list head, -1 when none
	evictions uint64
	onEvict   func(key uint64, v *V)
}

type slot[V any] struct {
	key        uint64
	prev, next int32
	val        V
}

// New returns a map holding at most max keys (max < 1 is treated as 1).
func New[V any](max int) *Map[V] {
	if max < 1 {
		max = 1
	}
	return &Map[V]{max: max, index: make(map[uint64]int32), head: -1, tail: -1, free: -1}
}

// OnEvict registers a function called with each entry evicted for room.
func (m *Map[V]) OnEvict(fn func(key uint64, v *V)) { m.onEvict = fn }

// Len is the number of keys held.
func (m *Map[V]) Len() int { return len(m.index) }

// Max is the configured bound.
func (m *Map[V]) Max() int { return m.max }

// Evictions counts entries dropped to stay within the bound.
func (m *Map[V]) Evictions() uint64 { return m.evictions }

// Get returns the value for key and marks it recently used.
func (m *Map[V]) Get(key uint64) (*V, bool) {
	i, ok := m.index[key]
	if !ok {
		return nil, false
	}
	m.touch(i)
	return &m.slots[i].val, true
}

// Peek returns the value without changing recency.
func (m *Map[V]) Peek(key uint64) (*V, bool) {
	i, ok := m.index[key]
	if !ok {
		return nil, false
	}
	return &m.slots[i].val, true
}

// GetOrCreate returns the value for key, creating a zero value (evicting the least
// recently used key when full). created reports whether the value is new.
func (m *Map[V]) GetOrCreate(key uint64) (v *V, created bool) {
	if i, ok := m.index[key]; ok {
		m.touch(i)
		return &m.slots[i].val, false
	}
	if len(m.index) >= m.max {
		m.evictOldest()
	}
	var i int32
	if m.free >= 0 {
		i = m.free
		m.free = m.slots[i].next
		var zero V
		m.slots[i] = slot[V]{key: key, val: zero}
	} else {
		m.slots = append(m.slots, slot[V]{key: key})
		i = int32(len(m.slots) - 1)
	}
	m.index[key] = i
	m.pushFront(i)
	return &m.slots[i].val, true
}

// Delete removes key.
func (m *Map[V]) Delete(key uint64) {
	i, ok := m.index[key]
	if !ok {
		return
	}
	m.remove(i)
}

// Range calls fn for each entry from most to least recently used until fn returns false.
func (m *Map[V]) Range(fn func(key uint64, v *V) bool) {
	for i := m.head; i >= 0; i = m.slots[i].next {
		if !fn(m.slots[i].key, &m.slots[i].val) {
			return
		}
	}
}

// RangeOldest calls fn for each entry from least to most recently used until fn returns
// false. Snapshots are written in this order: restoring the entries one by one with
// GetOrCreate rebuilds the same recency, and a restore into a smaller bound evicts the
// oldest first and keeps the recent ones.
func (m *Map[V]) RangeOldest(fn func(key uint64, v *V) bool) {
	for i := m.tail; i >= 0; i = m.slots[i].prev {
		if !fn(m.slots[i].key, &m.slots[i].val) {
			return
		}
	}
}

func (m *Map[V]) evictOldest() {
	if m.tail < 0 {
		return
	}
	i := m.tail
	if m.onEvict != nil {
		m.onEvict(m.slots[i].key, &m.slots[i].val)
	}
	m.remove(i)
	m.evictions++
}

func (m *Map[V]) remove(i int32) {
	delete(m.index, m.slots[i].key)
	m.unlink(i)
	var zero V
	m.slots[i].val = zero // release references held by the value
	m.slots[i].next = m.free
	m.free = i
}

func (m *Map[V]) touch(i int32) {
	if m.head == i {
		return
	}
	m.unlink(i)
	m.pushFront(i)
}

func (m *Map[V]) unlink(i int32) {
	s := &m.slots[i]
	if s.prev >= 0 {
		m.slots[s.prev].next = s.next
	} else {
		m.head = s.next
	}
	if s.next >= 0 {
		m.slots[s.next].prev = s.prev
	} else {
		m.tail = s.prev
	}
	s.prev, s.next = -1, -1
}

func (m *Map[V]) pushFront(i int32) {
	s := &m.slots[i]
	s.prev = -1
	s.next = m.head
	if m.head >= 0 {
		m.slots[m.head].prev = i
	}
	m.head = i
	if m.tail < 0 {
		m.tail = i
	}
}

// FNV-1a, 64 bit: stable across processes (persisted state stays valid) and free of
// allocation.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// Seed is the starting value for Hash chains.
const Seed uint64 = offset64

// HashString folds s into h. Chain calls to hash several parts; Sep keeps ("ab","c")
// and ("a","bc") apart.
func HashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime64
	}
	return h
}

// Sep folds a separator into h.
func Sep(h uint64) uint64 {
	h ^= 0xff
	h *= prime64
	return h
}

// Hash hashes parts with separators.
func Hash(parts ...string) uint64 {
	h := Seed
	for _, p := range parts {
		h = Sep(HashString(h, p))
	}
	return h
}
