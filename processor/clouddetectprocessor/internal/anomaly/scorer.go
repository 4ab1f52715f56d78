package anomaly

import (
	"math"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/stats"
)

// Buckets is the resolution of the seasonal profile: 48 buckets = 30 minutes for a
// daily season. The profile is interpolated linearly between bucket centres.
const Buckets = 48

const shortMax = 16

// Tuning constants that are not worth a setting (chosen on the NAB development set;
// see docs/detections/saturation.md).
const (
	// zCap bounds one point's standardised residual, so a single wild value moves
	// the short average by at most zCap/ShortWindow.
	zCap = 8.0
	// minDistStd floors the spread of the short-average distribution: a series that
	// was perfectly predictable would otherwise call any wobble impossible.
	minDistStd = 0.2
	// scaleClip winsorises residuals feeding the scale (in scales).
	scaleClip = 4.0
	// relFloor floors the residual scale relative to the level, for flat series.
	relFloor = 1e-3
	// damp multiplies the emitted score inside an episode hold.
	damp = 0.5
	// spatialTol: a value beyond the range seen so far by more than this fraction
	// of the range is a new extreme and scores spatialScore.
	spatialTol   = 0.02
	spatialScore = 1.0
	// zAlert is the residual (in scales) each point of a sustained run must reach.
	zAlert = 3.0
)

// State is one series' learned state: fixed size, no pointers (see Size).
type State struct {
	clock  stats.Clock
	level  stats.EWMA
	scale  stats.Scale
	dist   stats.EWMV // distribution of short-window averages of |z|
	season [Buckets]float32
	visits [Buckets]uint8 // visits per bucket, saturating: warm-starts the profile
	ring   [shortMax]float32
	ringAt uint8
	ringN  uint8
	run    uint16 // consecutive anomalous points
	hold   uint16 // points left in the alert hold
	quiet  uint16 // points left in the episode hold (score damping)
	n      uint32 // points learned
	score  float32
	lo, hi float64 // range of values seen
	// Late counts points scored without learning (older than the newest point but
	// within the lateness); Dropped counts points beyond the lateness.
	Late    uint32
	Dropped uint32
}

// Result is the outcome of scoring one point.
type Result struct {
	Score float64 // anomaly score in [0,1]
	Alert bool    // the sustained gate tripped on this point
	// Above is true when the value is above the baseline (level + season): callers
	// that only care about one direction (saturation: "more used") read it.
	Above bool
	// Deviating is true when this point on its own counts towards the sustained
	// gate (raw score >= AlertScore and |z| >= 3 or a new extreme). Callers that
	// keep their own memory of deviations (saturation: recurring daily patterns)
	// read it.
	Deviating bool
	// Dropped is true when the point was too late to score (Score is 0).
	Dropped bool
}

// Scorer holds the shared, precomputed parameters; per-series state is a State the
// caller owns (typically in a keyed.Map).
type Scorer struct {
	cfg                            Config
	aLevel, aSeason, aScale, aLong float64
	season, lateness               int64
	short                          int
	bucketWidth                    float64
	fade                           float64
}

// New validates cfg and returns a Scorer.
func New(cfg Config) (*Scorer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Scorer{
		cfg:         cfg,
		aLevel:      stats.AlphaHalfLife(cfg.LevelHalfLife),
		aSeason:     stats.AlphaHalfLife(cfg.SeasonHalfLife),
		aScale:      stats.AlphaHalfLife(cfg.ScaleHalfLife),
		aLong:       stats.AlphaHalfLife(cfg.LongHalfLife),
		season:      int64(cfg.Season),
		bucketWidth: float64(cfg.Season) / Buckets,
		fade:        1 / math.Max(1, float64(cfg.Hold)),
		lateness:    int64(cfg.Lateness),
		short:       cfg.ShortWindow,
	}, nil
}

// Config returns the settings.
func (s *Scorer) Config() Config { return s.cfg }

// LastScore is the score of the latest point the state scored.
func (st *State) LastScore() float64 { return float64(st.score) }

// Points is the number of points learned.
func (st *State) Points() uint32 { return st.n }

// phase returns the two seasonal buckets around t and the weight of the second.
func (s *Scorer) phase(t int64) (b0, b1 int, w float64) {
	f := stats.PhaseFraction(t, s.season)*Buckets - 0.5
	fl := math.Floor(f)
	w = f - fl
	b0 = int(fl)
	if b0 < 0 {
		b0 += Buckets
	}
	b1 = b0 + 1
	if b1 == Buckets {
		b1 = 0
	}
	return b0, b1, w
}

// seasonal is the interpolated profile value; buckets never visited do not count.
func (st *State) seasonal(b0, b1 int, w float64) float64 {
	v0, v1 := st.visits[b0] > 0, st.visits[b1] > 0
	switch {
	case v0 && v1:
		return (1-w)*float64(st.season[b0]) + w*float64(st.season[b1])
	case v0:
		return float64(st.season[b0])
	case v1:
		return float64(st.season[b1])
	}
	return 0
}

// Update scores the point (t in Unix ns, value x), learns from it when it is in
// order, and runs the sustained gate.
func (s *Scorer) Update(st *State, t int64, x float64) Result {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		st.Dropped++
		return Result{Dropped: true}
	}
	prev := st.clock.Max
	switch st.clock.Observe(t, s.lateness) {
	case stats.TooLate:
		st.Dropped++
		return Result{Dropped: true}
	case stats.Late:
		st.Late++
		return Result{Score: s.peek(st, t, x), Above: x > st.level.Mean}
	}

	var b0, b1 int
	var w, seas float64
	if s.season > 0 {
		b0, b1, w = s.phase(t)
		seas = st.seasonal(b0, b1, w)
	}
	z := s.residualZ(st, x, seas)
	above := st.level.N > 0 && x > seas+st.level.Mean

	// Learn the baseline: level on the deseasonalised value, then the profile on
	// what the level does not explain, split between the two buckets by weight.
	level := st.level.Update(x-seas, s.aLevel)
	if s.season > 0 {
		// SeasonHalfLife is in cycles: spread one cycle's weight over the points
		// that fall in a bucket per cycle (bucket width / sampling interval).
		a := 1.0
		if prev > 0 {
			a = math.Min(1, s.aSeason*float64(t-prev)/s.bucketWidth)
		}
		st.learnBucket(b0, x-level, (1-w)*a)
		st.learnBucket(b1, x-level, w*a)
	}
	st.scale.Update(x-seas-level, s.aScale, scaleClip)

	// Short average of |z| and its tail probability against the long-run
	// distribution of such averages; only unusually large averages score.
	m := st.pushShort(z, s.short)
	score := 0.0
	if st.n >= uint32(s.cfg.Warmup) && st.dist.N > 0 {
		d := (m - st.dist.Mean) / math.Max(st.dist.Std(), minDistStd)
		if d > 0 {
			score = stats.LogTail(stats.NormalTail(d))
		}
	}
	// A value outside everything seen so far (by more than a margin of the range)
	// is a new extreme: a strong anomaly whatever the residual model says.
	if st.n == 0 {
		st.lo, st.hi = x, x
	} else {
		if st.n >= uint32(s.cfg.Warmup) && st.outside(x) {
			score = math.Max(score, spatialScore)
		}
		st.lo, st.hi = math.Min(st.lo, x), math.Max(st.hi, x)
	}
	st.dist.Update(m, s.aLong)
	if st.n < math.MaxUint32 {
		st.n++
	}
	res := s.gate(st, score, z >= zAlert || score >= spatialScore)
	res.Above = above
	return res
}

// residualZ is the capped standardised residual of x against the baseline.
func (s *Scorer) residualZ(st *State, x, seas float64) float64 {
	if st.level.N == 0 {
		return 0
	}
	r := x - seas - st.level.Mean
	sigma := st.scale.Sigma(math.Max(relFloor*math.Abs(st.level.Mean), 1e-9))
	return math.Min(math.Abs(r)/sigma, zCap)
}

// peek scores a late point against the current baseline without learning.
func (s *Scorer) peek(st *State, t int64, x float64) float64 {
	seas := 0.0
	if s.season > 0 {
		b0, b1, w := s.phase(t)
		seas = st.seasonal(b0, b1, w)
	}
	if st.n < uint32(s.cfg.Warmup) || st.dist.N == 0 {
		return 0
	}
	if st.outside(x) {
		return spatialScore
	}
	z := s.residualZ(st, x, seas)
	// The late point replaces one slot of the short window for this estimate.
	n := float64(st.ringN)
	sum := 0.0
	for i := 0; i < int(st.ringN); i++ {
		sum += float64(st.ring[i])
	}
	m := z
	if n > 0 {
		m = (sum - sum/n + z) / n
	}
	d := (m - st.dist.Mean) / math.Max(st.dist.Std(), minDistStd)
	if d <= 0 {
		return 0
	}
	return stats.LogTail(stats.NormalTail(d))
}

// outside reports whether x lies beyond the range seen so far by more than
// spatialTol of the range (or, for a flat series, relFloor of its value).
func (st *State) outside(x float64) bool {
	margin := math.Max(spatialTol*(st.hi-st.lo), relFloor*math.Max(math.Abs(st.hi), math.Abs(st.lo)))
	return x > st.hi+margin || x < st.lo-margin
}

func (st *State) learnBucket(b int, target, a float64) {
	if a <= 0 && st.visits[b] > 0 {
		return
	}
	if st.visits[b] == 0 {
		st.season[b] = float32(target)
	} else {
		// Warm start: plain mean over the first visits.
		if w := 1 / float64(st.visits[b]+1); w > a && a > 0 {
			a = math.Min(w, 8*a)
		}
		st.season[b] += float32(a * (target - float64(st.season[b])))
	}
	if st.visits[b] < math.MaxUint8 {
		st.visits[b]++
	}
}

// pushShort adds z to the ring of the last k values and returns their mean.
func (st *State) pushShort(z float64, k int) float64 {
	st.ring[st.ringAt] = float32(z)
	st.ringAt++
	if int(st.ringAt) >= k {
		st.ringAt = 0
	}
	if int(st.ringN) < k {
		st.ringN++
	}
	sum := 0.0
	for i := 0; i < int(st.ringN); i++ {
		sum += float64(st.ring[i])
	}
	return sum / float64(st.ringN)
}

// gate runs the sustained-deviation gate and the de-duplication of the emitted
// score. Two holds, both Hold points long:
//   - the episode hold starts at the first point scoring AlertScore or more; inside
//     it the emitted score is damped, so a downstream threshold sees one crossing per
//     episode rather than a train of them (this is what NAB-style scoring rewards:
//     early detection, few repeats);
//   - the alert hold starts when Sustain consecutive points scored AlertScore or
//     more AND each deviated on its own (|z| >= zAlert, or a new extreme), so one
//     spike lingering in the short average does not count as sustained (Alert is
//     true on that point); no new alert is raised inside it.
//
// The gate itself reads the undamped score.
func (s *Scorer) gate(st *State, score float64, deviating bool) Result {
	res := Result{Score: score}
	high := score >= s.cfg.AlertScore
	res.Deviating = high && deviating
	if res.Deviating {
		if st.run < math.MaxUint16 {
			st.run++
		}
	} else {
		st.run = 0
	}
	hold := uint16(min(s.cfg.Hold, math.MaxUint16))
	if st.quiet > 0 {
		st.quiet--
		res.Score *= damp
	} else if high {
		st.quiet = hold
	}
	if st.hold > 0 {
		st.hold--
	} else if int(st.run) >= s.cfg.Sustain {
		res.Alert = true
		st.hold = hold
	}
	st.score = float32(res.Score)
	return res
}
