package churn

import (
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

var t0 = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)

// scaling is a record as the cloudaudit receiver writes an EC2 Auto Scaling launch or
// terminate event (EventBridge) into a log record.
func scaling(group, dir string, oldSize, newSize int64, at time.Time) (pcommon.Resource, plog.LogRecord) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("cloud.provider", "aws")
	rl.Resource().Attributes().PutStr("cloud.account.id", "123456789012")
	rl.Resource().Attributes().PutStr("cloud.region", "eu-west-1")
	rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.SetEventName("cloud.audit")
	rec.SetTimestamp(pcommon.NewTimestampFromTime(at))
	a := rec.Attributes()
	a.PutStr("rpc.service", "autoscaling.amazonaws.com")
	a.PutStr("rpc.method", "EC2 Instance Launch Successful")
	a.PutStr("autoscaler.group.name", group)
	a.PutStr("autoscaler.group.kind", "vm")
	if dir != "" {
		a.PutStr("cloud.scaling.direction", dir)
	}
	a.PutInt("cloud.scaling.old_size", oldSize)
	a.PutInt("cloud.scaling.new_size", newSize)
	return rl.Resource(), rec
}

func newDetector(t *testing.T, mod func(*Config)) *Detector {
	return detectortest.New(t, DefaultConfig, New, mod)
}

type step struct {
	at  time.Duration // from t0
	dir string
}

func run(d *Detector, group string, steps []step) detection.Findings {
	var all detection.Findings
	size := int64(4)
	for _, s := range steps {
		n := size + 1
		if s.dir == "in" {
			n = size - 1
		}
		res, rec := scaling(group, s.dir, size, n, t0.Add(s.at))
		d.DetectLog(res, rec, &all)
		size = n
	}
	return all
}

func names(f detection.Findings) []string { return detectortest.Rules(f) }

func TestFlappingNewGroup(t *testing.T) {
	d := newDetector(t, nil)
	got := run(d, "web-asg", []step{
		{0, "out"}, {4 * time.Minute, "in"}, {9 * time.Minute, "out"}, {13 * time.Minute, "in"},
	})
	require.Equal(t, []string{"cloudwarden.scaling_churn.flapping/medium"}, names(got))
	f := got[0]
	assert.Equal(t, "web-asg", f.Subject)
	assert.Equal(t, t0.Add(13*time.Minute), f.Time.AsTime())
	assert.Equal(t, "Scaling group web-asg is flapping: 3 direction changes across 4 scaling actions in 30m0s, "+
		"latest in 5→4; its baseline is 1.5 changes per window (threshold 3).", f.Reason)
}

func TestSmoothScaleOutStaysLow(t *testing.T) {
	d := newDetector(t, nil)
	var steps []step
	for i := 0; i < 8; i++ {
		steps = append(steps, step{time.Duration(i) * 3 * time.Minute, "out"})
	}
	got := run(d, "shop-asg", steps)
	require.Equal(t, []string{"cloudwarden.scaling_churn.excess_actions/low"}, names(got))
	assert.Contains(t, got[0].Reason, "(all in one direction)")
	assert.LessOrEqual(t, got[0].Score, 35.0)
}

func TestBusyGroupIsNormalForItself(t *testing.T) {
	d := newDetector(t, nil)
	// two days of an out/in action every 10 minutes (batch workers breathing)
	var steps []step
	dir := "out"
	for m := 0; m < 2*24*60; m += 10 {
		steps = append(steps, step{time.Duration(m) * time.Minute, dir})
		if dir == "out" {
			dir = "in"
		} else {
			dir = "out"
		}
	}
	got := run(d, "batch-asg", steps)
	// the first hours fire (nothing learned yet) ...
	require.NotEmpty(t, got)
	// ... the second day is quiet
	var day2 detection.Findings
	for _, f := range got {
		if f.Time.AsTime().After(t0.Add(24 * time.Hour)) {
			day2 = append(day2, f)
		}
	}
	assert.Empty(t, names(day2))

	// then a burst of 16 flips in 30 minutes is excessive even for this group
	var burst []step
	for i := 0; i < 16; i++ {
		dir := "out"
		if i%2 == 1 {
			dir = "in"
		}
		burst = append(burst, step{48*time.Hour + time.Duration(i)*110*time.Second, dir})
	}
	got = run(d, "batch-asg", burst)
	// each fires once, when the window crosses the group's own (raised) threshold
	assert.Equal(t, []string{"cloudwarden.scaling_churn.flapping/medium", "cloudwarden.scaling_churn.excess_actions/medium"}, names(got))
}

func TestDailyCycleLearned(t *testing.T) {
	d := newDetector(t, nil)
	var findings [8]int
	for day := 0; day < 8; day++ {
		var steps []step
		base := time.Duration(day) * 24 * time.Hour
		for i := 0; i < 8; i++ { // morning ramp: 8 scale-outs 08:00–08:28
			steps = append(steps, step{base + 8*time.Hour + time.Duration(i)*4*time.Minute, "out"})
		}
		for i := 0; i < 8; i++ { // evening: 8 scale-ins 18:00–18:28
			steps = append(steps, step{base + 18*time.Hour + time.Duration(i)*4*time.Minute, "in"})
		}
		got := run(d, "api-asg", steps)
		for _, f := range got {
			assert.LessOrEqual(t, f.Severity, detection.SeverityLow, f.Reason)
		}
		findings[day] = len(got)
	}
	assert.Positive(t, findings[0], "day one is new")
	assert.Zero(t, findings[7], "after a week the ramps are learned")
}

func TestDirectionFromSizesAndNonScalingRecords(t *testing.T) {
	d := newDetector(t, nil)
	var all detection.Findings
	sizes := [][2]string{{"2", "3"}, {"3", "2"}, {"2", "3"}, {"3", "2"}}
	for i, s := range sizes {
		res, rec := scaling("k8s/default/web", "", 0, 0, t0.Add(time.Duration(i)*time.Minute))
		rec.Attributes().PutStr("cloud.scaling.old_size", s[0])
		rec.Attributes().PutStr("cloud.scaling.new_size", s[1])
		rec.Attributes().PutStr("autoscaler.group.kind", "container")
		d.DetectLog(res, rec, &all)
	}
	require.Equal(t, []string{"cloudwarden.scaling_churn.flapping/medium"}, names(all))
	assert.Contains(t, all[0].Reason, "latest in 3→2")

	// a group configuration change without sizes or direction is not an action
	res, rec := scaling("web-asg", "", 0, 0, t0)
	rec.Attributes().Remove("cloud.scaling.old_size")
	rec.Attributes().Remove("cloud.scaling.new_size")
	d.DetectLog(res, rec, &all)
	// an unrelated audit record
	res, rec = scaling("x", "out", 1, 2, t0)
	rec.Attributes().Remove("autoscaler.group.name")
	d.DetectLog(res, rec, &all)
	assert.Equal(t, 1, d.groups.Len())
}

func TestLateAndOutOfOrder(t *testing.T) {
	d := newDetector(t, nil)
	run(d, "g", []step{{60 * time.Minute, "out"}})
	// 8 minutes late: counted; 40 minutes late: dropped
	run(d, "g", []step{{52 * time.Minute, "out"}, {20 * time.Minute, "out"}})
	assert.Equal(t, uint64(1), d.Late())
}

func TestScheduledJobLowersToInfo(t *testing.T) {
	d := newDetector(t, func(c *Config) {
		c.ScheduledJobs = []schedule.Window{{Name: "load-test", Start: t0, End: t0.Add(time.Hour)}}
	})
	got := run(d, "web-asg", []step{{0, "out"}, {time.Minute, "in"}, {2 * time.Minute, "out"}, {3 * time.Minute, "in"}})
	require.Equal(t, []string{"cloudwarden.scaling_churn.flapping/info"}, names(got))
	assert.Contains(t, got[0].Reason, `inside scheduled job "load-test"`)
}

func TestSnapshotRestore(t *testing.T) {
	d := newDetector(t, nil)
	var steps []step
	for m := 0; m < 12*60; m += 10 {
		steps = append(steps, step{time.Duration(m) * time.Minute, "out"})
	}
	run(d, "a", steps)
	run(d, "b", steps[:3])
	b, err := d.Snapshot()
	require.NoError(t, err)
	d2 := newDetector(t, nil)
	require.NoError(t, d2.Restore(b))
	assert.Equal(t, 2, d2.groups.Len())
	for _, h := range []uint64{hashGroup("a"), hashGroup("b")} {
		g1, _ := d.groups.Peek(h)
		g2, ok := d2.groups.Peek(h)
		require.True(t, ok)
		assert.Equal(t, g1.actions, g2.actions)
		assert.Equal(t, g1.flips, g2.flips)
		assert.Equal(t, g1.hourly, g2.hourly)
		assert.Equal(t, g1.name, g2.name)
	}
	assert.Error(t, d2.Restore(b[:len(b)-1]))
	assert.Error(t, d2.Restore([]byte("SC\x09")))
}

func TestBoundedGroups(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.MaxKeys = 500 })
	var out detection.Findings
	for i := 0; i < 1_000_000; i++ {
		a := action{group: "asg-" + string(rune('a'+i%26)) + strconv.Itoa(i), dir: dirOut}
		d.observe(&a, t0.UnixNano(), &out)
	}
	assert.Equal(t, detection.StateStats{Keys: 500, Evictions: 999_500}, d.StateStats())
}

func TestGroupStateSize(t *testing.T) {
	assert.Equal(t, uintptr(328), unsafe.Sizeof(groupState{}))
}

func TestValidate(t *testing.T) {
	for i, mod := range []func(*Config){
		func(c *Config) { c.Window = 7 * time.Second },
		func(c *Config) { c.FlapFlips = 1 },
		func(c *Config) { c.Lateness = 2 * time.Hour },
		func(c *Config) { c.Alpha = 1 },
	} {
		c := DefaultConfig()
		mod(&c)
		assert.Error(t, c.Validate(), "case %d", i)
	}
	c := DefaultConfig()
	assert.NoError(t, c.Validate())
}

// An hour of flapping must not teach the flip baseline its own flips: the threshold
// of the re-alerts stays where it was when the flapping began.
func TestFlappingIsLearnedSlowly(t *testing.T) {
	d := newDetector(t, nil)
	steps := []step{{time.Hour, "out"}, {5 * time.Hour, "in"}}
	for m := 0; m < 90; m += 3 {
		dir := "out"
		if m%6 == 3 {
			dir = "in"
		}
		steps = append(steps, step{6*time.Hour + time.Duration(m)*time.Minute, dir})
	}
	var flaps []detection.Finding
	for _, f := range run(d, "web-asg", steps) {
		if f.Rule.UUID == "cloudwarden.scaling_churn.flapping" {
			flaps = append(flaps, f)
		}
	}
	require.Len(t, flaps, 3)
	for _, f := range flaps {
		t.Log(f.Reason)
		assert.Regexp(t, `\(threshold [34]\)\.$`, f.Reason)
	}
	assert.Equal(t, detection.SeverityHigh, flaps[2].Severity, flaps[2].Reason)
}
