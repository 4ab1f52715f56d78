package exposure

import (
	"testing"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// BenchmarkNetworkRecord measures one network-rule record on its own: without a
// finding (private source) and with two findings (world SSH).
func BenchmarkNetworkRecord(b *testing.B) {
	for name, e := range map[string]ev{
		"private":   sgIngress(withID(in("10.0.0.0/8", "tcp", "5432"), "sgr-0123456789abcdef0")),
		"world-ssh": sgIngress(withID(in("0.0.0.0/0", "tcp", "22"), "sgr-0123456789abcdef1")),
	} {
		b.Run(name, func(b *testing.B) {
			d, err := New(DefaultConfig(), nil)
			if err != nil {
				b.Fatal(err)
			}
			res, rec := build(e)
			out := make(detection.Findings, 0, 8)
			b.ReportAllocs()
			for range b.N {
				d.DetectLog(res, rec, &out)
				out = out[:0]
			}
		})
	}
}
