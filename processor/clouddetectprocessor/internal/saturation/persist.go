package saturation

import (
	"encoding/binary"
	"errors"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/anomaly"
)

// Snapshot layout (little endian), version 2:
//
//	u8 version
//	u32 series count, then per series: u64 key, i64 highSince, lastHigh, lastAnomaly,
//	    u8 flags (bit 0: highLowered), recurrence (u8 seen[48], u16 peak[48],
//	    u16 today[48], i32 day), anomaly.State
//	u32 group count, then per group: u64 key, i64 first, last, lastHit, u32 pins
//
// Version 1 (no flags, no recurrence) is still read: the recurrence memory then
// starts empty. Entries are written least recently used first, so restoring them in
// order rebuilds the same recency.
const (
	snapshotVersion   = 2
	snapshotVersionV1 = 1
)

const (
	recurRecord    = recurSlots + 2*2*recurSlots + 4
	seriesRecordV1 = 8 + 3*8 + anomaly.EncodedSize
	seriesRecord   = seriesRecordV1 + 1 + recurRecord
	groupRecord    = 8 + 3*8 + 4
)

// StateKey implements detection.Persistent.
func (d *Detector) StateKey() string { return "saturation" }

// Snapshot implements detection.Persistent.
func (d *Detector) Snapshot() ([]byte, error) {
	le := binary.LittleEndian
	b := make([]byte, 0, 9+d.series.Len()*seriesRecord+d.groups.Len()*groupRecord)
	b = append(b, snapshotVersion)
	b = le.AppendUint32(b, uint32(d.series.Len()))
	d.series.RangeOldest(func(k uint64, s *series) bool {
		b = le.AppendUint64(b, k)
		b = le.AppendUint64(b, uint64(s.highSince))
		b = le.AppendUint64(b, uint64(s.lastHigh))
		b = le.AppendUint64(b, uint64(s.lastAnomaly))
		var flags byte
		if s.highLowered {
			flags = 1
		}
		b = append(b, flags)
		b = s.recur.appendBinary(b)
		b = s.st.AppendBinary(b)
		return true
	})
	b = le.AppendUint32(b, uint32(d.groups.Len()))
	d.groups.RangeOldest(func(k uint64, g *group) bool {
		b = le.AppendUint64(b, k)
		b = le.AppendUint64(b, uint64(g.first))
		b = le.AppendUint64(b, uint64(g.last))
		b = le.AppendUint64(b, uint64(g.lastHit))
		b = le.AppendUint32(b, g.pins)
		return true
	})
	return b, nil
}

var errSnapshot = errors.New("saturation: bad snapshot")

// Restore implements detection.Persistent. Entries beyond max_keys evict the least
// recently used, as live traffic would.
func (d *Detector) Restore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	le := binary.LittleEndian
	version := b[0]
	if version != snapshotVersion && version != snapshotVersionV1 || len(b) < 5 {
		return errSnapshot
	}
	record := seriesRecord
	if version == snapshotVersionV1 {
		record = seriesRecordV1
	}
	b = b[1:]
	n := int(le.Uint32(b))
	b = b[4:]
	for range n {
		if len(b) < record {
			return errSnapshot
		}
		var s series
		k := le.Uint64(b)
		s.highSince = int64(le.Uint64(b[8:]))
		s.lastHigh = int64(le.Uint64(b[16:]))
		s.lastAnomaly = int64(le.Uint64(b[24:]))
		b = b[32:]
		if version != snapshotVersionV1 {
			s.highLowered = b[0]&1 != 0
			s.recur.decodeBinary(b[1:])
			b = b[1+recurRecord:]
		}
		rest, err := s.st.DecodeBinary(b)
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

func (r *recurrence) appendBinary(b []byte) []byte {
	le := binary.LittleEndian
	b = append(b, r.seen[:]...)
	for _, v := range r.peak {
		b = le.AppendUint16(b, v)
	}
	for _, v := range r.today {
		b = le.AppendUint16(b, v)
	}
	return le.AppendUint32(b, uint32(r.day))
}

// decodeBinary reads recurRecord bytes (the caller checked the length).
func (r *recurrence) decodeBinary(b []byte) {
	le := binary.LittleEndian
	p := copy(r.seen[:], b)
	for i := range r.peak {
		r.peak[i] = le.Uint16(b[p:])
		p += 2
	}
	for i := range r.today {
		r.today[i] = le.Uint16(b[p:])
		p += 2
	}
	r.day = int32(le.Uint32(b[p:]))
}
