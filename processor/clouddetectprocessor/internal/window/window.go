// Package window holds the event-time bucket rings the availability detectors share.
// A ring is a fixed array of counters indexed by bucket number (timestamp / width), so
// a key's window costs a fixed number of bytes, adding is O(1), and nothing allocates.
// Rings never look at the wall clock: the newest bucket seen is "now" for that key,
// which is what makes a replay of old telemetry give the same answer as live traffic.
package window

import "math"

// Bucket counts events in one time bucket: Total events, of which Bad matched the
// detector's condition (5xx responses, direction flips, ...).
type Bucket struct {
	Bad, Total uint32
}

// Add adds counts, saturating instead of wrapping.
func (b *Bucket) Add(bad, total uint32) {
	b.Bad = satAdd(b.Bad, bad)
	b.Total = satAdd(b.Total, total)
}

// Ratio is Bad/Total, 0 when empty; capped at 1 because error and total counters can
// come from different metrics and need not agree.
func (b Bucket) Ratio() float64 {
	if b.Total == 0 {
		return 0
	}
	r := float64(b.Bad) / float64(b.Total)
	if r > 1 {
		return 1
	}
	return r
}

func satAdd(a, b uint32) uint32 {
	s := a + b
	if s < a {
		return math.MaxUint32
	}
	return s
}

// Result of Ring.Add.
type Result struct {
	// Advanced is how many buckets the newest bucket moved forward (0 when the item
	// fell into the newest or an older bucket). A positive value means the buckets
	// before the new newest one are complete and can be evaluated.
	Advanced int64
	// Previous is the newest bucket index before this add (valid when Advanced > 0
	// and the ring was not empty).
	Previous int64
	// Late is true when the item was older than the ring's lateness and was dropped.
	Late bool
	// First is true when this add started an empty ring.
	First bool
}

// add implements the ring over any bucket slice so that fixed-size ring types share it.
// newest holds bucket index + 1 (0 = empty) so that the zero value is an empty ring.
func add(b []Bucket, newest *int64, idx int64, lateness int64, bad, total uint32) Result {
	n := int64(len(b))
	if *newest == 0 {
		clear(b)
		*newest = idx + 1
		b[mod(idx, n)].Add(bad, total)
		return Result{First: true}
	}
	cur := *newest - 1
	switch {
	case idx > cur:
		gap := idx - cur
		if gap >= n {
			clear(b)
		} else {
			for i := cur + 1; i <= idx; i++ {
				b[mod(i, n)] = Bucket{}
			}
		}
		*newest = idx + 1
		b[mod(idx, n)].Add(bad, total)
		return Result{Advanced: gap, Previous: cur}
	case cur-idx > lateness || cur-idx >= n:
		return Result{Late: true}
	default:
		b[mod(idx, n)].Add(bad, total)
		return Result{}
	}
}

// sum adds the k buckets ending at bucket end (inclusive) that the ring still holds.
func sum(b []Bucket, newest int64, end int64, k int) Bucket {
	var s Bucket
	if newest == 0 || k <= 0 {
		return s
	}
	cur := newest - 1
	n := int64(len(b))
	if int64(k) > n {
		k = int(n)
	}
	for i := end - int64(k) + 1; i <= end; i++ {
		if i > cur || cur-i >= n {
			continue
		}
		s.Add(b[mod(i, n)].Bad, b[mod(i, n)].Total)
	}
	return s
}

func mod(i, n int64) int64 {
	m := i % n
	if m < 0 {
		m += n
	}
	return m
}

// Ring64 is 64 buckets (one hour of one-minute buckets plus lateness): 520 bytes.
type Ring64 struct {
	newest int64
	b      [64]Bucket
}

// Add counts an item in bucket idx, accepting items up to lateness buckets behind the
// newest bucket.
func (r *Ring64) Add(idx, lateness int64, bad, total uint32) Result {
	return add(r.b[:], &r.newest, idx, lateness, bad, total)
}

// Sum adds the k buckets ending at bucket end.
func (r *Ring64) Sum(end int64, k int) Bucket { return sum(r.b[:], r.newest, end, k) }

// Newest is the newest bucket index and whether the ring holds anything.
func (r *Ring64) Newest() (int64, bool) { return r.newest - 1, r.newest != 0 }

// Ring16 is 16 buckets (e.g. eight hours of 30-minute buckets): 136 bytes.
type Ring16 struct {
	newest int64
	b      [16]Bucket
}

// Add counts an item in bucket idx (see Ring64.Add).
func (r *Ring16) Add(idx, lateness int64, bad, total uint32) Result {
	return add(r.b[:], &r.newest, idx, lateness, bad, total)
}

// Sum adds the k buckets ending at bucket end.
func (r *Ring16) Sum(end int64, k int) Bucket { return sum(r.b[:], r.newest, end, k) }

// Newest is the newest bucket index and whether the ring holds anything.
func (r *Ring16) Newest() (int64, bool) { return r.newest - 1, r.newest != 0 }

// Index is the bucket number of a nanosecond timestamp for a bucket width in
// nanoseconds (floor division, so negative times still land in the right bucket).
func Index(ts, width int64) int64 {
	q := ts / width
	if ts%width < 0 {
		q--
	}
	return q
}
