package scenario

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/abuse"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/churn"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/errorrate"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/saturation"
)

// pipeline runs the availability detectors like the processor: each item through
// every detector into one Findings slice, then the correlator.
type pipeline struct {
	er  *errorrate.Detector
	sat *saturation.Detector
	ch  *churn.Detector
	ab  *abuse.Detector
	out detection.Findings
	all detection.Findings
}

type configs struct {
	er  errorrate.Config
	sat saturation.Config
	ch  churn.Config
	ab  abuse.Config
}

func defaults() configs {
	return configs{errorrate.DefaultConfig(), saturation.DefaultConfig(), churn.DefaultConfig(), abuse.DefaultConfig()}
}

func newPipeline(t testing.TB, c configs) *pipeline {
	t.Helper()
	var p pipeline
	var err error
	log := zap.NewNop()
	p.er, err = errorrate.New(c.er, log)
	require.NoError(t, err)
	p.sat, err = saturation.New(c.sat, log)
	require.NoError(t, err)
	p.ch, err = churn.New(c.ch, log)
	require.NoError(t, err)
	p.ab, err = abuse.New(c.ab, log)
	require.NoError(t, err)
	return &p
}

func (p *pipeline) log(res pcommon.Resource, rec plog.LogRecord) {
	p.out = p.out[:0]
	p.er.DetectLog(res, rec, &p.out)
	p.sat.DetectLog(res, rec, &p.out)
	p.ch.DetectLog(res, rec, &p.out)
	p.ab.Correlate(res, &p.out)
	p.all = append(p.all, p.out...)
}

func (p *pipeline) point(pt *detection.Point) {
	p.out = p.out[:0]
	p.er.DetectPoint(pt, &p.out)
	p.sat.DetectPoint(pt, &p.out)
	p.ab.Correlate(pt.Resource, &p.out)
	p.all = append(p.all, p.out...)
}

// service is the synthetic "web" service: an ALB access log, one host's CPU gauge
// (its resource names both the service and its scaling group, which is how the
// correlator learns the group), and Auto Scaling records for web-asg.
type service struct {
	p *pipeline

	logs   plog.Logs
	logRes pcommon.Resource
	logRec plog.LogRecord
	cpu    *detection.Point
	cpuDP  pmetric.NumberDataPoint
	size   int64
}

func newService(p *pipeline) *service {
	s := &service{p: p, size: 4}
	s.logs = plog.NewLogs()
	rl := s.logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "web")
	rl.Resource().Attributes().PutStr("cloud.provider", "aws")
	s.logRes = rl.Resource()
	s.logRec = rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	s.logRec.Attributes().PutStr("http.request.method", "GET")
	s.logRec.Attributes().PutInt("http.response.status_code", 200)

	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "web")
	rm.Resource().Attributes().PutStr("host.name", "web-1")
	rm.Resource().Attributes().PutStr("autoscaler.group.name", "web-asg")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("system.cpu.utilization")
	m.SetUnit("1")
	s.cpuDP = m.SetEmptyGauge().DataPoints().AppendEmpty()
	s.cpuDP.Attributes().PutStr("cpu", "total")
	s.cpu = &detection.Point{Resource: rm.Resource(), Metric: m, Attributes: s.cpuDP.Attributes()}
	return s
}

// requests emits n access-log records spread over [at, at+span), bad of them 5xx
// (spread evenly among them).
func (s *service) requests(at time.Time, span time.Duration, n, bad int) {
	for i := 0; i < n; i++ {
		status := int64(200)
		if bad > 0 && (i*bad)/n != ((i+1)*bad)/n {
			status = 503
		}
		s.logRec.Attributes().PutInt("http.response.status_code", status)
		s.logRec.SetTimestamp(pcommon.NewTimestampFromTime(at.Add(time.Duration(i) * span / time.Duration(n))))
		s.p.log(s.logRes, s.logRec)
	}
}

func (s *service) cpuAt(at time.Time, v float64) {
	s.cpu.Time = pcommon.NewTimestampFromTime(at)
	s.cpu.Value = v
	s.p.point(s.cpu)
}

// scale emits one Auto Scaling action of web-asg.
func (s *service) scale(at time.Time, dir string) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("cloud.provider", "aws")
	rl.Resource().Attributes().PutStr("cloud.account.id", "123456789012")
	rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.SetEventName("cloud.audit")
	rec.SetTimestamp(pcommon.NewTimestampFromTime(at))
	a := rec.Attributes()
	a.PutStr("rpc.service", "autoscaling.amazonaws.com")
	a.PutStr("autoscaler.group.name", "web-asg")
	a.PutStr("autoscaler.group.kind", "vm")
	a.PutStr("cloud.scaling.direction", dir)
	n := s.size + 1
	if dir == "in" {
		n = s.size - 1
	}
	a.PutInt("cloud.scaling.old_size", s.size)
	a.PutInt("cloud.scaling.new_size", n)
	a.PutInt("cloud.scaling.max_size", 20)
	s.size = n
	s.p.log(rl.Resource(), rec)
}

// minute is one minute of normal-shaped telemetry: rpm requests with the given 5xx
// ratio and CPU sampled every 30 s.
func (s *service) minute(at time.Time, rpm int, errRatio, cpu float64) {
	s.requests(at, time.Minute, rpm, int(math.Round(float64(rpm)*errRatio)))
	s.cpuAt(at, cpu)
	s.cpuAt(at.Add(30*time.Second), cpu)
}

// normalDay is the service's ordinary shape: traffic and CPU follow a daily curve,
// 0.2% errors, an occasional scale-out in the morning and scale-in at night.
func (s *service) normal(from time.Time, minutes int) {
	for m := 0; m < minutes; m++ {
		at := from.Add(time.Duration(m) * time.Minute)
		h := float64(at.Hour()) + float64(at.Minute())/60
		daily := 0.5 + 0.5*math.Sin((h-9)/24*2*math.Pi) // 0..1, peak mid-afternoon
		rpm := 150 + int(150*daily)
		cpu := 0.30 + 0.25*daily + 0.02*math.Sin(float64(m)*1.7)
		s.minute(at, rpm, 0.002, cpu)
		switch {
		case at.Hour() == 9 && at.Minute() == 0:
			s.scale(at, "out")
		case at.Hour() == 22 && at.Minute() == 0:
			s.scale(at, "in")
		}
	}
}

func (p *pipeline) maxSeverity(from time.Time) (detection.Severity, *detection.Finding) {
	var best *detection.Finding
	for i := range p.all {
		f := &p.all[i]
		if f.Time.AsTime().Before(from) {
			continue
		}
		if best == nil || f.Severity > best.Severity {
			best = f
		}
	}
	if best == nil {
		return detection.SeverityInfo, nil
	}
	return best.Severity, best
}
