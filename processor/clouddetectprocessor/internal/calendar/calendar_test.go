package calendar

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

var t0 = time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)

func TestValidateNamesTheKey(t *testing.T) {
	errs := Validate(nil,
		[]schedule.Window{{Name: "ok", Start: t0, End: t0.Add(time.Hour)}, {Name: ""}},
		[]schedule.Window{{Name: "backwards", Start: t0, End: t0.Add(-time.Hour)}})
	require.Len(t, errs, 2)
	assert.EqualError(t, errs[0], "change_windows[1]: window needs a name")
	assert.EqualError(t, errs[1], `scheduled_jobs[0]: window "backwards": end must be after start`)

	_, err := Compile(nil, []schedule.Window{{Name: ""}})
	assert.EqualError(t, err, "scheduled_jobs: window needs a name")
}

func TestLower(t *testing.T) {
	c, err := Compile(
		[]schedule.Window{{Name: "release", Start: t0, End: t0.Add(time.Hour)}},
		[]schedule.Window{{Name: "load-test", Start: t0, End: t0.Add(2 * time.Hour)}})
	require.NoError(t, err)

	at := func(d time.Duration) detection.Finding {
		return detection.Finding{Severity: detection.SeverityHigh, Score: 72, Reason: "Error ratio 0.31.", Time: pcommon.NewTimestampFromTime(t0.Add(d))}
	}
	// both windows contain t0+30m: the change window is named
	f := at(30 * time.Minute)
	c.Lower(&f)
	assert.Equal(t, detection.SeverityInfo, f.Severity)
	assert.Equal(t, 19.0, f.Score)
	assert.Equal(t, `Error ratio 0.31; lowered to info: inside change window "release".`, f.Reason)

	f = at(90 * time.Minute)
	c.Lower(&f)
	assert.Equal(t, `Error ratio 0.31; lowered to info: inside scheduled job "load-test".`, f.Reason)

	f = at(3 * time.Hour)
	c.Lower(&f)
	assert.Equal(t, at(3*time.Hour), f, "outside every window nothing changes")

	var none Calendar
	f = at(30 * time.Minute)
	none.Lower(&f)
	assert.Equal(t, at(30*time.Minute), f, "the zero calendar has no windows")
	_, _, ok := none.Active(t0)
	assert.False(t, ok)

	kind, name, ok := c.Active(t0.Add(90 * time.Minute))
	assert.Equal(t, []any{"scheduled job", "load-test", true}, []any{kind, name, ok})
}
