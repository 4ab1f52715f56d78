package cloudtrail

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Network-rule calls. Each produces one schema.NetworkRule per (permission × peer),
// so a CIDR is never paired with the ports of another permission. The peer (CIDR,
// prefix list, security group) sits on the remote side of the rule: in sources for
// ingress and for rules whose direction the event does not state, in destinations
// for egress.

// getFirst returns the first present member of object v among keys. CloudTrail spells
// fields in lower camel case for older EC2 calls and in Pascal case for newer ones.
func getFirst(v *fastjson.Value, keys ...string) *fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	for _, k := range keys {
		if x := v.Get(k); x != nil && x.Type() != fastjson.TypeNull {
			return x
		}
	}
	return nil
}

// newRule builds an allow rule for one peer; an empty peer leaves both sides empty.
func newRule(direction, proto string, ports []schema.PortRange, peer string) schema.NetworkRule {
	r := schema.NetworkRule{
		Direction:  direction,
		Action:     schema.ActionAllow,
		Protocol:   proto,
		PortRanges: ports,
	}
	if peer != "" {
		if direction == schema.DirectionEgress {
			r.Destinations = []string{peer}
		} else {
			r.Sources = []string{peer}
		}
	}
	return r
}

// ipPerm is one protocol/port specification of a security-group rule.
type ipPerm struct {
	proto string
	ports []schema.PortRange
}

// readPerm reads protocol and ports from an object using either spelling.
func readPerm(v *fastjson.Value, protoKeys, fromKeys, toKeys [2]string) ipPerm {
	proto := protocolOf(getFirst(v, protoKeys[0], protoKeys[1]))
	from, hasFrom := jsonx.Int(getFirst(v, fromKeys[0], fromKeys[1]))
	to, hasTo := jsonx.Int(getFirst(v, toKeys[0], toKeys[1]))
	return ipPerm{proto: proto, ports: portRanges(proto, from, to, hasFrom, hasTo)}
}

var (
	lowerPerm = [3][2]string{{"ipProtocol", "IpProtocol"}, {"fromPort", "FromPort"}, {"toPort", "ToPort"}}
)

func readPermDefault(v *fastjson.Value) ipPerm {
	return readPerm(v, lowerPerm[0], lowerPerm[1], lowerPerm[2])
}

// securityGroupChange handles Authorize/RevokeSecurityGroupIngress/Egress. The rules
// EC2 reports in responseElements.securityGroupRuleSet are preferred (they carry the
// rule ids and are what EC2 actually did); otherwise the nested ipPermissions form,
// then the legacy flat form (cidrIp, ipProtocol, fromPort, toPort,
// sourceSecurityGroupName), then bare rule ids (revoke by securityGroupRuleId).
func securityGroupChange(ev *event.Event, f *fields, change, direction string) string {
	rp := f.requestParameters
	target := strFieldOf(ev, rp, "groupId")
	byName := target == ""
	var rules []schema.NetworkRule

	if set := getFirst(f.responseElements, "securityGroupRuleSet", "revokedSecurityGroupRuleSet"); set != nil {
		eachItem(set, func(item *fastjson.Value) {
			if target == "" {
				// A call by groupName (default VPC) learns the group id from EC2's answer.
				target = strFieldOf(ev, item, "groupId")
			}
			dir := direction
			if eg, ok := jsonx.Bool(item.Get("isEgress")); ok {
				if eg {
					dir = schema.DirectionEgress
				} else {
					dir = schema.DirectionIngress
				}
			}
			p := readPermDefault(item)
			peer := strFieldOf(ev, item, "cidrIpv4")
			if peer == "" {
				peer = strFieldOf(ev, item, "cidrIpv6")
			}
			if peer == "" {
				peer = strFieldOf(ev, item, "prefixListId")
			}
			if peer == "" {
				if ref := item.Get("referencedGroupInfo"); ref != nil {
					peer = strFieldOf(ev, ref, "groupId")
				}
			}
			if peer == "" {
				// RevokedSecurityGroupRule names the group directly.
				peer = strFieldOf(ev, item, "referencedGroupId")
			}
			r := newRule(dir, p.proto, p.ports, peer)
			r.RuleID = strFieldOf(ev, item, "securityGroupRuleId")
			r.Description = strFieldOf(ev, item, "description")
			rules = append(rules, r)
		})
	}

	if len(rules) == 0 {
		eachItem(getFirst(rp, "ipPermissions", "IpPermissions"), func(perm *fastjson.Value) {
			rules = appendPermissionRules(ev, rules, direction, perm)
		})
	}

	if len(rules) == 0 && rp != nil {
		cidr := strFieldOf(ev, rp, "cidrIp")
		group := strFieldOf(ev, rp, "sourceSecurityGroupName")
		if group == "" {
			group = strFieldOf(ev, rp, "sourceSecurityGroupId")
		}
		if cidr != "" || group != "" || rp.Get("ipProtocol") != nil {
			p := readPermDefault(rp)
			if p.proto == "" {
				// The legacy group-pair form without a protocol grants everything.
				p = ipPerm{proto: schema.ProtocolAll, ports: []schema.PortRange{schema.AllPortRange}}
			}
			if cidr != "" {
				rules = append(rules, newRule(direction, p.proto, p.ports, cidr))
			}
			if group != "" {
				rules = append(rules, newRule(direction, p.proto, p.ports, group))
			}
			if cidr == "" && group == "" {
				rules = append(rules, newRule(direction, p.proto, p.ports, ""))
			}
		}
	}

	if len(rules) == 0 {
		// RevokeSecurityGroupIngress/Egress by rule id: no body, only ids.
		ids := getFirst(rp, "securityGroupRuleIds", "SecurityGroupRuleId")
		eachString(ids, func(b []byte) {
			rules = append(rules, schema.NetworkRule{Direction: direction, Action: schema.ActionAllow, RuleID: ev.Str(b)})
		})
		eachItem(ids, func(item *fastjson.Value) {
			if id := strFieldOf(ev, item, "securityGroupRuleId"); id != "" {
				rules = append(rules, schema.NetworkRule{Direction: direction, Action: schema.ActionAllow, RuleID: id})
			}
		})
	}

	if byName && target == "" {
		target = strFieldOf(ev, rp, "groupName")
	}
	schema.PutRules(ev.Attrs().Map, change, rules)
	return target
}

// appendPermissionRules expands one ipPermissions item into a rule per peer.
func appendPermissionRules(ev *event.Event, rules []schema.NetworkRule, direction string, perm *fastjson.Value) []schema.NetworkRule {
	p := readPermDefault(perm)
	n := len(rules)
	add := func(peer string, desc string) {
		r := newRule(direction, p.proto, p.ports, peer)
		r.Description = desc
		rules = append(rules, r)
	}
	eachItem(getFirst(perm, "ipRanges", "IpRanges"), func(x *fastjson.Value) {
		if c := strFieldOf(ev, x, "cidrIp"); c != "" {
			add(c, strFieldOf(ev, x, "description"))
		} else if c := strFieldOf(ev, x, "CidrIp"); c != "" {
			add(c, strFieldOf(ev, x, "Description"))
		}
	})
	eachItem(getFirst(perm, "ipv6Ranges", "Ipv6Ranges"), func(x *fastjson.Value) {
		if c := strFieldOf(ev, x, "cidrIpv6"); c != "" {
			add(c, strFieldOf(ev, x, "description"))
		} else if c := strFieldOf(ev, x, "CidrIpv6"); c != "" {
			add(c, strFieldOf(ev, x, "Description"))
		}
	})
	eachItem(getFirst(perm, "prefixListIds", "PrefixListIds"), func(x *fastjson.Value) {
		if c := strFieldOf(ev, x, "prefixListId"); c != "" {
			add(c, strFieldOf(ev, x, "description"))
		} else if c := strFieldOf(ev, x, "PrefixListId"); c != "" {
			add(c, strFieldOf(ev, x, "Description"))
		}
	})
	eachItem(getFirst(perm, "groups", "UserIdGroupPairs"), func(x *fastjson.Value) {
		id := strFieldOf(ev, x, "groupId")
		if id == "" {
			id = strFieldOf(ev, x, "GroupId")
		}
		if id == "" {
			id = strFieldOf(ev, x, "groupName")
		}
		if id != "" {
			add(id, strFieldOf(ev, x, "description"))
		}
	})
	if len(rules) == n && p.proto != "" {
		// A permission with no peer (malformed or truncated): keep its body visible.
		add("", "")
	}
	return rules
}

// modifySecurityGroupRules handles ModifySecurityGroupRules. CloudTrail records it in
// the newer request shape: requestParameters.ModifySecurityGroupRulesRequest with
// GroupId and SecurityGroupRule (one object, or an array for several), each holding
// SecurityGroupRuleId and the new rule body. The call does not say whether a rule is
// ingress or egress, so direction stays "" for the detector to resolve from state.
func modifySecurityGroupRules(ev *event.Event, f *fields) string {
	req := f.requestParameters
	if w := getFirst(req, "ModifySecurityGroupRulesRequest"); w != nil {
		req = w
	}
	target := strOf(ev, getFirst(req, "GroupId", "groupId"))
	var rules []schema.NetworkRule
	list := getFirst(req, "SecurityGroupRule", "SecurityGroupRules", "securityGroupRules", "securityGroupRule")
	eachItem(list, func(item *fastjson.Value) {
		body := getFirst(item, "SecurityGroupRule", "securityGroupRule")
		if body == nil {
			body = item
		}
		p := readPerm(body, [2]string{"IpProtocol", "ipProtocol"}, [2]string{"FromPort", "fromPort"}, [2]string{"ToPort", "toPort"})
		peer := strOf(ev, getFirst(body, "CidrIpv4", "cidrIpv4"))
		if peer == "" {
			peer = strOf(ev, getFirst(body, "CidrIpv6", "cidrIpv6"))
		}
		if peer == "" {
			peer = strOf(ev, getFirst(body, "PrefixListId", "prefixListId"))
		}
		if peer == "" {
			peer = strOf(ev, getFirst(body, "ReferencedGroupId", "referencedGroupId"))
		}
		r := newRule("", p.proto, p.ports, peer)
		r.RuleID = strOf(ev, getFirst(item, "SecurityGroupRuleId", "securityGroupRuleId"))
		r.Description = strOf(ev, getFirst(body, "Description", "description"))
		rules = append(rules, r)
	})
	schema.PutRules(ev.Attrs().Map, schema.ChangeModify, rules)
	return target
}

// networkACLEntry handles Create/Replace/DeleteNetworkAclEntry. CloudTrail writes the
// protocol as aclProtocol ("-1", "6", ...), the ports as portRange {from, to} and
// ICMP as icmpTypeCode. rule_id is "<acl id>:<direction>:<rule number>", the key
// under which EC2 itself identifies an entry.
func networkACLEntry(ev *event.Event, f *fields, change string) string {
	rp := f.requestParameters
	acl := strFieldOf(ev, rp, "networkAclId")
	direction := schema.DirectionIngress
	if eg, ok := jsonx.Bool(getFirst(rp, "egress")); ok && eg {
		direction = schema.DirectionEgress
	}
	r := schema.NetworkRule{Direction: direction}
	if n, ok := intField(rp, "ruleNumber"); ok {
		r.Priority, r.HasPriority = n, true
	}
	if acl != "" && r.HasPriority {
		r.RuleID = acl + ":" + direction + ":" + itoa(r.Priority)
	}
	if change != schema.ChangeRemove {
		act := jsonx.Bytes(getFirst(rp, "ruleAction"))
		switch {
		case jsonx.EqualFold(act, "allow"):
			r.Action = schema.ActionAllow
		case jsonx.EqualFold(act, "deny"):
			r.Action = schema.ActionDeny
		}
		r.Protocol = protocolOf(getFirst(rp, "aclProtocol", "protocol"))
		pr := getFirst(rp, "portRange")
		from, hasFrom := intField(pr, "from")
		to, hasTo := intField(pr, "to")
		r.PortRanges = portRanges(r.Protocol, from, to, hasFrom, hasTo)
		peer := strFieldOf(ev, rp, "cidrBlock")
		if peer == "" {
			peer = strFieldOf(ev, rp, "ipv6CidrBlock")
		}
		if peer != "" {
			if direction == schema.DirectionEgress {
				r.Destinations = []string{peer}
			} else {
				r.Sources = []string{peer}
			}
		}
	}
	schema.PutRules(ev.Attrs().Map, change, []schema.NetworkRule{r})
	return acl
}

// managedPrefixList handles Create/ModifyManagedPrefixList. A prefix list is not a rule
// but is referenced by rules, so each added CIDR becomes an allow rule with no
// direction, protocol or ports (the referencing rules supply them); the detector joins
// them with the rules that reference cloud.resource_id. Removals only narrow access:
// a call that only removes entries is reported as remove with those CIDRs; a call that
// adds and removes is reported as modify with the added CIDRs.
func managedPrefixList(ev *event.Event, f *fields) string {
	req := f.requestParameters
	if w := getFirst(req, "CreateManagedPrefixListRequest", "ModifyManagedPrefixListRequest"); w != nil {
		req = w
	}
	target := strOf(ev, getFirst(req, "PrefixListId", "prefixListId"))
	if target == "" {
		re := f.responseElements
		for _, w := range [...]string{"CreateManagedPrefixListResponse", "ModifyManagedPrefixListResponse"} {
			if x := getFirst(re, w); x != nil {
				re = x
				break
			}
		}
		if pl := getFirst(re, "prefixList", "PrefixList"); pl != nil {
			target = strOf(ev, getFirst(pl, "prefixListId", "PrefixListId"))
		}
	}
	if target == "" {
		target = strOf(ev, getFirst(req, "PrefixListName", "prefixListName"))
	}

	entries := func(list *fastjson.Value) []schema.NetworkRule {
		var rules []schema.NetworkRule
		eachItem(list, func(e *fastjson.Value) {
			c := strOf(ev, getFirst(e, "Cidr", "cidr"))
			if c == "" {
				return
			}
			rules = append(rules, schema.NetworkRule{
				Action:      schema.ActionAllow,
				Sources:     []string{c},
				Description: strOf(ev, getFirst(e, "Description", "description")),
			})
		})
		return rules
	}
	added := entries(getFirst(req, "Entry", "AddEntry", "entries", "addEntries", "entry", "addEntry", "Entries", "AddEntries"))
	removed := entries(getFirst(req, "RemoveEntry", "removeEntries", "removeEntry", "RemoveEntries"))
	switch {
	case len(added) > 0 && len(removed) > 0:
		schema.PutRules(ev.Attrs().Map, schema.ChangeModify, added)
	case len(added) > 0:
		schema.PutRules(ev.Attrs().Map, schema.ChangeAdd, added)
	case len(removed) > 0:
		for i := range removed {
			removed[i].Action = ""
		}
		schema.PutRules(ev.Attrs().Map, schema.ChangeRemove, removed)
	}
	return target
}

// lightsailPorts handles Open/Put/CloseInstancePublicPorts (portInfo, or portInfos for
// Put). Lightsail firewalls are inbound only. A portInfo with no cidrs, ipv6Cidrs or
// aliases opens the port to every IPv4 address, Lightsail's default.
func lightsailPorts(ev *event.Event, f *fields, change string) string {
	rp := f.requestParameters
	var rules []schema.NetworkRule
	eachItem(getFirst(rp, "portInfos", "portInfo"), func(pi *fastjson.Value) {
		p := readPerm(pi, [2]string{"protocol", "Protocol"}, [2]string{"fromPort", "FromPort"}, [2]string{"toPort", "ToPort"})
		n := len(rules)
		add := func(b []byte) {
			rules = append(rules, newRule(schema.DirectionIngress, p.proto, p.ports, ev.Str(b)))
		}
		eachString(pi.Get("cidrs"), add)
		eachString(pi.Get("ipv6Cidrs"), add)
		eachString(pi.Get("cidrListAliases"), add)
		if len(rules) == n {
			rules = append(rules, newRule(schema.DirectionIngress, p.proto, p.ports, "0.0.0.0/0"))
		}
	})
	schema.PutRules(ev.Attrs().Map, change, rules)
	return strFieldOf(ev, rp, "instanceName")
}

// dbSecurityGroupIngress handles the EC2-Classic-era service security groups: RDS
// Authorize/RevokeDBSecurityGroupIngress, Redshift Authorize/RevokeClusterSecurityGroupIngress
// (both CIDRIP or an EC2 security group) and ElastiCache
// Authorize/RevokeCacheSecurityGroupIngress (an EC2 security group only). The grant
// opens the database's port, which the event does not name, so the rule covers all
// TCP ports. CloudTrail lower-cases the first letter of the API's member names
// (cIDRIP, eC2SecurityGroupName); re-serialised copies keep the API spelling.
func dbSecurityGroupIngress(ev *event.Event, f *fields, change string) string {
	rp := f.requestParameters
	target := strOf(ev, getFirst(rp, "dBSecurityGroupName", "DBSecurityGroupName", "dbSecurityGroupName",
		"clusterSecurityGroupName", "ClusterSecurityGroupName", "cacheSecurityGroupName", "CacheSecurityGroupName"))
	ports := []schema.PortRange{schema.AllPortRange}
	var rules []schema.NetworkRule
	if c := strOf(ev, getFirst(rp, "cIDRIP", "CIDRIP", "cidrip", "cidrIp", "cIDRIp")); c != "" {
		rules = append(rules, newRule(schema.DirectionIngress, "tcp", ports, c))
	}
	if g := strOf(ev, getFirst(rp, "eC2SecurityGroupId", "EC2SecurityGroupId", "ec2SecurityGroupId",
		"eC2SecurityGroupName", "EC2SecurityGroupName", "ec2SecurityGroupName")); g != "" {
		rules = append(rules, newRule(schema.DirectionIngress, "tcp", ports, g))
	}
	schema.PutRules(ev.Attrs().Map, change, rules)
	return target
}

// itoa formats small non-negative integers without strconv's interface paths.
func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
