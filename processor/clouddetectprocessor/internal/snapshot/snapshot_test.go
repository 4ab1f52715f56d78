package snapshot

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

func TestRoundTrip(t *testing.T) {
	w := NewWriter("XY", 3, 0)
	w.Uvarint(300)
	w.U64(math.MaxUint64 - 1)
	w.U32(7)
	w.F64(-2.5)
	w.F32(0.25)
	w.String("checkout")
	w.String("")
	w.Byte(0xfe)
	b := w.Bytes()
	assert.Equal(t, []byte{'X', 'Y', 3, 0xac, 0x02}, b[:5])

	r, version, ok := Header(b, "XY")
	require.True(t, ok)
	assert.Equal(t, byte(3), version)
	assert.Equal(t, uint64(300), r.Uvarint())
	assert.Equal(t, uint64(math.MaxUint64-1), r.U64())
	assert.Equal(t, uint32(7), r.U32())
	assert.Equal(t, -2.5, r.F64())
	assert.Equal(t, float32(0.25), r.F32())
	assert.Equal(t, "checkout", r.String())
	assert.Equal(t, "", r.String())
	assert.Equal(t, byte(0xfe), r.Byte())
	assert.True(t, r.OK())
	assert.Zero(t, r.Len())

	// one read too many fails the reader for good
	assert.Zero(t, r.Byte())
	assert.False(t, r.OK())
}

func TestOpenRejectsOtherMagic(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("X"), []byte("XY"), []byte("ZY\x01")} {
		_, _, ok := Header(b, "XY")
		assert.False(t, ok, "%q", b)
	}
	r, v, ok := Header([]byte{2, 9}, "")
	require.True(t, ok)
	assert.Equal(t, byte(2), v)
	assert.Equal(t, byte(9), r.Byte())
}

func TestReaderFailsOnShortData(t *testing.T) {
	// a string longer than the data
	r, _, _ := Header([]byte{'X', 1, 0x05, 'a', 'b'}, "X")
	assert.Equal(t, "", r.String())
	assert.False(t, r.OK())
	// later reads stay zero even where bytes are left
	assert.Zero(t, r.Byte())

	// a uvarint that never ends
	r, _, _ = Header([]byte{'X', 1, 0xff, 0xff}, "X")
	assert.Zero(t, r.Uvarint())
	assert.False(t, r.OK())

	r, _, _ = Header([]byte{'X', 1, 1, 2, 3}, "X")
	assert.Zero(t, r.U32())
	assert.False(t, r.OK())
}

func TestOpen(t *testing.T) {
	w := NewWriter("XY", 2, 0)
	w.Uvarint(3)
	w.Byte(7)
	r, n, ok := Open(w.Bytes(), "XY", 2)
	require.True(t, ok)
	assert.Equal(t, uint64(3), n)
	assert.Equal(t, byte(7), r.Byte())

	_, n, ok = Open(nil, "XY", 2)
	assert.True(t, ok, "no state kept yet")
	assert.Zero(t, n)

	for _, b := range []string{"XY\x01\x03", "XY\x02", "XY\x02\x80", "ZY\x02\x03"} {
		_, _, ok = Open([]byte(b), "XY", 2)
		assert.False(t, ok, "%q", b)
	}
}

func TestAppendMapOldestFirst(t *testing.T) {
	m := keyed.New[string](3)
	for _, k := range []uint64{1, 2, 3} {
		v, _ := m.GetOrCreate(k)
		*v = string(rune('a' + k - 1))
	}
	m.Get(1) // 2 is now the oldest, 1 the newest
	w := NewWriter("M", 1, 0)
	AppendMap(&w, m, func(w *Writer, v *string) { w.String(*v) })

	r, n, ok := Open(w.Bytes(), "M", 1)
	require.True(t, ok)
	require.Equal(t, uint64(3), n)
	var keys []uint64
	var vals []string
	for range n {
		keys = append(keys, r.U64())
		vals = append(vals, r.String())
	}
	assert.True(t, r.OK())
	assert.Zero(t, r.Len())
	assert.Equal(t, []uint64{2, 3, 1}, keys)
	assert.Equal(t, []string{"b", "c", "a"}, vals)
}

func FuzzReader(f *testing.F) {
	w := NewWriter("F", 1, 0)
	w.String("web")
	w.U64(1)
	f.Add(w.Bytes())
	f.Add([]byte("F\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, _, ok := Header(b, "F")
		if !ok {
			return
		}
		for r.OK() {
			before := r.Len()
			_ = r.String()
			_ = r.U64()
			_ = r.F32()
			if r.OK() && r.Len() >= before {
				t.Fatal("a successful read consumed nothing")
			}
		}
	})
}
