package gcpaudit

import (
	"bytes"
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
	policy := lastSegment(resourceName)
	if change == schema.ChangeRemove {
		// removeRule carries only the priority that identifies the rule. Without it (a
		// BigQuery row keeps the request as JSON text) the removal names no rule.
		base := policyRuleBase(req, policy)
		if base.RuleID == "" {
			schema.PutRules(ev.Attrs().Map, change, nil)
			return
		}
		schema.PutRules(ev.Attrs().Map, change, []schema.NetworkRule{base})
		return
	}
	schema.PutRules(ev.Attrs().Map, change, appendPolicyRule(nil, ev, req, policy, change == schema.ChangeModify))
}

// policyInsertOrPatch handles insert / patch of a whole firewall policy whose body
// carries its rules (Terraform's *_firewall_policy_with_rules creates and updates
// policies this way). A body without rules changes no rule and gets no attributes.
func policyInsertOrPatch(ev *event.Event, pp *fastjson.Value, resourceName []byte, change string) {
	req := pp.Get("request")
	items := arrayOf(req.Get("rules"))
	if len(items) == 0 {
		return
	}
	policy := lastSegment(resourceName)
	if !bytes.Contains(resourceName, []byte("firewallPolicies/")) {
		// Insert may log the parent as the resource; the body names the policy.
		if n := req.GetStringBytes("name"); len(n) > 0 {
			policy = n
		}
	}
	var out []schema.NetworkRule
	for _, r := range items {
		// Every rule of a policy body is whole: the API defaults apply.
		out = appendPolicyRule(out, ev, r, policy, false)
	}
	schema.PutRules(ev.Attrs().Map, change, out)
}

// policyRuleBase reads the priority, which identifies a rule within its policy.
func policyRuleBase(req *fastjson.Value, policy []byte) schema.NetworkRule {
	var base schema.NetworkRule
	if p, ok := jsonx.Int(req.Get("priority")); ok {
		base.Priority, base.HasPriority = p, true
		// The API identifies a policy rule by its priority within the policy, so
		// "<policy>/<priority>" names the same rule across add, patch and remove,
		// and rules of different policies never collide.
		base.RuleID = string(policy) + "/" + strconv.FormatInt(p, 10)
	}
	return base
}

// appendPolicyRule appends one FirewallPolicyRule, one NetworkRule per layer-4
// config. partial marks a patchRule body: fields it leaves out keep their old
// values, so no API default is assumed for them.
func appendPolicyRule(out []schema.NetworkRule, ev *event.Event, req *fastjson.Value, policy []byte, partial bool) []schema.NetworkRule {
	base := policyRuleBase(req, policy)
	if d := req.GetStringBytes("direction"); len(d) > 0 {
		base.Direction = schema.DirectionIngress
		if jsonx.EqualFold(d, "EGRESS") {
			base.Direction = schema.DirectionEgress
		}
	} else if !partial {
		base.Direction = schema.DirectionIngress // API default
	}
	base.Action = policyAction(req.GetStringBytes("action"))
	if d, ok := jsonx.Bool(req.Get("disabled")); ok {
		base.Disabled, base.HasDisabled = d, true
	} else if !partial {
		base.HasDisabled = true // API default: enabled
	}
	base.Description = ev.Str(req.GetStringBytes("description"))

	match := req.Get("match")
	base.Sources = appendStrings(base.Sources, match.Get("srcIpRanges"), "")
	base.Sources = appendStrings(base.Sources, match.Get("srcFqdns"), "fqdn:")
	base.Sources = appendStrings(base.Sources, match.Get("srcAddressGroups"), "")
	base.Sources = appendStrings(base.Sources, match.Get("srcRegionCodes"), "geo:")
	// Secure tags are objects {"name":"tagValues/…"}; kept in the "tag:" form of
	// VPC firewall source tags.
	base.Sources = appendNames(base.Sources, match.Get("srcSecureTags"), "tag:")
	base.Destinations = appendStrings(base.Destinations, match.Get("destIpRanges"), "")
	base.Destinations = appendStrings(base.Destinations, match.Get("destFqdns"), "fqdn:")
	base.Destinations = appendStrings(base.Destinations, match.Get("destAddressGroups"), "")
	base.Destinations = appendStrings(base.Destinations, match.Get("destRegionCodes"), "geo:")

	l4 := match.Get("layer4Configs")
	if l4 == nil {
		l4 = match.Get("layer4Config")
	}
	configs := arrayOf(l4)
	if len(configs) == 0 {
		if partial {
			// patchRule that leaves the layer-4 match alone: protocols unknown.
			return append(out, base)
		}
		r := base
		r.Protocol, r.PortRanges = schema.ProtocolAll, []schema.PortRange{schema.AllPortRange}
		return append(out, r)
	}
	for _, c := range configs {
		out = append(out, protocolRule(base, base.Action, c))
	}
	return out
}

// appendNames appends the "name" of each object of a JSON array, with prefix.
func appendNames(dst []string, arr *fastjson.Value, prefix string) []string {
	for _, it := range arrayOf(arr) {
		if n := it.GetStringBytes("name"); len(n) > 0 {
			dst = append(dst, prefix+string(n))
		}
	}
	return dst
}

// policyAction maps FirewallPolicyRule.action. apply_security_profile_group lets the
// traffic through (after L7 inspection), so for exposure it is an allow; goto_next
// defers to the next policy level and is kept as is.
func policyAction(a []byte) string {
	switch {
	case len(a) == 0:
		return ""
	case jsonx.EqualFold(a, "allow"), jsonx.EqualFold(a, "apply_security_profile_group"):
		return schema.ActionAllow
	case jsonx.EqualFold(a, "deny"):
		return schema.ActionDeny
	case jsonx.EqualFold(a, "goto_next"):
		return "goto_next"
	}
	return string(a)
}
