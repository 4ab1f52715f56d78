package gcpaudit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

func decodeInline(t *testing.T, method, rest string) *event.Event {
	t.Helper()
	v, err := fastjson.Parse(`{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Factivity",
	"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"compute.googleapis.com",
	"methodName":"` + method + `"` + rest + `},"timestamp":"2024-06-10T07:00:00Z"}`)
	require.NoError(t, err)
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	return ev
}

func TestRuleEdgeCases(t *testing.T) {
	tests := []struct {
		name, method, rest string
		change             string
		rules              []rule
	}{
		{
			name: "completion entry without request has no rules", method: "v1.compute.firewalls.insert",
			rest: `,"resourceName":"projects/example-prod-123456/global/firewalls/a"`,
		},
		{
			// Direction, priority and disabled keep their unlogged old values: none is guessed.
			name: "patch without original state: action unknown", method: "v1.compute.firewalls.patch",
			rest:   `,"resourceName":"projects/example-prod-123456/global/firewalls/web","request":{"sourceRanges":["0.0.0.0/0"]}`,
			change: "modify",
			rules:  []rule{{Ports: []string{}, Sources: []string{"0.0.0.0/0"}, Dests: []string{}, RuleID: "web"}},
		},
		{
			name: "source tags only: no implicit any-source", method: "v1.compute.firewalls.insert",
			rest:   `,"request":{"name":"tagged","sourceTags":["bastion"],"sourceServiceAccounts":["ops@example-prod-123456.iam.gserviceaccount.com"],"alloweds":[{"IPProtocol":"6"},{"IPProtocol":"icmp"},{"IPProtocol":"47"}]}`,
			change: "add",
			rules: []rule{
				{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"0-65535"},
					Sources: []string{"tag:bastion", "serviceAccount:ops@example-prod-123456.iam.gserviceaccount.com"}, Dests: []string{},
					Priority: 1000, HasPriority: true, RuleID: "tagged", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: []string{},
					Sources: []string{"tag:bastion", "serviceAccount:ops@example-prod-123456.iam.gserviceaccount.com"}, Dests: []string{},
					Priority: 1000, HasPriority: true, RuleID: "tagged", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "gre", Ports: []string{},
					Sources: []string{"tag:bastion", "serviceAccount:ops@example-prod-123456.iam.gserviceaccount.com"}, Dests: []string{},
					Priority: 1000, HasPriority: true, RuleID: "tagged", HasDisabled: true},
			},
		},
		{
			name: "egress allow without destination: implicit any", method: "v1.compute.firewalls.insert",
			rest:   `,"request":{"name":"egress-all","direction":"EGRESS","allowed":[{"IPProtocol":"udp","ports":["53"]}]}`,
			change: "add",
			rules: []rule{{Direction: "egress", Action: "allow", Protocol: "udp", Ports: []string{"53"},
				Sources: []string{}, Dests: []string{"0.0.0.0/0"}, Priority: 1000, HasPriority: true, RuleID: "egress-all", HasDisabled: true}},
		},
		{
			name: "policy removeRule", method: "v1.compute.regionNetworkFirewallPolicies.removeRule",
			rest:   `,"resourceName":"projects/example-prod-123456/regions/us-east1/firewallPolicies/edge","request":{"priority":"700"}`,
			change: "remove",
			rules:  []rule{{Ports: []string{}, Sources: []string{}, Dests: []string{}, Priority: 700, HasPriority: true, RuleID: "edge/700"}},
		},
		{
			name: "policy removeRule without its priority names no rule", method: "v1.compute.networkFirewallPolicies.removeRule",
			rest:   `,"resourceName":"projects/example-prod-123456/global/firewallPolicies/core"`,
			change: "remove",
		},
		{
			name: "policy patchRule deny egress", method: "beta.compute.networkFirewallPolicies.patchRule",
			rest:   `,"resourceName":"projects/example-prod-123456/global/firewallPolicies/core","request":{"priority":10,"action":"deny","direction":"EGRESS","disabled":true,"match":{"destIpRanges":["203.0.113.0/24"],"layer4Configs":[{"ipProtocol":"all"}]}}`,
			change: "modify",
			rules: []rule{{Direction: "egress", Action: "deny", Protocol: "all", Ports: []string{"0-65535"}, Sources: []string{},
				Dests: []string{"203.0.113.0/24"}, Priority: 10, HasPriority: true, RuleID: "core/10", Disabled: true, HasDisabled: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := decodeInline(t, tt.method, tt.rest)
			change, rules := readRules(t, ev.Attrs().Map)
			assert.Equal(t, tt.change, change)
			assert.Equal(t, tt.rules, rules)
		})
	}
}
