package annotate

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

func TestScoreAgreesWithSeverity(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want int64
	}{
		{-3, 0}, {0, 0}, {9.4, 9}, {9.5, 10}, {19.5, 19}, {19.99, 19}, {20, 20},
		{58.5, 59}, {59.5, 59}, {60.2, 60}, {72.3, 72}, {79.5, 79}, {80.4, 80}, {99.6, 100}, {140, 100},
	} {
		got := Score(tt.in)
		assert.Equal(t, tt.want, got, "Score(%v)", tt.in)
		if tt.in >= 0 && tt.in <= 100 {
			assert.Equal(t, detection.SeverityForScore(tt.in), detection.SeverityForScore(float64(got)),
				"Score(%v) = %d must stay in the band of %v", tt.in, got, tt.in)
		}
	}
}
