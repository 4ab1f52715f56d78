package gcpaudit

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// Documented LogEntry / AuditLog shapes for identity, outcome and time
// (https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog).
func TestCallerAndOutcomeFormats(t *testing.T) {
	const activity = `"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Factivity","timestamp":"2024-06-10T07:00:00.123456789Z",`
	tests := []struct {
		name   string
		entry  string
		want   map[string]string
		absent []string
		ts     string
	}{
		{
			name: "Firestore call through Firebase rules for a Firebase Auth end user",
			entry: `{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Fdata_access","timestamp":"2024-06-10T07:00:00.123456789Z",
			"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"firestore.googleapis.com",
			"methodName":"google.firestore.v1.Firestore.Listen","resourceName":"projects/example-prod-123456/databases/(default)","status":{},
			"authenticationInfo":{"principalEmail":"service-123456789012@firebase-rules.iam.gserviceaccount.com",
			"thirdPartyPrincipal":{"@type":"type.googleapis.com/google.cloud.audit.ThirdPartyJwt","payload":{"iss":"https://securetoken.google.com/example-prod-123456","sub":"Qx7uJ2","provider_id":"anonymous"}}},
			"requestMetadata":{"callerIp":"198.51.100.77"}}}`,
			want: map[string]string{
				schema.AttrUserID: "service-123456789012@firebase-rules.iam.gserviceaccount.com", schema.AttrPrincipalType: "federated",
				schema.AttrCredentialType: "token", schema.AttrOutcome: "success", schema.AttrSourceAddress: "198.51.100.77",
			},
		},
		{
			name: "empty thirdPartyPrincipal does not change the type",
			entry: `{` + activity + `"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"compute.googleapis.com",
			"methodName":"v1.compute.instances.start","authenticationInfo":{"principalEmail":"alice@example.com","thirdPartyPrincipal":{}}}}`,
			want: map[string]string{schema.AttrPrincipalType: "user"},
		},
		{
			name: "organization-level service agent",
			entry: `{` + activity + `"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"securitycenter.googleapis.com",
			"methodName":"google.cloud.securitycenter.v1.SecurityCenter.UpdateFinding","authenticationInfo":{"principalEmail":"service-org-987654321098@security-center-api.iam.gserviceaccount.com"}}}`,
			want: map[string]string{schema.AttrPrincipalType: "service", schema.AttrCredentialType: "token"},
		},
		{
			name: "impersonated service account: delegation chain from a user",
			entry: `{` + activity + `"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"compute.googleapis.com",
			"methodName":"v1.compute.instances.insert","authenticationInfo":{"principalEmail":"deployer@example-prod-123456.iam.gserviceaccount.com",
			"serviceAccountDelegationInfo":[{"firstPartyPrincipal":{"principalEmail":"alice@example.com"}}],
			"principalSubject":"serviceAccount:deployer@example-prod-123456.iam.gserviceaccount.com"}}}`,
			want: map[string]string{
				schema.AttrUserID: "deployer@example-prod-123456.iam.gserviceaccount.com", schema.AttrPrincipalType: "service_account",
				schema.AttrCredentialType: "token",
			},
		},
		{
			name: "GKE workload identity federation, no principalEmail",
			entry: `{` + activity + `"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"storage.googleapis.com",
			"methodName":"storage.objects.get","authenticationInfo":{"principalSubject":"principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/example-prod-123456.svc.id.goog/subject/ns/payments/sa/api"},
			"requestMetadata":{"callerIp":"gce-internal-ip"}}}`,
			want: map[string]string{
				schema.AttrPrincipalType: "federated", schema.AttrCredentialType: "token",
				// Documented redaction of a VM caller outside the organization; kept as evidence.
				schema.AttrSourceAddress: "gce-internal-ip",
			},
		},
		{
			name: "status code written as its enum name",
			entry: `{` + activity + `"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"compute.googleapis.com",
			"methodName":"v1.compute.firewalls.insert","status":{"code":"PERMISSION_DENIED","message":"Required 'compute.firewalls.create' permission"},
			"authenticationInfo":{"principalEmail":"intern@example.com"}}}`,
			want: map[string]string{schema.AttrOutcome: "failure", schema.AttrErrorType: "PERMISSION_DENIED"},
		},
		{
			name: "status code OK as a name",
			entry: `{` + activity + `"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"compute.googleapis.com",
			"methodName":"v1.compute.instances.stop","status":{"code":"OK"}}}`,
			want:   map[string]string{schema.AttrOutcome: "success"},
			absent: []string{schema.AttrErrorType, schema.AttrPrincipalType},
		},
		{
			name: "policy denied (VPC Service Controls) entry",
			entry: `{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Fpolicy","timestamp":"2024-06-10T07:00:00.123456789Z",
			"severity":"ERROR","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"bigquery.googleapis.com",
			"methodName":"google.cloud.bigquery.v2.JobService.InsertJob","status":{"code":7,"details":[{"@type":"type.googleapis.com/google.rpc.PreconditionFailure","violations":[{"type":"VPC_SERVICE_CONTROLS"}]}],"message":"Request is prohibited by organization's policy."},
			"authenticationInfo":{"principalEmail":"analyst@example.com"},"requestMetadata":{"callerIp":"203.0.113.40"},
			"metadata":{"@type":"type.googleapis.com/google.cloud.audit.VpcServiceControlAuditMetadata","violationReason":"NO_MATCHING_ACCESS_LEVEL"}}}`,
			want: map[string]string{schema.AttrOutcome: "failure", schema.AttrErrorType: "PERMISSION_DENIED", schema.AttrUserID: "analyst@example.com"},
		},
		{
			name: "BigQuery log-sink row: protopayload_auditlog column, TIMESTAMP text",
			entry: `{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Factivity","timestamp":"2024-06-10 07:12:25.118342 UTC",
			"insertId":"-bq1","protopayload_auditlog":{"serviceName":"compute.googleapis.com","methodName":"v1.compute.firewalls.delete",
			"resourceName":"projects/example-prod-123456/global/firewalls/allow-web","authenticationInfo":{"principalEmail":"bob@example.com"},
			"requestMetadata":{"callerIp":"198.51.100.23"},"status":null}}`,
			want: map[string]string{
				schema.AttrRPCMethod: "v1.compute.firewalls.delete", schema.AttrUserID: "bob@example.com",
				schema.AttrEventID: "-bq1", schema.AttrOutcome: "success", schema.AttrRuleChange: "remove",
			},
			ts: "2024-06-10T07:12:25.118342Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p fastjson.Parser
			v, err := p.Parse(tt.entry)
			require.NoError(t, err)
			require.True(t, Matches(v))
			ev := event.New()
			require.NoError(t, Decode(v, ev))
			assert.Equal(t, "example-prod-123456", ev.AccountID)
			ts := tt.ts
			if ts == "" {
				ts = "2024-06-10T07:00:00.123456789Z"
			}
			want, _ := time.Parse(time.RFC3339Nano, ts)
			assert.Equal(t, want.UnixNano(), ev.Record.Timestamp().AsTime().UnixNano())
			attrs := ev.Attrs().Map
			for k, v := range tt.want {
				assert.Equal(t, v, attrStr(attrs, k), k)
			}
			for _, k := range tt.absent {
				_, ok := attrs.Get(k)
				assert.False(t, ok, "%s should be absent", k)
			}
		})
	}
}

// VPC firewall request shapes (https://cloud.google.com/compute/docs/reference/rest/v1/firewalls)
// as Compute Engine audit logs carry them.
func TestFirewallRequestFormats(t *testing.T) {
	all := []string{"0-65535"}
	none := []string{}
	tests := []struct {
		name, method, rest string
		change             string
		rules              []rule
	}{
		{
			// gcloud compute firewall-rules update web --rules=tcp:22: the patch body
			// carries only the changed field and the log no original state. The
			// sources the rule keeps are unknown, so no implicit 0.0.0.0/0.
			name: "patch of protocols only: sources and direction unknown", method: "v1.compute.firewalls.patch",
			rest:   `,"resourceName":"projects/example-prod-123456/global/firewalls/web","request":{"@type":"type.googleapis.com/compute.firewalls.patch","alloweds":[{"IPProtocol":"tcp","ports":["22"]}]}`,
			change: "modify",
			rules:  []rule{{Action: "allow", Protocol: "tcp", Ports: []string{"22"}, Sources: none, Dests: none, RuleID: "web"}},
		},
		{
			name: "patch with a partial original state (changed fields only)", method: "v1.compute.firewalls.patch",
			rest:   `,"resourceName":"projects/example-prod-123456/global/firewalls/web","request":{"disabled":false},"resourceOriginalState":{"disabled":true}`,
			change: "modify",
			rules:  []rule{{Ports: none, Sources: none, Dests: none, RuleID: "web", HasDisabled: true}},
		},
		{
			// Terraform patches with the whole resource; no source given means any IPv4.
			name: "whole-resource patch body: API defaults hold", method: "v1.compute.firewalls.patch",
			rest: `,"resourceName":"projects/example-prod-123456/global/firewalls/tf-web","request":{"name":"tf-web","network":"projects/example-prod-123456/global/networks/prod",
			"alloweds":[{"IPProtocol":"tcp","ports":["443"]}],"targetTags":["web"],"logConfig":{"enable":true}}`,
			change: "modify",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"443"}, Sources: []string{"0.0.0.0/0"}, Dests: none,
				Priority: 1000, HasPriority: true, RuleID: "tf-web", HasDisabled: true}},
		},
		{
			name: "insert IPv6 any source, protocol number and upper-case names", method: "beta.compute.firewalls.insert",
			rest: `,"resourceName":"projects/example-prod-123456/global/firewalls/v6-open","request":{"name":"v6-open","direction":"INGRESS","priority":"500",
			"sourceRanges":["::/0"],"alloweds":[{"IPProtocol":"6","ports":["8000-8080"]},{"IPProtocol":17,"ports":[53]},{"IPProtocol":"TCP","ports":["22"]},{"IPProtocol":"ipv6-icmp"}]}`,
			change: "add",
			rules: []rule{
				{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"8000-8080"}, Sources: []string{"::/0"}, Dests: none, Priority: 500, HasPriority: true, RuleID: "v6-open", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "udp", Ports: []string{"53"}, Sources: []string{"::/0"}, Dests: none, Priority: 500, HasPriority: true, RuleID: "v6-open", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"22"}, Sources: []string{"::/0"}, Dests: none, Priority: 500, HasPriority: true, RuleID: "v6-open", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "icmpv6", Ports: none, Sources: []string{"::/0"}, Dests: none, Priority: 500, HasPriority: true, RuleID: "v6-open", HasDisabled: true},
			},
		},
		{
			name: "alpha update egress to IPv6 any", method: "alpha.compute.firewalls.update",
			rest:   `,"resourceName":"projects/example-prod-123456/global/firewalls/egress-v6","request":{"name":"egress-v6","direction":"EGRESS","destinationRanges":["::/0"],"alloweds":[{"IPProtocol":"all"}]}`,
			change: "modify",
			rules: []rule{{Direction: "egress", Action: "allow", Protocol: "all", Ports: all, Sources: none, Dests: []string{"::/0"},
				Priority: 1000, HasPriority: true, RuleID: "egress-v6", HasDisabled: true}},
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

// Firewall policy shapes
// (https://cloud.google.com/compute/docs/reference/rest/v1/networkFirewallPolicies).
func TestFirewallPolicyFormats(t *testing.T) {
	none := []string{}
	tests := []struct {
		name, method, rest string
		change             string
		rules              []rule
	}{
		{
			name: "policy inserted with its rules", method: "v1.compute.networkFirewallPolicies.insert",
			rest: `,"resourceName":"projects/example-prod-123456/global/firewallPolicies/edge","request":{"@type":"type.googleapis.com/compute.networkFirewallPolicies.insert","name":"edge",
			"rules":[{"priority":100,"direction":"INGRESS","action":"allow","match":{"srcIpRanges":["0.0.0.0/0","::/0"],"layer4Configs":[{"ipProtocol":"tcp","ports":["443"]}]}},
			{"priority":200,"direction":"EGRESS","action":"deny","match":{"destIpRanges":["198.51.100.0/24"],"layer4Configs":[{"ipProtocol":"all"}]}}]}`,
			change: "add",
			rules: []rule{
				{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"443"}, Sources: []string{"0.0.0.0/0", "::/0"}, Dests: none,
					Priority: 100, HasPriority: true, RuleID: "edge/100", HasDisabled: true},
				{Direction: "egress", Action: "deny", Protocol: "all", Ports: []string{"0-65535"}, Sources: none, Dests: []string{"198.51.100.0/24"},
					Priority: 200, HasPriority: true, RuleID: "edge/200", HasDisabled: true},
			},
		},
		{
			name: "policy patch without rules changes no rule", method: "v1.compute.networkFirewallPolicies.patch",
			rest: `,"resourceName":"projects/example-prod-123456/global/firewallPolicies/edge","request":{"description":"edge policy"}`,
		},
		{
			// gcloud ... rules update 1000 --src-ip-ranges=0.0.0.0/0: the layer-4 match
			// and the direction are not in the body and stay as they were.
			name: "patchRule of sources only: protocols and direction unknown", method: "v1.compute.regionNetworkFirewallPolicies.patchRule",
			rest:   `,"resourceName":"projects/example-prod-123456/regions/us-east1/firewallPolicies/regional","request":{"priority":1000,"match":{"srcIpRanges":["0.0.0.0/0"]}}`,
			change: "modify",
			rules:  []rule{{Ports: none, Sources: []string{"0.0.0.0/0"}, Dests: none, Priority: 1000, HasPriority: true, RuleID: "regional/1000"}},
		},
		{
			name: "addRule with secure tags and upper-case action", method: "v1.compute.networkFirewallPolicies.addRule",
			rest: `,"resourceName":"projects/example-prod-123456/global/firewallPolicies/core","request":{"priority":300,"action":"ALLOW","direction":"INGRESS",
			"match":{"srcSecureTags":[{"name":"tagValues/281484836404786","state":"EFFECTIVE"}],"layer4Configs":[{"ipProtocol":"tcp","ports":["5432"]}]},
			"targetSecureTags":[{"name":"tagValues/281484836404999"}]}`,
			change: "add",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"5432"}, Sources: []string{"tag:tagValues/281484836404786"}, Dests: none,
				Priority: 300, HasPriority: true, RuleID: "core/300", HasDisabled: true}},
		},
		{
			name: "hierarchical addRule goto_next", method: "v1.compute.firewallPolicies.addRule",
			rest: `,"resourceName":"locations/global/firewallPolicies/912345678901","request":{"firewallPolicyRule":{"priority":"50","action":"goto_next","direction":"INGRESS",
			"match":{"srcIpRanges":["35.235.240.0/20"],"layer4Configs":[{"ipProtocol":"tcp","ports":["22","3389"]}]}}}`,
			change: "add",
			rules: []rule{{Direction: "ingress", Action: "goto_next", Protocol: "tcp", Ports: []string{"22", "3389"}, Sources: []string{"35.235.240.0/20"}, Dests: none,
				Priority: 50, HasPriority: true, RuleID: "912345678901/50", HasDisabled: true}},
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

// Autoscaler system events (https://cloud.google.com/compute/docs/autoscaler/viewing-autoscaler-logs).
func TestAutoscalerFormats(t *testing.T) {
	entry := func(mode, limit string, oldSize, newSize int) string {
		return `{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Fsystem_event","timestamp":"2024-06-10T16:00:00.810216614Z",
		"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"compute.autoscalers.resize","serviceName":"compute.googleapis.com",
		"resourceName":"projects/example-prod-123456/regions/europe-west1/autoscalers/api-as",
		"metadata":{"@type":"type.googleapis.com/autoscaler.AutoscalerSizeChangeExplanation","autoscalingMode":"` + mode + `",
		"autoscalingReason":{` + limit + `"scalingSignal":{"name":"CPU_UTILIZATION","calculatedSize":1}},
		"newSize":` + strconv.Itoa(newSize) + `,"oldSize":` + strconv.Itoa(oldSize) + `}},
		"resource":{"type":"autoscaler","labels":{"autoscaler_name":"api-as","instance_group_manager_name":"api-mig","location":"europe-west1","project_id":"example-prod-123456"}}}`
	}
	tests := []struct {
		name      string
		json      string
		scaling   bool
		direction string
		atMax     bool
	}{
		{name: "regional MIG scale-in at its minimum", json: entry("ON", `"scalingLimit":{"name":"MIN_INSTANCES","limitSize":2,"limitPolicy":{"minNumReplicas":2}},`, 4, 2),
			scaling: true, direction: "in"},
		{name: "scale-in recommendation not applied in ONLY_SCALE_OUT", json: entry("ONLY_SCALE_OUT", "", 4, 2)},
		{name: "scale-out in ONLY_SCALE_OUT is applied", json: entry("ONLY_SCALE_OUT", "", 2, 5), scaling: true, direction: "out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p fastjson.Parser
			v, err := p.Parse(tt.json)
			require.NoError(t, err)
			ev := event.New()
			require.NoError(t, Decode(v, ev))
			assert.Equal(t, "europe-west1", ev.Region)
			a := ev.Attrs().Map
			_, ok := a.Get(schema.AttrScalingNewSize)
			require.Equal(t, tt.scaling, ok)
			if !tt.scaling {
				return
			}
			assert.Equal(t, "api-mig", attrStr(a, schema.AttrScalingGroupName))
			assert.Equal(t, tt.direction, attrStr(a, schema.AttrScalingDirection))
			// The explanation names the limit that applied; none or MIN is not "at max".
			am, ok := a.Get(schema.AttrScalingAtMax)
			require.True(t, ok)
			assert.Equal(t, tt.atMax, am.Bool())
		})
	}
}
