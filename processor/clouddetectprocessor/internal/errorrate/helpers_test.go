package errorrate

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
)

var t0 = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// accessLog is an ALB access-log line as a log pipeline turns it into a record.
func accessLog(service, route string, status int64, at time.Time) (pcommon.Resource, plog.LogRecord) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", service)
	rl.Resource().Attributes().PutStr("cloud.provider", "aws")
	rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.SetTimestamp(pcommon.NewTimestampFromTime(at))
	rec.SetObservedTimestamp(pcommon.NewTimestampFromTime(at.Add(2 * time.Second)))
	a := rec.Attributes()
	a.PutStr("http.request.method", "GET")
	if route != "" {
		a.PutStr("http.route", route)
	}
	a.PutInt("http.response.status_code", status)
	a.PutStr("client.address", "203.0.113.7")
	return rl.Resource(), rec
}

// minute feeds n requests, bad of them 5xx, spread evenly over the minute starting at
// at, and returns every finding produced.
func minute(d *Detector, service string, at time.Time, n, bad int) detection.Findings {
	var all detection.Findings
	for i := 0; i < n; i++ {
		status := int64(200)
		if i < bad {
			status = 503
		}
		res, rec := accessLog(service, "", status, at.Add(time.Duration(i)*time.Minute/time.Duration(n)))
		var out detection.Findings
		d.DetectLog(res, rec, &out)
		all = append(all, out...)
	}
	return all
}

func serverSpan(service string, kind ptrace.SpanKind, status int64, at time.Time) (pcommon.Resource, ptrace.Span) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", service)
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetKind(kind)
	sp.SetName("GET /checkout")
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(at.Add(-40 * time.Millisecond)))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(at))
	sp.Attributes().PutStr("http.route", "/checkout")
	sp.Attributes().PutInt("http.response.status_code", status)
	return rs.Resource(), sp
}

// histPoint is an OTel http.server.request.duration histogram point reduced to its count.
func histPoint(service string, status int64, start, at time.Time, count float64, cumulative bool) *detection.Point {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", service)
	rm.Resource().Attributes().PutStr("service.instance.id", "i-0abc")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("http.server.request.duration")
	m.SetUnit("s")
	h := m.SetEmptyHistogram()
	dp := h.DataPoints().AppendEmpty()
	dp.Attributes().PutStr("http.request.method", "GET")
	dp.Attributes().PutStr("http.route", "/api/orders")
	dp.Attributes().PutInt("http.response.status_code", status)
	return &detection.Point{
		Resource: rm.Resource(), Metric: m, Attributes: dp.Attributes(),
		Start: pcommon.NewTimestampFromTime(start), Time: pcommon.NewTimestampFromTime(at),
		Value: count, Cumulative: cumulative,
	}
}

// cloudwatchPoint is an ALB metric from a CloudWatch metric stream (namespaced name,
// LoadBalancer dimension, per-minute sum).
func cloudwatchPoint(name, lb string, at time.Time, v float64) *detection.Point {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("cloud.provider", "aws")
	rm.Resource().Attributes().PutStr("cloud.account.id", "123456789012")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("amazonaws.com/AWS/ApplicationELB/" + name)
	g := m.SetEmptyGauge()
	dp := g.DataPoints().AppendEmpty()
	dp.Attributes().PutStr("LoadBalancer", lb)
	return &detection.Point{
		Resource: rm.Resource(), Metric: m, Attributes: dp.Attributes(),
		Time: pcommon.NewTimestampFromTime(at), Value: v,
	}
}

func rules(f detection.Findings) []string { return detectortest.Rules(f) }
