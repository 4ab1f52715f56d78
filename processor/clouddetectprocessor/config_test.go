package clouddetectprocessor

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/abuse"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/errorrate"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/exposure"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/metadata"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/saturation"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// loadConfig unmarshals one named section of testdata/config.yaml over the factory
// defaults, the way the collector does.
func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	id := component.NewID(metadata.Type)
	if name != "" {
		id = component.NewIDWithName(metadata.Type, name)
	}
	sub, err := cm.Sub(id.String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg.(*Config)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func TestLoadConfigDefault(t *testing.T) {
	cfg := loadConfig(t, "")
	assert.Equal(t, createDefaultConfig(), cfg)
	require.NoError(t, confmap.Validate(cfg))

	// The defaults the configuration reference documents.
	assert.False(t, cfg.Findings)
	assert.Nil(t, cfg.Storage)
	assert.Equal(t, time.Minute, cfg.PersistInterval)
	d := cfg.Detectors
	assert.True(t, d.Exposure.Enabled)
	assert.True(t, d.ErrorRate.Enabled)
	assert.False(t, d.ErrorRate.BurnRate.Enabled, "burn-rate mode needs an SLO, so it is opt-in")
	assert.True(t, d.Saturation.Enabled)
	assert.True(t, d.ScalingChurn.Enabled)
	assert.True(t, d.Abuse.Enabled)
}

func TestLoadConfigCustom(t *testing.T) {
	storage := component.MustNewIDWithName("file_storage", "clouddetect")

	want := createDefaultConfig().(*Config)
	want.Findings = true
	want.Storage = &storage
	want.PersistInterval = 30 * time.Second

	ex := &want.Detectors.Exposure
	ex.HighRiskPorts = []string{"22", "3389", "5432", "6379", "9200-9300"}
	ex.ExpectedPorts = []string{"443"}
	ex.BroadPublicPrefix = 12
	// A map is merged into the default weights; a list replaces the default list.
	ex.ServiceTags["AzureCloud"] = 0.8
	ex.ServiceTags["GatewayManager"] = 0.1
	ex.Allowlist = []exposure.AllowEntry{
		{Resource: "arn:aws:ec2:*:123456789012:security-group/sg-0web*", CIDR: "0.0.0.0/0", Ports: []string{"443"}, Reason: "public web tier behind the WAF"},
		{CIDR: "203.0.113.0/24", Reason: "office egress range"},
	}
	ex.Automation = []exposure.AutomationEntry{
		{Principal: "arn:aws:sts::123456789012:assumed-role/terraform-ci/*", UserAgent: "*Terraform*", Reason: "terraform pipeline"},
		{Role: "OrganizationAccountAccessRole"},
	}
	ex.ChangeWindows = []schedule.Window{
		{Name: "weekly-maintenance", Cron: "0 22 * * 6", Duration: 4 * time.Hour, Timezone: "Europe/Berlin"},
		{Name: "dc-migration", Start: mustTime(t, "2026-11-28T22:00:00Z"), End: mustTime(t, "2026-11-29T02:00:00Z")},
	}
	ex.FirstSeen = exposure.FirstSeenConfig{Enabled: true, Lookback: 168 * time.Hour, Warmup: 48 * time.Hour, MaxKeys: 20000}
	ex.MaxKeys = 10000
	ex.DefaultEgressWindow = 2 * time.Minute

	er := &want.Detectors.ErrorRate
	er.ServiceAttribute = "app.name"
	er.ServiceFallbackAttributes = []string{"LoadBalancer"}
	er.RouteAttribute = ""
	er.StatusAttributes = []string{"http.response.status_code"}
	er.Metrics = []errorrate.MetricConfig{
		{Name: "http.server.request.duration", Role: errorrate.RoleSplit},
		{Name: "nginx_http_requests_total", Role: errorrate.RoleSplit, StatusAttribute: "code"},
	}
	er.EvaluationWindow = 5 * time.Minute
	er.MinRequests = 200
	er.Sustain = 2
	er.Repeat = 3
	er.RepeatOf = 6
	er.Realert = time.Hour
	er.Baseline = errorrate.BaselineConfig{Alpha: 0.05, Warmup: 10, Threshold: 3, MinIncrease: 0.05}
	er.BurnRate = errorrate.BurnRateConfig{
		Enabled: true,
		SLO:     0.995,
		Windows: []errorrate.BurnWindow{
			{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: "critical"},
			{Long: 3 * time.Hour, Short: 15 * time.Minute, Factor: 6, Severity: "medium"},
		},
	}
	er.Lateness = 2 * time.Minute
	er.MaxKeys = 5000
	er.MaxSeries = 10000
	er.ScheduledJobs = []schedule.Window{{Name: "nightly-reindex", Cron: "30 1 * * *", Duration: time.Hour}}

	sa := &want.Detectors.Saturation
	sa.Metrics = []saturation.MetricConfig{
		{Name: "system.cpu.utilization"},
		{Name: "db.client.connection.count", Kind: saturation.KindCount},
	}
	sa.Threshold = 0.85
	sa.Sustain = 10 * time.Minute
	sa.Realert = time.Hour
	sa.PinWindow = 2 * time.Hour
	sa.MaxKeys = 5000
	// Only the keys written change; the other scorer settings keep their defaults.
	sa.Anomaly.Season = 168 * time.Hour
	sa.Anomaly.ShortWindow = 4
	sa.Anomaly.Warmup = 60
	sa.Anomaly.AlertScore = 0.7
	sa.Anomaly.Sustain = 5
	sa.Anomaly.Hold = 50
	sa.RecurringDays = 5
	sa.EmitAnomalyScore = true
	sa.ChangeWindows = []schedule.Window{
		{Name: "black-friday", Start: mustTime(t, "2026-11-27T00:00:00Z"), End: mustTime(t, "2026-11-30T00:00:00Z")},
	}

	ch := &want.Detectors.ScalingChurn
	ch.Window = time.Hour
	ch.MinActions = 8
	ch.Factor = 4
	ch.Threshold = 2.5
	ch.FlapFlips = 4
	ch.Alpha = 0.02
	ch.HourlyAlpha = 0.1
	ch.Warmup = 24
	ch.Lateness = 20 * time.Minute
	ch.Realert = 2 * time.Hour
	ch.MaxKeys = 2000
	ch.ScheduledJobs = []schedule.Window{
		{Name: "morning-scale-out", Cron: "0 7 * * 1-5", Duration: 30 * time.Minute, Timezone: "America/New_York"},
	}

	ab := &want.Detectors.Abuse
	ab.Window = 30 * time.Minute
	ab.Partial = false
	ab.PartialMinSeverity = "high"
	ab.ServiceAttribute = "app.name"
	ab.GroupAttribute = "aws.autoscaling.group.name"
	ab.ServiceMapping = []abuse.Mapping{
		{Group: "checkout-asg-*", Service: "checkout"},
		{Group: "web-frontend", Service: "frontend"},
	}
	ab.MaxKeys = 500

	cfg := loadConfig(t, "custom")
	assert.Equal(t, want, cfg)
	require.NoError(t, confmap.Validate(cfg))
	require.NoError(t, cfg.Validate())

	// The defaults the custom section overrode must not leak back in.
	assert.NotContains(t, cfg.Detectors.Exposure.HighRiskPorts, "23")
	assert.Equal(t, 0.4, cfg.Detectors.Exposure.ServiceTags["Storage"], "unlisted default tag weights stay")
}

func TestLoadConfigAllDisabled(t *testing.T) {
	cfg := loadConfig(t, "all_disabled")
	d := cfg.Detectors
	for name, on := range map[string]bool{
		"exposure":      d.Exposure.Enabled,
		"error_rate":    d.ErrorRate.Enabled,
		"saturation":    d.Saturation.Enabled,
		"scaling_churn": d.ScalingChurn.Enabled,
		"abuse":         d.Abuse.Enabled,
	} {
		assert.False(t, on, name)
	}
	// Disabling leaves the other settings at their defaults, so re-enabling works.
	assert.Equal(t, exposure.DefaultConfig().HighRiskPorts, d.Exposure.HighRiskPorts)
	require.NoError(t, confmap.Validate(cfg))
}

// A disabled detector's section is not checked.
func TestValidateSkipsDisabledDetectors(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Detectors.ErrorRate.Enabled = false
	cfg.Detectors.ErrorRate.EvaluationWindow = 90 * time.Second
	cfg.Detectors.Abuse.Enabled = false
	cfg.Detectors.Abuse.PartialMinSeverity = "severe"
	cfg.Detectors.Exposure.Enabled = false
	cfg.Detectors.Exposure.BroadPublicPrefix = 0
	assert.NoError(t, confmap.Validate(cfg))

	cfg.Detectors.Abuse.Enabled = true
	assert.ErrorContains(t, confmap.Validate(cfg), `partial_min_severity "severe" is not a severity`)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
	}{
		{"negative_persist", "persist_interval must not be negative"},

		{"bad_high_risk_port", `exposure: high_risk_ports: bad port or range "70000"`},
		{"all_ports_expected", `exposure: expected_ports: bad port or range "all"`},
		{"bad_broad_prefix", "exposure: broad_public_prefix must be between 1 and 31"},
		{"bad_service_tag", "exposure: service_tags[AzureCloud]: weight must be within 0..1"},
		{"empty_allow_entry", "exposure: allowlist[0]: set at least one of resource, cidr, ports"},
		{"bad_allow_cidr", `exposure: allowlist[0].cidr: netip.ParsePrefix("10.0.0.0/33"): prefix length out of range`},
		{"empty_automation", "exposure: automation[0]: set at least one of principal, user_agent, role"},
		{"cron_without_duration", `exposure: change_windows: window "nightly": cron needs a duration`},
		{"bad_cron", `exposure: change_windows: window "nightly": cron "0 25 * * *": hour: value "25" out of range 0-23`},
		{"bad_first_seen", "exposure: first_seen.lookback must be positive"},

		{"bad_evaluation_window", "error_rate: evaluation_window must be a whole number of minutes between 1m and 30m"},
		{"bad_metric_role", `error_rate: metrics[0]: role must be split, errors or total, got "count"`},
		{"bad_repeat", "error_rate: repeat must be between 0 and repeat_of, repeat_of at most 32"},
		{"bad_slo", "error_rate: burn_rate.slo must be in (0,1), e.g. 0.999"},
		{"bad_burn_window", "error_rate: burn_rate.windows[0]: long must be longer than short"},
		{"bad_lateness", "error_rate: lateness must be between 0 and 4m0s"},

		{"bad_saturation_threshold", "saturation: threshold must be a ratio in (0,1]"},
		{"bad_saturation_kind", `saturation: metrics[0] kind "gauge" must be "utilization" or "count"`},
		{"bad_anomaly_window", "anomaly: short_window must be between 1 and 16"},
		{"bad_recurring_days", "saturation: recurring_days must be between 0 and 7"},

		{"bad_churn_window", "scaling_churn: window must be at least 6s and divisible into 6 buckets"},
		{"bad_churn_flips", "scaling_churn: flap_flips must be at least 2"},

		{"bad_abuse_severity", `abuse: partial_min_severity "severe" is not a severity`},
		{"bad_abuse_mapping", `abuse: service_mapping[0]: bad pattern "web-[a": syntax error in pattern`},
		{"incomplete_abuse_mapping", "abuse: service_mapping[0]: group and service are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := loadConfig(t, tt.name)
			// confmap.Validate is what the collector runs: it walks every nested
			// Validate (each detector's section) as well as the top-level one.
			err := confmap.Validate(cfg)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.Equal(t, 1, strings.Count(err.Error(), tt.wantErr), "reported once: %v", err)
		})
	}
}
