package errorrate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// A back-office service with 20 requests a minute never has a window of min_requests,
// so without pooling it never leaves warm-up and a flood meets no baseline.
func TestLowVolumeServiceLearnsByPooling(t *testing.T) {
	d := newDetector(t, nil)
	var all detection.Findings
	for m := 0; m < 90; m++ {
		bad := 0
		if m%5 == 0 {
			bad = 1 // 1% of 5xx
		}
		all = append(all, minute(d, "billing", t0.Add(time.Duration(m)*time.Minute), 20, bad)...)
	}
	require.Empty(t, all)
	s, ok := d.keys.Peek(hashKey("billing", ""))
	require.True(t, ok)
	assert.GreaterOrEqual(t, s.base.N, uint32(25), "pooled pairs of minutes are learned")
	assert.InDelta(t, 0.01, s.base.Mean, 0.01)

	// the flood: 400 requests a minute, 40% 5xx
	for m := 90; m < 96; m++ {
		all = append(all, minute(d, "billing", t0.Add(time.Duration(m)*time.Minute), 400, 160)...)
	}
	all = append(all, minute(d, "billing", t0.Add(96*time.Minute), 20, 0)...)
	require.Len(t, all, 1)
	assert.Equal(t, "cloudwarden.error_rate.anomaly", all[0].Rule.UUID)
	assert.Equal(t, detection.SeverityHigh, all[0].Severity)
	assert.Contains(t, all[0].Reason, "40.0% (160 of 400 requests)")
	assert.Contains(t, all[0].Reason, "anomalous 3 windows in a row")
}

// One bad minute in three for half an hour never reaches 5 of 10; 8 of 30 does.
func TestShortPulsesFire(t *testing.T) {
	for _, tc := range []struct {
		name  string
		every int
		want  int
	}{
		{"a pulse every 3 minutes", 3, 2}, // at the 8th pulse and after realert
		{"a pulse every 5 minutes", 5, 0}, // 6 of 30: below the pulse count
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDetector(t, nil)
			require.Empty(t, warm(d, "api", t0, 60, 1))
			var all detection.Findings
			for m := 60; m < 100; m++ {
				bad := 1
				if (m-60)%tc.every == 0 {
					bad = 60
				}
				all = append(all, minute(d, "api", t0.Add(time.Duration(m)*time.Minute), 200, bad)...)
			}
			require.Len(t, all, tc.want)
			if tc.want > 0 {
				assert.Contains(t, all[0].Reason, "anomalous 1 windows in a row, 4 of the last 10, 8 of the last 30 (repeated pulses).")
				assert.Equal(t, t0.Add(82*time.Minute), all[0].Time.AsTime().Truncate(time.Minute))
			}
		})
	}
}
