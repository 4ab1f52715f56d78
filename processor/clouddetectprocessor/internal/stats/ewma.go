// Package stats holds small streaming statistics shared by the availability detectors:
// exponentially weighted means and variances, a robust scale, normal tail
// probabilities, and event-time helpers. Every type is a fixed-size value with no
// pointers, so per-key state built from them is compact, copyable and cheap to persist.
//
// Weights are given as alpha in (0,1], the weight of the newest observation. The
// helpers AlphaHalfLife and AlphaSpan convert the usual ways of stating memory.
package stats

import "math"

// AlphaHalfLife is the EWMA weight whose memory halves after n observations.
func AlphaHalfLife(n float64) float64 {
	if n <= 0 {
		return 1
	}
	return 1 - math.Exp2(-1/n)
}

// AlphaSpan is the EWMA weight 2/(n+1), whose centre of mass matches an n-point
// moving average.
func AlphaSpan(n float64) float64 {
	if n <= 1 {
		return 1
	}
	return 2 / (n + 1)
}

// AlphaTime is the weight for an observation dt after the previous one when memory
// decays with time constant tau (irregular sampling): 1 - exp(-dt/tau).
func AlphaTime(dt, tau float64) float64 {
	if tau <= 0 || dt <= 0 {
		if dt <= 0 {
			return 0
		}
		return 1
	}
	return -math.Expm1(-dt / tau)
}

// warm is the weight actually applied to observation n (0-based): the plain mean
// while fewer than 1/alpha observations were seen, so early estimates are not biased
// towards the zero initial value, then alpha.
func warm(alpha float64, n uint32) float64 {
	if w := 1 / float64(n+1); w > alpha {
		return w
	}
	return alpha
}

// EWMA is an exponentially weighted moving average.
type EWMA struct {
	Mean float64
	N    uint32 // observations seen (saturates)
}

// Update folds x in with weight alpha (warm-started, see package doc) and returns the
// new mean.
func (e *EWMA) Update(x, alpha float64) float64 {
	e.Mean += warm(alpha, e.N) * (x - e.Mean)
	if e.N < math.MaxUint32 {
		e.N++
	}
	return e.Mean
}

// EWMV is an exponentially weighted mean and variance (West's incremental form).
type EWMV struct {
	Mean float64
	Var  float64
	N    uint32
}

// Update folds x in with weight alpha.
func (e *EWMV) Update(x, alpha float64) {
	a := warm(alpha, e.N)
	d := x - e.Mean
	e.Mean += a * d
	// Var_{n} = (1-a)(Var_{n-1} + a d²): the exponentially weighted variance.
	e.Var = (1 - a) * (e.Var + a*d*d)
	if e.N < math.MaxUint32 {
		e.N++
	}
}

// Std is the standard deviation.
func (e *EWMV) Std() float64 { return math.Sqrt(e.Var) }

// Z is the standard score of x, with the standard deviation floored at minStd.
func (e *EWMV) Z(x, minStd float64) float64 {
	return (x - e.Mean) / math.Max(e.Std(), minStd)
}
