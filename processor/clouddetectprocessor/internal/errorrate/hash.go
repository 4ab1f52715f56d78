package errorrate

import (
	"hash/maphash"
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Counter-series identity only lives in memory (deltas are not persisted), so it uses
// the runtime's AES-based string hash with a per-process seed: several times faster
// than byte-wise FNV on the long attribute sets of metric series.
var seriesSeed = maphash.MakeSeed()

// mix is a 64-bit finaliser (SplitMix64) that folds one part into the running hash.
func mix(h, x uint64) uint64 {
	h ^= x + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

func hashStr(h uint64, s string) uint64 { return mix(h, maphash.String(seriesSeed, s)) }

// hashMap folds a map's keys and scalar values into h without allocating. Attribute
// order is part of the hash: OTel SDKs and the collector keep it stable per series.
func hashMap(h uint64, m pcommon.Map) uint64 {
	for k, v := range m.All() {
		h = hashStr(h, k)
		h = hashValue(h, v)
	}
	return h
}

func hashValue(h uint64, v pcommon.Value) uint64 {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return hashStr(h, v.Str())
	case pcommon.ValueTypeInt:
		return mix(h, uint64(v.Int()))
	case pcommon.ValueTypeDouble:
		return mix(h, math.Float64bits(v.Double()))
	case pcommon.ValueTypeBool:
		if v.Bool() {
			return mix(h, 1)
		}
		return mix(h, 2)
	default:
		// maps, slices and bytes do not identify request-count series in practice
		return mix(h, 0xdead0000|uint64(v.Type()))
	}
}
