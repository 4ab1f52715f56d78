package saturation

import (
	"encoding/binary"
	"errors"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/anomaly"
)

// Snapshot layout (little endian), version 1:
//
//	u8 version
//	u32 series count, then per series: u64 key, i64 highSince, lastHigh, lastAnomaly, anomaly.State
//	u32 group count, then per group: u64 key, i64 first, last, lastHit, u32 pins
//
// Entries are written least recently used first, so restoring them in order
// rebuilds the same recency.
const snapshotVersion = 1

const (
	seriesRecord = 8 + 3*8 + anomaly.EncodedSize
	groupRecord  = 8 + 3*8 + 4
)

// StateKey implements detection.Persistent.
func (d *Detector) StateKey() string { return "saturation" }

// Snapshot implements detection.Persistent.
func (d *Detector) Snapshot() ([]byte, error) {
	le := binary.LittleEndian
	b := make([]byte, 0, 9+d.series.Len()*seriesRecord+d.groups.Len()*groupRecord)
	b = append(b, snapshotVersion)
	b = le.AppendUint32(b, uint32(d.series.Len()))
	for _, k := range reverseKeys(d.series.Len(), d.series.Range) {
		s, _ := d.series.Peek(k)
		b = le.AppendUint64(b, k)
		b = le.AppendUint64(b, uint64(s.highSince))
		b = le.AppendUint64(b, uint64(s.lastHigh))
		b = le.AppendUint64(b, uint64(s.lastAnomaly))
		b = s.st.AppendBinary(b)
	}
	b = le.AppendUint32(b, uint32(d.groups.Len()))
	for _, k := range reverseKeys(d.groups.Len(), d.groups.Range) {
		g, _ := d.groups.Peek(k)
		b = le.AppendUint64(b, k)
		b = le.AppendUint64(b, uint64(g.first))
		b = le.AppendUint64(b, uint64(g.last))
		b = le.AppendUint64(b, uint64(g.lastHit))
		b = le.AppendUint32(b, g.pins)
	}
	return b, nil
}

// reverseKeys lists keys from least to most recently used.
func reverseKeys[V any](n int, rng func(func(uint64, *V) bool)) []uint64 {
	keys := make([]uint64, 0, n)
	rng(func(k uint64, _ *V) bool { keys = append(keys, k); return true })
	for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
		keys[i], keys[j] = keys[j], keys[i]
	}
	return keys
}

var errSnapshot = errors.New("saturation: bad snapshot")

// Restore implements detection.Persistent. Entries beyond max_keys evict the least
// recently used, as live traffic would.
func (d *Detector) Restore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	le := binary.LittleEndian
	if b[0] != snapshotVersion || len(b) < 5 {
		return errSnapshot
	}
	b = b[1:]
	n := int(le.Uint32(b))
	b = b[4:]
	for range n {
		if len(b) < seriesRecord {
			return errSnapshot
		}
		var s series
		k := le.Uint64(b)
		s.highSince = int64(le.Uint64(b[8:]))
		s.lastHigh = int64(le.Uint64(b[16:]))
		s.lastAnomaly = int64(le.Uint64(b[24:]))
		rest, err := s.st.DecodeBinary(b[32:])
		if err != nil {
			return err
		}
		b = rest
		v, _ := d.series.GetOrCreate(k)
		*v = s
	}
	if len(b) < 4 {
		return errSnapshot
	}
	n = int(le.Uint32(b))
	b = b[4:]
	for range n {
		if len(b) < groupRecord {
			return errSnapshot
		}
		v, _ := d.groups.GetOrCreate(le.Uint64(b))
		v.first = int64(le.Uint64(b[8:]))
		v.last = int64(le.Uint64(b[16:]))
		v.lastHit = int64(le.Uint64(b[24:]))
		v.pins = le.Uint32(b[32:])
		b = b[groupRecord:]
	}
	if len(b) != 0 {
		return errSnapshot
	}
	return nil
}
