package exposure

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

// Directions and actions as stored in state.
const (
	dirUnknown uint8 = iota
	dirIngress
	dirEgress
)

const (
	actAllow uint8 = iota + 1
	actDeny
)

// ruleState is what a rule id was last seen as, so a later change that carries only
// the id (ModifySecurityGroupRules, a GCP patch) knows its direction and previous value.
type ruleState struct {
	Dir      uint8
	Action   uint8
	Disabled bool
	Breadth  float64
	PortRisk float64
	// sum is a short summary ("10.0.0.0/8 tcp 22") kept in place, so remembering a
	// rule allocates nothing; it becomes a string only when a reason quotes it.
	sum    [62]byte
	sumLen uint8
}

func (r *ruleState) summary() string { return string(r.sum[:r.sumLen]) }

// setSummary writes peer, protocol and ports into the fixed buffer, truncating.
func (r *ruleState) setSummary(peer, protocol string, ports pcommon.Slice, hasPorts, all bool) {
	b := r.sum[:0]
	b = appendCap(b, peer)
	b = appendCap(b, " ")
	b = appendCap(b, protocol)
	switch {
	case all:
		b = appendCap(b, " all ports")
	case hasPorts:
		for j := 0; j < ports.Len(); j++ {
			if j == 0 {
				b = appendCap(b, " ")
			} else {
				b = appendCap(b, ",")
			}
			b = appendCap(b, ports.At(j).Str())
		}
	}
	r.sumLen = uint8(len(b))
}

// setSummaryText writes peer and an already rendered protocol/ports text.
func (r *ruleState) setSummaryText(peer, portsText string) {
	b := r.sum[:0]
	b = appendCap(b, peer)
	b = appendCap(b, " ")
	b = appendCap(b, portsText)
	r.sumLen = uint8(len(b))
}

// peerPart and portsPart split the summary into its peer ("10.0.0.0/8") and its
// protocol and ports ("tcp 22"). Peers never contain a space except "no peer".
func (r *ruleState) peerPart() string {
	p, _ := r.splitSummary()
	return p
}

func (r *ruleState) portsPart() string {
	_, ports := r.splitSummary()
	return ports
}

func (r *ruleState) splitSummary() (peer, ports string) {
	s := r.summary()
	if rest, ok := strings.CutPrefix(s, "no peer"); ok {
		return "no peer", strings.TrimSpace(rest)
	}
	peer, ports, _ = strings.Cut(s, " ")
	return peer, ports
}

// appendCap appends what fits without growing b.
func appendCap(b []byte, s string) []byte {
	n := copy(b[len(b):cap(b)], s)
	return b[:len(b)+n]
}

// ruleJSON is ruleState as persisted.
type ruleJSON struct {
	Dir      uint8   `json:"d"`
	Action   uint8   `json:"a"`
	Disabled bool    `json:"x,omitempty"`
	Breadth  float64 `json:"b"`
	PortRisk float64 `json:"p"`
	Summary  string  `json:"s"`
}

// listState is a managed prefix list: whether it holds a world / broad public entry and
// whether a rule references it.
type listState struct {
	World       string  `json:"w,omitempty"` // the broad entry, "" when none
	Breadth     float64 `json:"b,omitempty"`
	Referenced  bool    `json:"r,omitempty"`
	RefDir      uint8   `json:"d,omitempty"`
	RefPortRisk float64 `json:"p,omitempty"`
	RefRule     string  `json:"i,omitempty"` // rule id or group that references the list
	RefPorts    string  `json:"t,omitempty"` // the referencing rule's ports, for the reason
}

// opState remembers the best score already reported for one operation, so the several
// records a cloud writes for one change are counted once.
type opState struct {
	Score float64 `json:"s"`
	Time  int64   `json:"t"`
}

// state is all bounded per-key state of the detector.
type state struct {
	rules  *keyed.Map[ruleState] // hash(account, rule id)
	lists  *keyed.Map[listState] // hash(account, prefix list id)
	groups *keyed.Map[int64]     // hash(account, group id) -> time created / default egress revoked
	ops    *keyed.Map[opState]   // hash(account, operation id)
	seen   *keyed.Map[int64]     // hash(account, kind, value) -> last seen (first-seen tracking)
}

func newState(cfg *Config) *state {
	seenMax := cfg.FirstSeen.MaxKeys
	if seenMax < 1 {
		seenMax = 1
	}
	return &state{
		rules:  keyed.New[ruleState](cfg.MaxKeys),
		lists:  keyed.New[listState](cfg.MaxKeys),
		groups: keyed.New[int64](cfg.MaxKeys),
		ops:    keyed.New[opState](cfg.MaxKeys),
		seen:   keyed.New[int64](seenMax),
	}
}

// acctKey hashes a state key ignoring ASCII case: Azure resource ids, subscription ids
// and correlation ids are case-insensitive and their casing differs between records of
// one resource (diagnostic exports upper-case resourceId, the REST API does not), so a
// rule written as …/SECURITYRULES/DENY-RDP is deleted as …/securityRules/deny-rdp.
// AWS ids and GCP names are lower case already.
func acctKey(account, kind, id string) uint64 {
	h := keyed.Sep(hashFold(keyed.Seed, account))
	h = keyed.Sep(hashFold(h, kind))
	return keyed.Sep(hashFold(h, id))
}

// hashFold is keyed.HashString (FNV-1a) over the ASCII-lower-cased bytes of s.
func hashFold(h uint64, s string) uint64 {
	const prime64 = 1099511628211
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= prime64
	}
	return h
}

// firstSeen marks the identity's principal, source IP and user agent as first seen when
// none was seen for this account within the look-back, and records them.
func (d *Detector) firstSeen(account string, id *identity, t int64) {
	fs := &d.cfg.FirstSeen
	first, created := d.st.seen.GetOrCreate(acctKey(account, "acct", ""))
	if created || *first > t {
		*first = t
	}
	warm := t-*first >= int64(fs.Warmup)
	id.newPrincipal = d.seenCheck(account, firstSeenKindP, id.principal, t, warm)
	id.newIP = d.seenCheck(account, firstSeenKindIP, id.sourceIP, t, warm)
	id.newUA = d.seenCheck(account, firstSeenKindUA, id.userAgent, t, warm)
}

// seenCheck records v and reports whether it is new within the look-back.
func (d *Detector) seenCheck(account, kind, v string, t int64, warm bool) bool {
	if v == "" {
		return false
	}
	last, created := d.st.seen.GetOrCreate(acctKey(account, kind, v))
	isNew := created || t-*last > int64(d.cfg.FirstSeen.Lookback)
	if created || t > *last {
		*last = t
	}
	return isNew && warm
}
