package exposure

import (
	"encoding/json"
	"fmt"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

// snapshotVersion changes when the layout below changes; an unknown version is ignored
// on restore (the detector starts cold rather than misreading state).
const snapshotVersion = 1

type entry[V any] struct {
	K uint64 `json:"k"`
	V V      `json:"v"`
}

type snapshot struct {
	Version int                `json:"version"`
	Rules   []entry[ruleJSON]  `json:"rules"`
	Lists   []entry[listState] `json:"lists"`
	Groups  []entry[int64]     `json:"groups"`
	Ops     []entry[opState]   `json:"ops"`
	Seen    []entry[int64]     `json:"seen"`
}

// dump lists entries least recently used first, so restoring in order keeps recency.
func dump[V any](m *keyed.Map[V]) []entry[V] {
	out := make([]entry[V], 0, m.Len())
	m.RangeOldest(func(k uint64, v *V) bool {
		out = append(out, entry[V]{k, *v})
		return true
	})
	return out
}

func load[V any](m *keyed.Map[V], es []entry[V]) {
	for _, e := range es {
		v, _ := m.GetOrCreate(e.K)
		*v = e.V
	}
}

func dumpRules(m *keyed.Map[ruleState]) []entry[ruleJSON] {
	rs := dump(m)
	out := make([]entry[ruleJSON], len(rs))
	for i, e := range rs {
		out[i] = entry[ruleJSON]{e.K, ruleJSON{e.V.Dir, e.V.Action, e.V.Disabled, e.V.Breadth, e.V.PortRisk, e.V.summary()}}
	}
	return out
}

var _ detection.Persistent = (*Detector)(nil)

// StateKey names the detector's entry in the storage client.
func (d *Detector) StateKey() string { return "exposure" }

// Snapshot serialises rule-id, prefix-list, group, operation and first-seen state.
func (d *Detector) Snapshot() ([]byte, error) {
	return json.Marshal(snapshot{
		Version: snapshotVersion,
		Rules:   dumpRules(d.st.rules),
		Lists:   dump(d.st.lists),
		Groups:  dump(d.st.groups),
		Ops:     dump(d.st.ops),
		Seen:    dump(d.st.seen),
	})
}

// Restore replaces the state with a snapshot. Entries beyond the configured bounds are
// evicted oldest first.
func (d *Detector) Restore(b []byte) error {
	var s snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("exposure state: %w", err)
	}
	if s.Version != snapshotVersion {
		return fmt.Errorf("exposure state: unknown version %d", s.Version)
	}
	d.st = newState(&d.cfg)
	for _, e := range s.Rules {
		v, _ := d.st.rules.GetOrCreate(e.K)
		*v = ruleState{Dir: e.V.Dir, Action: e.V.Action, Disabled: e.V.Disabled, Breadth: e.V.Breadth, PortRisk: e.V.PortRisk}
		v.sumLen = uint8(len(appendCap(v.sum[:0], e.V.Summary)))
	}
	load(d.st.lists, s.Lists)
	load(d.st.groups, s.Groups)
	load(d.st.ops, s.Ops)
	load(d.st.seen, s.Seen)
	return nil
}

var _ detection.Stateful = (*Detector)(nil)

// StateStats reports keys held and evictions across all state.
func (d *Detector) StateStats() detection.StateStats {
	var s detection.StateStats
	for _, m := range []interface {
		Len() int
		Evictions() uint64
	}{d.st.rules, d.st.lists, d.st.groups, d.st.ops, d.st.seen} {
		s.Keys += m.Len()
		s.Evictions += m.Evictions()
	}
	return s
}
