package saturation

import (
	"fmt"
	"testing"
	"time"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// BenchmarkDetectPoint scores points of 10,000 existing series (the steady state:
// no key is created, nothing is detected).
func BenchmarkDetectPoint(b *testing.B) {
	d, err := New(DefaultConfig(), nil)
	if err != nil {
		b.Fatal(err)
	}
	const nSeries = 10_000
	points := make([]*detection.Point, nSeries)
	for i := range points {
		f := newFeeder(fmt.Sprintf("svc-%d", i%500), "", "system.cpu.utilization", "1",
			map[string]any{"cpu": fmt.Sprintf("cpu%d", i/500), "state": "user"})
		points[i] = f.point(base, 0.4)
	}
	var out detection.Findings
	step := int64(time.Minute)
	// Warm every series up.
	for r := range 50 {
		for _, p := range points {
			p.Time += pcommon.Timestamp(step)
			p.Value = 0.4 + 0.01*float64(r%3)
			d.DetectPoint(p, &out)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := points[i%nSeries]
		p.Time += pcommon.Timestamp(step)
		p.Value = 0.4 + 0.01*float64(i%3)
		out = out[:0]
		d.DetectPoint(p, &out)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(unsafe.Sizeof(series{})), "B/series")
}
