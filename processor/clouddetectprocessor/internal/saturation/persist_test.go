package saturation

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	d := newDetector(t, nil)
	cpu := newFeeder("api", "", "container.cpu.utilization", "1", nil)
	conn := newFeeder("api", "", "db.client.connection.count", "", map[string]any{"db.client.connection.state": "used"})
	feed(d, cpu, base, wobble(0.3, 0.02, 600)...)
	feed(d, conn, base, wobble(40, 3, 600)...)
	feed(d, cpu, base.Add(600*time.Minute), 0.95, 0.95) // inside a high run
	var out detection.Findings
	d.DetectLog(pcommon.NewResource(), scalingRecord("web-asg", base, map[string]any{schema.AttrScalingAtMax: true}), &out)

	snap, err := d.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, "saturation", d.StateKey())
	assert.Len(t, snap, 9+2*seriesRecord+groupRecord, "compact: fixed-size records")

	back := newDetector(t, nil)
	require.NoError(t, back.Restore(snap))
	assert.Equal(t, d.StateStats().Keys, back.StateStats().Keys)
	snap2, err := back.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, snap, snap2, "restoring then snapshotting is the identity")

	// Both continue identically: the high run started before the snapshot.
	rest := wobble(0.97, 0.01, 6)
	a := feed(d, cpu, base.Add(602*time.Minute), rest...)
	b := feed(back, cpu, base.Add(602*time.Minute), rest...)
	assert.Equal(t, rules(a), rules(b))
	assert.Contains(t, rules(b), "cloudwarden.saturation.sustained_high")

	// The pin episode survives too: the next pin is within realert.
	out = out[:0]
	back.DetectLog(pcommon.NewResource(), scalingRecord("web-asg", base.Add(5*time.Minute), map[string]any{schema.AttrScalingAtMax: true}), &out)
	assert.Empty(t, out)
}

func TestRestoreRejectsGarbage(t *testing.T) {
	d := newDetector(t, nil)
	assert.NoError(t, d.Restore(nil), "no state yet")
	assert.Error(t, d.Restore([]byte{9, 0, 0, 0, 0}))
	assert.Error(t, d.Restore([]byte{1, 1, 0, 0, 0, 1, 2}))
	good, err := newDetector(t, nil).Snapshot()
	require.NoError(t, err)
	assert.NoError(t, d.Restore(good))
	assert.Error(t, d.Restore(append(good, 0)), "trailing bytes")
}
