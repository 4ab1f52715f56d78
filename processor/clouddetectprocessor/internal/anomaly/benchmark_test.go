package anomaly

import (
	"testing"
	"unsafe"
)

// BenchmarkUpdate is the scorer alone on one warm series (state in cache).
func BenchmarkUpdate(b *testing.B) {
	s, err := New(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	var st State
	for i := range 2000 {
		s.Update(&st, t0+int64(i)*step, 0.4+0.01*float64(i%3))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Update(&st, t0+int64(2000+i)*step, 0.4+0.01*float64(i%3))
	}
	b.ReportMetric(float64(unsafe.Sizeof(st)), "B/state")
}
