package saturation

import (
	"fmt"
	"math"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/anomaly"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/calendar"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

const attrHostName = "host.name"

// series is the state of one watched series: the anomaly scorer's state plus the
// sustained-high run and the last finding times (event time, Unix ns).
type series struct {
	st          anomaly.State
	highSince   int64 // start of the current run at or above the threshold; 0 when below
	lastHigh    int64 // time of the last sustained_high finding
	lastAnomaly int64 // time of the last utilisation_anomaly finding
	// highLowered: the last sustained_high finding was lowered as expected at this
	// time of day, so an unexpected one may follow it without waiting for realert.
	highLowered bool
	recur       recurrence
}

// group is the state of one scaling group for pinned_at_max.
type group struct {
	first   int64 // first pin of the current episode
	last    int64 // latest pin
	pins    uint32
	lastHit int64 // time of the last finding
}

// Detector is the saturation detector. It is not safe for concurrent use; the
// processor serialises calls.
type Detector struct {
	cfg      Config
	logger   *zap.Logger
	scorer   *anomaly.Scorer
	kinds    map[string]string // metric name -> kind
	series   *keyed.Map[series]
	groups   *keyed.Map[group]
	calendar calendar.Calendar

	sustain, realert, pinWindow int64

	lastScore float64
	lastOK    bool
}

// New builds a detector.
func New(cfg Config, logger *zap.Logger) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	scorer, err := anomaly.New(cfg.Anomaly)
	if err != nil {
		return nil, err
	}
	cal, err := calendar.Compile(cfg.ChangeWindows, cfg.ScheduledJobs)
	if err != nil {
		return nil, fmt.Errorf("saturation: %w", err)
	}
	kinds := make(map[string]string, len(cfg.Metrics))
	for _, m := range cfg.Metrics {
		k := m.Kind
		if k == "" {
			k = KindUtilisation
		}
		kinds[m.Name] = k
	}
	return &Detector{
		cfg:       cfg,
		logger:    logger,
		scorer:    scorer,
		kinds:     kinds,
		series:    keyed.New[series](cfg.MaxKeys),
		groups:    keyed.New[group](cfg.MaxKeys),
		calendar:  cal,
		sustain:   int64(cfg.Sustain),
		realert:   int64(cfg.Realert),
		pinWindow: int64(cfg.PinWindow),
	}, nil
}

// LastScore is the anomaly score of the point DetectPoint just scored; ok is false
// when that point was not a watched series (or was too late to score).
func (d *Detector) LastScore() (float64, bool) { return d.lastScore, d.lastOK }

// StateStats implements detection.Stateful.
func (d *Detector) StateStats() detection.StateStats {
	return detection.StateStats{
		Keys:      d.series.Len() + d.groups.Len(),
		Evictions: d.series.Evictions() + d.groups.Evictions(),
	}
}

// subject is the service.name of the resource, else its host.name.
func subject(res pcommon.Resource) string {
	attrs := res.Attributes()
	if v, ok := attrs.Get(schema.AttrServiceName); ok && v.Str() != "" {
		return v.Str()
	}
	if v, ok := attrs.Get(attrHostName); ok {
		return v.Str()
	}
	return ""
}

// utilisation converts a utilisation value to a ratio using the metric unit.
func utilisation(v float64, unit string) float64 {
	switch unit {
	case "1":
		return v
	case "%", "Percent", "percent":
		return v / 100
	}
	if v > 1 {
		return v / 100
	}
	return v
}

// DetectPoint implements detection.MetricDetector.
func (d *Detector) DetectPoint(p *detection.Point, out *detection.Findings) {
	d.lastOK = false
	kind, ok := d.kinds[p.Metric.Name()]
	if !ok {
		return
	}
	subj := subject(p.Resource)
	key := seriesKey(subj, p.Metric.Name(), p.Attributes)
	s, _ := d.series.GetOrCreate(key)
	t := int64(p.Time)
	res := d.scorer.Update(&s.st, t, p.Value)
	if res.Dropped {
		return
	}
	d.lastScore, d.lastOK = res.Score, true

	util, isUtil := 0.0, kind == KindUtilisation
	high := false
	if isUtil {
		util = utilisation(p.Value, p.Metric.Unit())
		high = util >= d.cfg.Threshold
	}
	// Elevated: what the recurrence memory records. Utilisation at or above the
	// threshold (both rules need it); for counts, a point deviating upwards.
	level, elevated := util, high
	if !isUtil {
		level, elevated = p.Value, res.Above && res.Deviating
	}
	// A rule about to fire first asks whether this time of day is a known pattern;
	// the memory is only read when needed, before this point is recorded.
	recurDays := -1
	var recurPeak float64
	expected := func() bool {
		if recurDays < 0 {
			recurDays, recurPeak = s.recur.expected(t)
		}
		return d.cfg.RecurringDays > 0 && recurDays >= d.cfg.RecurringDays && level <= recurPeak+d.margin(isUtil, recurPeak)
	}

	// Plain sustained high utilisation.
	if high {
		if s.highSince == 0 || t < s.highSince {
			s.highSince = t
		}
		held := t - s.highSince
		if held >= d.sustain && (d.due(s.lastHigh, t) || s.highLowered && !expected()) {
			s.lastHigh = t
			s.highLowered = expected()
			d.emitHigh(out, p, subj, util, time.Duration(held), s.highLowered, recurDays, recurPeak)
		}
	} else if isUtil {
		s.highSince = 0
	}

	// Anomalous utilisation: the sustained gate tripped, upwards, and the series is
	// near full (utilisation) — saturation is about being near capacity, not about
	// any change. Counts have no capacity; an upward sustained anomaly is enough.
	// A recurring pattern is not an anomaly, whatever the scorer (whose fast level
	// cannot hold a daily step) says.
	if res.Alert && res.Above && (high || !isUtil) && d.due(s.lastAnomaly, t) && !expected() {
		s.lastAnomaly = t
		d.emitAnomaly(out, p, subj, kind, util, res.Score)
	}
	if elevated && d.cfg.RecurringDays > 0 {
		s.recur.mark(t, level)
	}
}

// margin is how far above the level seen at this time of day a value may be and
// still be the usual pattern.
func (d *Detector) margin(isUtil bool, peak float64) float64 {
	if isUtil {
		return utilMargin
	}
	return countMargin * peak
}

// due reports whether a rule may fire again at t after firing at last.
func (d *Detector) due(last, t int64) bool {
	return last == 0 || t-last >= d.realert || t < last
}

// window lowers a finding inside a change window or scheduled job to info and says
// so in the reason; findings are never dropped.
func (d *Detector) window(f *detection.Finding) {
	what, name, ok := d.calendar.Active(f.Time.AsTime())
	if !ok {
		return
	}
	f.Severity = detection.SeverityInfo
	f.Score = math.Min(f.Score, 19)
	f.Reason += fmt.Sprintf(" (inside %s %q: lowered to info)", what, name)
}

// finish caps severity at medium (saturation alone is never more: the composite
// abuse detector is the strong signal), applies windows and appends.
func (d *Detector) finish(out *detection.Findings, f detection.Finding) {
	f.Score = math.Max(0, math.Min(f.Score, 59))
	f.Severity = detection.SeverityForScore(f.Score)
	d.window(&f)
	out.Add(f)
}

func (d *Detector) emitHigh(out *detection.Findings, p *detection.Point, subj string, util float64, held time.Duration,
	expected bool, days int, peak float64) {
	// 30 (low) at the threshold for Sustain, up to +15 for headroom used and +10
	// for holding four times as long.
	over := (util - d.cfg.Threshold) / math.Max(1-d.cfg.Threshold, 1e-9)
	long := 0.0
	if d.sustain > 0 {
		long = math.Min(float64(held)/float64(d.sustain)-1, 3) / 3
	}
	score := 30 + 15*math.Min(math.Max(over, 0), 1) + 10*math.Max(long, 0)
	reason := fmt.Sprintf("%s of %s at %.0f%% for %s (threshold %.0f%%, sustain %s)",
		p.Metric.Name(), orUnknown(subj), util*100, held.Round(time.Second), d.cfg.Threshold*100, d.cfg.Sustain)
	if expected {
		// A recurring pattern: kept (it is still high utilisation) but at most low.
		score = math.Min(score, 29)
		reason += fmt.Sprintf(" (expected at this time of day: seen on %d previous days, up to %.0f%%: lowered to low)", days, peak*100)
	}
	d.finish(out, detection.Finding{
		Rule:    &RuleSustainedHigh,
		Score:   score,
		Subject: subj,
		Time:    p.Time,
		Reason:  reason,
	})
}

func (d *Detector) emitAnomaly(out *detection.Findings, p *detection.Point, subj, kind string, util, score float64) {
	var reason string
	if kind == KindUtilisation {
		reason = fmt.Sprintf("%s of %s at %.0f%% deviates from its learned baseline for %d points (anomaly score %.2f)",
			p.Metric.Name(), orUnknown(subj), util*100, d.cfg.Anomaly.Sustain, score)
	} else {
		reason = fmt.Sprintf("%s of %s at %g is above its learned baseline for %d points (anomaly score %.2f)",
			p.Metric.Name(), orUnknown(subj), p.Value, d.cfg.Anomaly.Sustain, score)
	}
	// 40 (medium) + up to 19 by anomaly score.
	d.finish(out, detection.Finding{
		Rule:    &RuleUtilisationAnomaly,
		Score:   40 + 19*score,
		Subject: subj,
		Time:    p.Time,
		Reason:  reason,
	})
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed resource"
	}
	return s
}

var (
	_ detection.MetricDetector = (*Detector)(nil)
	_ detection.LogDetector    = (*Detector)(nil)
	_ detection.Stateful       = (*Detector)(nil)
	_ detection.Persistent     = (*Detector)(nil)
)
