package abuse

import (
	"encoding/binary"
	"errors"
)

// StateKey names the detector's entry in the storage extension.
func (d *Detector) StateKey() string { return "abuse" }

const snapshotVersion = 1

// Snapshot keeps the learned group→service mappings as (group, service) pairs (signals
// are minutes old at most and not worth keeping over a restart; configured mappings are
// rebuilt from config, and win over a restored learned one).
func (d *Detector) Snapshot() ([]byte, error) {
	buf := []byte{'A', 'B', snapshotVersion}
	var hashes []uint64
	d.groups.Range(func(k uint64, e *groupEntry) bool {
		if e.source == srcLearned {
			hashes = append(hashes, k)
		}
		return true
	})
	buf = binary.AppendUvarint(buf, uint64(len(hashes)))
	for i := len(hashes) - 1; i >= 0; i-- {
		e, _ := d.groups.Peek(hashes[i])
		buf = appendString(buf, e.group)
		buf = appendString(buf, e.service)
	}
	return buf, nil
}

var errCorrupt = errors.New("abuse: corrupt snapshot")

// Restore loads mappings written by Snapshot.
func (d *Detector) Restore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) < 3 || b[0] != 'A' || b[1] != 'B' || b[2] != snapshotVersion {
		return errCorrupt
	}
	b = b[3:]
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return errCorrupt
	}
	b = b[k:]
	for i := uint64(0); i < n; i++ {
		var group, svc string
		var ok bool
		if group, b, ok = readString(b); !ok {
			return errCorrupt
		}
		if svc, b, ok = readString(b); !ok {
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
