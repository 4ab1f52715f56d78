package window

import "math"

// Baseline is an exponentially weighted mean and variance of one quantity (24 bytes).
// During warm-up the weight is 1/n, so the first observations form a plain average
// instead of being dominated by the very first value; afterwards it is alpha, so the
// baseline follows slow drift and learns the key's normal bursts as variance.
type Baseline struct {
	Mean, Var float64
	N         uint32
}

// Update folds x in with weight max(alpha, 1/n).
func (b *Baseline) Update(x, alpha float64) {
	if b.N < math.MaxUint32 {
		b.N++
	}
	w := 1 / float64(b.N)
	if w < alpha {
		w = alpha
	}
	b.fold(x, w)
}

// UpdateWeight folds x in with the fixed weight w, also during warm-up: used for
// observations the detector considers anomalous, which must not be learned quickly.
func (b *Baseline) UpdateWeight(x, w float64) {
	if b.N < math.MaxUint32 {
		b.N++
	}
	b.fold(x, w)
}

// UpdateClipped folds x in with the fixed weight w, but lets at most clip of its
// deviation into the variance: the mean still follows a lasting shift, while a burst
// of outliers does not widen the spread (which would hide the next one).
func (b *Baseline) UpdateClipped(x, w, clip float64) {
	if b.N < math.MaxUint32 {
		b.N++
	}
	d := x - b.Mean
	dc := math.Max(-clip, math.Min(clip, d))
	b.Mean += w * d
	b.Var = (1 - w) * (b.Var + w*dc*dc)
}

func (b *Baseline) fold(x, w float64) {
	d := x - b.Mean
	b.Mean += w * d
	// West's incremental form of the exponentially weighted variance.
	b.Var = (1 - w) * (b.Var + w*d*d)
}

// Decay applies n observations of zero in O(1): used when a key was silent for n
// windows, so a quiet spell lowers the baseline as if each window had been seen.
func (b *Baseline) Decay(n int64, alpha float64) {
	if n <= 0 || b.N == 0 {
		return
	}
	if n > 1<<20 {
		n = 1 << 20
	}
	k := math.Pow(1-alpha, float64(n))
	// Mean of n zero observations: m*k. Variance keeps its spread but shrinks with
	// the level; an upper bound that is good enough for the excess test.
	b.Mean *= k
	b.Var *= k
	if uint64(b.N)+uint64(n) < math.MaxUint32 {
		b.N += uint32(n)
	} else {
		b.N = math.MaxUint32
	}
}

// Std is the standard deviation.
func (b *Baseline) Std() float64 { return math.Sqrt(b.Var) }
