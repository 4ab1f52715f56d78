package anomaly

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const step = int64(5 * time.Minute)

// t0 is midnight UTC, so day boundaries fall on bucket boundaries.
var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC).UnixNano()

func newScorer(t *testing.T) *Scorer {
	t.Helper()
	s, err := New(DefaultConfig())
	require.NoError(t, err)
	return s
}

// run feeds values at 5-minute steps and returns the indexes of alerts and the
// scores.
func run(s *Scorer, st *State, start int, xs []float64) (alerts []int, scores []float64) {
	for i, x := range xs {
		r := s.Update(st, t0+int64(start+i)*step, x)
		if r.Alert {
			alerts = append(alerts, start+i)
		}
		scores = append(scores, r.Score)
	}
	return alerts, scores
}

func noise(rng *rand.Rand, n int, level, sd float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = level + sd*rng.NormFloat64()
	}
	return xs
}

func TestFlatWithNoiseDoesNotAlert(t *testing.T) {
	s := newScorer(t)
	var st State
	rng := rand.New(rand.NewPCG(1, 2))
	alerts, scores := run(s, &st, 0, noise(rng, 3000, 0.4, 0.02))
	assert.Empty(t, alerts)
	for i, sc := range scores {
		require.True(t, sc >= 0 && sc <= 1, "score %v at %d outside [0,1]", sc, i)
	}
}

func TestStepChangeAlertsQuickly(t *testing.T) {
	s := newScorer(t)
	var st State
	rng := rand.New(rand.NewPCG(3, 4))
	xs := noise(rng, 600, 0.3, 0.02)
	alerts, _ := run(s, &st, 0, xs)
	require.Empty(t, alerts)
	alerts, scores := run(s, &st, 600, noise(rng, 50, 0.8, 0.02))
	require.NotEmpty(t, alerts, "a step of 25 sigma must alert")
	assert.LessOrEqual(t, alerts[0]-600, 4, "alert within Sustain+1 points of the step")
	assert.Equal(t, 1.0, scores[0], "a new extreme scores 1 at once")
	assert.Len(t, alerts, 1, "one alert per episode (hold)")
}

func TestSingleSpikeIsNotSustained(t *testing.T) {
	s := newScorer(t)
	var st State
	rng := rand.New(rand.NewPCG(5, 6))
	xs := noise(rng, 1200, 0.3, 0.02)
	xs[800] = 0.95
	alerts, scores := run(s, &st, 0, xs)
	assert.Empty(t, alerts)
	assert.Greater(t, scores[800], 0.5, "the spike itself scores high")
}

func TestDailyCycleIsLearned(t *testing.T) {
	s := newScorer(t)
	var st State
	rng := rand.New(rand.NewPCG(7, 8))
	const perDay = 288
	xs := make([]float64, 4*perDay)
	for i := range xs {
		phase := 2 * math.Pi * float64(i%perDay) / perDay
		xs[i] = 0.5 + 0.35*math.Sin(phase) + 0.01*rng.NormFloat64() // peak 0.85 at 06:00
	}
	alerts, scores := run(s, &st, 0, xs)
	for _, a := range alerts {
		assert.Less(t, a, perDay, "no alert once a day was learned (alert at point %d)", a)
	}
	peak2 := scores[perDay+perDay/4-3 : perDay+perDay/4+3]
	for _, sc := range peak2 {
		assert.Less(t, sc, 0.5, "second day's peak is expected")
	}
}

func TestOutOfOrderPoints(t *testing.T) {
	s := newScorer(t)
	var st State
	rng := rand.New(rand.NewPCG(9, 10))
	run(s, &st, 0, noise(rng, 100, 0.5, 0.01))
	n := st.Points()
	newest := st.clock.Max

	// Within the lateness (5m default): scored, not learned.
	r := s.Update(&st, newest-int64(4*time.Minute), 0.5)
	assert.False(t, r.Dropped)
	assert.Equal(t, uint32(1), st.Late)
	assert.Equal(t, n, st.Points())
	assert.Equal(t, newest, st.clock.Max)

	// Beyond it: dropped and counted.
	r = s.Update(&st, newest-int64(time.Hour), 0.9)
	assert.True(t, r.Dropped)
	assert.Zero(t, r.Score)
	assert.Equal(t, uint32(1), st.Dropped)
	assert.Equal(t, n, st.Points())

	// A late anomalous value still scores.
	r = s.Update(&st, newest-int64(time.Minute), 5)
	assert.Greater(t, r.Score, 0.5)

	// NaN is dropped.
	r = s.Update(&st, newest+step, math.NaN())
	assert.True(t, r.Dropped)
}

func TestEncodingRoundTrip(t *testing.T) {
	s := newScorer(t)
	var st State
	rng := rand.New(rand.NewPCG(11, 12))
	run(s, &st, 0, noise(rng, 500, 0.5, 0.05))
	b := st.AppendBinary(nil)
	require.Len(t, b, EncodedSize)
	var back State
	rest, err := back.DecodeBinary(append(b, 0xAB))
	require.NoError(t, err)
	assert.Equal(t, []byte{0xAB}, rest)
	assert.Equal(t, st, back)
	// Same future behaviour.
	r1 := s.Update(&st, t0+501*step, 0.9)
	r2 := s.Update(&back, t0+501*step, 0.9)
	assert.Equal(t, r1, r2)

	_, err = back.DecodeBinary(b[:10])
	assert.ErrorIs(t, err, ErrEncoding)
}

func TestStateSize(t *testing.T) {
	size := unsafe.Sizeof(State{})
	t.Logf("anomaly.State: %d bytes per series", size)
	assert.Less(t, size, uintptr(1024))
}

func TestValidate(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"negative season": func(c *Config) { c.Season = -1 },
		"zero half-life":  func(c *Config) { c.LevelHalfLife = 0 },
		"short too big":   func(c *Config) { c.ShortWindow = 17 },
		"sustain zero":    func(c *Config) { c.Sustain = 0 },
		"alert score":     func(c *Config) { c.AlertScore = 1.5 },
	} {
		c := DefaultConfig()
		mut(&c)
		assert.Error(t, c.Validate(), name)
	}
	c := DefaultConfig()
	assert.NoError(t, c.Validate())
}
