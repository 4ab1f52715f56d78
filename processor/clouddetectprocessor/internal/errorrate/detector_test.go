package errorrate

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

func newDetector(t *testing.T, mod func(*Config)) *Detector {
	return detectortest.New(t, DefaultConfig, New, mod)
}

// warm feeds `minutes` minutes of 200 req/min with `bad` errors per minute.
func warm(d *Detector, svc string, from time.Time, minutes, bad int) detection.Findings {
	var all detection.Findings
	for m := 0; m < minutes; m++ {
		all = append(all, minute(d, svc, from.Add(time.Duration(m)*time.Minute), 200, bad)...)
	}
	return all
}

func TestAnomalyScenarios(t *testing.T) {
	tests := []struct {
		name string
		// per-minute 5xx counts out of 200 after a 2h warm-up at 1-3 errors/min
		pattern   []int
		wantFirst int // minute index (in pattern) of the first finding, -1 for none
		wantSev   detection.Severity
	}{
		{name: "sustained flood", pattern: []int{60, 60, 60, 60, 60, 60}, wantFirst: 3, wantSev: detection.SeverityHigh},
		{name: "one-minute spike", pattern: []int{150, 2, 2, 2, 2, 2}, wantFirst: -1},
		{name: "two-minute blip", pattern: []int{80, 80, 2, 2, 2, 2}, wantFirst: -1},
		{name: "on-off attack", pattern: []int{50, 2, 50, 2, 50, 2, 50, 2, 50, 2, 2}, wantFirst: 9, wantSev: detection.SeverityMedium},
		{name: "small rise within noise", pattern: []int{6, 6, 6, 6, 6, 6}, wantFirst: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDetector(t, nil)
			var all detection.Findings
			for m := 0; m < 120; m++ {
				all = append(all, minute(d, "checkout", t0.Add(time.Duration(m)*time.Minute), 200, 1+m%3)...)
			}
			require.Empty(t, all, "warm-up must be quiet")
			first := -1
			var got detection.Findings
			for i, bad := range append(tt.pattern, 2) { // trailing minute closes the last window
				out := minute(d, "checkout", t0.Add(time.Duration(120+i)*time.Minute), 200, bad)
				if len(out) > 0 && first < 0 {
					first = i
					got = out
				}
			}
			assert.Equal(t, tt.wantFirst, first)
			if tt.wantFirst >= 0 {
				require.Len(t, got, 1)
				f := got[0]
				assert.Equal(t, RuleAnomaly.UUID, f.Rule.UUID)
				assert.Equal(t, tt.wantSev, f.Severity)
				assert.Equal(t, "checkout", f.Subject)
				assert.LessOrEqual(t, f.Score, 70.0)
				assert.Contains(t, f.Reason, "service checkout")
				assert.Contains(t, f.Reason, "of 200 requests")
				assert.Equal(t, t0.Add(time.Duration(120+first)*time.Minute), f.Time.AsTime())
			}
		})
	}
}

func TestLastingShiftIsLearned(t *testing.T) {
	d := newDetector(t, nil)
	warm(d, "legacy", t0, 120, 2) // 1%
	// a release leaves the service at 6% errors for good
	got := warm(d, "legacy", t0.Add(2*time.Hour), 48*60, 12)
	require.NotEmpty(t, got)
	last := got[len(got)-1].Time.AsTime()
	t.Logf("%d findings, last %s after the shift", len(got), last.Sub(t0.Add(2*time.Hour)))
	assert.Less(t, last.Sub(t0.Add(2*time.Hour)), 36*time.Hour, "the new level becomes normal")
}

func TestMinimumVolumeGate(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.Baseline.Warmup = 5 })
	var all detection.Findings
	for m := 0; m < 60; m++ {
		all = append(all, minute(d, "tiny", t0.Add(time.Duration(m)*time.Minute), 3, 0)...)
	}
	for m := 60; m < 80; m++ {
		all = append(all, minute(d, "tiny", t0.Add(time.Duration(m)*time.Minute), 3, 3)...)
	}
	assert.Empty(t, all, "3 requests a minute never pass min_requests=50")
}

func TestRealertAndRouteKeys(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.Realert = 10 * time.Minute })
	warm(d, "shop", t0, 60, 1)
	got := warm(d, "shop", t0.Add(60*time.Minute), 25, 100)
	// fires at the 3rd anomalous window, then again 10 and 20 minutes later, as strong:
	// the attack does not widen the learned spread
	assert.Equal(t, []string{"cloudwarden.error_rate.anomaly/high", "cloudwarden.error_rate.anomaly/high", "cloudwarden.error_rate.anomaly/high"}, rules(got))
	assert.Equal(t, t0.Add(63*time.Minute), got[0].Time.AsTime())
	assert.Equal(t, t0.Add(73*time.Minute), got[1].Time.AsTime())

	// a route splits the key
	res, rec := accessLog("shop", "/cart", 200, t0)
	d.DetectLog(res, rec, new(detection.Findings))
	assert.Equal(t, 2, d.keys.Len())
}

func TestSpans(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.Baseline.Warmup = 10 })
	var all detection.Findings
	emit := func(m, n, bad int, kind ptrace.SpanKind) {
		for i := 0; i < n; i++ {
			st := int64(200)
			if i < bad {
				st = 500
			}
			res, sp := serverSpan("payments", kind, st, t0.Add(time.Duration(m)*time.Minute+time.Duration(i)*time.Second/2))
			d.DetectSpan(res, sp, &all)
		}
	}
	for m := 0; m < 30; m++ {
		emit(m, 100, 1, ptrace.SpanKindServer)
	}
	// client spans with errors are someone else's failures: ignored
	for m := 30; m < 40; m++ {
		emit(m, 100, 90, ptrace.SpanKindClient)
		emit(m, 100, 1, ptrace.SpanKindServer)
	}
	require.Empty(t, all)
	for m := 40; m < 45; m++ {
		emit(m, 100, 70, ptrace.SpanKindServer)
	}
	require.Len(t, all, 1)
	assert.Contains(t, all[0].Reason, "route /checkout")
	assert.Contains(t, all[0].Reason, "70.0%")
}

func TestCumulativeHistogramMetrics(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.Baseline.Warmup = 10 })
	var all detection.Findings
	start := t0.Add(-time.Hour)
	var ok, bad float64
	for m := 0; m < 40; m++ {
		at := t0.Add(time.Duration(m) * time.Minute)
		ok += 300
		bad += 1
		if m >= 30 {
			bad += 120
		}
		if m == 20 { // process restart: counters reset with a new start time
			start, ok, bad = at.Add(-time.Second), 300, 1
		}
		d.DetectPoint(histPoint("orders", 200, start, at, ok, true), &all)
		d.DetectPoint(histPoint("orders", 503, start, at, bad, true), &all)
	}
	require.Len(t, all, 1)
	assert.Equal(t, "orders", all[0].Subject)
	assert.Contains(t, all[0].Reason, "route /api/orders")
	// 120+1 errors of 421 requests in the evaluated minute
	assert.Contains(t, all[0].Reason, "(121 of 421 requests)")
	// stale point (not newer than the last) is ignored
	s := d.keys.Len()
	d.DetectPoint(histPoint("orders", 200, start, t0, 1e9, true), &all)
	assert.Equal(t, s, d.keys.Len())
	assert.Len(t, all, 1)
}

func TestCloudWatchALBMetrics(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.Baseline.Warmup = 10 })
	var all detection.Findings
	for m := 0; m < 30; m++ {
		at := t0.Add(time.Duration(m) * time.Minute)
		errs := 2.0
		if m >= 20 {
			errs = 400
		}
		d.DetectPoint(cloudwatchPoint("RequestCount", "app/web-alb/50dc6c495c0c9188", at, 1000), &all)
		d.DetectPoint(cloudwatchPoint("HTTPCode_Target_5XX_Count", "app/web-alb/50dc6c495c0c9188", at, errs), &all)
		d.DetectPoint(cloudwatchPoint("HealthyHostCount", "app/web-alb/50dc6c495c0c9188", at, 4), &all)
	}
	require.NotEmpty(t, all)
	assert.Equal(t, "app/web-alb/50dc6c495c0c9188", all[0].Subject)
	assert.Contains(t, all[0].Reason, "40.0% (400 of 1000 requests)")
}

func TestLateness(t *testing.T) {
	d := newDetector(t, nil)
	minute(d, "svc", t0.Add(10*time.Minute), 10, 0)
	res, rec := accessLog("svc", "", 503, t0.Add(8*time.Minute)) // 2 minutes late: counted
	d.DetectLog(res, rec, new(detection.Findings))
	res, rec = accessLog("svc", "", 503, t0.Add(5*time.Minute)) // 5 minutes late: dropped
	d.DetectLog(res, rec, new(detection.Findings))
	assert.Equal(t, uint64(1), d.Late())
	s, _ := d.keys.Peek(keyOf("svc", ""))
	end := t0.Add(10*time.Minute).UnixNano() / bucketNs
	assert.Equal(t, uint32(1), s.fine.Sum(end, 3).Bad)
}

func keyOf(svc, route string) uint64 {
	return hashKey(svc, route)
}

func TestBurnRate(t *testing.T) {
	d := newDetector(t, func(c *Config) {
		c.BurnRate.Enabled = true
		c.Baseline.Threshold = 1e9 // isolate burn-rate findings
	})
	// 7 hours at 0.05% errors: within a 99.9% SLO
	var all detection.Findings
	for m := 0; m < 420; m++ {
		all = append(all, minute(d, "api", t0.Add(time.Duration(m)*time.Minute), 2000, m%2)...)
	}
	require.Empty(t, all)
	// 3% errors: burn 30x over 5m; the 1h window reaches 14.4x after ~29 minutes,
	// the 30m/6h pair (6x) once the long window holds 0.6%: after ~65 minutes, because
	// the 6h window is 11 whole 30-minute buckets plus the current, partial one.
	first := map[string]int{}
	for m := 0; m < 90; m++ {
		for _, f := range minute(d, "api", t0.Add(time.Duration(420+m)*time.Minute), 2000, 60) {
			key := f.Rule.UUID + "/" + f.Severity.String()
			if _, ok := first[key]; !ok {
				first[key] = m
				assert.Contains(t, f.Reason, "SLO 99.9%")
			}
		}
	}
	assert.InDelta(t, 29, first["cloudwarden.error_rate.slo_burn/high"], 1)
	assert.InDelta(t, 65, first["cloudwarden.error_rate.slo_burn/medium"], 2)
}

func TestChangeWindowLowersToInfo(t *testing.T) {
	d := newDetector(t, func(c *Config) {
		c.ChangeWindows = []schedule.Window{{Name: "release-2026-11-20", Start: t0.Add(115 * time.Minute), End: t0.Add(3 * time.Hour)}}
	})
	warm(d, "checkout", t0, 120, 1)
	got := warm(d, "checkout", t0.Add(120*time.Minute), 6, 90)
	require.Len(t, got, 1)
	assert.Equal(t, detection.SeverityInfo, got[0].Severity)
	assert.Less(t, got[0].Score, 20.0)
	assert.True(t, strings.HasSuffix(got[0].Reason, `inside change window "release-2026-11-20".`), got[0].Reason)
}

func TestSnapshotRestore(t *testing.T) {
	d := newDetector(t, nil)
	warm(d, "checkout", t0, 60, 2)
	warm(d, "search", t0, 60, 10)
	b, err := d.Snapshot()
	require.NoError(t, err)
	assert.Less(t, len(b), 2*64)

	d2 := newDetector(t, nil)
	require.NoError(t, d2.Restore(b))
	assert.Equal(t, 2, d2.keys.Len())
	s1, _ := d.keys.Peek(keyOf("search", ""))
	s2, ok := d2.keys.Peek(keyOf("search", ""))
	require.True(t, ok)
	assert.Equal(t, s1.base, s2.base)
	assert.Equal(t, "search", s2.service)
	// the restored baseline fires without a new warm-up
	got := warm(d2, "search", t0.Add(24*time.Hour), 5, 120)
	assert.Len(t, got, 1)

	assert.Error(t, d2.Restore([]byte("XX\x01")))
	assert.Error(t, d2.Restore(b[:len(b)-3]))
}

func TestBoundedKeys(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.MaxKeys = 1000 })
	var out detection.Findings
	for i := 0; i < 1_000_000; i++ {
		d.count("svc-"+strconv.Itoa(i), "", t0.UnixNano(), 0, 1, &out)
	}
	st := d.StateStats()
	assert.Equal(t, 1000, st.Keys)
	assert.Equal(t, uint64(999_000), st.Evictions)
}

func TestKeyStateSize(t *testing.T) {
	// the value itself; keyed adds 16 bytes per slot and the index map ~40 bytes per key
	assert.Equal(t, uintptr(760), unsafe.Sizeof(keyState{}))
	assert.Less(t, unsafe.Sizeof(keyState{})+16+40+32, uintptr(1024))
}

func TestValidate(t *testing.T) {
	bad := []func(*Config){
		func(c *Config) { c.EvaluationWindow = 90 * time.Second },
		func(c *Config) { c.Lateness = 10 * time.Minute },
		func(c *Config) { c.Metrics = append(c.Metrics, MetricConfig{Name: "x", Role: "both"}) },
		func(c *Config) { c.BurnRate.Enabled = true; c.BurnRate.SLO = 99.9 },
		func(c *Config) {
			c.BurnRate.Enabled = true
			c.BurnRate.Windows = []BurnWindow{{Long: 10 * time.Hour, Short: time.Hour, Factor: 2, Severity: "high"}}
		},
		func(c *Config) { c.Repeat = 11 },
	}
	for i, mod := range bad {
		cfg := DefaultConfig()
		mod(&cfg)
		assert.Error(t, cfg.Validate(), "case %d", i)
	}
	cfg := DefaultConfig()
	cfg.BurnRate.Enabled = true
	assert.NoError(t, cfg.Validate())
}

func TestStatusClass(t *testing.T) {
	d := newDetector(t, nil)
	for _, tc := range []struct {
		v    any
		want int
	}{{int64(503), 1}, {int64(404), 0}, {"502", 1}, {"5xx", 1}, {"4XX", 0}, {"abc", -1}, {int64(42), -1}, {float64(500), 1}} {
		res, rec := accessLog("s", "", 200, t0)
		_ = res
		require.NoError(t, rec.Attributes().PutEmpty("http.response.status_code").FromRaw(tc.v))
		assert.Equal(t, tc.want, d.status(rec.Attributes()), "%v", tc.v)
	}
	// legacy attribute
	_, rec := accessLog("s", "", 200, t0)
	rec.Attributes().Remove("http.response.status_code")
	rec.Attributes().PutStr("http.status_code", "500")
	assert.Equal(t, 1, d.status(rec.Attributes()))
}

// TestMemoryPerKey measures the heap cost of a tracked key, everything included (the
// value, keyed's slot and index entry, the cloned service name).
func TestMemoryPerKey(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100k keys")
	}
	const n = 100_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := newDetector(t, func(c *Config) { c.MaxKeys = n })
	var out detection.Findings
	for i := 0; i < n; i++ {
		d.count("checkout-"+strconv.Itoa(i), "", t0.UnixNano(), 0, 1, &out)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.0f bytes per key", per)
	assert.Less(t, per, 1024.0)
	runtime.KeepAlive(d)
}
