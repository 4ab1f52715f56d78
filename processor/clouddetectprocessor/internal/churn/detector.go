// Package churn is the scaling_churn detector (AN1168): scaling actions per group per
// rolling window against the group's own baseline (with an hour-of-day profile, so a
// group that scales every morning is normal at that hour), and direction flips
// (out, in, out, in: flapping). It reads the scaling records the cloudaudit receiver
// writes (autoscaler.group.name, cloud.scaling.*).
package churn

import (
	"fmt"
	"math"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/calendar"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/window"
)

// Directions as stored in groupState.lastDir.
const (
	dirUnknown int8 = iota
	dirOut
	dirIn
)

// groupState is everything kept per scaling group: 328 bytes (TestGroupStateSize).
type groupState struct {
	ring    window.Ring16   // Bucket.Total = actions, Bucket.Bad = direction flips
	actions window.Baseline // actions per window
	flips   window.Baseline // flips per window
	hourly  [24]float32     // actions per window by hour of day (UTC)
	name    string
	lastDir int8
	_       [7]byte
	lastAt  int64 // time (ns) of the previous action, for flips
	// times (ns) of the last finding per rule
	lastExcess, lastFlap int64
}

// Detector is the scaling_churn detector. Not safe for concurrent use.
type Detector struct {
	cfg         Config
	logger      *zap.Logger
	groups      *keyed.Map[groupState]
	bucketNs    int64
	lateBuckets int64
	calendar    calendar.Calendar
	late        uint64
}

var (
	_ detection.LogDetector = (*Detector)(nil)
	_ detection.Stateful    = (*Detector)(nil)
	_ detection.Persistent  = (*Detector)(nil)
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
	bw := int64(cfg.Window / bucketsPerWindow)
	if bw <= 0 {
		bw = int64(time.Minute)
	}
	return &Detector{
		cfg:         cfg,
		logger:      logger,
		groups:      keyed.New[groupState](cfg.MaxKeys),
		bucketNs:    bw,
		lateBuckets: int64(cfg.Lateness) / bw,
		calendar:    cal,
	}, nil
}

// StateStats reports tracked groups and evictions.
func (d *Detector) StateStats() detection.StateStats {
	return detection.StateStats{Keys: d.groups.Len(), Evictions: d.groups.Evictions()}
}

// Late counts actions dropped for arriving later than the configured lateness.
func (d *Detector) Late() uint64 { return d.late }

// action is one scaling record's evidence.
type action struct {
	group    string
	dir      int8
	old, new int64
	hasSizes bool
}

// DetectLog inspects scaling records; everything else is rejected on the first lookup.
func (d *Detector) DetectLog(res pcommon.Resource, rec plog.LogRecord, out *detection.Findings) {
	attrs := rec.Attributes()
	a, ok := readAction(res.Attributes(), attrs)
	if !ok {
		return
	}
	t := rec.Timestamp()
	if t == 0 {
		t = rec.ObservedTimestamp()
	}
	if t == 0 {
		return
	}
	d.observe(&a, int64(t), out)
}

func readAction(res, attrs pcommon.Map) (action, bool) {
	var a action
	v, ok := attrs.Get(schema.AttrScalingGroupName)
	if !ok {
		if v, ok = res.Get(schema.AttrScalingGroupName); !ok {
			return a, false
		}
	}
	if v.Type() != pcommon.ValueTypeStr || v.Str() == "" {
		return a, false
	}
	a.group = v.Str()
	o, okO := intAttr(attrs, schema.AttrScalingOldSize)
	n, okN := intAttr(attrs, schema.AttrScalingNewSize)
	a.old, a.new, a.hasSizes = o, n, okO && okN
	if dv, ok := attrs.Get(schema.AttrScalingDirection); ok && dv.Type() == pcommon.ValueTypeStr {
		switch dv.Str() {
		case schema.ScalingOut:
			a.dir = dirOut
		case schema.ScalingIn:
			a.dir = dirIn
		}
	}
	if a.dir == dirUnknown && a.hasSizes {
		switch {
		case n > o:
			a.dir = dirOut
		case n < o:
			a.dir = dirIn
		}
	}
	// a record that names a group but is neither a direction nor a size change is not
	// a scaling action (e.g. a group's configuration update)
	return a, a.dir != dirUnknown || a.hasSizes
}

func intAttr(m pcommon.Map, k string) (int64, bool) {
	v, ok := m.Get(k)
	if !ok {
		return 0, false
	}
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int(), true
	case pcommon.ValueTypeDouble:
		return int64(v.Double()), true
	case pcommon.ValueTypeStr:
		s := v.Str()
		if s == "" || len(s) > 12 {
			return 0, false
		}
		var n int64
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(s[i]-'0')
		}
		return n, true
	}
	return 0, false
}

func hashGroup(name string) uint64 { return keyed.Sep(keyed.HashString(keyed.Seed, name)) }

// observe counts one action. Flips are judged in arrival order against the previous
// action of the group (the receiver delivers one group's actions in order in practice).
func (d *Detector) observe(a *action, t int64, out *detection.Findings) {
	g, created := d.groups.GetOrCreate(hashGroup(a.group))
	if created {
		g.name = strings.Clone(a.group)
	}
	// a change of direction is a flip only within one window of the previous action:
	// the morning scale-out after last night's scale-in is not flapping
	var flip uint32
	if a.dir != dirUnknown {
		gap := t - g.lastAt
		if gap < 0 {
			gap = -gap
		}
		if g.lastDir != dirUnknown && g.lastDir != a.dir && gap <= int64(d.cfg.Window) {
			flip = 1
		}
		g.lastDir = a.dir
		g.lastAt = t
	}
	idx := window.Index(t, d.bucketNs)
	r := g.ring.Add(idx, d.lateBuckets, flip, 1)
	if r.Late {
		d.late++
		return
	}
	if r.Advanced > 0 {
		d.learn(g, r.Previous, r.Advanced)
	}
	d.evaluate(g, a, idx, t, out)
}

// learn folds the window that ended with the closed bucket prev into the baselines;
// buckets skipped without any action are windows of zero.
func (d *Detector) learn(g *groupState, prev, advanced int64) {
	w := g.ring.Sum(prev, bucketsPerWindow)
	alpha := d.cfg.Alpha
	// excessive windows are learned slowly so that an attack does not become normal
	if float64(w.Total) >= d.actionThreshold(g, prev*d.bucketNs) {
		g.actions.UpdateWeight(float64(w.Total), alpha/10)
	} else {
		g.actions.Update(float64(w.Total), alpha)
	}
	// the same for flips: otherwise an hour of flapping teaches the baseline its own
	// flips at full weight and the threshold climbs within minutes
	if w.Bad > 0 && float64(w.Bad) >= d.flipThreshold(g) {
		g.flips.UpdateWeight(float64(w.Bad), alpha/10)
	} else {
		g.flips.Update(float64(w.Bad), alpha)
	}
	hr := hourOf(prev * d.bucketNs)
	g.hourly[hr] += float32(d.cfg.HourlyAlpha) * (float32(w.Total) - g.hourly[hr])
	if advanced > 1 {
		g.actions.Decay(advanced-1, alpha)
		g.flips.Decay(advanced-1, alpha)
	}
}

func hourOf(ns int64) int {
	h := window.Index(ns, int64(time.Hour)) % 24
	if h < 0 {
		h += 24
	}
	return int(h)
}

// expected is the group's normal number of actions per window at time ns: the larger
// of its overall baseline and its hour-of-day profile; 0 before warm-up.
func (d *Detector) expected(g *groupState, ns int64) float64 {
	if g.actions.N < d.cfg.Warmup {
		return 0
	}
	return math.Max(g.actions.Mean, float64(g.hourly[hourOf(ns)]))
}

func (d *Detector) actionThreshold(g *groupState, ns int64) float64 {
	lam := d.expected(g, ns)
	spread := math.Sqrt(math.Max(lam, g.actions.Var))
	return math.Max(float64(d.cfg.MinActions), math.Max(math.Ceil(d.cfg.Factor*lam), math.Ceil(lam+d.cfg.Threshold*spread)+1))
}

func (d *Detector) flipThreshold(g *groupState) float64 {
	if g.flips.N < d.cfg.Warmup {
		return float64(d.cfg.FlapFlips)
	}
	lam := g.flips.Mean
	spread := math.Sqrt(math.Max(lam, g.flips.Var))
	return math.Max(float64(d.cfg.FlapFlips), math.Max(math.Ceil(d.cfg.Factor*lam), math.Ceil(lam+d.cfg.Threshold*spread)+1))
}

// evaluate checks the window ending with the action's bucket.
func (d *Detector) evaluate(g *groupState, a *action, idx, t int64, out *detection.Findings) {
	w := g.ring.Sum(idx, bucketsPerWindow)
	realert := int64(d.cfg.Realert)

	if thr := d.flipThreshold(g); float64(w.Bad) >= thr && (g.lastFlap == 0 || t-g.lastFlap >= realert) {
		g.lastFlap = t
		// medium at the threshold, high from twice the threshold
		score := math.Min(75, 50+10*(float64(w.Bad)/thr-1)*2)
		f := detection.Finding{
			Rule: &RuleFlapping, Severity: detection.SeverityForScore(score), Score: score,
			Subject: g.name, Time: pcommon.Timestamp(uint64(t)),
			Reason: fmt.Sprintf("Scaling group %s is flapping: %d direction changes across %d scaling actions in %s%s; "+
				"its baseline is %.1f changes per window (threshold %.0f).",
				g.name, w.Bad, w.Total, d.cfg.Window, a.describe(), g.flips.Mean, thr),
		}
		d.calendar.Lower(&f)
		out.Add(f)
	}

	thr := d.actionThreshold(g, t)
	if float64(w.Total) < thr || (g.lastExcess != 0 && t-g.lastExcess < realert) {
		return
	}
	g.lastExcess = t
	score := math.Min(70, 40+10*math.Log2(float64(w.Total)/thr)+5*math.Min(float64(w.Bad), 2))
	note := ""
	if g.actions.N < d.cfg.Warmup {
		score -= 10
		note = " (baseline still warming up)"
	}
	if w.Bad == 0 {
		// one-directional scaling follows demand (a launch, a morning ramp): worth a
		// look, not an alert on its own
		score = math.Min(score, 35)
		note += " (all in one direction)"
	}
	f := detection.Finding{
		Rule: &RuleExcessActions, Severity: detection.SeverityForScore(score), Score: score,
		Subject: g.name, Time: pcommon.Timestamp(uint64(t)),
		Reason: fmt.Sprintf("Scaling group %s made %d scaling actions in %s%s, %d direction changes; "+
			"its baseline is %.1f ± %.1f actions per window (threshold %.0f)%s.",
			g.name, w.Total, d.cfg.Window, a.describe(), w.Bad, d.expected(g, t), g.actions.Std(), thr, note),
	}
	d.calendar.Lower(&f)
	out.Add(f)
}

func (a *action) describe() string {
	dir := "unknown"
	switch a.dir {
	case dirOut:
		dir = "out"
	case dirIn:
		dir = "in"
	}
	if a.hasSizes {
		return fmt.Sprintf(", latest %s %d→%d", dir, a.old, a.new)
	}
	return ", latest " + dir
}
