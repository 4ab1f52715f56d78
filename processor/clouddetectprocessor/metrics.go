package clouddetectprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/annotate"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/metadata"
)

// processMetrics hands every data point to the metric detectors. Points are never
// relabelled (that would change series identity): each detection adds one point to a
// cloudwarden.detection gauge in the processor's own scope of the same resource.
func (e *engine) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	if len(e.metrics) == 0 {
		return md, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		w := metricWalk{e: e, ctx: ctx, rm: rm}
		w.p.Resource = rm.Resource()
		sms := rm.ScopeMetrics()
		n := sms.Len()
		for j := 0; j < n; j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				w.metric(ms.At(k))
			}
		}
	}
	return md, nil
}

// metricWalk carries the per-resource state of one processMetrics pass.
type metricWalk struct {
	e   *engine
	ctx context.Context
	rm  pmetric.ResourceMetrics
	p   detection.Point
	out pmetric.Metric // the cloudwarden.detection gauge, created on the first finding
	has bool
	// the cloudwarden.anomaly_score gauge, created on the first score when enabled
	scores    pmetric.Metric
	hasScores bool
}

func (w *metricWalk) metric(m pmetric.Metric) {
	if m.Name() == annotate.DetectionMetricName || m.Name() == annotate.AnomalyMetricName {
		return
	}
	w.p.Metric = m
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		w.p.Cumulative = false
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dp := dps.At(i)
			w.point(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), numberValue(dp))
		}
	case pmetric.MetricTypeSum:
		w.p.Cumulative = m.Sum().AggregationTemporality() == pmetric.AggregationTemporalityCumulative
		dps := m.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dp := dps.At(i)
			w.point(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), numberValue(dp))
		}
	case pmetric.MetricTypeHistogram:
		w.p.Cumulative = m.Histogram().AggregationTemporality() == pmetric.AggregationTemporalityCumulative
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dp := dps.At(i)
			w.point(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), float64(dp.Count()))
		}
	case pmetric.MetricTypeExponentialHistogram:
		w.p.Cumulative = m.ExponentialHistogram().AggregationTemporality() == pmetric.AggregationTemporalityCumulative
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dp := dps.At(i)
			w.point(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), float64(dp.Count()))
		}
	case pmetric.MetricTypeSummary:
		w.p.Cumulative = true
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dp := dps.At(i)
			w.point(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), float64(dp.Count()))
		}
	}
}

func numberValue(dp pmetric.NumberDataPoint) float64 {
	if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
		return float64(dp.IntValue())
	}
	return dp.DoubleValue()
}

func (w *metricWalk) point(attrs pcommon.Map, start, ts pcommon.Timestamp, v float64) {
	e := w.e
	w.p.Attributes, w.p.Start, w.p.Time, w.p.Value = attrs, start, ts, v
	e.scratch = e.scratch[:0] // this item's findings; a field, so passing its address allocates nothing
	for _, d := range e.metrics {
		d.DetectPoint(&w.p, &e.scratch)
	}
	if e.correlator != nil {
		e.correlator.Correlate(w.p.Resource, &e.scratch)
	}
	fs := e.scratch
	for _, s := range e.scorers {
		if score, ok := s.LastScore(); ok {
			w.anomalyScore(score, attrs, ts)
		}
	}
	if len(fs) == 0 {
		return
	}
	e.countFindings(w.ctx, fs)
	if !w.has {
		w.out, w.has = w.ourScope().Metrics().AppendEmpty(), true
	}
	for i := range fs {
		annotate.DetectionPoint(w.out, &fs[i], w.p.Metric.Name(), attrs, ts)
	}
}

// ourScope returns the processor's own scope in this resource, creating it once.
func (w *metricWalk) ourScope() pmetric.ScopeMetrics {
	sms := w.rm.ScopeMetrics()
	if last := sms.Len() - 1; last >= 0 && sms.At(last).Scope().Name() == metadata.ScopeName {
		return sms.At(last)
	}
	sm := sms.AppendEmpty()
	sm.Scope().SetName(metadata.ScopeName)
	return sm
}

// anomalyScore appends the score of the point just seen to cloudwarden.anomaly_score,
// with the series identity as attributes (the scored point itself is not touched).
func (w *metricWalk) anomalyScore(score float64, seriesAttrs pcommon.Map, ts pcommon.Timestamp) {
	if !w.hasScores {
		w.scores, w.hasScores = w.ourScope().Metrics().AppendEmpty(), true
		w.scores.SetName(annotate.AnomalyMetricName)
		w.scores.SetDescription("Anomaly score (0-1) of the series named in cloudwarden.metric.name.")
		w.scores.SetUnit("1")
		w.scores.SetEmptyGauge()
	}
	dp := w.scores.Gauge().DataPoints().AppendEmpty()
	dp.SetTimestamp(ts)
	dp.SetDoubleValue(score)
	seriesAttrs.CopyTo(dp.Attributes())
	dp.Attributes().PutStr(annotate.AttrMetricName, w.p.Metric.Name())
}
