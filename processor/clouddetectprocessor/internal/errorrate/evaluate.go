package errorrate

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/window"
)

// evalWindow tests one closed evaluation window against the key's baseline.
//
// The baseline is an EWMA of the key's own windowed 5xx ratio and its variance, so a
// service that normally runs at 2% with bursts to 5% has learned both. The test adds
// the binomial sampling variance of the window (p(1-p)/n), so a low-volume window needs
// a bigger jump to count. Anomalous windows are learned ten times slower, their variance
// clipped at the detection boundary, so an attack is not absorbed into "normal" within
// minutes but a lasting level shift is, within about a day at the default alpha.
func (d *Detector) evalWindow(s *keyState, w window.Bucket, e, t int64, out *detection.Findings) {
	if w.Total < d.cfg.MinRequests {
		s.hist <<= 1
		d.pool(s, e)
		return
	}
	s.pooled = 0
	bc := &d.cfg.Baseline
	r := w.Ratio()
	b := &s.base
	dev := false
	var z, p0, sd float64
	if b.N >= bc.Warmup {
		p0 = b.Mean
		pc := math.Min(math.Max(p0, 1e-3), 0.5)
		sd = math.Sqrt(b.Var + pc*(1-pc)/float64(w.Total))
		z = (r - p0) / sd
		dev = z >= bc.Threshold && r-p0 >= bc.MinIncrease
	}
	s.hist <<= 1
	if dev {
		s.hist |= 1
		// learn the anomalous window slowly, and its variance only up to the detection
		// boundary: an attack neither becomes normal nor widens the spread within
		// minutes, while a lasting shift of the level is still followed (hours)
		b.UpdateClipped(r, bc.Alpha/10, bc.Threshold*sd)
	} else {
		b.Update(r, bc.Alpha)
		return
	}
	streak := bits.TrailingZeros32(^s.hist)
	repeated := lastOnes(s.hist, d.cfg.RepeatOf)
	pulses := lastOnes(s.hist, d.cfg.PulseOf)
	if streak < d.cfg.Sustain && (d.cfg.Repeat == 0 || repeated < d.cfg.Repeat) &&
		(d.cfg.Pulse == 0 || pulses < d.cfg.Pulse) {
		return
	}
	if s.lastAnomaly != 0 && t-s.lastAnomaly < int64(d.cfg.Realert) {
		return
	}
	s.lastAnomaly = t

	// Score: medium at the threshold, rising with the strength of the deviation, the
	// size of the jump and the volume behind it; capped in the high band so that only
	// the abuse composite reaches critical.
	score := 40 + math.Min(15, 2*(z-bc.Threshold)) + math.Min(10, 20*(r-p0))
	if w.Total >= 10*d.cfg.MinRequests {
		score += 5
	}
	score = math.Min(score, 70)
	end := time.Unix(0, (e+1)*d.evalBuckets*bucketNs).UTC()
	f := detection.Finding{
		Rule:     &RuleAnomaly,
		Severity: detection.SeverityForScore(score),
		Score:    score,
		Subject:  s.service,
		Time:     ts(t),
		Reason: fmt.Sprintf("5xx ratio of %s was %.1f%% (%d of %d requests) in the %s ending %s, "+
			"against a learned baseline of %.2f%% ± %.2f%% (z=%.1f); anomalous %d windows in a row, %d of the last %d%s.",
			s.label(), 100*r, w.Bad, w.Total, d.cfg.EvaluationWindow, end.Format(time.RFC3339),
			100*p0, 100*math.Sqrt(b.Var), z, streak, repeated, d.cfg.RepeatOf, d.pulseNote(streak, repeated, pulses)),
	}
	d.calendar.Lower(&f)
	out.Add(f)
}

// pulseNote names the pulse count when only it made the finding.
func (d *Detector) pulseNote(streak, repeated, pulses int) string {
	if streak >= d.cfg.Sustain || (d.cfg.Repeat > 0 && repeated >= d.cfg.Repeat) {
		return ""
	}
	return fmt.Sprintf(", %d of the last %d (repeated pulses)", pulses, d.cfg.PulseOf)
}

// lastOnes counts the anomalous windows among the newest n of hist.
func lastOnes(hist uint32, n int) int {
	if n <= 0 {
		return 0
	}
	if n >= 32 {
		return bits.OnesCount32(hist)
	}
	return bits.OnesCount32(hist & (uint32(1)<<uint(n) - 1))
}

// maxPoolBuckets bounds pooling to the minute ring (64 buckets, less lateness).
const maxPoolBuckets = 60

// pool learns the baseline of a low-volume key: consecutive windows below
// min_requests are pooled (up to an hour) until together they hold min_requests, and
// the pooled ratio is learned like one window. Without it a service with 20 requests
// a minute never leaves warm-up, and a flood that lifts it far above the volume gate
// meets no baseline. Pooled windows are learned, never evaluated: a pool that would
// be anomalous is learned slowly, like an anomalous window, but raises nothing.
func (d *Detector) pool(s *keyState, e int64) {
	eb := d.evalBuckets
	s.pooled++
	if int64(s.pooled)*eb > maxPoolBuckets {
		s.pooled = 1
	}
	w := s.fine.Sum(e*eb+eb-1, int(int64(s.pooled)*eb))
	if w.Total < d.cfg.MinRequests {
		return
	}
	s.pooled = 0
	bc := &d.cfg.Baseline
	b := &s.base
	r := w.Ratio()
	if b.N >= bc.Warmup {
		pc := math.Min(math.Max(b.Mean, 1e-3), 0.5)
		sd := math.Sqrt(b.Var + pc*(1-pc)/float64(w.Total))
		if r-b.Mean >= bc.MinIncrease && (r-b.Mean)/sd >= bc.Threshold {
			b.UpdateClipped(r, bc.Alpha/10, bc.Threshold*sd)
			return
		}
	}
	b.Update(r, bc.Alpha)
}

// evalBurn checks each burn-rate pair for windows ending with the closed minute prev.
func (d *Detector) evalBurn(s *keyState, prev, t int64, out *detection.Findings) {
	budget := 1 - d.cfg.BurnRate.SLO
	for i := range d.burn {
		p := &d.burn[i]
		short := s.fine.Sum(prev, p.shortBuckets)
		if short.Total < d.cfg.MinRequests {
			continue
		}
		bs := short.Ratio() / budget
		if bs < p.cfg.Factor {
			continue
		}
		var long window.Bucket
		if p.coarse {
			long = s.coarse.Sum(window.Index(prev*bucketNs, coarseNs), p.longBuckets)
		} else {
			long = s.fine.Sum(prev, p.longBuckets)
		}
		bl := long.Ratio() / budget
		if bl < p.cfg.Factor {
			continue
		}
		if s.lastBurn[i] != 0 && t-s.lastBurn[i] < int64(d.cfg.Realert) {
			continue
		}
		s.lastBurn[i] = t
		score := burnScore(p.severity, bl/p.cfg.Factor)
		f := detection.Finding{
			Rule:     &RuleSLOBurn,
			Severity: detection.SeverityForScore(score),
			Score:    score,
			Subject:  s.service,
			Time:     ts(t),
			Reason: fmt.Sprintf("5xx error budget of %s (SLO %.4g%%) is burning %.1fx over %s and %.1fx over %s "+
				"(threshold %.4gx on both): %.2f%% errors, %d of %d requests over %s.",
				s.label(), 100*d.cfg.BurnRate.SLO, bl, p.cfg.Long, bs, p.cfg.Short, p.cfg.Factor,
				100*long.Ratio(), long.Bad, long.Total, p.cfg.Long),
		}
		d.calendar.Lower(&f)
		out.Add(f)
	}
}

// burnScore places a burn-rate finding in its configured severity band, a little
// higher the more the long window exceeds the factor.
func burnScore(sev detection.Severity, over float64) float64 {
	base := [...]float64{10, 30, 50, 70, 85}[sev]
	return base + math.Min(5, math.Log2(math.Max(over, 1))*2)
}

func (s *keyState) label() string {
	if s.route == "" {
		return "service " + s.service
	}
	return "service " + s.service + " route " + s.route
}
