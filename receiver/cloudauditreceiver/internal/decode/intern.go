package decode

import "hash/maphash"

// interner is a small direct-mapped cache of strings. Audit events repeat the same keys
// and many values (event sources, regions, types, user agents) in every record; a hit
// returns the string already made instead of allocating a copy. Unique values (ids,
// timestamps) simply replace each other in their slot, so memory stays fixed.
type interner struct {
	seed  maphash.Seed
	slots [4096]string
}

// maxIntern: longer strings are rarely repeated. User agents (up to ~200 bytes) and
// role-session ARNs repeat in every call of a client, so they fit.
const maxIntern = 256

func (in *interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxIntern {
		return string(b)
	}
	slot := &in.slots[maphash.Bytes(in.seed, b)&(uint64(len(in.slots))-1)]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}
