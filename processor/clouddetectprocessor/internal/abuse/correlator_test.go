package abuse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/churn"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/errorrate"
)

var t0 = time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)

// saturation's rule as that detector names it (only the prefix matters here)
var ruleSaturation = detection.Rule{UUID: "cloudwarden.saturation.anomaly", Category: detection.CategoryAvailability}

func resource(attrs map[string]string) pcommon.Resource {
	r := pcommon.NewResource()
	for k, v := range attrs {
		r.Attributes().PutStr(k, v)
	}
	return r
}

func finding(r *detection.Rule, subject string, score float64, at time.Duration) detection.Finding {
	return detection.Finding{Rule: r, Subject: subject, Score: score, Severity: detection.SeverityForScore(score), Time: pcommon.NewTimestampFromTime(t0.Add(at))}
}

func newDetector(t *testing.T, mod func(*Config)) *Detector {
	return detectortest.New(t, DefaultConfig, New, mod)
}

// feed runs one item's findings through Correlate and returns what it appended.
func feed(d *Detector, res pcommon.Resource, fs ...detection.Finding) detection.Findings {
	out := detection.Findings(append([]detection.Finding(nil), fs...))
	d.Correlate(res, &out)
	return out[len(fs):]
}

func uuids(f detection.Findings) []string { return detectortest.Rules(f) }

func TestFullCompositeWithLearnedGroup(t *testing.T) {
	d := newDetector(t, nil)
	web := resource(map[string]string{"service.name": "web"})
	// a host metric resource carries both names: the group runs "web"
	host := resource(map[string]string{"service.name": "web", "autoscaler.group.name": "web-asg", "host.id": "i-0a1"})
	scalingRes := resource(map[string]string{"cloud.provider": "aws"})

	assert.Empty(t, feed(d, host))
	assert.Empty(t, feed(d, web, finding(&errorrate.RuleAnomaly, "web", 66, 0)))
	// error + saturation: the partial composite
	got := feed(d, host, finding(&ruleSaturation, "web", 62, 2*time.Minute))
	require.Equal(t, []string{"cloudwarden.abuse.suspected_abuse/high"}, uuids(got))
	assert.Equal(t, 71.0, got[0].Score) // strongest component + 5
	// churn on the group completes it
	got = feed(d, scalingRes, finding(&churn.RuleFlapping, "web-asg", 55, 4*time.Minute))
	require.Equal(t, []string{"cloudwarden.abuse.automated_abuse/critical"}, uuids(got))
	f := got[0]
	assert.Equal(t, "web", f.Subject)
	assert.Equal(t, 85.0, f.Score)
	assert.Equal(t, t0.Add(4*time.Minute), f.Time.AsTime())
	assert.Equal(t, "Service web shows elevated 5xx errors (cloudwarden.error_rate.anomaly, high, score 66 at 2026-11-20T14:00:00Z), "+
		"saturation (cloudwarden.saturation.anomaly, high, score 62 at 2026-11-20T14:02:00Z) and "+
		"scaling churn (group web-asg, cloudwarden.scaling_churn.flapping, medium, score 55 at 2026-11-20T14:04:00Z) within 15m0s: "+
		"likely automated abuse (flood or resource hijacking).", f.Reason)

	// more signals inside the window do not repeat the composite ...
	assert.Empty(t, feed(d, web, finding(&errorrate.RuleAnomaly, "web", 70, 6*time.Minute)))
	// ... after a window they do, above the strongest component (the 5xx signal of
	// minute 6 is still inside the window at minute 21)
	got = feed(d, host, finding(&ruleSaturation, "web", 95, 20*time.Minute))
	assert.Equal(t, []string{"cloudwarden.abuse.suspected_abuse/high"}, uuids(got))
	assert.Equal(t, 79.0, got[0].Score) // capped below the full composite
	got = feed(d, scalingRes, finding(&churn.RuleExcessActions, "web-asg", 50, 21*time.Minute))
	require.Equal(t, []string{"cloudwarden.abuse.automated_abuse/critical"}, uuids(got))
	assert.Equal(t, 100.0, got[0].Score)
}

func TestConfiguredGlobMapping(t *testing.T) {
	d := newDetector(t, func(c *Config) {
		c.ServiceMapping = []Mapping{{Group: "web-asg-*", Service: "web"}, {Group: "k8s/shop/*", Service: "shop"}}
	})
	res := resource(nil)
	feed(d, res, finding(&churn.RuleFlapping, "k8s/shop/frontend", 55, 0))
	feed(d, res, finding(&errorrate.RuleAnomaly, "shop", 60, time.Minute))
	got := feed(d, res, finding(&ruleSaturation, "shop", 50, 2*time.Minute))
	assert.Equal(t, []string{"cloudwarden.abuse.automated_abuse/critical"}, uuids(got))
	// configured mappings win over observation
	feed(d, resource(map[string]string{"service.name": "other", "autoscaler.group.name": "web-asg-blue"}))
	svc, _ := d.serviceOf(compChurn, "web-asg-blue")
	assert.Equal(t, "web", svc)
}

func TestNoCompositeCases(t *testing.T) {
	res := resource(map[string]string{"service.name": "api"})
	tests := []struct {
		name string
		fs   []detection.Finding
	}{
		{"signals too far apart", []detection.Finding{
			finding(&errorrate.RuleAnomaly, "api", 66, 0),
			finding(&ruleSaturation, "api", 62, 20*time.Minute),
			finding(&churn.RuleFlapping, "api", 55, 40*time.Minute),
		}},
		{"partial with a low component (one-directional scale-out)", []detection.Finding{
			finding(&ruleSaturation, "api", 62, 0),
			finding(&churn.RuleExcessActions, "api", 35, time.Minute),
		}},
		{"info (change window) components never count", []detection.Finding{
			func() detection.Finding {
				f := finding(&errorrate.RuleAnomaly, "api", 19, 0)
				f.Severity = detection.SeverityInfo
				return f
			}(),
			finding(&ruleSaturation, "api", 62, time.Minute),
		}},
		{"different services", []detection.Finding{
			finding(&errorrate.RuleAnomaly, "api", 66, 0),
			finding(&ruleSaturation, "billing", 62, time.Minute),
		}},
		{"unrelated rules", []detection.Finding{
			{Rule: &detection.Rule{UUID: "cloudwarden.exposure.any_source_ingress"}, Subject: "api", Score: 90, Severity: detection.SeverityCritical},
			finding(&ruleSaturation, "api", 62, time.Minute),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDetector(t, nil)
			var got detection.Findings
			for _, f := range tt.fs {
				got = append(got, feed(d, res, f)...)
			}
			assert.Empty(t, uuids(got))
		})
	}
}

func TestPinnedAtMaxIsAboutAGroup(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.ServiceMapping = []Mapping{{Group: "web-*", Service: "web"}} })
	res := resource(nil)
	pinned := detection.Rule{UUID: "cloudwarden.saturation.pinned_at_max"}
	feed(d, res, finding(&pinned, "web-asg", 50, 0))
	got := feed(d, res, finding(&errorrate.RuleAnomaly, "web", 60, time.Minute))
	assert.Equal(t, []string{"cloudwarden.abuse.suspected_abuse/high"}, uuids(got))
}

func TestSubjectFallsBackToResourceService(t *testing.T) {
	d := newDetector(t, nil)
	res := resource(map[string]string{"service.name": "api"})
	feed(d, res, finding(&errorrate.RuleAnomaly, "", 66, 0))
	got := feed(d, res, finding(&ruleSaturation, "api", 66, 0))
	assert.Equal(t, []string{"cloudwarden.abuse.suspected_abuse/high"}, uuids(got))
}

func TestCorrelateAllocatesNothingOnQuietItems(t *testing.T) {
	d := newDetector(t, nil)
	host := resource(map[string]string{"service.name": "web", "autoscaler.group.name": "web-asg"})
	plain := resource(map[string]string{"service.name": "web"})
	var out detection.Findings
	d.Correlate(host, &out)
	allocs := testing.AllocsPerRun(1000, func() {
		d.Correlate(host, &out)
		d.Correlate(plain, &out)
	})
	assert.Zero(t, allocs)
}

func TestSnapshotRestore(t *testing.T) {
	d := newDetector(t, nil)
	feed(d, resource(map[string]string{"service.name": "web", "autoscaler.group.name": "web-asg"}))
	feed(d, resource(map[string]string{"service.name": "api", "autoscaler.group.name": "api-asg"}))
	b, err := d.Snapshot()
	require.NoError(t, err)
	d2 := newDetector(t, nil)
	require.NoError(t, d2.Restore(b))
	svc, _ := d2.serviceOf(compChurn, "api-asg")
	assert.Equal(t, "api", svc)
	assert.Error(t, d2.Restore(b[:len(b)-2]))

	// a mapping configured after the snapshot wins over the restored observation
	d3 := newDetector(t, func(c *Config) { c.ServiceMapping = []Mapping{{Group: "web-*", Service: "storefront"}} })
	require.NoError(t, d3.Restore(b))
	svc, _ = d3.serviceOf(compChurn, "web-asg")
	assert.Equal(t, "storefront", svc)
	svc, _ = d3.serviceOf(compChurn, "api-asg")
	assert.Equal(t, "api", svc)
}

func TestBoundedState(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.MaxKeys = 100 })
	res := resource(nil)
	for i := 0; i < 10_000; i++ {
		name := "svc-" + string(rune('a'+i%26)) + string(rune('a'+(i/26)%26)) + string(rune('a'+(i/676)%26))
		feed(d, res, finding(&errorrate.RuleAnomaly, name, 60, time.Duration(i)*time.Second))
		feed(d, res, finding(&churn.RuleFlapping, "grp-"+name, 60, time.Duration(i)*time.Second))
	}
	st := d.StateStats()
	assert.LessOrEqual(t, st.Keys, 200)
	assert.Positive(t, st.Evictions)
}

func TestValidate(t *testing.T) {
	c := DefaultConfig()
	c.ServiceMapping = []Mapping{{Group: "[", Service: "x"}}
	assert.Error(t, c.Validate())
	c = DefaultConfig()
	c.PartialMinSeverity = "severe"
	assert.Error(t, c.Validate())
	c = DefaultConfig()
	assert.NoError(t, c.Validate())
}
