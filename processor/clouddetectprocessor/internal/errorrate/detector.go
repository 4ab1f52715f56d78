// Package errorrate is the error_rate detector (AN1168): the 5xx ratio per service (and
// route) from access/app logs, server spans and request-count metrics, tested against
// an adaptive baseline of the key's own ratio with a volume gate and sustained or
// repeated deviation, plus an optional SRE multi-window burn-rate mode.
//
// Per key the state is fixed-size (see keyState): one-minute buckets for the last hour,
// 30-minute buckets for the last eight hours, and an EWMA baseline. Everything runs on
// the items' own timestamps.
package errorrate

import (
	"math"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/calendar"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/window"
)

const (
	bucketNs = int64(bucket)
	coarseNs = int64(coarseBucket)
)

// keyState is everything kept for one service/route: 768 bytes (TestKeyStateSize).
type keyState struct {
	fine    window.Ring64 // 1-minute buckets: evaluation windows, burn windows up to 1h
	coarse  window.Ring16 // 30-minute buckets: burn windows up to 7h30m
	base    window.Baseline
	service string
	route   string
	hist    uint32 // anomalous evaluation windows, newest in bit 0
	// pooled: low-volume windows since the baseline last learned (see pool)
	pooled uint32
	// times (ns) of the last finding per rule, for re-alerting
	lastAnomaly int64
	lastBurn    [maxBurnPairs]int64
}

// seriesState turns a cumulative counter into deltas.
type seriesState struct {
	prev  float64
	start uint64
	last  uint64
}

// burnPair is a BurnWindow prepared for evaluation.
type burnPair struct {
	cfg          BurnWindow
	shortBuckets int
	longBuckets  int
	coarse       bool // long window read from the 30-minute ring
	severity     detection.Severity
}

// Detector is the error_rate detector. Not safe for concurrent use (the processor
// serialises detection).
type Detector struct {
	cfg         Config
	logger      *zap.Logger
	keys        *keyed.Map[keyState]
	series      *keyed.Map[seriesState]
	evalBuckets int64
	lateBuckets int64
	burn        []burnPair
	calendar    calendar.Calendar
	late        uint64
}

var (
	_ detection.LogDetector    = (*Detector)(nil)
	_ detection.SpanDetector   = (*Detector)(nil)
	_ detection.MetricDetector = (*Detector)(nil)
	_ detection.Stateful       = (*Detector)(nil)
	_ detection.Persistent     = (*Detector)(nil)
)

// New builds the detector.
func New(cfg Config, logger *zap.Logger) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	cal, err := calendar.Compile(cfg.ChangeWindows, cfg.ScheduledJobs)
	if err != nil {
		return nil, err
	}
	d := &Detector{
		cfg:         cfg,
		logger:      logger,
		keys:        keyed.New[keyState](cfg.MaxKeys),
		series:      keyed.New[seriesState](cfg.MaxSeries),
		evalBuckets: int64(cfg.EvaluationWindow / bucket),
		lateBuckets: int64(cfg.Lateness / bucket),
		calendar:    cal,
	}
	if d.evalBuckets < 1 {
		d.evalBuckets = 1
	}
	if cfg.BurnRate.Enabled {
		for _, w := range cfg.BurnRate.Windows {
			p := burnPair{cfg: w, shortBuckets: int(w.Short / bucket)}
			if w.Long > maxFineWindow {
				p.coarse = true
				p.longBuckets = int(w.Long / coarseBucket)
			} else {
				p.longBuckets = int(w.Long / bucket)
			}
			p.severity, _ = detection.ParseSeverity(w.Severity)
			d.burn = append(d.burn, p)
		}
	}
	return d, nil
}

// StateStats reports tracked keys (services/routes plus counter series) and evictions.
func (d *Detector) StateStats() detection.StateStats {
	return detection.StateStats{
		Keys:      d.keys.Len() + d.series.Len(),
		Evictions: d.keys.Evictions() + d.series.Evictions(),
	}
}

// Late counts items dropped for arriving later than the configured lateness.
func (d *Detector) Late() uint64 { return d.late }

// DetectLog counts access-log and application-log records that carry a status code.
func (d *Detector) DetectLog(res pcommon.Resource, rec plog.LogRecord, out *detection.Findings) {
	attrs := rec.Attributes()
	cls := d.status(attrs)
	if cls < 0 {
		return
	}
	t := rec.Timestamp()
	if t == 0 {
		t = rec.ObservedTimestamp()
	}
	svc := d.service(res.Attributes(), attrs)
	if svc == "" || t == 0 {
		return
	}
	d.count(svc, d.route(attrs), int64(t), uint32(cls), 1, out)
}

// DetectSpan counts server spans; the span's end is when the response was sent.
func (d *Detector) DetectSpan(res pcommon.Resource, span ptrace.Span, out *detection.Findings) {
	if span.Kind() != ptrace.SpanKindServer {
		return
	}
	attrs := span.Attributes()
	cls := d.status(attrs)
	if cls < 0 {
		return
	}
	t := span.EndTimestamp()
	if t == 0 {
		t = span.StartTimestamp()
	}
	svc := d.service(res.Attributes(), attrs)
	if svc == "" || t == 0 {
		return
	}
	d.count(svc, d.route(attrs), int64(t), uint32(cls), 1, out)
}

// DetectPoint counts request-count metric points (see MetricConfig).
func (d *Detector) DetectPoint(p *detection.Point, out *detection.Findings) {
	if p.Time == 0 {
		return
	}
	name := p.Metric.Name()
	mi := d.metricRole(name)
	if mi < 0 {
		return
	}
	m := &d.cfg.Metrics[mi]
	res := p.Resource.Attributes()
	svc := d.service(res, p.Attributes)
	if svc == "" {
		return
	}
	delta := p.Value
	if p.Cumulative {
		var ok bool
		if delta, ok = d.delta(name, res, p); !ok {
			return
		}
	}
	n := toCount(delta)
	var bad, total uint32
	switch m.Role {
	case RoleSplit:
		cls := -1
		if m.StatusAttribute != "" {
			if v, ok := p.Attributes.Get(m.StatusAttribute); ok {
				cls = statusClass(v)
			}
		} else {
			cls = d.status(p.Attributes)
		}
		total = n
		if cls == 1 {
			bad = n
		}
	case RoleErrors:
		bad = n
	case RoleTotal:
		total = n
	}
	d.count(svc, d.route(p.Attributes), int64(p.Time), bad, total, out)
}

func toCount(v float64) uint32 {
	if !(v > 0) { // also NaN
		return 0
	}
	if v >= math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(math.Round(v))
}

// delta converts a cumulative point to the increase since the series' previous point.
// The first point of a series only sets the reference (its total since an unknown start
// would read as a burst); a lower value or a new start time is a reset, whose value is
// the increase since the reset. Points not newer than the last one are ignored.
func (d *Detector) delta(name string, res pcommon.Map, p *detection.Point) (float64, bool) {
	h := hashStr(0, name)
	h = hashMap(h, res)
	h = hashMap(mix(h, 0xff), p.Attributes)
	s, created := d.series.GetOrCreate(h)
	t, start := uint64(p.Time), uint64(p.Start)
	if created {
		*s = seriesState{prev: p.Value, start: start, last: t}
		return 0, true
	}
	if t <= s.last {
		return 0, false
	}
	var dv float64
	if p.Value < s.prev || (start != 0 && start > s.start) {
		dv = p.Value
	} else {
		dv = p.Value - s.prev
	}
	*s = seriesState{prev: p.Value, start: start, last: t}
	return dv, true
}

// hashKey identifies a service, or a service's route.
func hashKey(svc, route string) uint64 {
	h := keyed.Sep(keyed.HashString(keyed.Seed, svc))
	if route != "" {
		h = keyed.Sep(keyed.HashString(h, route))
	}
	return h
}

// count adds one observation to the key's buckets and evaluates when a minute closed.
func (d *Detector) count(svc, route string, t int64, bad, total uint32, out *detection.Findings) {
	s, created := d.keys.GetOrCreate(hashKey(svc, route))
	if created {
		s.service = strings.Clone(svc)
		s.route = strings.Clone(route)
	}
	idx := window.Index(t, bucketNs)
	r := s.fine.Add(idx, d.lateBuckets, bad, total)
	if r.Late {
		d.late++
		return
	}
	s.coarse.Add(window.Index(t, coarseNs), 1, bad, total)
	if r.Advanced > 0 {
		d.evaluate(s, r.Previous, idx, t, out)
	}
}

// evaluate runs when minute prev closed because an item of minute now arrived.
func (d *Detector) evaluate(s *keyState, prev, now, t int64, out *detection.Findings) {
	eb := d.evalBuckets
	ePrev, eNow := window.Index(prev, eb), window.Index(now, eb)
	if eNow > ePrev {
		w := s.fine.Sum(ePrev*eb+eb-1, int(eb))
		d.evalWindow(s, w, ePrev, t, out)
		// windows with no items at all count as not anomalous
		if skipped := eNow - ePrev - 1; skipped > 0 {
			if s.pooled > 0 {
				s.pooled += uint32(min(skipped, maxPoolBuckets))
			}
			if skipped >= 32 {
				s.hist = 0
			} else {
				s.hist <<= uint(skipped)
			}
		}
	}
	if len(d.burn) > 0 {
		d.evalBurn(s, prev, t, out)
	}
}

// ts converts event-time nanoseconds to a pcommon timestamp.
func ts(ns int64) pcommon.Timestamp { return pcommon.Timestamp(uint64(ns)) }
