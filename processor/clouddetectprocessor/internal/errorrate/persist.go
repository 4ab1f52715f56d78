package errorrate

import (
	"errors"
	"math"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/snapshot"
)

// StateKey names the detector's entry in the storage extension.
func (d *Detector) StateKey() string { return "error_rate" }

// Snapshot layout: "ER", version, uvarint count, then per key (least recently used
// first, so a restore into a smaller bound keeps the recent keys): u64 key, service and
// route (length-prefixed), f64 mean, f64 variance, uvarint count.
const (
	snapshotMagic   = "ER"
	snapshotVersion = 1
)

// Snapshot encodes the learned baselines (not the buckets: after a restart the windows
// refill within minutes, the baseline would take hours). Per key: hash, service, route,
// mean, variance, count — about 40 bytes plus the names.
func (d *Detector) Snapshot() ([]byte, error) {
	w := snapshot.NewWriter(snapshotMagic, snapshotVersion, 5+d.keys.Len()*64)
	snapshot.AppendMap(&w, d.keys, func(w *snapshot.Writer, s *keyState) {
		w.String(s.service)
		w.String(s.route)
		w.F64(s.base.Mean)
		w.F64(s.base.Var)
		w.Uvarint(uint64(s.base.N))
	})
	return w.Bytes(), nil
}

var errCorrupt = errors.New("error_rate: corrupt snapshot")

// Restore loads baselines written by Snapshot.
func (d *Detector) Restore(b []byte) error {
	r, n, ok := snapshot.Open(b, snapshotMagic, snapshotVersion)
	if !ok {
		return errCorrupt
	}
	for i := uint64(0); i < n; i++ {
		h := r.U64()
		svc, route := r.String(), r.String()
		mean, vr := r.F64(), r.F64()
		cnt := r.Uvarint()
		if !r.OK() || cnt > math.MaxUint32 {
			return errCorrupt
		}
		s, _ := d.keys.GetOrCreate(h)
		s.service, s.route = svc, route
		s.base.Mean, s.base.Var, s.base.N = mean, vr, uint32(cnt)
	}
	return nil
}
