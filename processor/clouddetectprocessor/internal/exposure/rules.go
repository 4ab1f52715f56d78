package exposure

import "github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"

// Reference is the ATT&CK detection strategy that holds analytic AN1188: DET0424,
// "Detection Strategy for Disable or Modify Cloud Firewall" (analytics have no page of
// their own; they are listed on their strategy's page).
const Reference = "https://attack.mitre.org/detectionstrategies/DET0424/"

// Techniques are the current and legacy ATT&CK ids of cloud firewall modification.
var Techniques = []string{"T1686.001", "T1562.007"}

func newRule(name, human string) *detection.Rule {
	return &detection.Rule{
		UUID:       "cloudwarden.exposure." + name,
		Name:       human,
		Category:   detection.CategoryExposure,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1188,
		Reference:  Reference,
		Techniques: Techniques,
	}
}

// The rules of the exposure detector. Several may fire on one record; each carries the
// strongest evidence among the record's network rules.
var (
	// RuleAnySourceIngress: an ingress allow rule from the world, a broad public range or
	// a broad cloud service tag.
	RuleAnySourceIngress = newRule("any_source_ingress", "Ingress opened to any source")
	// RuleHighRiskPortIngress: such a rule covering a port of the high-risk list.
	RuleHighRiskPortIngress = newRule("high_risk_port_ingress", "High-risk port opened to any source")
	// RuleAllPortsIngress: such a rule covering every port or every protocol.
	RuleAllPortsIngress = newRule("all_ports_ingress", "All ports opened to any source")
	// RuleAnyDestinationEgress: an egress allow rule to the world or a broad public range.
	RuleAnyDestinationEgress = newRule("any_destination_egress", "Egress opened to any destination")
	// RuleDenyRemoved: a deny rule removed or disabled, which widens access.
	RuleDenyRemoved = newRule("deny_rule_removed", "Deny rule removed or disabled")
	// RulePrefixListWorld: a managed prefix list gained a world or broad public range.
	RulePrefixListWorld = newRule("prefix_list_world", "Prefix list gained a world range")
)

// Rules lists every rule of the detector (for documentation and tests).
var Rules = []*detection.Rule{
	RuleAnySourceIngress, RuleHighRiskPortIngress, RuleAllPortsIngress,
	RuleAnyDestinationEgress, RuleDenyRemoved, RulePrefixListWorld,
}
