package gcpaudit

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// rule is a comparable view of one cloud.network_rule.rules map.
type rule struct {
	Direction, Action, Protocol string
	Ports, Sources, Dests       []string
	Priority                    int64
	HasPriority                 bool
	RuleID                      string
	Disabled, HasDisabled       bool
}

func readRules(t *testing.T, attrs pcommon.Map) (string, []rule) {
	t.Helper()
	change, ok := attrs.Get(schema.AttrRuleChange)
	if !ok {
		return "", nil
	}
	v, ok := attrs.Get(schema.AttrRules)
	require.True(t, ok)
	var out []rule
	s := v.Slice()
	for i := 0; i < s.Len(); i++ {
		m := s.At(i).Map()
		var r rule
		if x, ok := m.Get(schema.RuleDirection); ok {
			r.Direction = x.Str()
		}
		if x, ok := m.Get(schema.RuleAction); ok {
			r.Action = x.Str()
		}
		if x, ok := m.Get(schema.RuleProtocol); ok {
			r.Protocol = x.Str()
		}
		r.Ports = strList(m, schema.RulePortRanges)
		r.Sources = strList(m, schema.RuleSources)
		r.Dests = strList(m, schema.RuleDestinations)
		if x, ok := m.Get(schema.RulePriority); ok {
			r.Priority, r.HasPriority = x.Int(), true
		}
		if x, ok := m.Get(schema.RuleID); ok {
			r.RuleID = x.Str()
		}
		if x, ok := m.Get(schema.RuleDisabled); ok {
			r.Disabled, r.HasDisabled = x.Bool(), true
		}
		out = append(out, r)
	}
	return change.Str(), out
}

func strList(m pcommon.Map, key string) []string {
	v, ok := m.Get(key)
	if !ok {
		return nil
	}
	s := v.Slice()
	out := []string{}
	for i := 0; i < s.Len(); i++ {
		out = append(out, s.At(i).Str())
	}
	return out
}

func decodeFile(t *testing.T, name string) (*event.Event, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	require.NoError(t, err)
	require.True(t, Matches(v), "Matches(%s)", name)
	ev := event.New()
	return ev, Decode(v, ev)
}

func attrStr(m pcommon.Map, k string) string {
	if v, ok := m.Get(k); ok {
		return v.AsString()
	}
	return ""
}

func TestDecodeIdentityAndOutcome(t *testing.T) {
	tests := []struct {
		file            string
		account, region string
		ts              string
		want            map[string]string
		absent          []string
		severity        plog.SeverityNumber
	}{
		{
			file: "fw_insert_default_source.json", account: "example-prod-123456", ts: "2024-06-10T07:12:25.118342Z",
			want: map[string]string{
				schema.AttrRPCService: "compute.googleapis.com", schema.AttrRPCMethod: "v1.compute.firewalls.insert",
				schema.AttrResourceID: "projects/example-prod-123456/global/firewalls/allow-web", schema.AttrEventID: "-k2m3f1e4a9c",
				schema.AttrOutcome: "success", schema.AttrUserID: "alice@example.com", schema.AttrPrincipalType: "user",
				schema.AttrCredentialType: "token", schema.AttrSourceAddress: "203.0.113.10",
				schema.AttrUserAgent:      "google-cloud-sdk gcloud/478.0.0 command/gcloud.compute.firewall-rules.create",
				schema.AttrOperationID:    "operation-1718002345123-61a8f0c2d3e4f-5a6b7c8d-9e0f1a2b",
				schema.AttrOperationStage: "first",
			},
			absent:   []string{schema.AttrErrorType, schema.AttrMFA},
			severity: plog.SeverityNumberInfo,
		},
		{
			file: "failed_status7.json", account: "example-prod-123456", ts: "2024-06-10T14:00:00Z",
			want: map[string]string{
				schema.AttrOutcome: "failure", schema.AttrErrorType: "PERMISSION_DENIED",
				schema.AttrUserID: "intern@example.com", schema.AttrSourceAddress: "192.0.2.9",
			},
			absent:   []string{schema.AttrOperationID, schema.AttrOperationStage},
			severity: plog.SeverityNumberWarn,
		},
		{
			file: "sa_key_call.json", account: "example-prod-123456", region: "europe-west4", ts: "2024-06-10T15:00:00.098765432Z",
			want: map[string]string{
				schema.AttrOutcome: "success", schema.AttrPrincipalType: "service_account",
				schema.AttrUserID:         "ci-deployer@example-prod-123456.iam.gserviceaccount.com",
				schema.AttrCredentialType: "service_account_key", schema.AttrRPCService: "storage.googleapis.com",
				schema.AttrRPCMethod: "storage.objects.list", schema.AttrSourceAddress: "203.0.113.200",
			},
			absent:   []string{schema.AttrRuleChange, schema.AttrErrorType},
			severity: plog.SeverityNumberInfo,
		},
		{
			file: "fw_alloweds_two.json", account: "example-prod-123456", ts: "2024-06-10T07:25:00Z",
			want: map[string]string{
				schema.AttrPrincipalType:  "service_account",
				schema.AttrCredentialType: "token", // impersonated: short-lived token
			},
			severity: plog.SeverityNumberInfo,
		},
		{
			file: "federated_call.json", account: "example-prod-123456", ts: "2024-06-10T17:00:00Z",
			want: map[string]string{
				schema.AttrUserID:        "principal://iam.googleapis.com/locations/global/workforcePools/corp-pool/subject/dana@example.org",
				schema.AttrPrincipalType: "federated", schema.AttrCredentialType: "token", schema.AttrSourceAddress: "2001:db8::15",
			},
			severity: plog.SeverityNumberInfo,
		},
		{
			file: "autoscaler_at_max.json", account: "example-prod-123456", region: "us-east1", ts: "2024-06-10T16:00:00.810216614Z",
			want: map[string]string{
				schema.AttrRPCMethod: "compute.autoscalers.resize", schema.AttrOutcome: "success",
			},
			absent:   []string{schema.AttrUserID, schema.AttrPrincipalType, schema.AttrCredentialType, schema.AttrSourceAddress},
			severity: plog.SeverityNumberInfo,
		},
		{
			file: "fw_delete_bare.json", account: "example-prod-123456", ts: "2024-06-10T10:01:00Z",
			want:     map[string]string{schema.AttrOperationStage: "last"},
			severity: plog.SeverityNumberInfo,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := decodeFile(t, tt.file)
			require.NoError(t, err)
			assert.Equal(t, "gcp", ev.Provider)
			assert.Equal(t, tt.account, ev.AccountID)
			assert.Equal(t, tt.region, ev.Region)
			want, _ := time.Parse(time.RFC3339Nano, tt.ts)
			assert.Equal(t, want.UnixNano(), ev.Record.Timestamp().AsTime().UnixNano())
			assert.Equal(t, tt.severity, ev.Record.SeverityNumber())
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

func TestDecodeNetworkRules(t *testing.T) {
	all := []string{"0-65535"}
	tests := []struct {
		file   string
		change string
		rules  []rule
	}{
		{
			file: "fw_insert_default_source.json", change: "add",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"80", "443"},
				Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 1000, HasPriority: true,
				RuleID: "allow-web", HasDisabled: true}},
		},
		{
			file: "fw_insert_ssh_world.json", change: "add",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"22"},
				Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 900, HasPriority: true,
				RuleID: "allow-ssh-anywhere", HasDisabled: true}},
		},
		{
			file: "fw_alloweds_two.json", change: "add",
			rules: []rule{
				{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"22"},
					Sources: []string{"10.20.0.0/16"}, Dests: []string{}, Priority: 1000, HasPriority: true,
					RuleID: "dns-and-ssh", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "udp", Ports: []string{"53", "1000-2000"},
					Sources: []string{"10.20.0.0/16"}, Dests: []string{}, Priority: 1000, HasPriority: true,
					RuleID: "dns-and-ssh", HasDisabled: true},
			},
		},
		{
			file: "fw_denieds_egress.json", change: "add",
			rules: []rule{{Direction: "egress", Action: "deny", Protocol: "all", Ports: all,
				Sources: []string{}, Dests: []string{"198.51.100.0/24"}, Priority: 100, HasPriority: true,
				RuleID: "block-egress-exfil", HasDisabled: true}},
		},
		{
			file: "fw_patch_merge.json", change: "modify",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"3389"},
				Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 1000, HasPriority: true,
				RuleID: "rdp-office", HasDisabled: true}},
		},
		{
			file: "fw_delete_original.json", change: "remove",
			rules: []rule{{Direction: "ingress", Action: "deny", Protocol: "tcp", Ports: []string{"23"},
				Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 100, HasPriority: true,
				RuleID: "deny-telnet", HasDisabled: true}},
		},
		{
			file: "fw_delete_bare.json", change: "remove",
			rules: []rule{{Ports: []string{}, Sources: []string{}, Dests: []string{}, RuleID: "allow-web"}},
		},
		{
			file: "fw_disabled_deny.json", change: "modify",
			rules: []rule{{Direction: "ingress", Action: "deny", Protocol: "tcp", Ports: []string{"22"},
				Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 100, HasPriority: true,
				RuleID: "deny-ssh-world", Disabled: true, HasDisabled: true}},
		},
		{
			file: "fw_iap.json", change: "add",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"22"},
				Sources: []string{"35.235.240.0/20"}, Dests: []string{}, Priority: 1000, HasPriority: true,
				RuleID: "allow-ssh-from-iap", HasDisabled: true}},
		},
		{
			file: "failed_status7.json", change: "add",
			rules: []rule{{Direction: "ingress", Action: "allow", Protocol: "all", Ports: all,
				Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 1000, HasPriority: true,
				RuleID: "open-all", HasDisabled: true}},
		},
		{
			file: "fp_addrule.json", change: "add",
			rules: []rule{
				{Direction: "ingress", Action: "allow", Protocol: "tcp", Ports: []string{"22", "3389"},
					Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 1000, HasPriority: true,
					RuleID: "912345678901/1000", HasDisabled: true},
				{Direction: "ingress", Action: "allow", Protocol: "icmp", Ports: []string{},
					Sources: []string{"0.0.0.0/0"}, Dests: []string{}, Priority: 1000, HasPriority: true,
					RuleID: "912345678901/1000", HasDisabled: true},
			},
		},
		{file: "sa_key_call.json"},
		{file: "autoscaler_at_max.json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := decodeFile(t, tt.file)
			require.NoError(t, err)
			change, rules := readRules(t, ev.Attrs().Map)
			assert.Equal(t, tt.change, change)
			assert.Equal(t, tt.rules, rules)
		})
	}
}

func TestDecodeScaling(t *testing.T) {
	tests := []struct {
		file             string
		name, direction  string
		oldSize, newSize int64
		hasOld           bool
		atMax            *bool
		maxSize          int64
	}{
		{file: "autoscaler_at_max.json", name: "web-mig", direction: "out", oldSize: 6, newSize: 8, hasOld: true, atMax: ptr(true), maxSize: 8},
		{file: "autoscaler_in.json", name: "api-autoscaler", direction: "in", oldSize: 5, newSize: 3, hasOld: true, atMax: ptr(false)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := decodeFile(t, tt.file)
			require.NoError(t, err)
			a := ev.Attrs().Map
			assert.Equal(t, tt.name, attrStr(a, schema.AttrScalingGroupName))
			assert.Equal(t, "vm", attrStr(a, schema.AttrScalingGroupKind))
			assert.Equal(t, tt.direction, attrStr(a, schema.AttrScalingDirection))
			nv, ok := a.Get(schema.AttrScalingNewSize)
			require.True(t, ok)
			assert.Equal(t, tt.newSize, nv.Int())
			ov, ok := a.Get(schema.AttrScalingOldSize)
			require.Equal(t, tt.hasOld, ok)
			if ok {
				assert.Equal(t, tt.oldSize, ov.Int())
			}
			am, ok := a.Get(schema.AttrScalingAtMax)
			if tt.atMax == nil {
				assert.False(t, ok)
			} else {
				require.True(t, ok)
				assert.Equal(t, *tt.atMax, am.Bool())
			}
			mv, ok := a.Get(schema.AttrScalingMaxSize)
			if tt.maxSize == 0 {
				assert.False(t, ok)
			} else {
				require.True(t, ok)
				assert.Equal(t, tt.maxSize, mv.Int())
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestAutoscalerModeOffIsNotScaling(t *testing.T) {
	var p fastjson.Parser
	v, err := p.Parse(`{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Fsystem_event",
	"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"compute.autoscalers.resize",
	"serviceName":"compute.googleapis.com","metadata":{"autoscalingMode":"OFF","newSize":4,"oldSize":2}},
	"resource":{"type":"autoscaler","labels":{"instance_group_manager_name":"batch-mig","location":"asia-northeast1-b","project_id":"example-prod-123456"}},
	"timestamp":"2024-06-10T16:00:00Z"}`)
	require.NoError(t, err)
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	assert.Equal(t, "asia-northeast1", ev.Region)
	_, ok := ev.Attrs().Get(schema.AttrScalingNewSize)
	assert.False(t, ok)
}

func TestGroupResize(t *testing.T) {
	var p fastjson.Parser
	v, err := p.Parse(`{"logName":"projects/example-prod-123456/logs/cloudaudit.googleapis.com%2Factivity",
	"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"v1.compute.instanceGroupManagers.resize",
	"serviceName":"compute.googleapis.com","resourceName":"projects/example-prod-123456/zones/us-central1-a/instanceGroupManagers/web-mig",
	"request":{"@type":"type.googleapis.com/compute.instanceGroupManagers.resize","size":"12"},
	"authenticationInfo":{"principalEmail":"alice@example.com"}},
	"resource":{"type":"gce_instance_group_manager","labels":{"instance_group_manager_name":"web-mig","location":"us-central1-a","project_id":"example-prod-123456"}},
	"timestamp":"2024-06-10T16:00:00Z"}`)
	require.NoError(t, err)
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	a := ev.Attrs().Map
	assert.Equal(t, "us-central1", ev.Region)
	assert.Equal(t, "web-mig", attrStr(a, schema.AttrScalingGroupName))
	assert.Equal(t, "12", attrStr(a, schema.AttrScalingNewSize))
	_, ok := a.Get(schema.AttrScalingDirection)
	assert.False(t, ok, "old size unknown, so direction unknown")
}

func TestMatches(t *testing.T) {
	tests := []struct {
		name string
		json string
		want bool
	}{
		{"audit type", `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog"}}`, true},
		{"audit log name", `{"logName":"projects/p/logs/cloudaudit.googleapis.com%2Fpolicy","protoPayload":{}}`, true},
		{"lower-cased export", `{"logname":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protopayload":{"at_sign_type":"type.googleapis.com/google.cloud.audit.AuditLog"}}`, true},
		{"no @type but audit fields", `{"protoPayload":{"serviceName":"storage.googleapis.com","methodName":"storage.objects.get"}}`, true},
		{"other proto payload", `{"protoPayload":{"@type":"type.googleapis.com/google.appengine.logging.v1.RequestLog","methodName":"GET"}}`, false},
		{"load balancer log", `{"jsonPayload":{},"logName":"projects/p/logs/requests","httpRequest":{"status":200}}`, false},
		{"cloudtrail", `{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com"}`, false},
		{"k8s event", `{"kind":"Event","reason":"SuccessfulRescale"}`, false},
		{"array", `[1,2]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p fastjson.Parser
			v, err := p.Parse(tt.json)
			require.NoError(t, err)
			assert.Equal(t, tt.want, Matches(v))
		})
	}
}

func TestDecodeNonAuditEntryIsSkipped(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lb_request.json"))
	require.NoError(t, err)
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	require.NoError(t, err)
	assert.False(t, Matches(v))
	assert.ErrorIs(t, Decode(v, event.New()), event.ErrSkip)
	assert.Error(t, Decode(fastjson.MustParse(`"x"`), event.New()))
}

func TestPrincipalType(t *testing.T) {
	tests := map[string]string{
		"alice@example.com": "user",
		"ci@example-prod-123456.iam.gserviceaccount.com":                                                                        "service_account",
		"123456789012-compute@developer.gserviceaccount.com":                                                                    "service_account",
		"example-prod-123456@appspot.gserviceaccount.com":                                                                       "service_account",
		"service-123456789012@compute-system.iam.gserviceaccount.com":                                                           "service",
		"service-123456789012@gcp-sa-cloudbuild.iam.gserviceaccount.com":                                                        "service",
		"123456789012@cloudservices.gserviceaccount.com":                                                                        "service",
		"serviceAccount:ci@example-prod-123456.iam.gserviceaccount.com":                                                         "service_account",
		"user:alice@example.com":                                                                                                "user",
		"principal://iam.googleapis.com/locations/global/workforcePools/p/subject/x":                                            "federated",
		"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/org/repo":  "federated",
		"system:serviceaccount:kube-system:default":                                                                             "service_account",
		"system:node:gke-pool-1-abc":                                                                                            "service",
		"system:anonymous":                                                                                                      "",
		"service-org-987654321098@security-center-api.iam.gserviceaccount.com":                                                  "service",
		"service-folder-123450987612@gcp-sa-logging.iam.gserviceaccount.com":                                                    "service",
		"service-orgs-1@example-prod-123456.iam.gserviceaccount.com":                                                            "service_account",
		"principal://goog/subject/alice@example.com":                                                                            "user",
		"principal://iam.googleapis.com/projects/-/serviceAccounts/ci@example-prod-123456.iam.gserviceaccount.com":              "service_account",
		"principal://iam.googleapis.com/projects/-/serviceAccounts/service-123456789012@compute-system.iam.gserviceaccount.com": "service",
		"": "",
	}
	for in, want := range tests {
		assert.Equal(t, want, principalType([]byte(in)), in)
	}
}

func TestRegionOf(t *testing.T) {
	for in, want := range map[string]string{
		"us-central1-a": "us-central1", "us-central1": "us-central1", "europe-west4-c": "europe-west4",
		"northamerica-northeast1-b": "northamerica-northeast1", "global": "", "us": "us", "": "",
	} {
		assert.Equal(t, want, string(regionOf([]byte(in))), in)
	}
}

func TestCodeName(t *testing.T) {
	assert.Equal(t, "INVALID_ARGUMENT", codeName(3))
	assert.Equal(t, "PERMISSION_DENIED", codeName(7))
	assert.Equal(t, "UNAUTHENTICATED", codeName(16))
	assert.Equal(t, "42", codeName(42))
}
