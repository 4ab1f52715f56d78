package stats

import "math"

// MADToSigma converts a mean absolute deviation of a normal variable to its standard
// deviation (sqrt(pi/2)).
const MADToSigma = 1.2533141373155

// Scale is a robust streaming scale: the exponentially weighted mean absolute
// deviation of residuals, each residual winsorised at Clip times the current scale
// before it is folded in, so a burst of outliers widens the scale only slowly. It
// estimates sigma for normal residuals (see Sigma).
type Scale struct {
	MAD float64
	N   uint32
}

// Update folds the residual r in with weight alpha; clip (e.g. 4) bounds the
// influence of one residual once the scale is warm (after 8 observations).
func (s *Scale) Update(r, alpha, clip float64) {
	a := math.Abs(r)
	if s.N >= 8 && clip > 0 {
		if lim := clip * s.MAD; a > lim {
			a = lim
		}
	}
	s.MAD += warm(alpha, s.N) * (a - s.MAD)
	if s.N < math.MaxUint32 {
		s.N++
	}
}

// Sigma is the scale as a normal standard deviation, floored at floor.
func (s *Scale) Sigma(floor float64) float64 {
	return math.Max(s.MAD*MADToSigma, floor)
}

// NormalTail is Q(z) = P(Z > z) for a standard normal Z.
func NormalTail(z float64) float64 {
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

// LogTail maps a tail probability p to [0,1] on a log scale: 0 for p >= 1, 1 for
// p <= 1e-10, and 0.5 at p = 1e-5. Differences between very unlikely events stay
// visible, which a linear 1-p hides (everything is 0.9999…).
func LogTail(p float64) float64 {
	if p >= 1 {
		return 0
	}
	if p <= 1e-10 {
		return 1
	}
	return math.Log(p) / math.Log(1e-10)
}
