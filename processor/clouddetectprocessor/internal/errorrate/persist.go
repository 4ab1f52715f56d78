package errorrate

import (
	"encoding/binary"
	"errors"
	"math"
)

// StateKey names the detector's entry in the storage extension.
func (d *Detector) StateKey() string { return "error_rate" }

const snapshotVersion = 1

// Snapshot encodes the learned baselines (not the buckets: after a restart the windows
// refill within minutes, the baseline would take hours). Per key: hash, service, route,
// mean, variance, count — about 40 bytes plus the names.
func (d *Detector) Snapshot() ([]byte, error) {
	buf := make([]byte, 0, 8+d.keys.Len()*64)
	buf = append(buf, 'E', 'R', snapshotVersion)
	buf = binary.AppendUvarint(buf, uint64(d.keys.Len()))
	// least recently used first, so a restore into a smaller bound keeps the recent keys
	var hashes []uint64
	d.keys.Range(func(k uint64, _ *keyState) bool { hashes = append(hashes, k); return true })
	for i := len(hashes) - 1; i >= 0; i-- {
		s, _ := d.keys.Peek(hashes[i])
		buf = binary.LittleEndian.AppendUint64(buf, hashes[i])
		buf = appendString(buf, s.service)
		buf = appendString(buf, s.route)
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(s.base.Mean))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(s.base.Var))
		buf = binary.AppendUvarint(buf, uint64(s.base.N))
	}
	return buf, nil
}

var errCorrupt = errors.New("error_rate: corrupt snapshot")

// Restore loads baselines written by Snapshot.
func (d *Detector) Restore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) < 3 || b[0] != 'E' || b[1] != 'R' || b[2] != snapshotVersion {
		return errCorrupt
	}
	b = b[3:]
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return errCorrupt
	}
	b = b[k:]
	for i := uint64(0); i < n; i++ {
		if len(b) < 8 {
			return errCorrupt
		}
		h := binary.LittleEndian.Uint64(b)
		b = b[8:]
		var svc, route string
		var ok bool
		if svc, b, ok = readString(b); !ok {
			return errCorrupt
		}
		if route, b, ok = readString(b); !ok {
			return errCorrupt
		}
		if len(b) < 16 {
			return errCorrupt
		}
		mean := math.Float64frombits(binary.LittleEndian.Uint64(b))
		vr := math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
		b = b[16:]
		cnt, k := binary.Uvarint(b)
		if k <= 0 || cnt > math.MaxUint32 {
			return errCorrupt
		}
		b = b[k:]
		s, _ := d.keys.GetOrCreate(h)
		s.service, s.route = svc, route
		s.base.Mean, s.base.Var, s.base.N = mean, vr, uint32(cnt)
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func readString(b []byte) (string, []byte, bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return "", nil, false
	}
	return string(b[k : k+int(n)]), b[k+int(n):], true
}
