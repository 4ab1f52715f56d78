package window

import (
	"math"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRingAddAndSum(t *testing.T) {
	var r Ring64
	res := r.Add(100, 5, 1, 10)
	assert.True(t, res.First)
	res = r.Add(100, 5, 2, 10)
	assert.Equal(t, Result{}, res)
	res = r.Add(102, 5, 0, 5)
	assert.Equal(t, int64(2), res.Advanced)
	assert.Equal(t, int64(100), res.Previous)
	// late but within lateness: lands in bucket 101
	res = r.Add(101, 5, 1, 1)
	assert.False(t, res.Late)
	assert.Equal(t, Bucket{Bad: 4, Total: 26}, r.Sum(102, 3))
	assert.Equal(t, Bucket{Bad: 1, Total: 6}, r.Sum(102, 2))
	// older than the lateness bound: dropped
	res = r.Add(96, 5, 1, 1)
	assert.True(t, res.Late)
	// a jump longer than the ring clears everything
	res = r.Add(1000, 5, 0, 1)
	assert.Equal(t, int64(898), res.Advanced)
	assert.Equal(t, Bucket{Total: 1}, r.Sum(1000, 64))
	n, ok := r.Newest()
	assert.True(t, ok)
	assert.Equal(t, int64(1000), n)
}

func TestRingOverwritesOldSlots(t *testing.T) {
	var r Ring16
	for i := int64(0); i < 20; i++ {
		r.Add(i, 2, 1, 1)
	}
	// only the 16 newest buckets remain
	assert.Equal(t, Bucket{Bad: 16, Total: 16}, r.Sum(19, 100))
	assert.Equal(t, Bucket{Bad: 3, Total: 3}, r.Sum(19, 3))
	// a window ending before the ring's content
	assert.Equal(t, Bucket{}, r.Sum(2, 2))
}

func TestIndexNegative(t *testing.T) {
	assert.Equal(t, int64(-1), Index(-1, 60))
	assert.Equal(t, int64(0), Index(59, 60))
	assert.Equal(t, int64(1), Index(60, 60))
}

func TestBucketSaturates(t *testing.T) {
	b := Bucket{Bad: math.MaxUint32 - 1, Total: math.MaxUint32 - 1}
	b.Add(5, 5)
	assert.Equal(t, uint32(math.MaxUint32), b.Total)
	assert.Equal(t, 1.0, Bucket{Bad: 9, Total: 3}.Ratio())
	assert.Equal(t, 0.0, Bucket{}.Ratio())
}

func TestBaseline(t *testing.T) {
	var b Baseline
	for _, x := range []float64{1, 2, 3} {
		b.Update(x, 0.01)
	}
	assert.InDelta(t, 2.0, b.Mean, 1e-9)
	require.Greater(t, b.Var, 0.0)
	b.Decay(10, 0.1)
	assert.InDelta(t, 2.0*math.Pow(0.9, 10), b.Mean, 1e-9)
	assert.Equal(t, uint32(13), b.N)
}

func TestSizes(t *testing.T) {
	assert.Equal(t, uintptr(520), unsafe.Sizeof(Ring64{}))
	assert.Equal(t, uintptr(136), unsafe.Sizeof(Ring16{}))
	assert.Equal(t, uintptr(24), unsafe.Sizeof(Baseline{}))
}

func TestBaselineClipped(t *testing.T) {
	b := Baseline{Mean: 0.01, Var: 1e-6, N: 100}
	b.UpdateClipped(0.5, 0.01, 0.004)
	assert.InDelta(t, 0.01+0.01*0.49, b.Mean, 1e-12)
	assert.InDelta(t, 0.99*(1e-6+0.01*0.004*0.004), b.Var, 1e-15)
}
