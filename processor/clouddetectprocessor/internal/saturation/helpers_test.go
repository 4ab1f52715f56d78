package saturation

import (
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
)

var base = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// feeder builds points of one series the way the processor hands them over.
type feeder struct {
	res    pcommon.Resource
	metric pmetric.Metric
	attrs  pcommon.Map
}

func newFeeder(service, host, metric, unit string, attrs map[string]any) *feeder {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	if service != "" {
		rm.Resource().Attributes().PutStr(schema.AttrServiceName, service)
	}
	if host != "" {
		rm.Resource().Attributes().PutStr("host.name", host)
	}
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName(metric)
	m.SetUnit(unit)
	dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
	_ = dp.Attributes().FromRaw(attrs)
	return &feeder{res: rm.Resource(), metric: m, attrs: dp.Attributes()}
}

func (f *feeder) point(t time.Time, v float64) *detection.Point {
	return &detection.Point{
		Resource:   f.res,
		Metric:     f.metric,
		Attributes: f.attrs,
		Time:       pcommon.NewTimestampFromTime(t),
		Value:      v,
	}
}

// feed sends values one minute apart starting at start and returns every finding.
func feed(d *Detector, f *feeder, start time.Time, vals ...float64) detection.Findings {
	var all, out detection.Findings
	for i, v := range vals {
		out = out[:0]
		d.DetectPoint(f.point(start.Add(time.Duration(i)*time.Minute), v), &out)
		all = append(all, out...)
	}
	return all
}

func repeat(v float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = v
	}
	return xs
}

// wobble is v ± d alternating: a noisy but perfectly normal series.
func wobble(v, d float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = v + d*float64(i%3-1)
	}
	return xs
}

func newDetector(t *testing.T, mut func(*Config)) *Detector {
	return detectortest.New(t, DefaultConfig, New, mut)
}

func scalingRecord(group string, t time.Time, attrs map[string]any) plog.LogRecord {
	rec := plog.NewLogRecord()
	rec.SetTimestamp(pcommon.NewTimestampFromTime(t))
	rec.Attributes().PutStr(schema.AttrScalingGroupName, group)
	for k, v := range attrs {
		switch x := v.(type) {
		case bool:
			rec.Attributes().PutBool(k, x)
		case int:
			rec.Attributes().PutInt(k, int64(x))
		case string:
			rec.Attributes().PutStr(k, x)
		}
	}
	return rec
}

func rules(fs detection.Findings) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule.UUID)
	}
	return out
}
