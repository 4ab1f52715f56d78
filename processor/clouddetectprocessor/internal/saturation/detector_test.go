package saturation

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

func TestSustainedHigh(t *testing.T) {
	d := newDetector(t, nil)
	f := newFeeder("checkout", "ip-10-0-0-1", "system.cpu.utilization", "1", map[string]any{"cpu": "cpu0", "state": "user"})
	fs := feed(d, f, base, repeat(0.95, 12)...)
	require.Len(t, fs, 1, "one finding per realert period, got %v", rules(fs))
	got := fs[0]
	assert.Equal(t, "cloudwarden.saturation.sustained_high", got.Rule.UUID)
	assert.Equal(t, "checkout", got.Subject)
	assert.Equal(t, pcommon.NewTimestampFromTime(base.Add(5*time.Minute)), got.Time, "fires when held for sustain")
	assert.InDelta(t, 37.5, got.Score, 0.01, "30 + 15*(0.05/0.1)")
	assert.Equal(t, detection.SeverityLow, got.Severity)
	assert.Equal(t, "system.cpu.utilization of checkout at 95% for 5m0s (threshold 90%, sustain 5m0s)", got.Reason)
	assert.Equal(t, detection.AnalyticAN1168, got.Rule.Analytic)
	assert.Equal(t, detection.CategoryAvailability, got.Rule.Category)
	assert.Contains(t, got.Rule.Techniques, "T1496")
}

func TestSustainedHighNeedsTheWholeDuration(t *testing.T) {
	d := newDetector(t, nil)
	f := newFeeder("", "db-1", "CPUUtilization", "Percent", nil)
	// 4 minutes high, one dip, 4 minutes high: never held 5 minutes.
	vals := append(append(repeat(96, 5), 50), repeat(96, 5)...)
	assert.Empty(t, feed(d, f, base, vals...))
	// Percent values without a unit are read as percent too.
	fs := feed(d, f, base.Add(11*time.Minute), repeat(99, 6)...)
	require.Len(t, fs, 1)
	assert.Equal(t, "db-1", fs[0].Subject, "host.name when there is no service.name")
	assert.Contains(t, fs[0].Reason, "at 99%")
}

func TestUtilisationAnomalyOnlyWhenHigh(t *testing.T) {
	d := newDetector(t, nil)
	f := newFeeder("api", "", "container.cpu.utilization", "1", nil)
	fs := feed(d, f, base, wobble(0.30, 0.02, 600)...)
	require.Empty(t, fs)
	// A jump to 60% is a change, not saturation: no finding.
	fs = feed(d, f, base.Add(600*time.Minute), wobble(0.60, 0.02, 20)...)
	assert.Empty(t, fs)

	d = newDetector(t, nil)
	feed(d, f, base, wobble(0.30, 0.02, 600)...)
	fs = feed(d, f, base.Add(600*time.Minute), wobble(0.97, 0.01, 8)...)
	require.Equal(t, []string{"cloudwarden.saturation.utilisation_anomaly", "cloudwarden.saturation.sustained_high"}, rules(fs))
	an := fs[0]
	assert.Equal(t, "api", an.Subject)
	assert.Equal(t, pcommon.NewTimestampFromTime(base.Add(602*time.Minute)), an.Time, "third deviating point (sustain 3)")
	assert.Equal(t, detection.SeverityMedium, an.Severity)
	assert.LessOrEqual(t, an.Score, 59.0, "saturation alone is at most medium")
	assert.Contains(t, an.Reason, "container.cpu.utilization of api at ")
	score, ok := d.LastScore()
	assert.True(t, ok)
	assert.True(t, score >= 0 && score <= 1)
}

func TestConnectionCountAnomalyUpwardsOnly(t *testing.T) {
	f := newFeeder("orders-db-client", "", "db.client.connection.count", "{connection}", map[string]any{"db.client.connection.state": "used", "db.client.connection.pool.name": "main"})

	d := newDetector(t, nil)
	feed(d, f, base, wobble(40, 3, 600)...)
	fs := feed(d, f, base.Add(600*time.Minute), wobble(5, 1, 10)...)
	assert.Empty(t, fs, "fewer connections is not saturation")

	d = newDetector(t, nil)
	feed(d, f, base, wobble(40, 3, 600)...)
	fs = feed(d, f, base.Add(600*time.Minute), wobble(400, 3, 10)...)
	require.Equal(t, []string{"cloudwarden.saturation.utilisation_anomaly"}, rules(fs))
	assert.Contains(t, fs[0].Reason, "db.client.connection.count of orders-db-client at 40")
}

func TestUnwatchedMetricIgnored(t *testing.T) {
	d := newDetector(t, nil)
	f := newFeeder("api", "", "http.server.request.duration", "s", nil)
	assert.Empty(t, feed(d, f, base, repeat(0.99, 10)...))
	_, ok := d.LastScore()
	assert.False(t, ok)
	assert.Zero(t, d.StateStats().Keys)
}

func TestSeriesAreKeyedByAttributes(t *testing.T) {
	d := newDetector(t, nil)
	a := newFeeder("api", "", "system.cpu.utilization", "1", map[string]any{"cpu": "cpu0", "state": "user"})
	b := newFeeder("api", "", "system.cpu.utilization", "1", map[string]any{"state": "user", "cpu": "cpu1"})
	c := newFeeder("api", "", "system.cpu.utilization", "1", map[string]any{"state": "user", "cpu": "cpu0"})
	feed(d, a, base, 0.5)
	feed(d, b, base, 0.5)
	feed(d, c, base.Add(time.Minute), 0.5)
	assert.Equal(t, 2, d.StateStats().Keys, "attribute order does not matter, values do")
}

func TestChangeWindowLowersToInfo(t *testing.T) {
	d := newDetector(t, func(c *Config) {
		c.ChangeWindows = []schedule.Window{{Name: "load-test", Start: base, End: base.Add(time.Hour)}}
	})
	f := newFeeder("checkout", "", "system.cpu.utilization", "1", nil)
	fs := feed(d, f, base, repeat(0.95, 6)...)
	require.Len(t, fs, 1, "never dropped")
	assert.Equal(t, detection.SeverityInfo, fs[0].Severity)
	assert.Less(t, fs[0].Score, 20.0)
	assert.Contains(t, fs[0].Reason, `(inside change window "load-test": lowered to info)`)
}

func TestPinnedAtMax(t *testing.T) {
	d := newDetector(t, nil)
	var out detection.Findings
	res := pcommon.NewResource()

	d.DetectLog(res, scalingRecord("web-asg", base, map[string]any{
		schema.AttrScalingNewSize: 10, schema.AttrScalingMaxSize: 10, schema.AttrScalingAtMax: true,
	}), &out)
	require.Len(t, out, 1)
	assert.Equal(t, "cloudwarden.saturation.pinned_at_max", out[0].Rule.UUID)
	assert.Equal(t, "web-asg", out[0].Subject)
	assert.Equal(t, 35.0, out[0].Score)
	assert.Equal(t, detection.SeverityLow, out[0].Severity)
	assert.Equal(t, "scaling group web-asg pinned at its maximum (size 10 of max 10)", out[0].Reason)

	// Another pin 10 minutes later: same episode, inside realert.
	out = out[:0]
	d.DetectLog(res, scalingRecord("web-asg", base.Add(10*time.Minute), map[string]any{schema.AttrScalingAtMax: true}), &out)
	assert.Empty(t, out)

	// 40 minutes in: third pin, held 40m of a 1h window -> 35 + 2*6 + 12*40/60 = 55.
	d.DetectLog(res, scalingRecord("web-asg", base.Add(40*time.Minute), map[string]any{
		schema.AttrScalingNewSize: 10, schema.AttrScalingMaxSize: 10,
	}), &out)
	require.Len(t, out, 1, "new_size == max_size without at_max is a pin")
	assert.InDelta(t, 55.0, out[0].Score, 1e-9)
	assert.Equal(t, detection.SeverityMedium, out[0].Severity)
	assert.Contains(t, out[0].Reason, "3 scaling actions at max over 40m0s")

	// Scaling in ends the episode; the next pin starts over.
	out = out[:0]
	d.DetectLog(res, scalingRecord("web-asg", base.Add(50*time.Minute), map[string]any{schema.AttrScalingAtMax: false}), &out)
	assert.Empty(t, out)
	d.DetectLog(res, scalingRecord("web-asg", base.Add(55*time.Minute), map[string]any{schema.AttrScalingAtMax: true}), &out)
	assert.Empty(t, out, "still inside realert of the last finding")
	d.DetectLog(res, scalingRecord("web-asg", base.Add(95*time.Minute), map[string]any{schema.AttrScalingAtMax: true}), &out)
	require.Len(t, out, 1)
	assert.Less(t, out[0].Score, 55.0, "a new episode scores lower than the held one")

	// Records that are not scaling actions, or not at max, are ignored.
	out = out[:0]
	d.DetectLog(res, scalingRecord("", base, map[string]any{schema.AttrScalingAtMax: true}), &out)
	d.DetectLog(res, scalingRecord("other", base, map[string]any{schema.AttrScalingNewSize: 3, schema.AttrScalingMaxSize: 10}), &out)
	assert.Empty(t, out)
}

func TestValidate(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"threshold":   func(c *Config) { c.Threshold = 90 },
		"max keys":    func(c *Config) { c.MaxKeys = 0 },
		"kind":        func(c *Config) { c.Metrics = []MetricConfig{{Name: "x", Kind: "gauge"}} },
		"no name":     func(c *Config) { c.Metrics = []MetricConfig{{Kind: KindCount}} },
		"pin window":  func(c *Config) { c.PinWindow = 0 },
		"window name": func(c *Config) { c.ChangeWindows = []schedule.Window{{}} },
	} {
		c := DefaultConfig()
		mut(&c)
		assert.Error(t, c.Validate(), name)
		_, err := New(c, nil)
		assert.Error(t, err, name)
	}
	// The nested anomaly settings validate themselves (confmap walks them) and are
	// checked again when the detector is built.
	c := DefaultConfig()
	c.Anomaly.Sustain = 0
	assert.Error(t, c.Anomaly.Validate())
	_, err := New(c, nil)
	assert.Error(t, err)

	c = DefaultConfig()
	assert.NoError(t, c.Validate())
	c = Config{}
	assert.NoError(t, c.Validate(), "a disabled detector is not checked")
}
