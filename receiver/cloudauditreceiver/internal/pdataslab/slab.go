// Package pdataslab builds pcommon values (log bodies and attributes) with batched
// allocations.
//
// Why it exists: pdata's public API allocates once for every string, number or bool
// it stores (the wrapper of the protobuf oneof) and three times for every map or list.
// A CloudTrail event has ~30 leaves and ~7 nested objects, so building its body through
// the API costs ~60 allocations, and allocation plus the garbage collection it causes is
// most of what decoding costs. A Slab hands out those wrappers, lists and key/value
// arrays from chunks it allocates a few hundred at a time, so a whole body costs well
// under one allocation.
//
// How: pcommon.Value, Map and Slice are thin wrappers around pointers into pdata's
// internal protobuf structs. This package mirrors those structs (mirror.go) and writes
// them directly, taking each oneof wrapper's type descriptor from a value pdata built
// itself. The result is indistinguishable from what the API builds: pdata reads,
// modifies, copies and marshals it like its own (slab_test.go proves it against the
// API on the same input).
//
// Safety: the mirrored layout is pdata v1.66's. Check verifies it at run time against
// values pdata builds (sizes, field offsets, element strides, type descriptors, values
// read back); when anything differs — a pdata upgrade that changed the layout — or when
// pdata's own object pooling (feature gate pdata.useProtoPooling) is on, a Slab writes
// through the public API instead, with the same results at the old cost. Every element
// handed out is owned by exactly one value, and key/value arrays are handed out with
// their capacity equal to their length, so pdata's own appends reallocate instead of
// writing into a neighbour's elements.
//
// A Slab is not safe for concurrent use. Values it built may outlive it; a chunk stays
// alive while any value in it does, and so does everything its values point to. Call
// Release between outputs that live independently (two plog.Logs): otherwise chunks
// shared by consecutive outputs link each output to the one before, and none is freed.
package pdataslab

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// chunk sizes: the first chunk of each kind after New or Release is small, so a small
// output (one pushed event) does not carry a large chunk; later ones grow to maxChunk
// elements (kept under 32 KiB, the Go allocator's large-object size).
const (
	minChunk = 16
	maxChunk = 512
)

// Slab hands out pdata values. The zero value is not ready; use New.
type Slab struct {
	direct bool // false: write through the public API (layout check failed, pooling on)

	strs    chunk[strValue]
	ints    chunk[intValue]
	doubles chunk[doubleValue]
	bools   chunk[boolValue]
	kvlists chunk[kvlistValue]
	lists   chunk[keyValueList]
	kvs     chunk[keyValue]
	arrays  chunk[arrayWrapValue]
	arrs    chunk[arrayValue]
	values  chunk[anyValue]
}

// New returns a Slab that writes pdata's structs directly when Check passes, else
// through the public API.
func New() *Slab {
	return &Slab{direct: Check() == nil}
}

// NewAPI returns a Slab that always writes through the public API (the reference the
// tests compare against).
func NewAPI() *Slab { return &Slab{} }

// Direct reports whether the Slab writes pdata's structs directly.
func (s *Slab) Direct() bool { return s.direct }

// Release drops the unused rest of every chunk, so values built from now on share no
// chunk with values built before.
func (s *Slab) Release() {
	s.strs.release()
	s.ints.release()
	s.doubles.release()
	s.bools.release()
	s.kvlists.release()
	s.lists.release()
	s.kvs.release()
	s.arrays.release()
	s.arrs.release()
	s.values.release()
}

// chunk is a run of preallocated elements handed out one or n at a time. It counts
// what it handed out instead of reslicing: an integer store needs no GC write barrier.
type chunk[T any] struct {
	buf  []T
	used int
	next int // size of the next allocation
}

func (c *chunk[T]) one() *T {
	if c.used == len(c.buf) {
		c.refill(1)
	}
	e := &c.buf[c.used]
	c.used++
	return e
}

// many returns n zeroed elements with capacity n.
func (c *chunk[T]) many(n int) []T {
	if len(c.buf)-c.used < n {
		c.refill(n)
	}
	s := c.buf[c.used : c.used+n : c.used+n]
	c.used += n
	return s
}

func (c *chunk[T]) release() { c.buf, c.used, c.next = nil, 0, 0 }

func (c *chunk[T]) refill(n int) {
	switch {
	case c.next == 0:
		c.next = minChunk
	case c.next < maxChunk:
		c.next *= 2
	}
	size := max(c.next, n)
	if n > maxChunk/4 {
		// A large request gets its own array rather than wasting a chunk's tail.
		size = n
	}
	c.buf, c.used = make([]T, size), 0
}

// SetStr sets dst to the string v.
func (s *Slab) SetStr(dst pcommon.Value, v string) {
	if !s.direct {
		dst.SetStr(v)
		return
	}
	w := s.strs.one()
	w.v = v
	setValue(valueOrig(dst), types.str, w)
}

// SetInt sets dst to the integer v.
func (s *Slab) SetInt(dst pcommon.Value, v int64) {
	if !s.direct {
		dst.SetInt(v)
		return
	}
	w := s.ints.one()
	w.v = v
	setValue(valueOrig(dst), types.int, w)
}

// SetDouble sets dst to the float v.
func (s *Slab) SetDouble(dst pcommon.Value, v float64) {
	if !s.direct {
		dst.SetDouble(v)
		return
	}
	w := s.doubles.one()
	w.v = v
	setValue(valueOrig(dst), types.double, w)
}

// SetBool sets dst to the bool v.
func (s *Slab) SetBool(dst pcommon.Value, v bool) {
	if !s.direct {
		dst.SetBool(v)
		return
	}
	w := s.bools.one()
	w.v = v
	setValue(valueOrig(dst), types.bool, w)
}

// SetEmptyMap sets dst to an empty map with room for n entries and returns it.
func (s *Slab) SetEmptyMap(dst pcommon.Value, n int) pcommon.Map {
	if !s.direct {
		m := dst.SetEmptyMap()
		m.EnsureCapacity(n)
		return m
	}
	list := s.newList(n)
	w := s.kvlists.one()
	w.list = list
	setValue(valueOrig(dst), types.kvlist, w)
	return mapOf(&list.values, dst)
}

// SetEmptySlice sets dst to a list of n empty values and returns it; fill the elements
// with the setters.
func (s *Slab) SetEmptySlice(dst pcommon.Value, n int) pcommon.Slice {
	if !s.direct {
		sl := dst.SetEmptySlice()
		sl.EnsureCapacity(n)
		for range n {
			sl.AppendEmpty()
		}
		return sl
	}
	arr := s.arrs.one()
	if n > 0 {
		arr.values = s.values.many(n)
	}
	w := s.arrays.one()
	w.arr = arr
	setValue(valueOrig(dst), types.array, w)
	return sliceOf(&arr.values, dst)
}

func (s *Slab) newList(n int) *keyValueList {
	list := s.lists.one()
	if n > 0 {
		list.values = s.kvs.many(n)[:0]
	}
	return list
}

// EnsureCapacity makes room for capacity entries in all in m (a map of any origin),
// like pcommon.Map.EnsureCapacity.
func (s *Slab) EnsureCapacity(m pcommon.Map, capacity int) {
	if !s.direct {
		m.EnsureCapacity(capacity)
		return
	}
	kvs := mapOrig(m)
	if capacity <= cap(*kvs) {
		return
	}
	grown := s.kvs.many(capacity)[:len(*kvs)]
	copy(grown, *kvs)
	*kvs = grown
}

// PutEmpty inserts or replaces key k in m with an empty value and returns it, like
// pcommon.Map.PutEmpty: an existing key keeps its place.
func (s *Slab) PutEmpty(m pcommon.Map, k string) pcommon.Value {
	if !s.direct {
		return m.PutEmpty(k)
	}
	av := s.entry(m, k)
	av.value = eface{}
	return valueAt(av, m)
}

// Add appends key k, which the caller knows is not in m, with an empty value and
// returns the value. It skips the search of m's keys that PutEmpty makes; a key that is
// in m already would be there twice.
func (s *Slab) Add(m pcommon.Map, k string) pcommon.Value {
	if !s.direct {
		return m.PutEmpty(k)
	}
	av := s.appendKey(m, k)
	if av.value != (eface{}) { // a slot from a chunk is zero already; skip the write
		av.value = eface{}
	}
	return valueAt(av, m)
}

// entry returns the value slot of key k in m, appending the key if it is new. The
// slot's old contents are undefined: the caller overwrites all of it.
func (s *Slab) entry(m pcommon.Map, k string) *anyValue {
	kvs := mapOrig(m)
	for i := range *kvs {
		if (*kvs)[i].key == k {
			return &(*kvs)[i].value
		}
	}
	return s.appendKey(m, k)
}

// appendKey appends key k to m and returns its value slot (contents undefined).
func (s *Slab) appendKey(m pcommon.Map, k string) *anyValue {
	kvs := mapOrig(m)
	n := len(*kvs)
	if n == cap(*kvs) {
		s.EnsureCapacity(m, n+max(4, n)) // grow from the slab, doubling
	}
	// Extend within capacity and write the fields singly: cheaper under the GC's
	// write barrier than appending a whole struct.
	*kvs = (*kvs)[:n+1]
	kv := &(*kvs)[n]
	kv.key = k
	kv.keyStrindex = 0
	return &kv.value
}

// PutStr inserts or replaces key k in m with the string v.
func (s *Slab) PutStr(m pcommon.Map, k, v string) {
	if !s.direct {
		m.PutStr(k, v)
		return
	}
	w := s.strs.one()
	w.v = v
	setValue(s.entry(m, k), types.str, w)
}

// PutInt inserts or replaces key k in m with the integer v.
func (s *Slab) PutInt(m pcommon.Map, k string, v int64) {
	if !s.direct {
		m.PutInt(k, v)
		return
	}
	w := s.ints.one()
	w.v = v
	setValue(s.entry(m, k), types.int, w)
}

// PutDouble inserts or replaces key k in m with the float v.
func (s *Slab) PutDouble(m pcommon.Map, k string, v float64) {
	if !s.direct {
		m.PutDouble(k, v)
		return
	}
	w := s.doubles.one()
	w.v = v
	setValue(s.entry(m, k), types.double, w)
}

// PutBool inserts or replaces key k in m with the bool v.
func (s *Slab) PutBool(m pcommon.Map, k string, v bool) {
	if !s.direct {
		m.PutBool(k, v)
		return
	}
	w := s.bools.one()
	w.v = v
	setValue(s.entry(m, k), types.bool, w)
}

// PutEmptyMap inserts or replaces key k in m with an empty map with room for n entries.
func (s *Slab) PutEmptyMap(m pcommon.Map, k string, n int) pcommon.Map {
	if !s.direct {
		sub := m.PutEmptyMap(k)
		sub.EnsureCapacity(n)
		return sub
	}
	return s.SetEmptyMap(s.PutEmpty(m, k), n)
}

// PutEmptySlice inserts or replaces key k in m with a list of n empty values.
func (s *Slab) PutEmptySlice(m pcommon.Map, k string, n int) pcommon.Slice {
	if !s.direct {
		return s.SetEmptySlice(m.PutEmpty(k), n)
	}
	return s.SetEmptySlice(s.PutEmpty(m, k), n)
}
