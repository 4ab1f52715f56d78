package snapshot

import "github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"

// AppendMap writes m in the common layout: a uvarint count, then per entry, least
// recently used first, its u64 key followed by whatever put writes. Restoring the
// entries in that order with GetOrCreate rebuilds the same recency, and a restore into a
// smaller bound keeps the most recent keys.
func AppendMap[V any](w *Writer, m *keyed.Map[V], put func(w *Writer, v *V)) {
	w.Uvarint(uint64(m.Len()))
	m.RangeOldest(func(k uint64, v *V) bool {
		w.U64(k)
		put(w, v)
		return true
	})
}
