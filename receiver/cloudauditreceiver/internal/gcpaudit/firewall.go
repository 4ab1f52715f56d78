package gcpaudit

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// anyIPv4 is GCP's implicit source of an INGRESS rule that names no source and the
// implicit destination of an EGRESS rule that names no destination.
const anyIPv4 = "0.0.0.0/0"

// firewall holds the fields of a VPC firewall resource that shape its rules. Each
// field points into the parsed JSON; a patch overlays the request on the original state.
type firewall struct {
	name, description, direction, priority, disabled *fastjson.Value
	sourceRanges, sourceTags, sourceServiceAccounts  *fastjson.Value
	destinationRanges, allowed, denied               *fastjson.Value
	seen                                             bool
	// complete is set when the fields describe the whole resource (insert, update,
	// or an original state that names the rule), so absent fields take the API's
	// defaults. A bare patch body leaves them unknown instead.
	complete bool
}

// overlay copies every firewall field present in obj. Audit logs spell repeated
// message fields with an "s" ("alloweds", "denieds"); the REST API spells them
// "allowed", "denied". Both are read.
func (f *firewall) overlay(obj *fastjson.Value) {
	o, err := obj.Object()
	if err != nil {
		return
	}
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch string(k) {
		case "name":
			f.name = v
		case "description":
			f.description = v
		case "direction":
			f.direction = v
		case "priority":
			f.priority = v
		case "disabled":
			f.disabled = v
		case "sourceRanges":
			f.sourceRanges = v
		case "sourceTags":
			f.sourceTags = v
		case "sourceServiceAccounts":
			f.sourceServiceAccounts = v
		case "destinationRanges":
			f.destinationRanges = v
		case "alloweds", "allowed":
			f.allowed = v
		case "denieds", "denied":
			f.denied = v
		default:
			return
		}
		f.seen = true
	})
}

// firewallChange handles firewalls.insert / update / patch. Only entries that carry
// the request body (the operation's first entry) describe rules; the completion entry
// of the same operation has none and gets no rule attributes.
func firewallChange(ev *event.Event, pp *fastjson.Value, resourceName []byte, change string, merge bool) {
	req := pp.Get("request")
	f := firewall{complete: !merge}
	if merge {
		// Patch is JSON merge-patch: fields absent from the request keep their
		// original values, so the effective rule is request over original state.
		// resourceOriginalState need only hold the changed fields; one that names
		// the rule is a full snapshot, so the API defaults hold for what it omits.
		if orig := pp.Get("resourceOriginalState"); orig != nil {
			f.overlay(orig)
			f.complete = len(jsonx.Bytes(f.name)) > 0
		}
	}
	if req != nil {
		f.overlay(req)
		if merge && req.Get("network") != nil {
			// The network cannot be patched, so a body that carries it is a whole
			// resource (Terraform patches this way): API defaults hold.
			f.complete = true
		}
	}
	if !f.seen {
		return
	}
	schema.PutRules(ev.Attrs().Map, change, f.rules(resourceName))
}

// firewallDelete reports the removed rules from resourceOriginalState when the log
// carries it; otherwise one rule holding only the rule id, so stateful detectors can
// look the rule up by name.
func firewallDelete(ev *event.Event, pp *fastjson.Value, resourceName []byte) {
	f := firewall{complete: true}
	if orig := pp.Get("resourceOriginalState"); orig != nil {
		f.overlay(orig)
	}
	if f.seen {
		schema.PutRules(ev.Attrs().Map, schema.ChangeRemove, f.rules(resourceName))
		return
	}
	id := ev.Str(lastSegment(resourceName))
	schema.PutRules(ev.Attrs().Map, schema.ChangeRemove, []schema.NetworkRule{{RuleID: id}})
}

// rules expands the firewall into one NetworkRule per allowed/denied entry, so the
// ports of one entry are never paired with the protocol of another.
func (f *firewall) rules(resourceName []byte) []schema.NetworkRule {
	var base schema.NetworkRule
	if d := jsonx.Bytes(f.direction); len(d) > 0 {
		base.Direction = schema.DirectionIngress
		if jsonx.EqualFold(d, "EGRESS") {
			base.Direction = schema.DirectionEgress
		}
	} else if f.complete {
		base.Direction = schema.DirectionIngress // API default
	}
	if p, ok := jsonx.Int(f.priority); ok {
		base.Priority, base.HasPriority = p, true
	} else if f.complete {
		base.Priority, base.HasPriority = 1000, true // API default
	}
	if d, ok := jsonx.Bool(f.disabled); ok {
		base.Disabled, base.HasDisabled = d, true
	} else if f.complete {
		base.HasDisabled = true // API default: enabled
	}
	if n := jsonx.Bytes(f.name); len(n) > 0 {
		base.RuleID = string(n)
	} else {
		base.RuleID = string(lastSegment(resourceName))
	}
	base.Description = string(jsonx.Bytes(f.description))

	base.Sources = appendStrings(base.Sources, f.sourceRanges, "")
	base.Sources = appendStrings(base.Sources, f.sourceTags, "tag:")
	base.Sources = appendStrings(base.Sources, f.sourceServiceAccounts, "serviceAccount:")
	// Documented defaults, only for a whole resource: a patch that does not touch
	// the sources leaves them as they were, which the entry does not tell.
	if f.complete && base.Direction == schema.DirectionIngress && len(base.Sources) == 0 {
		// An ingress rule without sourceRanges, sourceTags or sourceServiceAccounts
		// applies to every IPv4 source.
		base.Sources = append(base.Sources, anyIPv4)
	}
	base.Destinations = appendStrings(base.Destinations, f.destinationRanges, "")
	if f.complete && base.Direction == schema.DirectionEgress && len(base.Destinations) == 0 {
		base.Destinations = append(base.Destinations, anyIPv4)
	}

	allowed := arrayOf(f.allowed)
	denied := arrayOf(f.denied)
	out := make([]schema.NetworkRule, 0, len(allowed)+len(denied))
	for _, a := range allowed {
		out = append(out, protocolRule(base, schema.ActionAllow, a))
	}
	for _, d := range denied {
		out = append(out, protocolRule(base, schema.ActionDeny, d))
	}
	if len(out) == 0 {
		// A patch that changes only sources or priority, without the original state:
		// the action and protocols are unknown, the rest is still evidence.
		out = append(out, base)
	}
	return out
}

// protocolRule completes base with the protocol and ports of one allowed/denied entry.
func protocolRule(base schema.NetworkRule, action string, entry *fastjson.Value) schema.NetworkRule {
	r := base
	r.Action = action
	pv := entry.Get("IPProtocol")
	if pv == nil {
		pv = entry.Get("ipProtocol")
	}
	var hasPorts bool
	if n, ok := jsonx.Int(pv); ok && pv.Type() == fastjson.TypeNumber {
		// Re-serialisers may turn a numeric protocol ("6") into a JSON number.
		r.Protocol, hasPorts = protocolNumber(n)
	} else {
		r.Protocol, hasPorts = normaliseProtocol(jsonx.Bytes(pv))
	}
	if hasPorts {
		r.PortRanges = portRanges(entry.Get("ports"))
	} else if r.Protocol == schema.ProtocolAll {
		r.PortRanges = []schema.PortRange{schema.AllPortRange}
	}
	return r
}

// normaliseProtocol names the protocol (schema.NormaliseProtocol) and says whether it
// has ports. An empty protocol is treated as "all" (the API requires one; a missing
// value cannot narrow the rule).
func normaliseProtocol(p []byte) (string, bool) {
	if len(p) == 0 {
		return schema.ProtocolAll, false
	}
	name := schema.NormaliseProtocol(p)
	return name, schema.ProtocolHasPorts(name)
}

// protocolNumber names an IANA protocol number and says whether it has ports.
func protocolNumber(n int64) (string, bool) {
	name := schema.ProtocolNumber(n)
	return name, schema.ProtocolHasPorts(name)
}

// portRanges parses a ports list; a missing or empty list means every port.
// Entries that are not valid ports are dropped rather than guessed.
func portRanges(ports *fastjson.Value) []schema.PortRange {
	items := arrayOf(ports)
	if len(items) == 0 {
		return []schema.PortRange{schema.AllPortRange}
	}
	out := make([]schema.PortRange, 0, len(items))
	for _, it := range items {
		var pr schema.PortRange
		var ok bool
		if it.Type() == fastjson.TypeNumber {
			n, _ := it.Int()
			if n >= 0 && n <= 65535 {
				pr, ok = schema.PortRange{From: uint16(n), To: uint16(n)}, true
			}
		} else {
			b, _ := it.StringBytes()
			pr, ok = schema.ParsePortRange(jsonx.View(b))
		}
		if ok {
			out = append(out, pr)
		}
	}
	return out
}

func arrayOf(v *fastjson.Value) []*fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeArray {
		return nil
	}
	a, _ := v.Array()
	return a
}

// appendStrings appends the non-empty strings of a JSON array, each with prefix.
func appendStrings(dst []string, arr *fastjson.Value, prefix string) []string {
	for _, it := range arrayOf(arr) {
		b := jsonx.Bytes(it)
		if len(b) == 0 {
			continue
		}
		dst = append(dst, prefix+string(b))
	}
	return dst
}
