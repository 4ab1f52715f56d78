package churn

import (
	"encoding/binary"
	"errors"
	"math"
)

// StateKey names the detector's entry in the storage extension.
func (d *Detector) StateKey() string { return "scaling_churn" }

const snapshotVersion = 1

// Snapshot encodes each group's baselines and hour-of-day profile (about 150 bytes
// per group plus its name); the rolling window itself refills after a restart.
func (d *Detector) Snapshot() ([]byte, error) {
	buf := make([]byte, 0, 8+d.groups.Len()*160)
	buf = append(buf, 'S', 'C', snapshotVersion)
	buf = binary.AppendUvarint(buf, uint64(d.groups.Len()))
	var hashes []uint64
	d.groups.Range(func(k uint64, _ *groupState) bool { hashes = append(hashes, k); return true })
	for i := len(hashes) - 1; i >= 0; i-- { // least recently used first
		g, _ := d.groups.Peek(hashes[i])
		buf = binary.LittleEndian.AppendUint64(buf, hashes[i])
		buf = binary.AppendUvarint(buf, uint64(len(g.name)))
		buf = append(buf, g.name...)
		for _, b := range []struct {
			m, v float64
			n    uint32
		}{{g.actions.Mean, g.actions.Var, g.actions.N}, {g.flips.Mean, g.flips.Var, g.flips.N}} {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(b.m))
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(b.v))
			buf = binary.LittleEndian.AppendUint32(buf, b.n)
		}
		for _, h := range g.hourly {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(h))
		}
		buf = append(buf, byte(g.lastDir))
	}
	return buf, nil
}

var errCorrupt = errors.New("scaling_churn: corrupt snapshot")

// Restore loads baselines written by Snapshot.
func (d *Detector) Restore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) < 3 || b[0] != 'S' || b[1] != 'C' || b[2] != snapshotVersion {
		return errCorrupt
	}
	b = b[3:]
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return errCorrupt
	}
	b = b[k:]
	const fixed = 2*20 + 24*4 + 1
	for i := uint64(0); i < n; i++ {
		if len(b) < 8 {
			return errCorrupt
		}
		h := binary.LittleEndian.Uint64(b)
		b = b[8:]
		ln, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < ln+fixed {
			return errCorrupt
		}
		name := string(b[k : k+int(ln)])
		b = b[k+int(ln):]
		g, _ := d.groups.GetOrCreate(h)
		g.name = name
		g.actions.Mean = math.Float64frombits(binary.LittleEndian.Uint64(b))
		g.actions.Var = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
		g.actions.N = binary.LittleEndian.Uint32(b[16:])
		g.flips.Mean = math.Float64frombits(binary.LittleEndian.Uint64(b[20:]))
		g.flips.Var = math.Float64frombits(binary.LittleEndian.Uint64(b[28:]))
		g.flips.N = binary.LittleEndian.Uint32(b[36:])
		b = b[40:]
		for j := range g.hourly {
			g.hourly[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
		b = b[96:]
		g.lastDir = int8(b[0])
		b = b[1:]
	}
	return nil
}
