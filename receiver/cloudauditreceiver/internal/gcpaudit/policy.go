package gcpaudit

import (
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// policyRuleChange handles addRule / patchRule / removeRule of hierarchical, global
// network and regional network firewall policies. The request body is a
// FirewallPolicyRule; some exports nest it under "firewallPolicyRule".
func policyRuleChange(ev *event.Event, pp *fastjson.Value, resourceName []byte, change string) {
	req := pp.Get("request")
	if req == nil {
		if change != schema.ChangeRemove {
			return
		}
	}
	if inner := req.Get("firewallPolicyRule"); inner != nil {
		req = inner
	}
	var base schema.NetworkRule
	if p, ok := jsonx.Int(req.Get("priority")); ok {
		base.Priority, base.HasPriority = p, true
	}
	if base.HasPriority {
		// The API identifies a policy rule by its priority within the policy (removeRule
		// carries nothing else), so "<policy>/<priority>" names the same rule across
		// add, patch and remove, and rules of different policies never collide.
		base.RuleID = string(lastSegment(resourceName)) + "/" + strconv.FormatInt(base.Priority, 10)
	}
	if change == schema.ChangeRemove {
		schema.PutRules(ev.Attrs().Map, change, []schema.NetworkRule{base})
		return
	}

	base.Direction = schema.DirectionIngress
	switch jsonx.View(req.GetStringBytes("direction")) {
	case "EGRESS", "egress":
		base.Direction = schema.DirectionEgress
	}
	base.Action = policyAction(req.GetStringBytes("action"))
	if d, ok := jsonx.Bool(req.Get("disabled")); ok {
		base.Disabled = d
	}
	base.HasDisabled = true
	base.Description = ev.Str(req.GetStringBytes("description"))

	match := req.Get("match")
	base.Sources = appendStrings(base.Sources, match.Get("srcIpRanges"), "")
	base.Sources = appendStrings(base.Sources, match.Get("srcFqdns"), "fqdn:")
	base.Sources = appendStrings(base.Sources, match.Get("srcAddressGroups"), "")
	base.Sources = appendStrings(base.Sources, match.Get("srcRegionCodes"), "geo:")
	base.Destinations = appendStrings(base.Destinations, match.Get("destIpRanges"), "")
	base.Destinations = appendStrings(base.Destinations, match.Get("destFqdns"), "fqdn:")
	base.Destinations = appendStrings(base.Destinations, match.Get("destAddressGroups"), "")

	l4 := match.Get("layer4Configs")
	if l4 == nil {
		l4 = match.Get("layer4Config")
	}
	configs := arrayOf(l4)
	out := make([]schema.NetworkRule, 0, len(configs)+1)
	for _, c := range configs {
		out = append(out, protocolRule(base, base.Action, c))
	}
	if len(out) == 0 {
		if change == schema.ChangeModify && match == nil {
			// patchRule of fields other than the match: protocols unknown.
			out = append(out, base)
		} else {
			r := base
			r.Protocol, r.PortRanges = schema.ProtocolAll, []schema.PortRange{schema.AllPortRange}
			out = append(out, r)
		}
	}
	schema.PutRules(ev.Attrs().Map, change, out)
}

// policyAction maps FirewallPolicyRule.action. apply_security_profile_group lets the
// traffic through (after L7 inspection), so for exposure it is an allow; goto_next
// defers to the next policy level and is kept as is.
func policyAction(a []byte) string {
	switch jsonx.View(a) {
	case "allow", "ALLOW", "apply_security_profile_group":
		return schema.ActionAllow
	case "deny", "DENY":
		return schema.ActionDeny
	case "":
		return ""
	case "goto_next":
		return "goto_next"
	}
	return string(a)
}
