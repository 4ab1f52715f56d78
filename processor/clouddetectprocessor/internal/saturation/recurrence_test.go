package saturation

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

const day = 24 * time.Hour

// job is one run of a batch job: CPU at level from start for length.
type job struct {
	start, length time.Duration
	level         float64
}

// dayWithJob feeds one day of a web host's CPU, one point a minute: a daily curve
// between 30% and 55% with some noise, and the job on top. It returns the day's
// findings.
func dayWithJob(d *Detector, f *feeder, n int, j job) detection.Findings {
	from := base.Add(time.Duration(n) * day)
	vals := make([]float64, 24*60)
	for m := range vals {
		at := time.Duration(m) * time.Minute
		if at >= j.start && at < j.start+j.length {
			vals[m] = j.level
			continue
		}
		h := at.Hours()
		vals[m] = 0.30 + 0.25*(0.5+0.5*math.Sin((h-9)/24*2*math.Pi)) + 0.02*math.Sin(float64(m)*1.7)
	}
	return feed(d, f, from, vals...)
}

var nightly = job{start: 2 * time.Hour, length: 75 * time.Minute, level: 0.95}

func maxSeverity(fs detection.Findings) detection.Severity {
	sev := detection.SeverityInfo
	for _, f := range fs {
		sev = max(sev, f.Severity)
	}
	return sev
}

func cpuFeeder() *feeder {
	return newFeeder("batch", "batch-1", "system.cpu.utilization", "1", map[string]any{"cpu": "total"})
}

// A job at 02:00 every night: the first three nights fire as before (at most
// medium), from the fourth it is expected: no anomaly, sustained_high at low with
// the reason.
func TestNightlyJobLearnedAfterThreeNights(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	for n := range 3 {
		fs := dayWithJob(d, f, n, nightly)
		require.Contains(t, rules(fs), "cloudwarden.saturation.sustained_high", "night %d", n)
		assert.Equal(t, detection.SeverityMedium, maxSeverity(fs), "night %d fires as before, at most medium", n)
		for _, x := range fs {
			assert.NotContains(t, x.Reason, "expected at this time of day")
		}
		if n == 0 {
			assert.Contains(t, rules(fs), "cloudwarden.saturation.utilisation_anomaly", "the first night is anomalous")
		}
	}
	for n := 3; n < 6; n++ {
		fs := dayWithJob(d, f, n, nightly)
		require.NotEmpty(t, fs, "night %d: the high utilisation is still reported", n)
		assert.LessOrEqual(t, maxSeverity(fs), detection.SeverityLow, "night %d", n)
		assert.NotContains(t, rules(fs), "cloudwarden.saturation.utilisation_anomaly", "night %d", n)
		for _, x := range fs {
			assert.Equal(t, "cloudwarden.saturation.sustained_high", x.Rule.UUID)
			assert.LessOrEqual(t, x.Score, 29.0)
			assert.Contains(t, x.Reason, "(expected at this time of day: seen on "+string(rune('0'+n))+" previous days, up to 95%: lowered to low)")
		}
	}
}

// The same job, learned at 02:00, suddenly running at 14:00: new, it fires.
func TestLearnedJobAtANewHourFires(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	for n := range 4 {
		dayWithJob(d, f, n, nightly)
	}
	fs := dayWithJob(d, f, 4, job{start: 14 * time.Hour, length: 75 * time.Minute, level: 0.95})
	assert.Contains(t, rules(fs), "cloudwarden.saturation.utilisation_anomaly")
	assert.Equal(t, detection.SeverityMedium, maxSeverity(fs))
	for _, x := range fs {
		assert.NotContains(t, x.Reason, "expected at this time of day")
	}
}

// The usual hour, but far harder than the job ever ran: it fires.
func TestLearnedJobAtAMuchHigherLevelFires(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	usual := job{start: 2 * time.Hour, length: 75 * time.Minute, level: 0.91}
	for n := range 4 {
		dayWithJob(d, f, n, usual)
	}
	// Sanity: the usual level is quiet by now.
	assert.LessOrEqual(t, maxSeverity(dayWithJob(d, f, 4, usual)), detection.SeverityLow)

	fs := dayWithJob(d, f, 5, job{start: 2 * time.Hour, length: 75 * time.Minute, level: 1.0})
	assert.Equal(t, detection.SeverityMedium, maxSeverity(fs))
	require.Contains(t, rules(fs), "cloudwarden.saturation.sustained_high")
	for _, x := range fs {
		assert.NotContains(t, x.Reason, "expected at this time of day")
	}
}

// A job that starts 15 minutes early one night is still the same job.
func TestLearnedJobToleratesAnEarlyStart(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	for n := range 4 {
		dayWithJob(d, f, n, nightly)
	}
	fs := dayWithJob(d, f, 4, job{start: 105 * time.Minute, length: 75 * time.Minute, level: 0.95})
	assert.LessOrEqual(t, maxSeverity(fs), detection.SeverityLow)
}

// After a week without the job, it is forgotten: the next run is new again.
func TestRecurrenceIsForgottenAfterAWeek(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	for n := range 4 {
		dayWithJob(d, f, n, nightly)
	}
	for n := 4; n < 12; n++ {
		dayWithJob(d, f, n, job{})
	}
	fs := dayWithJob(d, f, 12, nightly)
	assert.Equal(t, detection.SeverityMedium, maxSeverity(fs))
}

// Disabled (recurring_days: 0): every night fires as before.
func TestRecurrenceDisabled(t *testing.T) {
	d := newDetector(t, func(c *Config) { c.RecurringDays = 0 })
	f := cpuFeeder()
	for n := range 4 {
		dayWithJob(d, f, n, nightly)
	}
	assert.Equal(t, detection.SeverityMedium, maxSeverity(dayWithJob(d, f, 4, nightly)))
}

// Connection counts have no threshold: the upward anomaly of a nightly connection
// surge is remembered the same way.
func TestRecurringConnectionSurgeLearned(t *testing.T) {
	d := newDetector(t, nil)
	f := newFeeder("reports-db-client", "", "db.client.connection.count", "{connection}", nil)
	night := func(n int, level float64) detection.Findings {
		vals := wobble(40, 3, 24*60)
		for m := 120; m < 180; m++ {
			vals[m] = level + float64(m%3)
		}
		return feed(d, f, base.Add(time.Duration(n)*day), vals...)
	}
	require.Contains(t, rules(night(0, 300)), "cloudwarden.saturation.utilisation_anomaly")
	for n := 1; n < 4; n++ {
		night(n, 300)
	}
	assert.Empty(t, night(4, 300), "the fourth night is expected")
	assert.Contains(t, rules(night(5, 600)), "cloudwarden.saturation.utilisation_anomaly", "twice the usual connections is new")
}

func TestRecurrenceMemory(t *testing.T) {
	at := func(n int, hm time.Duration) int64 { return base.Add(time.Duration(n)*day + hm).UnixNano() }
	var r recurrence
	days, _ := r.expected(at(0, 2*time.Hour))
	assert.Zero(t, days, "nothing seen")
	// 23:50 on three nights; at 00:05 the night before counts as the same night.
	for n := range 3 {
		r.mark(at(n, 23*time.Hour+50*time.Minute), 0.93)
	}
	days, peak := r.expected(at(3, 5*time.Minute))
	assert.Equal(t, 2, days, "nights 0→1 and 1→2; night 2→3 is the current one")
	assert.InDelta(t, 0.93, peak, 0.01)
	days, _ = r.expected(at(3, 23*time.Hour+40*time.Minute))
	assert.Equal(t, 3, days)
	days, _ = r.expected(at(3, 22*time.Hour))
	assert.Zero(t, days, "more than half an hour away")
	// A late point from the day before neither counts nor corrupts the memory.
	r.mark(at(2, 10*time.Hour), 1)
	days, _ = r.expected(at(3, 23*time.Hour+40*time.Minute))
	assert.Equal(t, 3, days)
	// The peak of a day only counts from the next day on.
	r.mark(at(3, 23*time.Hour+45*time.Minute), 0.99)
	_, peak = r.expected(at(3, 23*time.Hour+50*time.Minute))
	assert.InDelta(t, 0.93, peak, 0.01)
	_, peak = r.expected(at(4, 23*time.Hour+50*time.Minute))
	assert.InDelta(t, 0.99, peak, 0.01)
}

// The memory of the nights survives a restart, and snapshots written before it
// existed (version 1) are still read, with an empty memory.
func TestRecurrenceSurvivesSnapshot(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	for n := range 3 {
		dayWithJob(d, f, n, nightly)
	}
	snap, err := d.Snapshot()
	require.NoError(t, err)
	back := newDetector(t, nil)
	require.NoError(t, back.Restore(snap))
	fs := dayWithJob(back, f, 3, nightly)
	require.NotEmpty(t, fs)
	assert.LessOrEqual(t, maxSeverity(fs), detection.SeverityLow)

	// Version 1: the same series without flags and memory.
	s, ok := d.series.Peek(d.seriesKeyForTest(f))
	require.True(t, ok)
	v1 := []byte{snapshotVersionV1, 1, 0, 0, 0}
	v1 = binary.LittleEndian.AppendUint64(v1, d.seriesKeyForTest(f))
	for _, v := range []int64{s.highSince, s.lastHigh, s.lastAnomaly} {
		v1 = binary.LittleEndian.AppendUint64(v1, uint64(v))
	}
	v1 = s.st.AppendBinary(v1)
	v1 = append(v1, 0, 0, 0, 0)
	old := newDetector(t, nil)
	require.NoError(t, old.Restore(v1))
	require.Equal(t, 1, old.StateStats().Keys)
	assert.Equal(t, detection.SeverityMedium, maxSeverity(dayWithJob(old, f, 3, nightly)), "no memory: fires as before")
	assert.Error(t, old.Restore(v1[:len(v1)-5]), "truncated")
}

func (d *Detector) seriesKeyForTest(f *feeder) uint64 {
	return seriesKey(subject(f.res), f.metric.Name(), f.attrs)
}

// Recording and reading the memory allocate nothing: points of a learned job that
// raise no finding (inside realert) cost no allocation.
func TestRecurrenceNoAllocs(t *testing.T) {
	d := newDetector(t, nil)
	f := cpuFeeder()
	for n := range 4 {
		dayWithJob(d, f, n, nightly)
	}
	start := base.Add(4*day + 2*time.Hour)
	feed(d, f, start, repeat(0.95, 10)...) // the findings of this night are out
	var out detection.Findings
	p := f.point(start.Add(10*time.Minute), 0.95)
	allocs := testing.AllocsPerRun(100, func() {
		p.Time += 1e9
		out = out[:0]
		d.DetectPoint(p, &out)
	})
	assert.Zero(t, allocs)
	assert.Empty(t, out)
}
