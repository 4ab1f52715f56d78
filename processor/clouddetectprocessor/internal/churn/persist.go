package churn

import (
	"errors"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/snapshot"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/window"
)

// StateKey names the detector's entry in the storage extension.
func (d *Detector) StateKey() string { return "scaling_churn" }

// Snapshot layout: "SC", version, uvarint count, then per group (least recently used
// first): u64 key, name (length-prefixed), actions and flips baselines (f64 mean, f64
// variance, u32 count each), 24 f32 hourly values, i8 last direction.
const (
	snapshotMagic   = "SC"
	snapshotVersion = 1
)

// Snapshot encodes each group's baselines and hour-of-day profile (about 150 bytes
// per group plus its name); the rolling window itself refills after a restart.
func (d *Detector) Snapshot() ([]byte, error) {
	w := snapshot.NewWriter(snapshotMagic, snapshotVersion, 5+d.groups.Len()*160)
	snapshot.AppendMap(&w, d.groups, func(w *snapshot.Writer, g *groupState) {
		w.String(g.name)
		writeBaseline(w, &g.actions)
		writeBaseline(w, &g.flips)
		for _, h := range g.hourly {
			w.F32(h)
		}
		w.Byte(byte(g.lastDir))
	})
	return w.Bytes(), nil
}

func writeBaseline(w *snapshot.Writer, b *window.Baseline) {
	w.F64(b.Mean)
	w.F64(b.Var)
	w.U32(b.N)
}

func readBaseline(r *snapshot.Reader) window.Baseline {
	mean, vr := r.F64(), r.F64()
	return window.Baseline{Mean: mean, Var: vr, N: r.U32()}
}

var errCorrupt = errors.New("scaling_churn: corrupt snapshot")

// Restore loads baselines written by Snapshot.
func (d *Detector) Restore(b []byte) error {
	r, n, ok := snapshot.Open(b, snapshotMagic, snapshotVersion)
	if !ok {
		return errCorrupt
	}
	for i := uint64(0); i < n; i++ {
		h := r.U64()
		name := r.String()
		actions := readBaseline(&r)
		flips := readBaseline(&r)
		var hourly [24]float32
		for j := range hourly {
			hourly[j] = r.F32()
		}
		dir := int8(r.Byte())
		if !r.OK() {
			return errCorrupt
		}
		g, _ := d.groups.GetOrCreate(h)
		g.name = name
		g.actions, g.flips = actions, flips
		g.hourly = hourly
		g.lastDir = dir
	}
	return nil
}
