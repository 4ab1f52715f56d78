package schema

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// PortRange is an inclusive range of ports. A single port has From == To.
type PortRange struct {
	From, To uint16
}

// AllPortRange is the whole port space.
var AllPortRange = PortRange{From: 0, To: 65535}

// String renders "N" for one port and "N-M" for a range, the form stored in port_ranges.
func (p PortRange) String() string {
	if p.From == p.To {
		return strconv.Itoa(int(p.From))
	}
	return strconv.Itoa(int(p.From)) + "-" + strconv.Itoa(int(p.To))
}

// ParsePortRange reads "N", "N-M" (also "N:M") back. It is the single parser for the
// port_ranges form, used by the processor.
func ParsePortRange(s string) (PortRange, bool) {
	sep := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '-' || s[i] == ':' {
			sep = i
			break
		}
	}
	if sep < 0 {
		n, ok := parsePort(s)
		return PortRange{n, n}, ok
	}
	a, ok1 := parsePort(s[:sep])
	b, ok2 := parsePort(s[sep+1:])
	if !ok1 || !ok2 || a > b {
		return PortRange{}, false
	}
	return PortRange{a, b}, true
}

func parsePort(s string) (uint16, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// NetworkRule is one normalised firewall / security-group rule. Decoders build it and
// AppendTo writes it into cloud.network_rule.rules.
type NetworkRule struct {
	Direction    string // DirectionIngress, DirectionEgress or "" when the event does not say
	Action       string // ActionAllow or ActionDeny
	Protocol     string // see RuleProtocol
	PortRanges   []PortRange
	Sources      []string
	Destinations []string
	Priority     int64
	HasPriority  bool
	RuleID       string
	Disabled     bool
	HasDisabled  bool
	Description  string
}

// AppendTo appends the rule as a map to s (the value of AttrRules).
func (r *NetworkRule) AppendTo(s pcommon.Slice) {
	m := s.AppendEmpty().SetEmptyMap()
	m.EnsureCapacity(10)
	if r.Direction != "" {
		m.PutStr(RuleDirection, r.Direction)
	}
	if r.Action != "" {
		m.PutStr(RuleAction, r.Action)
	}
	if r.Protocol != "" {
		m.PutStr(RuleProtocol, r.Protocol)
	}
	ports := m.PutEmptySlice(RulePortRanges)
	ports.EnsureCapacity(len(r.PortRanges))
	for _, p := range r.PortRanges {
		ports.AppendEmpty().SetStr(p.String())
	}
	src := m.PutEmptySlice(RuleSources)
	src.EnsureCapacity(len(r.Sources))
	for _, v := range r.Sources {
		src.AppendEmpty().SetStr(v)
	}
	dst := m.PutEmptySlice(RuleDestinations)
	dst.EnsureCapacity(len(r.Destinations))
	for _, v := range r.Destinations {
		dst.AppendEmpty().SetStr(v)
	}
	if r.HasPriority {
		m.PutInt(RulePriority, r.Priority)
	}
	if r.RuleID != "" {
		m.PutStr(RuleID, r.RuleID)
	}
	if r.HasDisabled {
		m.PutBool(RuleDisabled, r.Disabled)
	}
	if r.Description != "" {
		m.PutStr(RuleDescription, r.Description)
	}
}

// PutRules writes the change kind and the rules onto attrs.
func PutRules(attrs pcommon.Map, change string, rules []NetworkRule) {
	attrs.PutStr(AttrRuleChange, change)
	s := attrs.PutEmptySlice(AttrRules)
	s.EnsureCapacity(len(rules))
	for i := range rules {
		rules[i].AppendTo(s)
	}
}
