package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Azure Firewall rules carry no direction. Microsoft documents DNAT rules as the
// way to allow inbound Internet traffic (to the firewall's public address, then
// translated to a private one), and network and application rules as the filters
// for outbound and east-west traffic leaving through the firewall. So NAT rules are
// normalised as ingress and network / application rules as egress.

type fwKind uint8

const (
	fwNetwork fwKind = iota
	fwNat
	fwApplication
)

// firewallRulesOf reads a classic Azure Firewall body (azureFirewalls/write):
// properties.{networkRuleCollections, natRuleCollections, applicationRuleCollections}.
func firewallRulesOf(body *fastjson.Value, dst []schema.NetworkRule) []schema.NetworkRule {
	p := jsonx.GetFold(body, "properties")
	dst = collectionsOf(jsonx.GetFold(p, "networkRuleCollections"), fwNetwork, dst)
	dst = collectionsOf(jsonx.GetFold(p, "natRuleCollections"), fwNat, dst)
	dst = collectionsOf(jsonx.GetFold(p, "applicationRuleCollections"), fwApplication, dst)
	return dst
}

// policyRulesOf reads a firewall policy rule collection group body
// (firewallPolicies/ruleCollectionGroups/write): properties.ruleCollections[].
func policyRulesOf(body *fastjson.Value, dst []schema.NetworkRule) []schema.NetworkRule {
	list := jsonx.GetFold(jsonx.GetFold(body, "properties"), "ruleCollections")
	if list == nil || list.Type() != fastjson.TypeArray {
		return dst
	}
	arr, _ := list.Array()
	for _, c := range arr {
		kind := fwNetwork
		if t := jsonx.Bytes(jsonx.GetFold(c, "ruleCollectionType")); jsonx.IndexFold(t, "nat") >= 0 {
			kind = fwNat
		}
		dst = collectionOf(c, kind, true, dst)
	}
	return dst
}

func collectionsOf(list *fastjson.Value, kind fwKind, dst []schema.NetworkRule) []schema.NetworkRule {
	if list == nil || list.Type() != fastjson.TypeArray {
		return dst
	}
	arr, _ := list.Array()
	for _, c := range arr {
		dst = collectionOf(c, kind, false, dst)
	}
	return dst
}

// collectionOf reads one rule collection. Classic collections nest their fields in
// "properties"; policy collections do not. In a policy each rule names its own type
// (ruleType NetworkRule | ApplicationRule | NatRule).
func collectionOf(c *fastjson.Value, kind fwKind, perRuleType bool, dst []schema.NetworkRule) []schema.NetworkRule {
	if c == nil || c.Type() != fastjson.TypeObject {
		return dst
	}
	cp := jsonx.GetFold(c, "properties")
	if cp == nil || cp.Type() != fastjson.TypeObject {
		cp = c
	}
	collName := jsonx.Bytes(jsonx.GetFold(c, "name"))
	action := normAction(jsonx.Bytes(jsonx.GetFold(jsonx.GetFold(cp, "action"), "type")))
	priority, hasPriority := jsonx.Int(jsonx.GetFold(cp, "priority"))
	rules := jsonx.GetFold(cp, "rules")
	if rules == nil || rules.Type() != fastjson.TypeArray {
		return dst
	}
	arr, _ := rules.Array()
	for _, rv := range arr {
		k := kind
		if perRuleType {
			t := jsonx.Bytes(jsonx.GetFold(rv, "ruleType"))
			switch {
			case jsonx.EqualFold(t, "applicationrule"):
				k = fwApplication
			case jsonx.EqualFold(t, "natrule"):
				k = fwNat
			case jsonx.EqualFold(t, "networkrule"):
				k = fwNetwork
			}
		}
		base := schema.NetworkRule{Action: action, Priority: priority, HasPriority: hasPriority}
		if k == fwNat {
			// A DNAT rule admits the traffic it translates.
			base.Action = schema.ActionAllow
		}
		dst = firewallRule(rv, k, collName, base, dst)
	}
	return dst
}

// firewallRule normalises one firewall rule. A network or NAT rule listing several
// protocols becomes one NetworkRule per protocol, all with the same rule_id: each
// carries only that rule's own addresses and ports.
func firewallRule(rv *fastjson.Value, kind fwKind, collName []byte, base schema.NetworkRule, dst []schema.NetworkRule) []schema.NetworkRule {
	if rv == nil || rv.Type() != fastjson.TypeObject {
		return dst
	}
	var name, desc, protocols, srcAddrs, srcGroups, dstAddrs, dstGroups, dstFqdns, dstPorts *fastjson.Value
	var natAddr, natPort, natFqdn, targetFqdns, fqdnTags, targetURLs, webCategories *fastjson.Value
	o, _ := rv.Object()
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch {
		case jsonx.EqualFold(k, "name"):
			keep(&name, v)
		case jsonx.EqualFold(k, "description"):
			keep(&desc, v)
		case jsonx.EqualFold(k, "protocols"), jsonx.EqualFold(k, "ipprotocols"):
			keep(&protocols, v)
		case jsonx.EqualFold(k, "sourceaddresses"):
			keep(&srcAddrs, v)
		case jsonx.EqualFold(k, "sourceipgroups"):
			keep(&srcGroups, v)
		case jsonx.EqualFold(k, "destinationaddresses"):
			keep(&dstAddrs, v)
		case jsonx.EqualFold(k, "destinationipgroups"):
			keep(&dstGroups, v)
		case jsonx.EqualFold(k, "destinationfqdns"):
			keep(&dstFqdns, v)
		case jsonx.EqualFold(k, "destinationports"):
			keep(&dstPorts, v)
		case jsonx.EqualFold(k, "translatedaddress"):
			keep(&natAddr, v)
		case jsonx.EqualFold(k, "translatedport"):
			keep(&natPort, v)
		case jsonx.EqualFold(k, "translatedfqdn"):
			keep(&natFqdn, v)
		case jsonx.EqualFold(k, "targetfqdns"):
			keep(&targetFqdns, v)
		case jsonx.EqualFold(k, "fqdntags"):
			keep(&fqdnTags, v)
		case jsonx.EqualFold(k, "targeturls"):
			keep(&targetURLs, v)
		case jsonx.EqualFold(k, "webcategories"):
			keep(&webCategories, v)
		}
	})

	base.RuleID = ruleID(collName, jsonx.Bytes(name))
	if d := jsonx.Bytes(desc); len(d) > 0 {
		base.Description = string(d)
	}
	base.Sources = appendAddrs(base.Sources, srcAddrs)
	base.Sources = appendAddrs(base.Sources, srcGroups)

	if kind == fwApplication {
		base.Direction = schema.DirectionEgress
		base.Protocol = "tcp"
		base.Destinations = appendAddrs(base.Destinations, targetFqdns)
		base.Destinations = appendAddrs(base.Destinations, fqdnTags)
		base.Destinations = appendAddrs(base.Destinations, targetURLs)
		base.Destinations = appendAddrs(base.Destinations, webCategories)
		base.Destinations = appendAddrs(base.Destinations, dstAddrs)
		base.PortRanges = appPorts(protocols)
		return append(dst, base)
	}

	base.Direction = schema.DirectionEgress
	if kind == fwNat {
		base.Direction = schema.DirectionIngress
	}
	base.Destinations = appendAddrs(base.Destinations, dstAddrs)
	base.Destinations = appendAddrs(base.Destinations, dstGroups)
	base.Destinations = appendAddrs(base.Destinations, dstFqdns)
	ports := appendPorts(nil, dstPorts)
	if kind == fwNat {
		// The translated port is the service actually reached (public 50000 → 3389),
		// so it is listed too: port risk must see it.
		ports = appendPorts(ports, natPort)
		to := jsonx.Bytes(natAddr)
		if len(to) == 0 {
			to = jsonx.Bytes(natFqdn)
		}
		if len(to) > 0 {
			var buf [24]byte
			d := "DNAT to " + string(to)
			if p := scalarStr(natPort, buf[:]); len(p) > 0 {
				d += ":" + string(p)
			}
			base.Description = d
		}
	}

	var protos [6]string
	list := protos[:0]
	if protocols != nil && protocols.Type() == fastjson.TypeArray {
		arr, _ := protocols.Array()
		for _, p := range arr {
			list = addProto(list, schema.NormaliseProtocol(jsonx.Bytes(p)))
		}
	} else if b := jsonx.Bytes(protocols); len(b) > 0 {
		list = addProto(list, schema.NormaliseProtocol(b))
	}
	for _, p := range list {
		if p == schema.ProtocolAll {
			list = list[:1]
			list[0] = schema.ProtocolAll
			break
		}
	}
	if len(list) == 0 {
		list = append(list, "")
	}
	for i, p := range list {
		r := base
		r.Protocol = p
		if hasPorts(p) {
			r.PortRanges = ports
		} else {
			r.PortRanges = nil
		}
		if i > 0 {
			// Each emitted rule owns its slices.
			r.Sources = append([]string(nil), base.Sources...)
			r.Destinations = append([]string(nil), base.Destinations...)
			if hasPorts(p) {
				r.PortRanges = append([]schema.PortRange(nil), ports...)
			}
		}
		dst = append(dst, r)
	}
	return dst
}

func addProto(list []string, p string) []string {
	if p == "" {
		return list
	}
	for _, q := range list {
		if q == p {
			return list
		}
	}
	return append(list, p)
}

// appPorts reads application-rule protocols [{protocolType, port}]; a missing port
// takes the protocol's default.
func appPorts(protocols *fastjson.Value) []schema.PortRange {
	if protocols == nil || protocols.Type() != fastjson.TypeArray {
		return nil
	}
	var out []schema.PortRange
	arr, _ := protocols.Array()
	for _, p := range arr {
		if n, ok := jsonx.Int(jsonx.GetFold(p, "port")); ok && n >= 0 && n <= 65535 {
			out = addPort(out, schema.PortRange{From: uint16(n), To: uint16(n)})
			continue
		}
		t := jsonx.Bytes(jsonx.GetFold(p, "protocolType"))
		switch {
		case jsonx.EqualFold(t, "http"):
			out = addPort(out, schema.PortRange{From: 80, To: 80})
		case jsonx.EqualFold(t, "https"):
			out = addPort(out, schema.PortRange{From: 443, To: 443})
		case jsonx.EqualFold(t, "mssql"):
			out = addPort(out, schema.PortRange{From: 1433, To: 1433})
		}
	}
	return out
}

func ruleID(coll, name []byte) string {
	switch {
	case len(coll) == 0:
		return string(name)
	case len(name) == 0:
		return string(coll)
	}
	return string(coll) + "/" + string(name)
}
