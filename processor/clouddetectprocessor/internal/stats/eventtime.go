package stats

// Clock follows one series' event time: the newest timestamp seen (the watermark)
// and how late an arriving point is relative to it. Timestamps are Unix nanoseconds,
// as pdata carries them.
type Clock struct {
	Max int64 // newest timestamp seen; 0 before the first point
}

// Order classifies a point's time against the watermark.
type Order uint8

const (
	InOrder Order = iota // at or after the watermark; the watermark moves to t
	Late                 // older than the watermark, within the allowed lateness
	TooLate              // older than the watermark by more than the lateness
)

// Observe classifies t and advances the watermark for in-order points.
func (c *Clock) Observe(t, lateness int64) Order {
	if c.Max == 0 || t >= c.Max {
		c.Max = t
		return InOrder
	}
	if c.Max-t <= lateness {
		return Late
	}
	return TooLate
}

// DayFraction is the position of t within its UTC day, in [0,1).
func DayFraction(t int64) float64 {
	const day = int64(86400e9)
	r := t % day
	if r < 0 {
		r += day
	}
	return float64(r) / float64(day)
}

// PhaseFraction is the position of t within a cycle of the given period (ns),
// counted from the Unix epoch, in [0,1).
func PhaseFraction(t, period int64) float64 {
	if period <= 0 {
		return 0
	}
	r := t % period
	if r < 0 {
		r += period
	}
	return float64(r) / float64(period)
}
