package stats

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAlphas(t *testing.T) {
	a := AlphaHalfLife(10)
	assert.InDelta(t, 0.5, math.Pow(1-a, 10), 1e-12, "weight halves after n points")
	assert.InDelta(t, 2.0/11, AlphaSpan(10), 1e-12)
	assert.InDelta(t, 1-math.Exp(-1), AlphaTime(5, 5), 1e-12)
	assert.Equal(t, 0.0, AlphaTime(0, 5))
	assert.Equal(t, 1.0, AlphaHalfLife(0))
}

func TestEWMAWarmStart(t *testing.T) {
	var e EWMA
	e.Update(10, 0.01)
	assert.Equal(t, 10.0, e.Mean, "first value taken as is")
	e.Update(20, 0.01)
	assert.Equal(t, 15.0, e.Mean, "plain mean while young")
}

func TestEWMVConverges(t *testing.T) {
	var v EWMV
	for i := range 10000 {
		x := 5.0
		if i%2 == 0 {
			x = 7
		}
		v.Update(x, 0.01)
	}
	assert.InDelta(t, 6, v.Mean, 0.05)
	assert.InDelta(t, 1, v.Std(), 0.05)
	assert.InDelta(t, 1, v.Z(7, 0.1), 0.1)
	assert.Equal(t, 10.0, (&EWMV{Mean: 0}).Z(1, 0.1), "floored std")
}

func TestScaleIsRobust(t *testing.T) {
	var s Scale
	for range 1000 {
		s.Update(1, 0.05, 4)
		s.Update(-1, 0.05, 4)
	}
	before := s.MAD
	s.Update(1e6, 0.05, 4) // one wild residual
	assert.InDelta(t, before, s.MAD, 0.2, "winsorised")
	assert.InDelta(t, MADToSigma, s.Sigma(0), 0.2)
	assert.Equal(t, 3.0, (&Scale{}).Sigma(3))
}

func TestTails(t *testing.T) {
	assert.InDelta(t, 0.5, NormalTail(0), 1e-12)
	assert.InDelta(t, 0.02275, NormalTail(2), 1e-4)
	assert.Equal(t, 0.0, LogTail(1))
	assert.Equal(t, 1.0, LogTail(0))
	assert.InDelta(t, 0.5, LogTail(1e-5), 1e-12)
}

func TestClock(t *testing.T) {
	var c Clock
	lat := int64(time.Minute)
	assert.Equal(t, InOrder, c.Observe(1000, lat))
	assert.Equal(t, InOrder, c.Observe(1000, lat), "equal time is in order")
	assert.Equal(t, Late, c.Observe(1000-lat, lat))
	assert.Equal(t, TooLate, c.Observe(999-lat, lat))
	assert.Equal(t, int64(1000), c.Max)
}

func TestPhase(t *testing.T) {
	noon := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC).UnixNano()
	assert.InDelta(t, 0.5, DayFraction(noon), 1e-12)
	assert.InDelta(t, 0.5, PhaseFraction(noon, int64(24*time.Hour)), 1e-12)
	assert.InDelta(t, 0.75, DayFraction(-int64(6*time.Hour)), 1e-12, "before the epoch")
	assert.Equal(t, 0.0, PhaseFraction(5, 0))
}
