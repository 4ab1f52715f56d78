package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// putRuleChange writes cloud.network_rule.change and .rules for NSG, NSG rule,
// Azure Firewall and firewall-policy rule-collection-group operations.
//
// The rules come from properties.requestbody (present on the Start record) or, when
// that is missing, truncated or not a rule, from properties.responseBody (present
// on the Success record). When neither holds the rule, the change is written with
// no rules: nothing is guessed.
func putRuleChange(ev *event.Event, kind opKind, r *record, p *props, resourceID []byte) {
	attrs := ev.Attrs()
	switch kind {
	case opNSGRuleDelete:
		// A DELETE has no body; the rule is known by its name.
		rule := schema.NetworkRule{RuleID: string(ruleNameOf(resourceID))}
		schema.PutRules(attrs.Map, schema.ChangeRemove, []schema.NetworkRule{rule})
		return
	case opNSGDelete, opFirewallDelete, opPolicyRulesDelete:
		schema.PutRules(attrs.Map, schema.ChangeRemove, nil)
		return
	}

	var rules []schema.NetworkRule
	extract := func(body *fastjson.Value) {
		switch kind {
		case opNSGRuleWrite:
			name := ruleNameOf(resourceID)
			if len(name) == 0 {
				name = jsonx.Bytes(jsonx.GetFold(body, "name"))
			}
			if rule, ok := nsgRule(jsonx.GetFold(body, "properties"), name); ok {
				rules = append(rules, rule)
			}
		case opNSGWrite:
			rules = nsgRulesOf(body, rules)
		case opFirewallWrite:
			rules = firewallRulesOf(body, rules)
		case opPolicyRulesWrite:
			rules = policyRulesOf(body, rules)
		}
	}
	withObject(p.requestBody, extract)
	if len(rules) == 0 {
		withObject(p.responseBody, extract)
	}
	if len(rules) == 0 && p.requestBody == nil && p.responseBody == nil {
		// Microsoft's mapping of the REST schema to the diagnostic export puts the
		// REST properties bag under properties.eventProperties (object or JSON text).
		withObject(p.eventProperties, func(bag *fastjson.Value) {
			var inner props
			inner.scan(bag)
			withObject(inner.requestBody, extract)
			if len(rules) == 0 {
				withObject(inner.responseBody, extract)
			}
		})
	}
	schema.PutRules(attrs.Map, writeChange(r, p), rules)
}

// ruleNameOf is the rule name at the end of …/securityRules/<name>.
func ruleNameOf(resourceID []byte) []byte {
	return segmentAfter(resourceID, "/securityrules/")
}

// writeChange tells a create from an update. ARM answers a PUT that created the
// resource with 201 Created and one that replaced it with 200 OK; Azure logs that
// as properties.statusCode ("Created" / "OK"), in resultSignature
// ("Succeeded.Created") or in subStatus (REST). The Start record has none of
// these; a write whose result is unknown is reported as "add", the conservative
// choice for exposure (a new permission is evaluated in full).
func writeChange(r *record, p *props) string {
	var buf [24]byte
	for _, b := range [...][]byte{
		scalarStr(p.statusCode, buf[:]),
		jsonx.Bytes(r.resultSignature),
		valueStr(r.subStatus),
	} {
		switch {
		case len(b) == 0:
		case jsonx.EqualFold(b, "created"), jsonx.EqualFold(b, "201"), jsonx.HasSuffixFold(b, ".created"):
			return schema.ChangeAdd
		case jsonx.EqualFold(b, "ok"), jsonx.EqualFold(b, "200"), jsonx.HasSuffixFold(b, ".ok"):
			return schema.ChangeModify
		}
	}
	return schema.ChangeAdd
}
