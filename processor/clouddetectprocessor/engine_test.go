package clouddetectprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/internal/storagetest"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// testRule and testDetector exercise the engine's wiring independently of the real
// detectors (which have their own tests): the detector fires on any item whose
// attribute "fire" is set, with that value as the score.
var testRule = &detection.Rule{
	UUID: "cloudwarden.test.fires", Name: "Test rule", Category: detection.CategoryExposure,
	Version: "1.0.0", Analytic: detection.AnalyticAN1188, Reference: "https://example.test/AN1188",
	Techniques: []string{"T1686.001", "T1562.007"},
}
var secondRule = &detection.Rule{UUID: "cloudwarden.test.second", Name: "Second", Category: detection.CategoryExposure, Analytic: detection.AnalyticAN1188}

type testDetector struct {
	seen     int
	restored []byte
}

func (d *testDetector) fire(attrs pcommon.Map, ts pcommon.Timestamp, out *detection.Findings) {
	d.seen++
	v, ok := attrs.Get("fire")
	if !ok {
		return
	}
	score := v.Double()
	out.Add(detection.Finding{Rule: testRule, Score: score, Severity: detection.SeverityForScore(score), Reason: "it fired", Subject: "sg-1", Time: ts})
	if _, two := attrs.Get("fire_second"); two {
		out.Add(detection.Finding{Rule: secondRule, Score: 10, Severity: detection.SeverityInfo, Reason: "also"})
	}
}
func (d *testDetector) DetectLog(_ pcommon.Resource, rec plog.LogRecord, out *detection.Findings) {
	d.fire(rec.Attributes(), rec.Timestamp(), out)
}
func (d *testDetector) DetectSpan(_ pcommon.Resource, s ptrace.Span, out *detection.Findings) {
	d.fire(s.Attributes(), s.EndTimestamp(), out)
}
func (d *testDetector) DetectPoint(p *detection.Point, out *detection.Findings) {
	d.fire(p.Attributes, p.Time, out)
}
func (d *testDetector) StateStats() detection.StateStats { return detection.StateStats{Keys: d.seen} }
func (d *testDetector) StateKey() string                 { return "test" }
func (d *testDetector) Snapshot() ([]byte, error)        { return []byte{byte(d.seen)}, nil }
func (d *testDetector) Restore(b []byte) error           { d.restored = b; return nil }

func newTestEngine(t *testing.T, cfg *Config) (*engine, *testDetector) {
	t.Helper()
	e, err := newEngine(cfg, componenttest.NewNopTelemetrySettings(), component.MustNewID("clouddetect"))
	require.NoError(t, err)
	d := &testDetector{}
	e.logs = []detection.LogDetector{d}
	e.spans = []detection.SpanDetector{d}
	e.metrics = []detection.MetricDetector{d}
	e.stateful = []namedStateful{{"test", d}}
	e.persistent = []detection.Persistent{d}
	return e, d
}

func TestLogsAnnotatedWithStrongestFindingAndRuleList(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Findings = true
	e, _ := newTestEngine(t, cfg)

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("cloud.provider", "aws")
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	quiet := recs.AppendEmpty()
	quiet.Attributes().PutStr("cloud.audit.event_id", "e-quiet")
	hit := recs.AppendEmpty()
	hit.SetTimestamp(1700000000000000000)
	hit.Attributes().PutStr("cloud.audit.event_id", "e-hit")
	hit.Attributes().PutDouble("fire", 87.4)
	hit.Attributes().PutBool("fire_second", true)

	out, err := e.processLogs(context.Background(), ld)
	require.NoError(t, err)

	got := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, 1, got.At(0).Attributes().Len(), "a record without findings is left as it was")
	a := got.At(1).Attributes().AsRaw()
	assert.Equal(t, "cloudwarden.test.fires", a["security_rule.uuid"])
	assert.Equal(t, "Test rule", a["security_rule.name"])
	assert.Equal(t, "exposure", a["security_rule.category"])
	assert.Equal(t, "cloudwarden", a["security_rule.ruleset.name"])
	assert.Equal(t, "https://example.test/AN1188", a["security_rule.reference"])
	assert.Equal(t, "1.0.0", a["security_rule.version"])
	assert.Equal(t, "critical", a["detection.severity"])
	assert.Equal(t, int64(87), a["detection.score"])
	assert.Equal(t, "it fired", a["detection.reason"])
	assert.Equal(t, "AN1188", a["detection.analytic"])
	assert.Equal(t, []any{"T1686.001", "T1562.007"}, a["threat.technique.id"])
	assert.Equal(t, []any{"cloudwarden.test.fires", "cloudwarden.test.second"}, a["detection.rules"])

	// findings: true -> one finding record per detection, in our own scope
	require.Equal(t, 2, out.ResourceLogs().At(0).ScopeLogs().Len())
	fsl := out.ResourceLogs().At(0).ScopeLogs().At(1)
	assert.Equal(t, "github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor", fsl.Scope().Name())
	require.Equal(t, 2, fsl.LogRecords().Len())
	f := fsl.LogRecords().At(0)
	assert.Equal(t, "cloudwarden.finding", f.EventName())
	assert.Equal(t, pcommon.Timestamp(1700000000000000000), f.Timestamp())
	assert.Equal(t, "it fired", f.Body().Str())
	assert.Equal(t, "critical", f.SeverityText())
	fa := f.Attributes().AsRaw()
	assert.Equal(t, "cloudwarden.test.fires", fa["security_rule.uuid"])
	assert.Equal(t, "e-hit", fa["cloudwarden.trigger.event_id"])
	assert.Equal(t, "sg-1", fa["detection.subject"])
	assert.Equal(t, "cloudwarden.test.second", fsl.LogRecords().At(1).Attributes().AsRaw()["security_rule.uuid"])

	// A second pass (e.g. a chained clouddetect) must not re-detect finding records.
	_, err = e.processLogs(context.Background(), out)
	require.NoError(t, err)
	assert.Equal(t, 2, out.ResourceLogs().At(0).ScopeLogs().At(1).LogRecords().Len())
}

func TestMetricsGetDetectionPointsNotRelabelled(t *testing.T) {
	e, _ := newTestEngine(t, createDefaultConfig().(*Config))
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "web")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("system.cpu.utilization")
	dps := m.SetEmptyGauge().DataPoints()
	calm := dps.AppendEmpty()
	calm.SetDoubleValue(0.2)
	hot := dps.AppendEmpty()
	hot.SetTimestamp(42)
	hot.SetDoubleValue(0.99)
	hot.Attributes().PutStr("cpu", "0")
	hot.Attributes().PutDouble("fire", 55)

	out, err := e.processMetrics(context.Background(), md)
	require.NoError(t, err)
	assert.Equal(t, 2, hot.Attributes().Len(), "the triggering point keeps its series identity")
	require.Equal(t, 2, out.ResourceMetrics().At(0).ScopeMetrics().Len())
	det := out.ResourceMetrics().At(0).ScopeMetrics().At(1).Metrics().At(0)
	assert.Equal(t, "cloudwarden.detection", det.Name())
	require.Equal(t, pmetric.MetricTypeGauge, det.Type())
	require.Equal(t, 1, det.Gauge().DataPoints().Len())
	dp := det.Gauge().DataPoints().At(0)
	assert.Equal(t, int64(55), dp.IntValue())
	assert.Equal(t, pcommon.Timestamp(42), dp.Timestamp())
	a := dp.Attributes().AsRaw()
	assert.Equal(t, "system.cpu.utilization", a["cloudwarden.metric.name"])
	assert.Equal(t, "0", a["cpu"])
	assert.Equal(t, "cloudwarden.test.fires", a["security_rule.uuid"])
	assert.Equal(t, "medium", a["detection.severity"])
}

func TestSpansAnnotated(t *testing.T) {
	e, _ := newTestEngine(t, createDefaultConfig().(*Config))
	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.Attributes().PutDouble("fire", 30)
	_, err := e.processTraces(context.Background(), td)
	require.NoError(t, err)
	v, ok := span.Attributes().Get("detection.severity")
	require.True(t, ok)
	assert.Equal(t, "low", v.Str())
}

func TestNoAllocationWhenNothingFires(t *testing.T) {
	e, _ := newTestEngine(t, createDefaultConfig().(*Config))
	ld := plog.NewLogs()
	recs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < 100; i++ {
		recs.AppendEmpty().Attributes().PutStr("rpc.method", "DescribeInstances")
	}
	allocs := testing.AllocsPerRun(50, func() { _, _ = e.processLogs(context.Background(), ld) })
	assert.Zero(t, allocs)
}

type hostWith struct {
	component.Host
	ext map[component.ID]component.Component
}

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h.ext }

func TestStatePersistsAcrossRestart(t *testing.T) {
	storeID := component.MustNewID("file_storage")
	store := storagetest.NewExtension()
	host := hostWith{Host: componenttest.NewNopHost(), ext: map[component.ID]component.Component{storeID: extension.Extension(store)}}
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &storeID
	cfg.PersistInterval = 0

	e, d := newTestEngine(t, cfg)
	require.NoError(t, e.start(context.Background(), host))
	ld := plog.NewLogs()
	recs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < 3; i++ {
		recs.AppendEmpty()
	}
	_, _ = e.processLogs(context.Background(), ld)
	require.NoError(t, e.shutdown(context.Background()))
	assert.Equal(t, []byte{3}, store.Client.Value("test"))

	e2, d2 := newTestEngine(t, cfg)
	require.NoError(t, e2.start(context.Background(), host))
	assert.Equal(t, []byte{3}, d2.restored)
	require.NoError(t, e2.shutdown(context.Background()))
	_ = d
}

func TestStartFailsOnMissingStorage(t *testing.T) {
	missing := component.MustNewID("file_storage")
	cfg := createDefaultConfig().(*Config)
	cfg.Storage = &missing
	e, _ := newTestEngine(t, cfg)
	err := e.start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, `storage extension "file_storage" not found`)
}

var _ = zap.NewNop
