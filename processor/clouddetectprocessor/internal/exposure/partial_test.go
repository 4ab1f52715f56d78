package exposure

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// gcpPatch is a firewalls.patch logged without resourceOriginalState: the receiver
// writes only what the request names (no action, protocol, ports or direction).
func gcpPatch(name string, minutes int, r schema.NetworkRule) ev {
	r.RuleID = name
	e := gcpFw("v1.compute.firewalls.patch", schema.ChangeModify, name, r)
	e.at = t0.Add(time.Duration(minutes) * time.Minute)
	return e
}

func gcpInsert(name string, r schema.NetworkRule) ev {
	return gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, name, withID(r, name))
}

// TestPartialChange covers changes that name only some fields of a known rule: the
// rest comes from the rule as last seen.
func TestPartialChange(t *testing.T) {
	narrowSSH := in("10.128.0.0/9", "tcp", "22")
	denyWorld := rule(schema.DirectionIngress, schema.ActionDeny, "0.0.0.0/0", "tcp", "22", "3389")
	cases := []tcase{
		{name: "patch that only widens sources keeps the remembered tcp 22",
			before: []ev{gcpInsert("allow-ssh", narrowSSH)},
			ev:     gcpPatch("allow-ssh", 1, schema.NetworkRule{Sources: []string{"0.0.0.0/0"}}),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"Modified ingress allow rule allow-ssh from 0.0.0.0/0 on tcp 22", "was 10.128.0.0/9 tcp 22"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "patch that only disables a remembered deny rule",
			before: []ev{gcpInsert("deny-admin", denyWorld)},
			ev:     gcpPatch("deny-admin", 1, disabled(schema.NetworkRule{}, true)),
			want:   []want{{RuleDenyRemoved, detection.SeverityMedium, 57, 58, []string{"Disabled ingress deny rule deny-admin from 0.0.0.0/0 on tcp 22,3389"}}}},
		{name: "patch that only disables a remembered allow rule narrows access",
			before: []ev{gcpInsert("allow-ssh", in("0.0.0.0/0", "tcp", "22"))},
			ev:     gcpPatch("allow-ssh", 1, disabled(schema.NetworkRule{}, true))},
		{name: "patch that only re-enables a remembered world rule, after earlier partial patches",
			before: []ev{
				gcpInsert("allow-ssh", narrowSSH),
				gcpPatch("allow-ssh", 1, schema.NetworkRule{Sources: []string{"0.0.0.0/0"}}),
				gcpPatch("allow-ssh", 2, disabled(schema.NetworkRule{}, true)),
			},
			ev: gcpPatch("allow-ssh", 3, disabled(schema.NetworkRule{}, false)),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"from 0.0.0.0/0 on tcp 22", "rule re-enabled"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "patch that only narrows sources of a remembered world rule",
			before: []ev{gcpInsert("allow-ssh", in("0.0.0.0/0", "tcp", "22"))},
			ev:     gcpPatch("allow-ssh", 1, schema.NetworkRule{Sources: []string{"10.0.0.0/8"}})},
		{name: "patch that only narrows sources of a remembered deny rule is not a deny removed",
			before: []ev{gcpInsert("deny-admin", denyWorld)},
			ev:     gcpPatch("deny-admin", 1, schema.NetworkRule{Sources: []string{"10.0.0.0/8"}})},
		{name: "patch that only moves the priority of a world rule is not wider",
			before: []ev{gcpInsert("allow-ssh", in("0.0.0.0/0", "tcp", "22"))},
			ev:     gcpPatch("allow-ssh", 1, schema.NetworkRule{Priority: 500, HasPriority: true}),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityLow, 36, 37, []string{"not wider than before"}},
				{RuleHighRiskPortIngress, detection.SeverityLow, 36, 37, nil},
			}},
		{name: "patch that only changes the ports of a world-open rule keeps its sources",
			before: []ev{gcpInsert("allow-web", in("0.0.0.0/0", "tcp", "443"))},
			ev: gcpPatch("allow-web", 1, schema.NetworkRule{Action: schema.ActionAllow, Protocol: "tcp",
				PortRanges: []schema.PortRange{{From: 22, To: 22}}}),
			want: []want{
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, []string{"allow-web from 0.0.0.0/0 on tcp 22"}},
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "patch that only widens sources of a rule never seen: unknown ports, not all ports",
			ev: gcpPatch("allow-x", 1, schema.NetworkRule{Sources: []string{"0.0.0.0/0"}}),
			want: []want{{RuleAnySourceIngress, detection.SeverityMedium, 47, 48,
				[]string{"possibly-ingress allow rule allow-x from 0.0.0.0/0 on ports not in the record"}}}},
		{name: "azure rule ids match whatever their casing",
			before: []ev{func() ev {
				e := azNSG("MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", schema.ChangeAdd, "DENY-RDP",
					withID(rule(schema.DirectionIngress, schema.ActionDeny, "Internet", "tcp", "3389"), "DENY-RDP"))
				e.resource, e.account = strings.ToUpper(e.resource), strings.ToUpper(e.account)
				return e
			}()},
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/delete", schema.ChangeRemove, "deny-rdp",
				schema.NetworkRule{RuleID: "deny-rdp"}),
			want: []want{{RuleDenyRemoved, detection.SeverityMedium, 57, 58, []string{"was Internet tcp 3389"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(DefaultConfig(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var out detection.Findings
			for _, b := range tc.before {
				res, rec := build(b)
				d.DetectLog(res, rec, &out)
			}
			out = out[:0]
			res, rec := build(tc.ev)
			d.DetectLog(res, rec, &out)
			checkFindings(t, out, tc.want, tc.ev)
		})
	}
}

func TestSummaryParts(t *testing.T) {
	for _, tc := range []struct{ peer, ports string }{
		{"10.0.0.0/8", "tcp 22"},
		{"no peer", "tcp 22"},
		{"Internet", "all all ports"},
		{"0.0.0.0/0", ""},
	} {
		var r ruleState
		r.setSummaryText(tc.peer, tc.ports)
		if got := r.peerPart(); got != tc.peer {
			t.Errorf("peerPart(%q) = %q", r.summary(), got)
		}
		if got := r.portsPart(); got != tc.ports {
			t.Errorf("portsPart(%q) = %q", r.summary(), got)
		}
	}
}
