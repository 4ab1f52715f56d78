package saturation

import (
	"math"
	"math/bits"
)

// The anomaly scorer's level follows a series within minutes (it is tuned on NAB,
// where that matters most), so its daily profile only ever learns the first minutes
// of a recurring step such as a nightly batch job: the level absorbs the rest. The
// saturation detector therefore keeps its own, blunt memory of *when* a series was
// elevated: per half hour of the (UTC) day, on which of the last recurDays days, and
// how high. A saturation seen at the same time of day on enough previous days, at a
// level not well above the one seen then, is expected.
const (
	recurSlots = 48 // half hours: the scorer's bucket width
	recurDays  = 8  // bits in a slot's history: the current day and 7 previous ones
	slotNs     = int64(30 * 60 * 1e9)
	dayNs      = recurSlots * slotNs
	// utilMargin: a utilisation more than this (as a ratio) above the level seen at
	// this time of day is new, not the usual job.
	utilMargin = 0.05
	// countMargin: the same for counts, relative (25% more connections).
	countMargin = 0.25
)

// recurrence is the per-series memory of elevated half hours: 244 bytes.
type recurrence struct {
	// seen: bit i set when the series was elevated in the slot i days before day
	// (bit 0 is day itself).
	seen [recurSlots]uint8
	// peak: the highest elevated value in the slot on the remembered days before
	// day; today: the same on day. Stored as bfloat16 (the top half of a float32,
	// ~0.8% precision, truncated: a peak reads slightly low, never high).
	peak  [recurSlots]uint16
	today [recurSlots]uint16
	day   int32 // Unix day (UTC) of bit 0; 0 before the first elevated point
}

func toBF16(x float64) uint16   { return uint16(math.Float32bits(float32(x)) >> 16) }
func fromBF16(b uint16) float64 { return float64(math.Float32frombits(uint32(b) << 16)) }

func dayAndSlot(t int64) (int32, int) {
	day := t / dayNs
	return int32(day), int((t - day*dayNs) / slotNs)
}

// advance moves the memory forward to day: today's peaks join the previous days'
// and every history shifts. A slot not elevated on any remembered day forgets its
// peak. It reports false for a day before the current one (a late point).
func (r *recurrence) advance(day int32) bool {
	switch {
	case r.day == 0:
		r.day = day
		return true
	case day < r.day:
		return false
	case day == r.day:
		return true
	}
	k := int64(day) - int64(r.day)
	for s := range r.seen {
		if r.seen[s]&1 != 0 && fromBF16(r.today[s]) > fromBF16(r.peak[s]) {
			r.peak[s] = r.today[s]
		}
		r.today[s] = 0
		if k >= recurDays {
			r.seen[s] = 0
		} else {
			r.seen[s] <<= k
		}
		if r.seen[s] == 0 {
			r.peak[s] = 0
		}
	}
	r.day = day
	return true
}

// mark records an elevated value v at t.
func (r *recurrence) mark(t int64, v float64) {
	day, s := dayAndSlot(t)
	if !r.advance(day) {
		return
	}
	if r.seen[s]&1 == 0 || v > fromBF16(r.today[s]) {
		r.today[s] = toBF16(v)
	}
	r.seen[s] |= 1
}

// expected reports on how many previous days (of the last 7) the series was
// elevated within half an hour of t's time of day, and the highest level seen
// there. The neighbouring slots absorb a job starting a few minutes early or late;
// across midnight they belong to the day before or after.
func (r *recurrence) expected(t int64) (days int, peak float64) {
	day, s := dayAndSlot(t)
	if r.day == 0 || !r.advance(day) {
		return 0, 0
	}
	prev, next := s-1, s+1
	prevSeen, nextSeen := uint8(0), uint8(0)
	if prev < 0 {
		prev = recurSlots - 1
		prevSeen = r.seen[prev] >> 1 // 23:30 of the day before
	} else {
		prevSeen = r.seen[prev]
	}
	if next == recurSlots {
		next = 0
		nextSeen = r.seen[next] << 1 // 00:00 of the day after
	} else {
		nextSeen = r.seen[next]
	}
	days = bits.OnesCount8((prevSeen | r.seen[s] | nextSeen) &^ 1)
	peak = max(fromBF16(r.peak[prev]), fromBF16(r.peak[s]), fromBF16(r.peak[next]))
	return days, peak
}
