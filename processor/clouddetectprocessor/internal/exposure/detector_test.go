package exposure

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

type want struct {
	rule     *detection.Rule
	sev      detection.Severity
	lo, hi   float64
	contains []string
}

type tcase struct {
	name   string
	cfg    func(*Config)
	before []ev
	ev     ev
	want   []want // exactly these rules fire
}

const (
	azSub  = "7f3e1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
	azRule = "/subscriptions/" + azSub + "/resourceGroups/rg-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-web/securityRules/"
)

func gcpFw(method, change, name string, rules ...schema.NetworkRule) ev {
	return ev{provider: "gcp", account: "prod-project-4711", service: "compute.googleapis.com",
		method: method, resource: "projects/prod-project-4711/global/firewalls/" + name, change: change,
		outcome: schema.OutcomeSuccess, at: t0, rules: rules,
		user: "ci-deployer@prod-project-4711.iam.gserviceaccount.com", ptype: schema.PrincipalServiceAccount,
		ctype: schema.CredentialToken, ip: "34.118.20.9", ua: "google-cloud-sdk gcloud/456.0.0"}
}

func azNSG(method, change, name string, rules ...schema.NetworkRule) ev {
	return ev{provider: "azure", account: azSub, service: "Microsoft.Network", method: method,
		resource: azRule + name, change: change, outcome: schema.OutcomeSuccess, at: t0, rules: rules,
		user: "alice@contoso.com", ptype: schema.PrincipalUser, ctype: schema.CredentialToken,
		ip: "203.0.113.50", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", roles: []string{"Reader"}}
}

func modifyRules(rules ...schema.NetworkRule) ev {
	e := sgIngress(rules...)
	e.method, e.change = "ModifySecurityGroupRules", schema.ChangeModify
	return e
}

func noDir(src, proto string, ports ...string) schema.NetworkRule {
	r := in(src, proto, ports...)
	r.Direction = ""
	return r
}

func disabled(r schema.NetworkRule, d bool) schema.NetworkRule {
	r.Disabled, r.HasDisabled = d, true
	return r
}

func TestDetect(t *testing.T) {
	ssh := []string{"0.0.0.0/0", "tcp 22 (high-risk: 22 ssh)"}
	cases := []tcase{
		{name: "world ssh by a role: high",
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, append(ssh, "Added ingress allow rule", "of sg-0a1b2c3d4e5f60718", "assumed-role/dev-admin/alice")},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, ssh},
			}},
		{name: "world ssh by root long-term key without MFA: critical",
			ev: awsRoot(sgIngress(in("0.0.0.0/0", "tcp", "22"))),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 99, 100, []string{"root", "long-term key AKIAEXAMPLE5T3V7W9XY", "no MFA"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 99, 100, nil},
			}},
		{name: "all protocols from the world: three rules",
			ev: sgIngress(in("0.0.0.0/0", schema.ProtocolAll)),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 85, 85, []string{"all protocols and ports"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 85, 85, nil},
				{RuleAllPortsIngress, detection.SeverityCritical, 85, 85, nil},
			}},
		{name: "tcp 0-65535 is all ports",
			ev: sgIngress(in("0.0.0.0/0", "tcp", "0-65535")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 85, 85, []string{"tcp all ports"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 85, 85, nil},
				{RuleAllPortsIngress, detection.SeverityCritical, 85, 85, nil},
			}},
		{name: "gcp tcp without ports is all ports",
			ev: gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-all-tcp", schema.NetworkRule{
				Direction: schema.DirectionIngress, Action: schema.ActionAllow, Protocol: "tcp", Sources: []string{"0.0.0.0/0"}}),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 85, 85, []string{"tcp all ports"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 85, 85, nil},
				{RuleAllPortsIngress, detection.SeverityCritical, 85, 85, nil},
			}},
		{name: "pseudonymised a.b.c.d/0 keeps the world",
			ev: sgIngress(in("a.b.c.d/0", "tcp", "3389")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"a.b.c.d/0", "3389 rdp"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "ipv6 ::/0 to mongodb range",
			ev: sgIngress(in("::/0", "tcp", "27017-27019")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 80, 81, []string{"::/0", "27017 mongodb and 2 more"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 80, 81, nil},
			}},
		{name: "azure Internet tag to rdp by an Owner",
			ev: func() ev {
				e := azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "allow-rdp",
					schema.NetworkRule{Direction: schema.DirectionIngress, Action: schema.ActionAllow, Protocol: "tcp",
						PortRanges: []schema.PortRange{{From: 3389, To: 3389}}, Sources: []string{"Internet"}, Destinations: []string{"*"}, Priority: 100, HasPriority: true})
				e.roles = []string{"Owner"}
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 79, 80, []string{"from Internet", "Owner role"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 79, 80, nil},
			}},
		{name: "azure star source",
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "any-ssh",
				rule(schema.DirectionIngress, schema.ActionAllow, "*", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"from *"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "AzureCloud service tag weighs less",
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "azurecloud-ssh",
				rule(schema.DirectionIngress, schema.ActionAllow, "AzureCloud", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityMedium, 43, 44, []string{"AzureCloud"}},
				{RuleHighRiskPortIngress, detection.SeverityMedium, 43, 44, nil},
			}},
		{name: "regional AzureCloud tag",
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "azurecloud-ssh",
				rule(schema.DirectionIngress, schema.ActionAllow, "AzureCloud.westeurope", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityMedium, 43, 44, nil},
				{RuleHighRiskPortIngress, detection.SeverityMedium, 43, 44, nil},
			}},
		{name: "VirtualNetwork tag is internal",
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "vnet-ssh",
				rule(schema.DirectionIngress, schema.ActionAllow, "VirtualNetwork", "tcp", "22"))},
		{name: "/1 is nearly the world",
			ev: sgIngress(in("0.0.0.0/1", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 67, 68, []string{"0.0.0.0/1"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 67, 68, nil},
			}},
		{name: "broad public /8 weighs half",
			ev: sgIngress(in("11.0.0.0/8", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityLow, 36, 37, []string{"11.0.0.0/8"}},
				{RuleHighRiskPortIngress, detection.SeverityLow, 36, 37, nil},
			}},
		{name: "office /32 is not exposure", ev: sgIngress(in("198.51.100.23/32", "tcp", "22"))},
		{name: "public /16 is narrower than the broad limit", ev: sgIngress(in("52.95.0.0/16", "tcp", "22"))},
		{name: "private 10/8 ssh", ev: sgIngress(in("10.0.0.0/8", "tcp", "22"))},
		{name: "private 172.16/12 all", ev: sgIngress(in("172.16.0.0/12", schema.ProtocolAll))},
		{name: "private 192.168/16", ev: sgIngress(in("192.168.0.0/16", "tcp", "3389"))},
		{name: "CGNAT", ev: sgIngress(in("100.64.0.0/10", "tcp", "22"))},
		{name: "link-local", ev: sgIngress(in("169.254.169.254/32", "tcp", "80"))},
		{name: "ipv6 ULA", ev: sgIngress(in("fd00::/8", "tcp", "22"))},
		{name: "security group reference", ev: sgIngress(in("sg-0fedcba9876543210", "tcp", "5432"))},
		{name: "gcp IAP range", ev: gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-iap-ssh", in("35.235.240.0/20", "tcp", "22"))},
		{name: "gcp health checkers", ev: gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-hc", schema.NetworkRule{
			Direction: schema.DirectionIngress, Action: schema.ActionAllow, Protocol: "tcp",
			PortRanges: []schema.PortRange{{From: 8080, To: 8080}}, Sources: []string{"35.191.0.0/16", "130.211.0.0/22"}})},
		{name: "80 and 443 from the world are informational",
			ev:   sgIngress(in("0.0.0.0/0", "tcp", "80", "443")),
			want: []want{{RuleAnySourceIngress, detection.SeverityInfo, 8, 9, []string{"expected internet ports"}}}},
		{name: "80/443 stay info even for root",
			ev:   awsRoot(sgIngress(in("0.0.0.0/0", "tcp", "443"))),
			want: []want{{RuleAnySourceIngress, detection.SeverityInfo, 13, 14, nil}}},
		{name: "an ordinary port from the world is medium",
			ev:   sgIngress(in("0.0.0.0/0", "tcp", "8443")),
			want: []want{{RuleAnySourceIngress, detection.SeverityMedium, 42, 43, []string{"tcp 8443"}}}},
		{name: "icmp from the world is informational",
			ev:   sgIngress(in("0.0.0.0/0", "icmp")),
			want: []want{{RuleAnySourceIngress, detection.SeverityInfo, 12, 13, []string{"icmp"}}}},
		{name: "never pair a CIDR of one permission with the port of another",
			ev:   sgIngress(in("0.0.0.0/0", "tcp", "443"), in("10.0.0.0/8", "tcp", "22")),
			want: []want{{RuleAnySourceIngress, detection.SeverityInfo, 8, 9, []string{"tcp 443"}}}},
		{name: "strongest item wins per rule",
			ev: sgIngress(in("0.0.0.0/0", "tcp", "443"), in("::/0", "tcp", "22"), in("11.0.0.0/8", "tcp", "3306")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"::/0", "22 ssh"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, []string{"::/0"}},
			}},
		{name: "revoke of a world allow is not exposure",
			ev: func() ev {
				e := sgIngress(in("0.0.0.0/0", "tcp", "22"))
				e.method, e.change = "RevokeSecurityGroupIngress", schema.ChangeRemove
				return e
			}()},
		{name: "adding a deny rule narrows access",
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "deny-rdp",
				rule(schema.DirectionIngress, schema.ActionDeny, "Internet", "tcp", "3389"))},
		{name: "deleting a deny rule widens access",
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/delete", schema.ChangeRemove, "deny-rdp",
				rule(schema.DirectionIngress, schema.ActionDeny, "Internet", "tcp", "3389")),
			want: []want{{RuleDenyRemoved, detection.SeverityMedium, 57, 58, []string{"Removed ingress deny rule", "from Internet", "3389 rdp"}}}},
		{name: "azure NSG deny rule deleted by name only: resolved from state",
			before: []ev{azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "deny-rdp",
				withID(rule(schema.DirectionIngress, schema.ActionDeny, "Internet", "tcp", "3389"), "deny-rdp"))},
			ev: azNSG("Microsoft.Network/networkSecurityGroups/securityRules/delete", schema.ChangeRemove, "deny-rdp",
				schema.NetworkRule{RuleID: "deny-rdp"}),
			want: []want{{RuleDenyRemoved, detection.SeverityMedium, 57, 58, []string{"Removed ingress deny rule deny-rdp (was Internet tcp 3389)"}}}},
		{name: "same rule name in another NSG is not confused",
			before: []ev{azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "deny-rdp",
				withID(rule(schema.DirectionIngress, schema.ActionDeny, "Internet", "tcp", "3389"), "deny-rdp"))},
			ev: func() ev {
				e := azNSG("Microsoft.Network/networkSecurityGroups/securityRules/delete", schema.ChangeRemove, "deny-rdp",
					schema.NetworkRule{RuleID: "deny-rdp"})
				e.resource = strings.Replace(e.resource, "nsg-web", "nsg-db", 1)
				return e
			}()},
		{name: "NACL deny entry deleted by number: resolved from state",
			before: []ev{func() ev {
				e := sgIngress(withID(rule(schema.DirectionIngress, schema.ActionDeny, "0.0.0.0/0", "tcp", "22"), "acl-0a1b2c3d:ingress:90"))
				e.method, e.resource = "CreateNetworkAclEntry", "acl-0a1b2c3d"
				return e
			}()},
			ev: func() ev {
				e := sgIngress(schema.NetworkRule{Direction: schema.DirectionIngress, RuleID: "acl-0a1b2c3d:ingress:90", Priority: 90, HasPriority: true})
				e.method, e.resource, e.change = "DeleteNetworkAclEntry", "acl-0a1b2c3d", schema.ChangeRemove
				return e
			}(),
			want: []want{{RuleDenyRemoved, detection.SeverityMedium, 57, 58, []string{"was 0.0.0.0/0 tcp 22"}}}},
		{name: "gcp allow firewall deleted by name only is not exposure",
			before: []ev{gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-ssh", withID(in("0.0.0.0/0", "tcp", "22"), "allow-ssh"))},
			ev:     gcpFw("v1.compute.firewalls.delete", schema.ChangeRemove, "allow-ssh", schema.NetworkRule{RuleID: "allow-ssh"})},
		{name: "prefix list named by name (no id in the event)",
			ev: func() ev {
				e := sgIngress(schema.NetworkRule{Action: schema.ActionAllow, Sources: []string{"0.0.0.0/0"}})
				e.method, e.resource, e.change = "CreateManagedPrefixList", "office-ranges", schema.ChangeAdd
				return e
			}(),
			want: []want{{RulePrefixListWorld, detection.SeverityLow, 25, 26, []string{"Prefix list office-ranges gained 0.0.0.0/0"}}}},
		{name: "disabling a gcp deny rule widens access",
			ev: gcpFw("v1.compute.firewalls.patch", schema.ChangeModify, "deny-telnet",
				disabled(withID(rule(schema.DirectionIngress, schema.ActionDeny, "0.0.0.0/0", "tcp", "23"), "deny-telnet"), true)),
			want: []want{{RuleDenyRemoved, detection.SeverityMedium, 57, 58, []string{"Disabled ingress deny rule deny-telnet", "23 telnet"}}}},
		{name: "disabling a gcp allow rule narrows access",
			ev: gcpFw("v1.compute.firewalls.patch", schema.ChangeModify, "allow-ssh",
				disabled(withID(in("0.0.0.0/0", "tcp", "22"), "allow-ssh"), true))},
		{name: "re-enabling a gcp allow rule",
			before: []ev{gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-ssh",
				disabled(withID(in("0.0.0.0/0", "tcp", "22"), "allow-ssh"), true))},
			ev: gcpFw("v1.compute.firewalls.patch", schema.ChangeModify, "allow-ssh",
				disabled(withID(in("0.0.0.0/0", "tcp", "22"), "allow-ssh"), false)),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"rule re-enabled"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "failed call is annotated at info",
			ev: func() ev {
				e := awsRoot(sgIngress(in("0.0.0.0/0", "tcp", "22")))
				e.outcome, e.errType = schema.OutcomeFailure, "Client.UnauthorizedOperation"
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityInfo, 19, 19, []string{"Failed call (Client.UnauthorizedOperation), not an exposure"}},
				{RuleHighRiskPortIngress, detection.SeverityInfo, 19, 19, []string{"Failed call"}},
			}},
		{name: "egress all to the world restores the clouds' default egress: info",
			ev: func() ev {
				e := sgIngress(rule(schema.DirectionEgress, schema.ActionAllow, "0.0.0.0/0", schema.ProtocolAll))
				e.method = "AuthorizeSecurityGroupEgress"
				return e
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityInfo, 10, 10, []string{"egress allow rule to 0.0.0.0/0", "every cloud's default egress"}}}},
		{name: "egress on all tcp ports to the world is not the default",
			ev: func() ev {
				e := sgIngress(rule(schema.DirectionEgress, schema.ActionAllow, "0.0.0.0/0", "tcp", "0-65535"))
				e.method = "AuthorizeSecurityGroupEgress"
				return e
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityLow, 34, 34, []string{"egress allow rule to 0.0.0.0/0"}}}},
		{name: "egress smtp to the world",
			ev: func() ev {
				e := sgIngress(rule(schema.DirectionEgress, schema.ActionAllow, "0.0.0.0/0", "tcp", "25"))
				e.method = "AuthorizeSecurityGroupEgress"
				return e
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityLow, 28, 29, []string{"25 smtp"}}}},
		{name: "egress to the world from Terraform is the default egress re-add",
			ev: func() ev {
				e := sgIngress(rule(schema.DirectionEgress, schema.ActionAllow, "0.0.0.0/0", schema.ProtocolAll))
				e.method = "AuthorizeSecurityGroupEgress"
				e.ua = "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0"
				return e
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityInfo, 10, 10, []string{"re-added by Terraform"}}}},
		{name: "egress all right after CreateSecurityGroup",
			before: []ev{func() ev {
				e := sgIngress()
				e.method, e.noRules, e.at = "CreateSecurityGroup", true, t0.Add(-40*time.Second)
				return e
			}()},
			ev: func() ev {
				e := sgIngress(rule(schema.DirectionEgress, schema.ActionAllow, "0.0.0.0/0", schema.ProtocolAll))
				e.method = "AuthorizeSecurityGroupEgress"
				e.ua = "AWS CloudFormation"
				return e
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityInfo, 10, 10, []string{"right after the group was created"}}}},
		{name: "egress all long after CreateSecurityGroup is still the clouds' default, not a re-add",
			before: []ev{func() ev {
				e := sgIngress()
				e.method, e.noRules, e.at = "CreateSecurityGroup", true, t0.Add(-2*time.Hour)
				return e
			}()},
			ev: func() ev {
				e := sgIngress(rule(schema.DirectionEgress, schema.ActionAllow, "0.0.0.0/0", schema.ProtocolAll))
				e.method = "AuthorizeSecurityGroupEgress"
				return e
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityInfo, 10, 10, []string{"every cloud's default egress"}}}},
		{name: "ModifySecurityGroupRules takes direction and previous value from the rule id",
			before: []ev{sgIngress(withID(in("10.0.0.0/8", "tcp", "22"), "sgr-0123456789abcdef0"))},
			ev:     modifyRules(withID(noDir("0.0.0.0/0", "tcp", "22"), "sgr-0123456789abcdef0")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"Modified ingress allow rule sgr-0123456789abcdef0", "was 10.0.0.0/8 tcp 22"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "ModifySecurityGroupRules on an egress rule id",
			before: []ev{func() ev {
				e := sgIngress(withID(rule(schema.DirectionEgress, schema.ActionAllow, "10.0.0.0/8", "tcp", "5432"), "sgr-0eeeeeeeeeeeeeee0"))
				e.method = "AuthorizeSecurityGroupEgress"
				return e
			}()},
			ev: func() ev {
				r := withID(noDir("", "tcp", "5432"), "sgr-0eeeeeeeeeeeeeee0")
				r.Sources, r.Destinations = nil, []string{"0.0.0.0/0"}
				return modifyRules(r)
			}(),
			want: []want{{RuleAnyDestinationEgress, detection.SeverityLow, 28, 29, []string{"Modified egress allow rule", "was 10.0.0.0/8 tcp 5432"}}}},
		{name: "ModifySecurityGroupRules on an unseen rule id is possibly ingress",
			ev: modifyRules(withID(noDir("0.0.0.0/0", "tcp", "22"), "sgr-0ffffffffffffffff")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityMedium, 57, 58, []string{"direction unknown (rule sgr-0ffffffffffffffff not seen before)", "possibly-ingress"}},
				{RuleHighRiskPortIngress, detection.SeverityMedium, 57, 58, nil},
			}},
		{name: "a modify that is not wider than before is halved",
			before: []ev{sgIngress(withID(in("0.0.0.0/0", "tcp", "22"), "sgr-0aaaaaaaaaaaaaaa0"))},
			ev:     modifyRules(withID(noDir("0.0.0.0/0", "tcp", "22"), "sgr-0aaaaaaaaaaaaaaa0")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityLow, 36, 37, []string{"not wider than before"}},
				{RuleHighRiskPortIngress, detection.SeverityLow, 36, 37, nil},
			}},
		{name: "prefix list gains the world while a rule references it",
			before: []ev{sgIngress(withID(in("pl-0123456789abcdef0", "tcp", "22"), "sgr-0bbbbbbbbbbbbbbb0"))},
			ev: func() ev {
				e := sgIngress(schema.NetworkRule{Sources: []string{"0.0.0.0/0"}})
				e.method, e.resource, e.change = "ModifyManagedPrefixList", "pl-0123456789abcdef0", schema.ChangeAdd
				return e
			}(),
			want: []want{{RulePrefixListWorld, detection.SeverityHigh, 72, 73, []string{"Prefix list pl-0123456789abcdef0 gained 0.0.0.0/0 while rule sgr-0bbbbbbbbbbbbbbb0 references it for ingress tcp 22"}}}},
		{name: "unreferenced prefix list gaining the world is low",
			ev: func() ev {
				e := sgIngress(schema.NetworkRule{Sources: []string{"0.0.0.0/0"}})
				e.method, e.resource, e.change = "ModifyManagedPrefixList", "pl-0ccccccccccccccc0", schema.ChangeAdd
				return e
			}(),
			want: []want{{RulePrefixListWorld, detection.SeverityLow, 25, 26, []string{"not referenced by any rule seen yet"}}}},
		{name: "a rule referencing a prefix list that holds the world",
			before: []ev{func() ev {
				e := sgIngress(schema.NetworkRule{Sources: []string{"0.0.0.0/0"}})
				e.method, e.resource, e.change = "CreateManagedPrefixList", "pl-0ddddddddddddddd0", schema.ChangeAdd
				return e
			}()},
			ev: sgIngress(in("pl-0ddddddddddddddd0", "tcp", "3306")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, []string{"via prefix list pl-0ddddddddddddddd0", "3306 mysql"}},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "duplicate record of one gcp operation is info",
			before: []ev{func() ev {
				e := gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-redis", in("0.0.0.0/0", "tcp", "6379"))
				e.opID, e.stage = "operation-1732096800000-62a1b2c3d4e5f-6a7b8c9d-0e1f2a3b", "first"
				return e
			}()},
			ev: func() ev {
				e := gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-redis", in("0.0.0.0/0", "tcp", "6379"))
				e.opID, e.stage, e.at = "operation-1732096800000-62a1b2c3d4e5f-6a7b8c9d-0e1f2a3b", "last", t0.Add(8*time.Second)
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityInfo, 19, 19, []string{"Duplicate record of operation operation-1732096800000"}},
				{RuleHighRiskPortIngress, detection.SeverityInfo, 19, 19, nil},
			}},
		{name: "azure Accepted after Started is a duplicate",
			before: []ev{func() ev {
				e := azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "ssh",
					rule(schema.DirectionIngress, schema.ActionAllow, "*", "tcp", "22"))
				e.opID, e.stage = "b7e3c1d2-9a8f-4e6d-8c7b-1a2b3c4d5e6f", "first"
				return e
			}()},
			ev: func() ev {
				e := azNSG("Microsoft.Network/networkSecurityGroups/securityRules/write", schema.ChangeAdd, "ssh",
					rule(schema.DirectionIngress, schema.ActionAllow, "*", "tcp", "22"))
				e.opID, e.at = "b7e3c1d2-9a8f-4e6d-8c7b-1a2b3c4d5e6f", t0.Add(2*time.Second)
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityInfo, 19, 19, []string{"Duplicate"}},
				{RuleHighRiskPortIngress, detection.SeverityInfo, 19, 19, nil},
			}},
		{name: "a later record with more evidence is reported in full",
			before: []ev{func() ev {
				e := gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "web", in("0.0.0.0/0", "tcp", "443"))
				e.opID = "operation-2"
				return e
			}()},
			ev: func() ev {
				e := gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "web", in("0.0.0.0/0", "tcp", "443", "22"))
				e.opID = "operation-2"
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, nil},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "gcp service-account key",
			ev: func() ev {
				e := gcpFw("v1.compute.firewalls.insert", schema.ChangeAdd, "allow-es", in("0.0.0.0/0", "tcp", "9200"))
				e.ctype = schema.CredentialServiceAccountKey
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 83, 84, []string{"service-account key", "9200 elasticsearch"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 83, 84, nil},
			}},
		{name: "allowlisted exposure is lowered, not dropped",
			cfg: func(c *Config) {
				c.Allowlist = []AllowEntry{{Resource: "sg-0a1b2c3d*", CIDR: "0.0.0.0/0", Ports: []string{"22"}, Reason: "bastion host"}}
			},
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityInfo, 14, 15, []string{"allowlisted (bastion host)"}},
				{RuleHighRiskPortIngress, detection.SeverityInfo, 14, 15, nil},
			}},
		{name: "allowlist for other ports does not apply",
			cfg: func(c *Config) {
				c.Allowlist = []AllowEntry{{CIDR: "0.0.0.0/0", Ports: []string{"22"}, Reason: "bastion host"}}
			},
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22-23")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, nil},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "automation role lowers",
			cfg: func(c *Config) {
				c.Automation = []AutomationEntry{{Role: "dev-admin", UserAgent: "aws-cli/*", Reason: "deploy pipeline"}}
			},
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityLow, 36, 37, []string{"automation identity (deploy pipeline)"}},
				{RuleHighRiskPortIngress, detection.SeverityLow, 36, 37, nil},
			}},
		{name: "automation needs every field to match",
			cfg: func(c *Config) {
				c.Automation = []AutomationEntry{{Role: "dev-admin", UserAgent: "*Terraform*", Reason: "terraform"}}
			},
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, nil},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
		{name: "change window lowers",
			cfg: func(c *Config) {
				c.ChangeWindows = []schedule.Window{{Name: "friday-maintenance", Cron: "0 9 * * fri", Duration: 3 * time.Hour}}
			},
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22")), // t0 is Friday 10:00 UTC
			want: []want{
				{RuleAnySourceIngress, detection.SeverityMedium, 43, 44, []string{"inside change window friday-maintenance"}},
				{RuleHighRiskPortIngress, detection.SeverityMedium, 43, 44, nil},
			}},
		{name: "first-seen principal, source IP and user agent after warm-up",
			before: []ev{func() ev {
				e := sgIngress(in("10.0.0.0/8", "tcp", "22"))
				e.at = t0.Add(-72 * time.Hour)
				return e
			}()},
			ev: func() ev {
				e := sgIngress(in("0.0.0.0/0", "tcp", "22"))
				e.user = "arn:aws:sts::111122223333:assumed-role/dev-admin/mallory"
				e.ip, e.ua = "185.220.101.4", "python-requests/2.31"
				return e
			}(),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityCritical, 90, 91, []string{"first-seen principal", "first-seen source IP 185.220.101.4", "first-seen user agent"}},
				{RuleHighRiskPortIngress, detection.SeverityCritical, 90, 91, nil},
			}},
		{name: "known principal after warm-up is not first-seen",
			before: []ev{func() ev {
				e := sgIngress(in("10.0.0.0/8", "tcp", "22"))
				e.at = t0.Add(-72 * time.Hour)
				return e
			}()},
			ev: sgIngress(in("0.0.0.0/0", "tcp", "22")),
			want: []want{
				{RuleAnySourceIngress, detection.SeverityHigh, 72, 73, nil},
				{RuleHighRiskPortIngress, detection.SeverityHigh, 72, 73, nil},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			d, err := New(cfg, nil)
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

func checkFindings(t *testing.T, out detection.Findings, want []want, e ev) {
	t.Helper()
	got := map[string]detection.Finding{}
	for _, f := range out {
		if _, dup := got[f.Rule.UUID]; dup {
			t.Errorf("rule %s fired twice", f.Rule.UUID)
		}
		got[f.Rule.UUID] = f
		if f.Subject != e.resource {
			t.Errorf("%s: subject %q, want %q", f.Rule.UUID, f.Subject, e.resource)
		}
		if f.Time.AsTime() != e.at {
			t.Errorf("%s: time %v, want %v", f.Rule.UUID, f.Time.AsTime(), e.at)
		}
		if strings.Count(f.Reason, ". ") > 0 || !strings.HasSuffix(f.Reason, ".") {
			t.Errorf("%s: reason is not one sentence: %q", f.Rule.UUID, f.Reason)
		}
	}
	for _, w := range want {
		f, ok := got[w.rule.UUID]
		if !ok {
			t.Errorf("rule %s did not fire; got %v", w.rule.UUID, reasons(out))
			continue
		}
		if f.Severity != w.sev || f.Score < w.lo || f.Score > w.hi {
			t.Errorf("%s: severity %v score %.1f, want %v in [%v,%v]; reason %q", w.rule.UUID, f.Severity, f.Score, w.sev, w.lo, w.hi, f.Reason)
		}
		for _, s := range w.contains {
			if !strings.Contains(f.Reason, s) {
				t.Errorf("%s: reason %q lacks %q", w.rule.UUID, f.Reason, s)
			}
		}
		delete(got, w.rule.UUID)
	}
	for uuid, f := range got {
		t.Errorf("unexpected %s (%v, %.1f): %s", uuid, f.Severity, f.Score, f.Reason)
	}
}

func reasons(out detection.Findings) []string {
	var r []string
	for _, f := range out {
		r = append(r, f.Rule.UUID+": "+f.Reason)
	}
	return r
}

// FuzzDetectRule feeds arbitrary rule fields through the detector: it must never panic
// and scores must stay within 0..100.
func FuzzDetectRule(f *testing.F) {
	f.Add("ingress", "allow", "tcp", "22", "0.0.0.0/0", "add", "sgr-1", false)
	f.Add("", "deny", "-1", "all", "a.b.c.d/0", "remove", "", true)
	f.Add("egress", "allow", "icmp", "0-65535", "pl-1", "modify", "pl-1", false)
	d, err := New(DefaultConfig(), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, dir, action, proto, port, peer, change, id string, dis bool) {
		e := sgIngress()
		e.change = change
		res, rec := build(e)
		rules := rec.Attributes().PutEmptySlice(schema.AttrRules)
		m := rules.AppendEmpty().SetEmptyMap()
		m.PutStr(schema.RuleDirection, dir)
		m.PutStr(schema.RuleAction, action)
		m.PutStr(schema.RuleProtocol, proto)
		m.PutEmptySlice(schema.RulePortRanges).AppendEmpty().SetStr(port)
		m.PutEmptySlice(schema.RuleSources).AppendEmpty().SetStr(peer)
		m.PutEmptySlice(schema.RuleDestinations).AppendEmpty().SetStr(peer)
		m.PutStr(schema.RuleID, id)
		m.PutBool(schema.RuleDisabled, dis)
		var out detection.Findings
		d.DetectLog(res, rec, &out)
		for _, fd := range out {
			if fd.Score < 0 || fd.Score > 100 || fd.Reason == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
