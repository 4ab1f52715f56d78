package saturation

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

// seriesKey hashes a series identity (subject, metric name, point attributes)
// without allocating. Attributes are combined with a sum of per-pair hashes, so their
// order does not matter.
func seriesKey(subj, metric string, attrs pcommon.Map) uint64 {
	h := keyed.Sep(keyed.HashString(keyed.Seed, subj))
	h = keyed.Sep(keyed.HashString(h, metric))
	var sum uint64
	attrs.Range(func(k string, v pcommon.Value) bool {
		sum += pairHash(k, v)
		return true
	})
	return mix(h ^ sum)
}

func pairHash(k string, v pcommon.Value) uint64 {
	h := keyed.Sep(keyed.HashString(keyed.Seed, k))
	switch v.Type() {
	case pcommon.ValueTypeStr:
		h = keyed.HashString(h, v.Str())
	case pcommon.ValueTypeInt:
		h = hashU64(h, uint64(v.Int()))
	case pcommon.ValueTypeDouble:
		h = hashU64(h, math.Float64bits(v.Double()))
	case pcommon.ValueTypeBool:
		if v.Bool() {
			h = hashU64(h, 1)
		} else {
			h = hashU64(h, 2)
		}
	default:
		// Maps, slices and bytes are rare on metric points; AsString allocates.
		h = keyed.HashString(h, v.AsString())
	}
	return mix(h)
}

func hashU64(h, x uint64) uint64 {
	for i := 0; i < 8; i++ {
		h ^= x & 0xff
		h *= 1099511628211
		x >>= 8
	}
	return h
}

// mix is a 64-bit finaliser (splitmix64) so the sum of pair hashes stays well spread.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
