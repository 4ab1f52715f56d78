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
		return
	}
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
	repeated := 0
	if d.cfg.RepeatOf > 0 {
		repeated = bits.OnesCount32(s.hist & (uint32(1<<uint(d.cfg.RepeatOf)) - 1))
	}
	if streak < d.cfg.Sustain && (d.cfg.Repeat == 0 || repeated < d.cfg.Repeat) {
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
			"against a learned baseline of %.2f%% ± %.2f%% (z=%.1f); anomalous %d windows in a row, %d of the last %d.",
			s.label(), 100*r, w.Bad, w.Total, d.cfg.EvaluationWindow, end.Format(time.RFC3339),
			100*p0, 100*math.Sqrt(b.Var), z, streak, repeated, d.cfg.RepeatOf),
	}
	d.calendar.Lower(&f)
	out.Add(f)
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
