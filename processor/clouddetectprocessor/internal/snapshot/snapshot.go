// Package snapshot is the binary encoding the detectors persist their learned state in
// (detection.Persistent): a header of a few magic bytes and a version byte, then fields
// appended by a Writer and read back by a Reader. Integers and floats are little endian
// and fixed width, counts and lengths are uvarints, strings are length-prefixed.
//
// The Reader fails softly: once a read runs past the end, every later read returns a
// zero value and OK reports false. A detector reads one whole entry, checks OK, and only
// then applies it, so a truncated or corrupt snapshot never half-writes an entry.
package snapshot

import (
	"encoding/binary"
	"math"
)

var le = binary.LittleEndian

// Writer appends a snapshot. The zero value writes no header; use NewWriter.
type Writer struct{ b []byte }

// NewWriter starts a snapshot with magic and version. size is a capacity hint.
func NewWriter(magic string, version byte, size int) Writer {
	b := make([]byte, 0, len(magic)+1+size)
	b = append(b, magic...)
	return Writer{b: append(b, version)}
}

// Bytes returns the encoded snapshot.
func (w *Writer) Bytes() []byte { return w.b }

// Byte appends one byte.
func (w *Writer) Byte(v byte) { w.b = append(w.b, v) }

// Uvarint appends v as a uvarint (counts, lengths, small numbers).
func (w *Writer) Uvarint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }

// U32 appends v as four bytes.
func (w *Writer) U32(v uint32) { w.b = le.AppendUint32(w.b, v) }

// U64 appends v as eight bytes (key hashes, timestamps).
func (w *Writer) U64(v uint64) { w.b = le.AppendUint64(w.b, v) }

// F32 appends the bits of v.
func (w *Writer) F32(v float32) { w.U32(math.Float32bits(v)) }

// F64 appends the bits of v.
func (w *Writer) F64(v float64) { w.U64(math.Float64bits(v)) }

// String appends s with a uvarint length prefix.
func (w *Writer) String(s string) {
	w.Uvarint(uint64(len(s)))
	w.b = append(w.b, s...)
}

// Reader reads a snapshot written by a Writer.
type Reader struct {
	b      []byte
	failed bool
}

// Header checks b's header against magic and returns a Reader positioned after it with
// the version found, for a detector that reads more than one version. ok is false when
// b is too short or the magic differs.
func Header(b []byte, magic string) (r Reader, version byte, ok bool) {
	if len(b) < len(magic)+1 || string(b[:len(magic)]) != magic {
		return Reader{failed: true}, 0, false
	}
	return Reader{b: b[len(magic)+1:]}, b[len(magic)], true
}

// Open starts reading the common layout: header, then a uvarint count of entries. It
// returns the Reader positioned at the first entry and the count. An empty b is a
// detector that had nothing to keep: no entries, ok. ok is false for another magic or
// version, or a missing count.
func Open(b []byte, magic string, version byte) (r Reader, entries uint64, ok bool) {
	if len(b) == 0 {
		return Reader{}, 0, true
	}
	r, v, ok := Header(b, magic)
	if !ok || v != version {
		return r, 0, false
	}
	entries = r.Uvarint()
	return r, entries, r.OK()
}

// OK reports whether every read so far was within the data.
func (r *Reader) OK() bool { return !r.failed }

// Len is the number of bytes not read yet.
func (r *Reader) Len() int { return len(r.b) }

// take returns the next n bytes; ok is false (and the reader fails) when fewer are left.
func (r *Reader) take(n uint64) (b []byte, ok bool) {
	if r.failed || uint64(len(r.b)) < n {
		r.failed = true
		return nil, false
	}
	b, r.b = r.b[:n], r.b[n:]
	return b, true
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if b, ok := r.take(1); ok {
		return b[0]
	}
	return 0
}

// Uvarint reads a uvarint.
func (r *Reader) Uvarint() uint64 {
	if r.failed {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.failed = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// U32 reads four bytes.
func (r *Reader) U32() uint32 {
	if b, ok := r.take(4); ok {
		return le.Uint32(b)
	}
	return 0
}

// U64 reads eight bytes.
func (r *Reader) U64() uint64 {
	if b, ok := r.take(8); ok {
		return le.Uint64(b)
	}
	return 0
}

// F32 reads a float32 written by Writer.F32.
func (r *Reader) F32() float32 { return math.Float32frombits(r.U32()) }

// F64 reads a float64 written by Writer.F64.
func (r *Reader) F64() float64 { return math.Float64frombits(r.U64()) }

// String reads a length-prefixed string. A length beyond the data fails the reader
// before anything is allocated.
func (r *Reader) String() string {
	n := r.Uvarint()
	if b, ok := r.take(n); ok {
		return string(b)
	}
	return ""
}
