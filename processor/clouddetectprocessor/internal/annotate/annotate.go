// Package annotate writes findings in the output format of SPEC §3: rule and detection
// attributes on the triggering log record or span, finding log records, and
// cloudwarden.detection metric points. It is the only place that knows these names.
package annotate

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// Output attribute names (SPEC §3).
const (
	AttrRuleName      = "security_rule.name"
	AttrRuleUUID      = "security_rule.uuid"
	AttrRuleCategory  = "security_rule.category"
	AttrRulesetName   = "security_rule.ruleset.name"
	AttrRuleReference = "security_rule.reference"
	AttrRuleVersion   = "security_rule.version"
	AttrSeverity      = "detection.severity"
	AttrScore         = "detection.score"
	AttrReason        = "detection.reason"
	AttrAnalytic      = "detection.analytic"
	AttrTechniques    = "threat.technique.id"
	AttrRules         = "detection.rules"
	// AttrSubject names what the finding is about (service, resource, group); it is
	// written on finding records and detection points, where the trigger is not at hand.
	AttrSubject = "detection.subject"
	// AttrMetricName carries the triggering series' metric name on detection points.
	AttrMetricName = "cloudwarden.metric.name"
	// AttrTriggerEventID links a finding record to the audit event that triggered it.
	AttrTriggerEventID = "cloudwarden.trigger.event_id"
)

// Names of what the processor emits.
const (
	FindingEventName    = "cloudwarden.finding"
	DetectionMetricName = "cloudwarden.detection"
	AnomalyMetricName   = "cloudwarden.anomaly_score"
)

// Score renders a finding score as the integer 0–100 written in detection.score: rounded,
// except that it never rounds up into the next severity band (bands are half-open, [60,
// 80) is high), so the written integer always agrees with detection.severity: 79.5 is
// written 79 next to "high", never 80.
func Score(s float64) int64 {
	if s < 0 {
		return 0
	}
	if s > 100 {
		return 100
	}
	r := math.Round(s)
	if detection.SeverityForScore(r) != detection.SeverityForScore(s) {
		r = math.Floor(s)
	}
	return int64(r)
}

// Finding writes the strongest finding's rule and detection attributes onto attrs and,
// when several rules fired, the list of their uuids in detection.rules. Nothing is
// written when fs is empty.
func Finding(attrs pcommon.Map, fs detection.Findings) {
	best := fs.Strongest()
	if best < 0 {
		return
	}
	putFinding(attrs, &fs[best])
	if len(fs) > 1 {
		s := attrs.PutEmptySlice(AttrRules)
		s.EnsureCapacity(len(fs))
		seen := make(map[string]struct{}, len(fs))
		for i := range fs {
			uuid := fs[i].Rule.UUID
			if _, dup := seen[uuid]; dup {
				continue
			}
			seen[uuid] = struct{}{}
			s.AppendEmpty().SetStr(uuid)
		}
	}
}

func putFinding(attrs pcommon.Map, f *detection.Finding) {
	r := f.Rule
	attrs.PutStr(AttrRuleName, r.Name)
	attrs.PutStr(AttrRuleUUID, r.UUID)
	attrs.PutStr(AttrRuleCategory, r.Category)
	attrs.PutStr(AttrRulesetName, detection.RulesetName)
	if r.Reference != "" {
		attrs.PutStr(AttrRuleReference, r.Reference)
	}
	if r.Version != "" {
		attrs.PutStr(AttrRuleVersion, r.Version)
	}
	attrs.PutStr(AttrSeverity, f.Severity.String())
	attrs.PutInt(AttrScore, Score(f.Score))
	attrs.PutStr(AttrReason, f.Reason)
	attrs.PutStr(AttrAnalytic, r.Analytic)
	if len(r.Techniques) > 0 {
		t := attrs.PutEmptySlice(AttrTechniques)
		t.EnsureCapacity(len(r.Techniques))
		for _, id := range r.Techniques {
			t.AppendEmpty().SetStr(id)
		}
	}
}

// FindingRecord fills rec as a stand-alone finding record (EventName
// cloudwarden.finding) for one finding, so alerting backends get one record per
// detection. trigger is the record that triggered it (may be an empty record when the
// trigger was a span).
func FindingRecord(rec plog.LogRecord, f *detection.Finding, trigger plog.LogRecord, triggerEventID string) {
	rec.SetEventName(FindingEventName)
	ts := f.Time
	if ts == 0 {
		ts = trigger.Timestamp()
	}
	rec.SetTimestamp(ts)
	rec.SetObservedTimestamp(trigger.ObservedTimestamp())
	rec.SetSeverityNumber(severityNumber(f.Severity))
	rec.SetSeverityText(f.Severity.String())
	rec.Body().SetStr(f.Reason)
	if tid := trigger.TraceID(); !tid.IsEmpty() {
		rec.SetTraceID(tid)
		rec.SetSpanID(trigger.SpanID())
	}
	attrs := rec.Attributes()
	putFinding(attrs, f)
	if f.Subject != "" {
		attrs.PutStr(AttrSubject, f.Subject)
	}
	if triggerEventID != "" {
		attrs.PutStr(AttrTriggerEventID, triggerEventID)
	}
}

// DetectionPoint appends one data point for f to the cloudwarden.detection gauge m:
// value = score, timestamp = the triggering point's time, attributes = rule attributes
// plus the triggering series' identity (its metric name and attributes). The triggering
// point itself is never relabelled, which would change its series identity.
func DetectionPoint(m pmetric.Metric, f *detection.Finding, seriesMetric string, seriesAttrs pcommon.Map, ts pcommon.Timestamp) {
	if m.Type() != pmetric.MetricTypeGauge {
		m.SetName(DetectionMetricName)
		m.SetDescription("Score (0-100) of a cloudwarden detection; one point per detection.")
		m.SetUnit("1")
		m.SetEmptyGauge()
	}
	dp := m.Gauge().DataPoints().AppendEmpty()
	dp.SetTimestamp(ts)
	dp.SetIntValue(Score(f.Score))
	attrs := dp.Attributes()
	seriesAttrs.CopyTo(attrs)
	attrs.PutStr(AttrMetricName, seriesMetric)
	putFinding(attrs, f)
	if f.Subject != "" {
		attrs.PutStr(AttrSubject, f.Subject)
	}
}

func severityNumber(s detection.Severity) plog.SeverityNumber {
	switch s {
	case detection.SeverityCritical:
		return plog.SeverityNumberFatal
	case detection.SeverityHigh:
		return plog.SeverityNumberError
	case detection.SeverityMedium:
		return plog.SeverityNumberWarn
	case detection.SeverityLow:
		return plog.SeverityNumberInfo2
	default:
		return plog.SeverityNumberInfo
	}
}
