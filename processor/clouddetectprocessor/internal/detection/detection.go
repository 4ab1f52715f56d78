// Package detection holds what every detector shares: the rule description, the finding
// a detector produces, severities, and the small interfaces the processor drives.
// The processor walks logs, spans and metric points once and hands each item to every
// enabled detector; detectors append findings; the processor writes them as attributes
// (see package annotate) — detectors never touch the output format themselves.
package detection

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Severity of a finding, ordered.
type Severity uint8

const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// ParseSeverity reads a severity name as written in configuration.
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), true
		}
	}
	return 0, false
}

// SeverityForScore maps a 0–100 score to a severity with the bands used by every
// detector: <20 info, <40 low, <60 medium, <80 high, otherwise critical.
func SeverityForScore(score float64) Severity {
	switch {
	case score >= 80:
		return SeverityCritical
	case score >= 60:
		return SeverityHigh
	case score >= 40:
		return SeverityMedium
	case score >= 20:
		return SeverityLow
	default:
		return SeverityInfo
	}
}

// Categories and analytics.
const (
	CategoryExposure     = "exposure"
	CategoryAvailability = "availability"
	AnalyticAN1188       = "AN1188"
	AnalyticAN1168       = "AN1168"
	RulesetName          = "cloudwarden"
)

// Rule describes one detection rule. Rules are package-level values in each detector,
// so a Finding carries a pointer and costs nothing to create.
type Rule struct {
	UUID       string // stable id, e.g. "cloudwarden.exposure.any_source_ingress"
	Name       string // human name
	Category   string // CategoryExposure | CategoryAvailability
	Version    string
	Analytic   string   // AnalyticAN1188 | AnalyticAN1168
	Reference  string   // ATT&CK analytic URL
	Techniques []string // current and legacy ATT&CK technique ids
}

// Finding is one rule firing on one item.
type Finding struct {
	Rule     *Rule
	Severity Severity
	Score    float64 // 0–100
	Reason   string  // one sentence with the evidence
	// Subject is what the finding is about: the service.name for availability
	// findings (the abuse correlation key), the resource id for exposure findings.
	Subject string
	// Time is the triggering item's own timestamp.
	Time pcommon.Timestamp
}

// Findings collects the findings of one item. The processor reuses one slice, so the
// no-detection path allocates nothing.
type Findings []Finding

// Add appends a finding.
func (f *Findings) Add(x Finding) { *f = append(*f, x) }

// Strongest returns the index of the finding with the highest score (severity breaks
// ties), or -1 when empty.
func (f Findings) Strongest() int {
	best := -1
	for i := range f {
		if best < 0 || f[i].Score > f[best].Score ||
			(f[i].Score == f[best].Score && f[i].Severity > f[best].Severity) {
			best = i
		}
	}
	return best
}

// LogDetector inspects log records.
type LogDetector interface {
	DetectLog(res pcommon.Resource, rec plog.LogRecord, out *Findings)
}

// SpanDetector inspects spans.
type SpanDetector interface {
	DetectSpan(res pcommon.Resource, span ptrace.Span, out *Findings)
}

// Point is one metric data point as the processor hands it to detectors. For
// histograms Value is the point's count (requests); for sums and gauges it is the value.
type Point struct {
	Resource   pcommon.Resource
	Metric     pmetric.Metric
	Attributes pcommon.Map
	Start      pcommon.Timestamp
	Time       pcommon.Timestamp
	Value      float64
	// Cumulative is true for cumulative sums and histograms; detectors that need
	// rates take deltas per series themselves.
	Cumulative bool
}

// MetricDetector inspects metric data points.
type MetricDetector interface {
	DetectPoint(p *Point, out *Findings)
}

// Correlator sees the findings the other detectors produced for one item and may add
// a composite finding (the abuse detector).
type Correlator interface {
	Correlate(res pcommon.Resource, out *Findings)
}

// StateStats is reported by stateful detectors for internal telemetry.
type StateStats struct {
	Keys      int
	Evictions uint64
}

// Stateful is implemented by detectors that keep per-key state.
type Stateful interface {
	StateStats() StateStats
}

// Persistent is implemented by detectors whose learned state (baselines, first-seen
// sets) survives a restart through a storage extension. Snapshot must be safe to call
// while the processor is quiescent (Shutdown) or under the detector's own lock.
type Persistent interface {
	// StateKey names the detector's entry in the storage client.
	StateKey() string
	Snapshot() ([]byte, error)
	Restore([]byte) error
}
