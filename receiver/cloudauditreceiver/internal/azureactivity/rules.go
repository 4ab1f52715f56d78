package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// opKind is what the decoder does beyond the common fields for an operation.
type opKind uint8

const (
	opOther opKind = iota
	opNSGRuleWrite
	opNSGRuleDelete
	opNSGWrite
	opNSGDelete
	opFirewallWrite
	opFirewallDelete
	opPolicyRulesWrite
	opPolicyRulesDelete
	opScaleUp
	opScaleDown
)

// classify maps an operationName (any casing) to its kind.
func classify(op []byte) opKind {
	switch {
	case jsonx.HasPrefixFold(op, "microsoft.network/"):
		switch {
		case jsonx.EqualFold(op, "microsoft.network/networksecuritygroups/securityrules/write"):
			return opNSGRuleWrite
		case jsonx.EqualFold(op, "microsoft.network/networksecuritygroups/securityrules/delete"):
			return opNSGRuleDelete
		case jsonx.EqualFold(op, "microsoft.network/networksecuritygroups/write"):
			return opNSGWrite
		case jsonx.EqualFold(op, "microsoft.network/networksecuritygroups/delete"):
			return opNSGDelete
		case jsonx.EqualFold(op, "microsoft.network/azurefirewalls/write"):
			return opFirewallWrite
		case jsonx.EqualFold(op, "microsoft.network/azurefirewalls/delete"):
			return opFirewallDelete
		case jsonx.EqualFold(op, "microsoft.network/firewallpolicies/rulecollectiongroups/write"):
			return opPolicyRulesWrite
		case jsonx.EqualFold(op, "microsoft.network/firewallpolicies/rulecollectiongroups/delete"):
			return opPolicyRulesDelete
		}
	case jsonx.HasPrefixFold(op, "microsoft.insights/"):
		switch {
		case jsonx.EqualFold(op, "microsoft.insights/autoscalesettings/scaleup/action"):
			return opScaleUp
		case jsonx.EqualFold(op, "microsoft.insights/autoscalesettings/scaledown/action"):
			return opScaleDown
		case jsonx.EqualFold(op, "microsoft.insights/autoscalesettings/predictivescaleup/action"):
			return opScaleUp
		}
		// The "…Result/Action" records (scale up/down completed) repeat the counts of
		// the "initiated" record above under the same correlationId; they are left
		// unclassified so each scale action is counted once.
	}
	return opOther
}

// nsgRule reads one NSG security rule's properties object. name is the rule name.
// ok is false when the object holds none of the fields of a rule.
func nsgRule(p *fastjson.Value, name []byte) (schema.NetworkRule, bool) {
	var r schema.NetworkRule
	if p == nil || p.Type() != fastjson.TypeObject {
		return r, false
	}
	var protocol, access, direction, priority, desc *fastjson.Value
	var src, srcs, srcASG, dst, dsts, dstASG, port, ports *fastjson.Value
	o, _ := p.Object()
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch len(k) {
		case 6:
			if jsonx.EqualFold(k, "access") {
				keep(&access, v)
			}
		case 8:
			switch {
			case jsonx.EqualFold(k, "protocol"):
				keep(&protocol, v)
			case jsonx.EqualFold(k, "priority"):
				keep(&priority, v)
			}
		case 9:
			if jsonx.EqualFold(k, "direction") {
				keep(&direction, v)
			}
		case 11:
			if jsonx.EqualFold(k, "description") {
				keep(&desc, v)
			}
		case 19:
			if jsonx.EqualFold(k, "sourceaddressprefix") {
				keep(&src, v)
			}
		case 20:
			if jsonx.EqualFold(k, "destinationportrange") {
				keep(&port, v)
			}
		case 21:
			switch {
			case jsonx.EqualFold(k, "sourceaddressprefixes"):
				keep(&srcs, v)
			case jsonx.EqualFold(k, "destinationportranges"):
				keep(&ports, v)
			}
		case 24:
			if jsonx.EqualFold(k, "destinationaddressprefix") {
				keep(&dst, v)
			}
		case 26:
			if jsonx.EqualFold(k, "destinationaddressprefixes") {
				keep(&dsts, v)
			}
		case 31:
			if jsonx.EqualFold(k, "sourceapplicationsecuritygroups") {
				keep(&srcASG, v)
			}
		case 36:
			if jsonx.EqualFold(k, "destinationapplicationsecuritygroups") {
				keep(&dstASG, v)
			}
		}
	})
	if protocol == nil && access == nil && direction == nil {
		return r, false
	}
	r.RuleID = string(name)
	r.Protocol = schema.NormaliseProtocol(jsonx.Bytes(protocol))
	r.Action = normAction(jsonx.Bytes(access))
	r.Direction = normDirection(jsonx.Bytes(direction))
	if n, ok := jsonx.Int(priority); ok {
		r.Priority, r.HasPriority = n, true
	}
	if d := jsonx.Bytes(desc); len(d) > 0 {
		r.Description = string(d)
	}
	r.Sources = appendAddrs(r.Sources, src)
	r.Sources = appendAddrs(r.Sources, srcs)
	r.Sources = appendIDs(r.Sources, srcASG)
	r.Destinations = appendAddrs(r.Destinations, dst)
	r.Destinations = appendAddrs(r.Destinations, dsts)
	r.Destinations = appendIDs(r.Destinations, dstASG)
	if hasPorts(r.Protocol) {
		r.PortRanges = appendPorts(r.PortRanges, port)
		r.PortRanges = appendPorts(r.PortRanges, ports)
	}
	return r, true
}

// nsgRulesOf reads properties.securityRules[] of an NSG body (the NSG-level PUT).
// defaultSecurityRules are Azure's fixed rules, not part of a change, and are not read.
func nsgRulesOf(body *fastjson.Value, dst []schema.NetworkRule) []schema.NetworkRule {
	list := jsonx.GetFold(jsonx.GetFold(body, "properties"), "securityRules")
	if list == nil || list.Type() != fastjson.TypeArray {
		return dst
	}
	arr, _ := list.Array()
	for _, item := range arr {
		if r, ok := nsgRule(jsonx.GetFold(item, "properties"), jsonx.Bytes(jsonx.GetFold(item, "name"))); ok {
			dst = append(dst, r)
		}
	}
	return dst
}

// hasPorts reports whether a normalised protocol uses ports.
func hasPorts(protocol string) bool {
	switch protocol {
	case "icmp", "icmpv6", "esp", "ah":
		return false
	}
	return true
}

func normAction(b []byte) string {
	switch {
	case jsonx.EqualFold(b, "allow"), jsonx.EqualFold(b, "dnat"), jsonx.EqualFold(b, "snat"):
		return schema.ActionAllow
	case jsonx.EqualFold(b, "deny"):
		return schema.ActionDeny
	case len(b) == 0:
		return ""
	}
	return lowerString(b)
}

func normDirection(b []byte) string {
	switch {
	case jsonx.EqualFold(b, "inbound"):
		return schema.DirectionIngress
	case jsonx.EqualFold(b, "outbound"):
		return schema.DirectionEgress
	}
	return ""
}

// appendAddrs adds a string or an array of strings, as written (service tags such as
// "Internet" or "AzureCloud", "*", CIDRs, IP group ids).
func appendAddrs(dst []string, v *fastjson.Value) []string {
	if v == nil {
		return dst
	}
	switch v.Type() {
	case fastjson.TypeString:
		if b := jsonx.TrimSpace(jsonx.Bytes(v)); len(b) > 0 {
			dst = append(dst, string(b))
		}
	case fastjson.TypeArray:
		arr, _ := v.Array()
		for _, a := range arr {
			if b := jsonx.TrimSpace(jsonx.Bytes(a)); len(b) > 0 {
				dst = append(dst, string(b))
			}
		}
	}
	return dst
}

// appendIDs adds the "id" of each object of an array (application security groups).
func appendIDs(dst []string, v *fastjson.Value) []string {
	if v == nil || v.Type() != fastjson.TypeArray {
		return dst
	}
	arr, _ := v.Array()
	for _, a := range arr {
		if b := jsonx.Bytes(jsonx.GetFold(a, "id")); len(b) > 0 {
			dst = append(dst, string(b))
		}
	}
	return dst
}

// appendPorts adds port ranges from "*", "22", "1000-2000", "22,80" or an array of
// those (strings or numbers). Anything unreadable is left out.
func appendPorts(dst []schema.PortRange, v *fastjson.Value) []schema.PortRange {
	if v == nil {
		return dst
	}
	var buf [24]byte
	switch v.Type() {
	case fastjson.TypeString:
		return appendPortList(dst, jsonx.Bytes(v))
	case fastjson.TypeNumber:
		return appendPortList(dst, v.MarshalTo(buf[:0]))
	case fastjson.TypeArray:
		arr, _ := v.Array()
		for _, a := range arr {
			dst = appendPorts(dst, a)
		}
	}
	return dst
}

func appendPortList(dst []schema.PortRange, b []byte) []schema.PortRange {
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != ',' {
			continue
		}
		item := jsonx.TrimSpace(b[start:i])
		start = i + 1
		if len(item) == 0 {
			continue
		}
		if jsonx.EqualFold(item, "*") || jsonx.EqualFold(item, "any") {
			dst = addPort(dst, schema.AllPortRange)
			continue
		}
		if pr, ok := parsePortBytes(item); ok {
			dst = addPort(dst, pr)
		}
	}
	return dst
}

// addPort appends pr unless it is already there.
func addPort(dst []schema.PortRange, pr schema.PortRange) []schema.PortRange {
	for _, p := range dst {
		if p == pr {
			return dst
		}
	}
	return append(dst, pr)
}

// parsePortBytes parses "N" or "N-M" without building a string.
func parsePortBytes(b []byte) (schema.PortRange, bool) {
	sep := -1
	for i, c := range b {
		if c == '-' {
			sep = i
			break
		}
	}
	if sep < 0 {
		n, ok := portNum(b)
		return schema.PortRange{From: n, To: n}, ok
	}
	a, ok1 := portNum(jsonx.TrimSpace(b[:sep]))
	z, ok2 := portNum(jsonx.TrimSpace(b[sep+1:]))
	if !ok1 || !ok2 || a > z {
		return schema.PortRange{}, false
	}
	return schema.PortRange{From: a, To: z}, true
}

func portNum(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) > 5 {
		return 0, false
	}
	n := 0
	for _, c := range b {
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
