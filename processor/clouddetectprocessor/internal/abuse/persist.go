package abuse

import (
	"errors"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/snapshot"
)

// StateKey names the detector's entry in the storage extension.
func (d *Detector) StateKey() string { return "abuse" }

// Snapshot layout: "AB", version, uvarint count, then per learned mapping (least
// recently used first) the group and service as length-prefixed strings.
const (
	snapshotMagic   = "AB"
	snapshotVersion = 1
)

// Snapshot keeps the learned group→service mappings as (group, service) pairs (signals
// are minutes old at most and not worth keeping over a restart; configured mappings are
// rebuilt from config, and win over a restored learned one).
func (d *Detector) Snapshot() ([]byte, error) {
	learned := 0
	d.groups.RangeOldest(func(_ uint64, e *groupEntry) bool {
		if e.source == srcLearned {
			learned++
		}
		return true
	})
	w := snapshot.NewWriter(snapshotMagic, snapshotVersion, 0)
	w.Uvarint(uint64(learned))
	d.groups.RangeOldest(func(_ uint64, e *groupEntry) bool {
		if e.source == srcLearned {
			w.String(e.group)
			w.String(e.service)
		}
		return true
	})
	return w.Bytes(), nil
}

var errCorrupt = errors.New("abuse: corrupt snapshot")

// Restore loads mappings written by Snapshot.
func (d *Detector) Restore(b []byte) error {
	r, n, ok := snapshot.Open(b, snapshotMagic, snapshotVersion)
	if !ok {
		return errCorrupt
	}
	for i := uint64(0); i < n; i++ {
		group, svc := r.String(), r.String()
		if !r.OK() {
			return errCorrupt
		}
		e, created := d.groups.GetOrCreate(hashName(group))
		if created {
			d.resolve(e, group)
		}
		if e.source == srcConfig {
			continue
		}
		*e = groupEntry{service: svc, group: group, source: srcLearned}
	}
	return nil
}
