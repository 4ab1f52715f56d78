package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Monday 2026-11-16 00:00 UTC; every scenario first lives a normal day.
var day0 = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)

func withBurnRate() configs {
	c := defaults()
	c.er.BurnRate.Enabled = true
	return c
}

// An automated flood: 5xx up, CPU pinned, the group scaling out and in repeatedly.
// The composite must fire within a few minutes of onset.
func TestAutomatedFlood(t *testing.T) {
	p := newPipeline(t, withBurnRate())
	s := newService(p)
	s.normal(day0, 24*60)
	onset := day0.Add(24*time.Hour + 14*time.Hour) // Tuesday 14:00
	s.normal(day0.Add(24*time.Hour), 14*60)
	require.Empty(t, above(p.all, detection.SeverityLow), "a normal day and a half must be quiet")

	for m := 0; m < 20; m++ {
		at := onset.Add(time.Duration(m) * time.Minute)
		s.minute(at, 1500, 0.35, 0.97)
		if m%2 == 1 { // the autoscaler thrashes: out, in, out, in …
			dir := "out"
			if m%4 == 3 {
				dir = "in"
			}
			s.scale(at.Add(20*time.Second), dir)
		}
	}
	var composite *detection.Finding
	seen := map[string]bool{}
	for i := range p.all {
		f := &p.all[i]
		if f.Time.AsTime().Before(onset) {
			continue
		}
		seen[f.Rule.UUID] = true
		if f.Rule.UUID == "cloudwarden.abuse.automated_abuse" && composite == nil {
			composite = f
		}
	}
	require.NotNil(t, composite, "found %v", seen)
	delay := composite.Time.AsTime().Sub(onset)
	t.Logf("composite after %s: %s", delay, composite.Reason)
	assert.LessOrEqual(t, delay, 10*time.Minute)
	assert.Equal(t, detection.SeverityCritical, composite.Severity)
	assert.Equal(t, "web", composite.Subject)
	assert.Contains(t, composite.Reason, "group web-asg")
	// each component fired on its own, each below the composite
	for _, f := range p.all {
		if f.Time.AsTime().Before(onset) || f.Rule.UUID == "cloudwarden.abuse.automated_abuse" {
			continue
		}
		assert.Less(t, f.Score, composite.Score, f.Rule.UUID)
	}
	assert.True(t, seen["cloudwarden.error_rate.anomaly"])
	assert.True(t, seen["cloudwarden.error_rate.slo_burn"])
	assert.True(t, seen["cloudwarden.scaling_churn.flapping"])
}

// A product launch: traffic and CPU up, 5xx flat, the group scales out smoothly.
func TestProductLaunchSurge(t *testing.T) {
	p := newPipeline(t, withBurnRate())
	s := newService(p)
	s.normal(day0, 24*60)
	launch := day0.Add(24*time.Hour + 10*time.Hour)
	s.normal(day0.Add(24*time.Hour), 10*60)
	for m := 0; m < 120; m++ {
		at := launch.Add(time.Duration(m) * time.Minute)
		ramp := min(float64(m)/30, 1)
		rpm := 300 + int(1200*ramp)
		// CPU climbs towards 85% until each scale-out (every 4 minutes, 8 of them)
		// brings it back down; the autoscaler targets 60–70%
		cpu := 0.45 + 0.40*ramp
		if m >= 6 {
			cpu = 0.68 + 0.1*float64(m%4)/4
		}
		s.minute(at, rpm, 0.002, cpu)
		if m%4 == 2 && m < 34 {
			s.scale(at.Add(10*time.Second), "out")
		}
	}
	sev, f := p.maxSeverity(launch)
	if f != nil {
		t.Logf("strongest: %s %s: %s", f.Rule.UUID, f.Severity, f.Reason)
	}
	assert.LessOrEqual(t, sev, detection.SeverityLow)
}

// A 30-second deploy blip: half the requests fail while instances roll, once.
func TestDeployBlip(t *testing.T) {
	p := newPipeline(t, withBurnRate())
	s := newService(p)
	s.normal(day0, 24*60)
	deploy := day0.Add(24*time.Hour + 11*time.Hour)
	s.normal(day0.Add(24*time.Hour), 11*60)
	// 11:00:00–11:00:45 normal, 11:00:45–11:01:15 50% 5xx (straddling two minutes)
	s.requests(deploy, 45*time.Second, 300, 1)
	s.requests(deploy.Add(45*time.Second), 30*time.Second, 200, 100)
	s.requests(deploy.Add(75*time.Second), 45*time.Second, 300, 1)
	s.cpuAt(deploy, 0.6)
	s.cpuAt(deploy.Add(time.Minute), 0.7)
	// the rolling deploy adds an instance and removes one
	s.scale(deploy.Add(10*time.Second), "out")
	s.scale(deploy.Add(4*time.Minute), "in")
	s.normal(deploy.Add(2*time.Minute), 60)
	sev, f := p.maxSeverity(deploy)
	if f != nil {
		t.Logf("strongest: %s %s: %s", f.Rule.UUID, f.Severity, f.Reason)
	}
	assert.LessOrEqual(t, sev, detection.SeverityLow)
}

// A nightly batch job: CPU at 95% from 02:00 to 03:00 every day, with a scale-out
// at the start and a scale-in at the end.
func nightlyBatch(s *service, days int) {
	for d := 0; d < days; d++ {
		day := day0.Add(time.Duration(d) * 24 * time.Hour)
		s.normal(day, 2*60)
		s.scale(day.Add(2*time.Hour), "out")
		for m := 0; m < 60; m++ {
			at := day.Add(2*time.Hour + time.Duration(m)*time.Minute)
			s.minute(at, 150, 0.002, 0.95)
		}
		s.scale(day.Add(3*time.Hour+5*time.Minute), "in")
		s.normal(day.Add(3*time.Hour), 21*60)
	}
}

func TestNightlyBatchInsideScheduledJob(t *testing.T) {
	c := withBurnRate()
	jobs := []schedule.Window{{Name: "nightly-batch", Cron: "0 2 * * *", Duration: 75 * time.Minute}}
	c.sat.ScheduledJobs = jobs
	c.ch.ScheduledJobs = jobs
	c.er.ScheduledJobs = jobs
	p := newPipeline(t, c)
	s := newService(p)
	nightlyBatch(s, 4)
	sev, f := p.maxSeverity(day0)
	if f != nil {
		t.Logf("strongest: %s %s: %s", f.Rule.UUID, f.Severity, f.Reason)
	}
	assert.LessOrEqual(t, sev, detection.SeverityLow)
	// the batch's CPU findings are kept, lowered to info with the reason
	var lowered int
	for _, f := range p.all {
		if f.Severity == detection.SeverityInfo {
			assert.Contains(t, f.Reason, "nightly-batch")
			lowered++
		}
	}
	t.Logf("%d findings lowered to info", lowered)
}

// Without a calendar the batch must be learned: after a few days no detector says
// anything above low. The saturation detector remembers the nightly step (seen at
// 02:00 on the previous days) and says so in the reason.
func TestNightlyBatchLearned(t *testing.T) {
	p := newPipeline(t, withBurnRate())
	s := newService(p)
	nightlyBatch(s, 5)
	day4 := day0.Add(4 * 24 * time.Hour)
	for _, f := range p.all {
		if f.Time.AsTime().Before(day4) {
			continue
		}
		if strings.HasPrefix(f.Rule.UUID, "cloudwarden.saturation.") {
			t.Logf("saturation on day 5: %s %s: %s", f.Rule.UUID, f.Severity, f.Reason)
			assert.Contains(t, f.Reason, "expected at this time of day: seen on 4 previous days")
		}
		assert.LessOrEqual(t, f.Severity, detection.SeverityLow, f.Reason)
	}
	// the batch's scale-out/scale-in pair is never flapping: they are an hour apart
	for _, f := range p.all {
		assert.NotEqual(t, "cloudwarden.scaling_churn.flapping", f.Rule.UUID, f.Reason)
		assert.NotContains(t, f.Rule.UUID, "cloudwarden.abuse.", f.Reason)
	}
}

func above(fs detection.Findings, sev detection.Severity) []string {
	var r []string
	for _, f := range fs {
		if f.Severity > sev {
			r = append(r, f.Rule.UUID+": "+f.Reason)
		}
	}
	return r
}
