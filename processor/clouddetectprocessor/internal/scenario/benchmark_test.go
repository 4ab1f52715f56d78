package scenario

import (
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// logBatch is 100,000 records: 100 services × 990 access-log records (0.5% 5xx, 20
// routes) and 10 scaling records each.
func logBatch() plog.Logs {
	ld := plog.NewLogs()
	for s := 0; s < 100; s++ {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", "svc-"+strconv.Itoa(s))
		rl.Resource().Attributes().PutStr("cloud.provider", "aws")
		rl.Resource().Attributes().PutStr("cloud.region", "eu-west-1")
		recs := rl.ScopeLogs().AppendEmpty().LogRecords()
		recs.EnsureCapacity(1000)
		for i := 0; i < 1000; i++ {
			r := recs.AppendEmpty()
			a := r.Attributes()
			if i%100 == 99 {
				r.SetEventName("cloud.audit")
				a.PutStr("rpc.service", "autoscaling.amazonaws.com")
				a.PutStr("autoscaler.group.name", "asg-"+strconv.Itoa(s))
				a.PutStr("autoscaler.group.kind", "vm")
				a.PutStr("cloud.scaling.direction", "out")
				a.PutInt("cloud.scaling.old_size", 4)
				a.PutInt("cloud.scaling.new_size", 5)
				continue
			}
			a.PutStr("http.request.method", "GET")
			a.PutStr("http.route", "/api/v1/items/"+strconv.Itoa(i%20))
			status := int64(200)
			if i%200 == 7 {
				status = 502
			}
			a.PutInt("http.response.status_code", status)
			a.PutStr("client.address", "198.51.100.23")
			a.PutStr("user_agent.original", "Mozilla/5.0")
		}
	}
	return ld
}

// BenchmarkLogBatch: one 100,000-record batch per iteration through every
// availability detector and the correlator; each iteration is the next minute.
func BenchmarkLogBatch(b *testing.B) {
	p := newPipeline(b, defaults())
	ld := logBatch()
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	run := func(it int) {
		base := start.Add(time.Duration(it) * time.Minute)
		rls := ld.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			rl := rls.At(i)
			res := rl.Resource()
			recs := rl.ScopeLogs().At(0).LogRecords()
			for j := 0; j < recs.Len(); j++ {
				r := recs.At(j)
				r.SetTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(j) * 50 * time.Millisecond)))
				p.out = p.out[:0]
				p.er.DetectLog(res, r, &p.out)
				p.sat.DetectLog(res, r, &p.out)
				p.ch.DetectLog(res, r, &p.out)
				p.ab.Correlate(res, &p.out)
			}
		}
	}
	run(0) // keys exist
	run(1)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		run(i + 2)
	}
	cpu := cpuTime() - c0
	b.ReportMetric(float64(b.N)*100_000/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.N)*100_000/cpu.Seconds(), "records/cpu-s")
}

// metricBatch is 10,000 series: 5,000 cumulative http.server.request.duration
// histogram counts (500 services × 10 route/status combinations) and 5,000 CPU
// utilisation gauges (500 services × 10 hosts).
func metricBatch() []detection.Point {
	md := pmetric.NewMetrics()
	pts := make([]detection.Point, 0, 10_000)
	for s := 0; s < 500; s++ {
		rm := md.ResourceMetrics().AppendEmpty()
		rm.Resource().Attributes().PutStr("service.name", "svc-"+strconv.Itoa(s))
		rm.Resource().Attributes().PutStr("service.instance.id", "i-"+strconv.Itoa(s))
		sm := rm.ScopeMetrics().AppendEmpty()
		h := sm.Metrics().AppendEmpty()
		h.SetName("http.server.request.duration")
		h.SetUnit("s")
		hist := h.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		for k := 0; k < 10; k++ {
			dp := hist.DataPoints().AppendEmpty()
			dp.Attributes().PutStr("http.request.method", "GET")
			dp.Attributes().PutStr("http.route", "/r/"+strconv.Itoa(k/2))
			status := int64(200)
			if k%2 == 1 {
				status = 503
			}
			dp.Attributes().PutInt("http.response.status_code", status)
			pts = append(pts, detection.Point{Resource: rm.Resource(), Metric: h, Attributes: dp.Attributes(), Cumulative: true})
		}
		for k := 0; k < 10; k++ {
			rmh := md.ResourceMetrics().AppendEmpty()
			rmh.Resource().Attributes().PutStr("service.name", "svc-"+strconv.Itoa(s))
			rmh.Resource().Attributes().PutStr("host.name", "host-"+strconv.Itoa(s)+"-"+strconv.Itoa(k))
			g := rmh.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			g.SetName("system.cpu.utilization")
			g.SetUnit("1")
			dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
			dp.Attributes().PutStr("cpu", "total")
			pts = append(pts, detection.Point{Resource: rmh.Resource(), Metric: g, Attributes: dp.Attributes()})
		}
	}
	return pts
}

// BenchmarkMetricBatch: one point of each of 10,000 series per iteration (each
// iteration is the next 30 s) through every availability detector and the correlator.
func BenchmarkMetricBatch(b *testing.B) {
	p := newPipeline(b, defaults())
	pts := metricBatch()
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	begin := pcommon.NewTimestampFromTime(start.Add(-time.Hour))
	run := func(it int) {
		ts := pcommon.NewTimestampFromTime(start.Add(time.Duration(it) * 30 * time.Second))
		for i := range pts {
			pt := &pts[i]
			pt.Time, pt.Start = ts, begin
			if pt.Cumulative {
				pt.Value += 100 + float64(i%7)
			} else {
				pt.Value = 0.4 + 0.01*float64((i+it)%5)
			}
			p.out = p.out[:0]
			p.er.DetectPoint(pt, &p.out)
			p.sat.DetectPoint(pt, &p.out)
			p.ab.Correlate(pt.Resource, &p.out)
		}
	}
	for i := 0; i < 40; i++ { // keys exist, anomaly scorers warmed up
		run(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		run(i + 40)
	}
	cpu := cpuTime() - c0
	b.ReportMetric(float64(b.N)*10_000/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(b.N)*10_000/cpu.Seconds(), "points/cpu-s")
}
