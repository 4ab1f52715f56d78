package azureactivity

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

const testSub = "a1b2c3d4-0000-4000-8000-000000000001"

func decodeBytes(t testing.TB, data []byte) *event.Event {
	t.Helper()
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	require.NoError(t, err)
	require.True(t, Matches(v), "Matches")
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	return ev
}

func decodeFile(t *testing.T, name string) *event.Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return decodeBytes(t, data)
}

func attr(ev *event.Event, key string) any {
	v, ok := ev.Attrs().Get(key)
	if !ok {
		return nil
	}
	return v.AsRaw()
}

func rules(t *testing.T, ev *event.Event) []any {
	t.Helper()
	v, ok := ev.Attrs().Get(schema.AttrRules)
	require.True(t, ok, "rules attribute present")
	return v.Slice().AsRaw()
}

func ports(p ...string) []any { return strs(p...) }
func strs(s ...string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func TestDecodeRecords(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, ev *event.Event)
	}{
		{"diag_rule_rdp_internet.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, schema.ProviderAzure, ev.Provider)
			assert.Equal(t, testSub, ev.AccountID)
			assert.Equal(t, "westeurope", ev.Region)
			assert.Equal(t, time.Date(2025, 3, 4, 9, 15, 27, 123456700, time.UTC), ev.Record.Timestamp().AsTime())
			assert.Equal(t, "Microsoft.Network", attr(ev, schema.AttrRPCService))
			assert.Equal(t, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", attr(ev, schema.AttrRPCMethod))
			assert.Equal(t, "/SUBSCRIPTIONS/A1B2C3D4-0000-4000-8000-000000000001/RESOURCEGROUPS/RG-WEB/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-WEB/SECURITYRULES/ALLOW-RDP", attr(ev, schema.AttrResourceID))
			assert.Equal(t, "c0ffee00-0000-4000-8000-000000000001/Start/2025-03-04T09:15:27.1234567Z", attr(ev, schema.AttrEventID))
			assert.Equal(t, schema.OutcomeSuccess, attr(ev, schema.AttrOutcome))
			assert.Nil(t, attr(ev, schema.AttrErrorType))
			assert.Equal(t, "c0ffee00-0000-4000-8000-000000000001", attr(ev, schema.AttrOperationID))
			assert.Equal(t, StageFirst, attr(ev, schema.AttrOperationStage))
			assert.Equal(t, "11111111-2222-4333-8444-555555555555", attr(ev, schema.AttrUserID))
			assert.Equal(t, schema.PrincipalUser, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, schema.CredentialToken, attr(ev, schema.AttrCredentialType))
			assert.Equal(t, true, attr(ev, schema.AttrMFA))
			assert.Equal(t, strs("Owner"), attr(ev, schema.AttrRoles))
			assert.Equal(t, "203.0.113.10", attr(ev, schema.AttrSourceAddress))
			assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange))
			assert.Equal(t, []any{map[string]any{
				"direction": "ingress", "action": "allow", "protocol": "tcp",
				"port_ranges": ports("3389"), "sources": strs("Internet"), "destinations": strs("10.20.1.0/24"),
				"priority": int64(300), "rule_id": "ALLOW-RDP", "description": "temp rdp",
			}}, rules(t, ev))
		}},
		{"diag_rule_plural_object_body.json", func(t *testing.T, ev *event.Event) {
			// ResultType (capital R) and requestBody already an object.
			assert.Equal(t, StageFirst, attr(ev, schema.AttrOperationStage))
			assert.Equal(t, false, attr(ev, schema.AttrMFA))
			assert.Equal(t, schema.PrincipalUser, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, strs("Network Contributor"), attr(ev, schema.AttrRoles))
			assert.Equal(t, []any{map[string]any{
				"direction": "ingress", "action": "allow", "protocol": "udp",
				"port_ranges": ports("22", "1000-2000", "53"),
				"sources":     strs("198.51.100.0/24", "203.0.113.0/25"), "destinations": strs("10.20.1.4", "10.20.1.5"),
				"priority": int64(310), "rule_id": "partners",
			}}, rules(t, ev))
		}},
		{"diag_rule_deny_response_only.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, StageLast, attr(ev, schema.AttrOperationStage))
			assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange)) // statusCode Created
			assert.Equal(t, []any{map[string]any{
				"direction": "egress", "action": "deny", "protocol": "all",
				"port_ranges": ports("0-65535"), "sources": strs("*"), "destinations": strs("Internet"),
				"priority": int64(4000), "rule_id": "deny-all-out",
			}}, rules(t, ev))
		}},
		{"diag_rule_delete.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, "Microsoft.Network/networkSecurityGroups/securityRules/delete", attr(ev, schema.AttrRPCMethod))
			assert.Equal(t, schema.ChangeRemove, attr(ev, schema.AttrRuleChange))
			assert.Equal(t, []any{map[string]any{
				"port_ranges": []any{}, "sources": []any{}, "destinations": []any{}, "rule_id": "deny-ssh-in",
			}}, rules(t, ev))
		}},
		{"diag_rule_truncated_body.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange))
			assert.Equal(t, []any{}, rules(t, ev))
			assert.Equal(t, schema.OutcomeSuccess, attr(ev, schema.AttrOutcome))
		}},
		{"diag_rule_failure.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, schema.OutcomeFailure, attr(ev, schema.AttrOutcome))
			assert.Equal(t, "Conflict", attr(ev, schema.AttrErrorType))
			assert.Equal(t, "WARN", ev.Record.SeverityText())
			assert.Equal(t, StageLast, attr(ev, schema.AttrOperationStage))
			assert.Equal(t, []any{}, rules(t, ev))
		}},
		{"diag_sp_caller.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, "Microsoft.Compute", attr(ev, schema.AttrRPCService))
			assert.Equal(t, "77777777-6666-4555-8444-333333333333", attr(ev, schema.AttrUserID))
			assert.Equal(t, schema.PrincipalService, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, schema.CredentialServiceAccountKey, attr(ev, schema.AttrCredentialType))
			assert.Nil(t, attr(ev, schema.AttrMFA))
			assert.Equal(t, strs("Contributor"), attr(ev, schema.AttrRoles))
			assert.Equal(t, "198.51.100.77", attr(ev, schema.AttrSourceAddress))
			assert.Nil(t, attr(ev, schema.AttrRuleChange))
		}},
		{"rest_nsg_write_three_rules.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, testSub, ev.AccountID)
			assert.Equal(t, "", ev.Region)
			assert.Equal(t, time.Date(2025, 3, 4, 10, 0, 1, 500000000, time.UTC), ev.Record.Timestamp().AsTime())
			assert.Equal(t, "Microsoft.Network", attr(ev, schema.AttrRPCService))
			assert.Equal(t, "Microsoft.Network/networkSecurityGroups/write", attr(ev, schema.AttrRPCMethod))
			assert.Equal(t, "e0e0e0e0-0000-4000-8000-000000000008", attr(ev, schema.AttrEventID))
			assert.Equal(t, "alex@contoso.example", attr(ev, schema.AttrUserID))
			assert.Equal(t, schema.PrincipalUser, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, true, attr(ev, schema.AttrMFA))
			assert.Equal(t, strs("Owner"), attr(ev, schema.AttrRoles))
			assert.Equal(t, "198.51.100.20", attr(ev, schema.AttrSourceAddress))
			assert.Equal(t, StageLast, attr(ev, schema.AttrOperationStage))
			assert.Equal(t, schema.ChangeModify, attr(ev, schema.AttrRuleChange)) // subStatus / statusCode OK
			assert.Equal(t, []any{
				map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "port_ranges": ports("443"),
					"sources": strs("*"), "destinations": strs("*"), "priority": int64(100), "rule_id": "allow-https"},
				map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "port_ranges": ports("22"),
					"sources": strs("192.0.2.0/28"), "destinations": strs("VirtualNetwork"), "priority": int64(110), "rule_id": "allow-ssh-admin"},
				map[string]any{"direction": "egress", "action": "deny", "protocol": "icmp", "port_ranges": []any{},
					"sources": strs("VirtualNetwork"), "destinations": strs("Internet"), "priority": int64(200), "rule_id": "deny-icmp-out"},
			}, rules(t, ev))
		}},
		{"diag_firewall_write.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, "Microsoft.Network", attr(ev, schema.AttrRPCService))
			assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange))
			assert.Equal(t, []any{
				map[string]any{"direction": "egress", "action": "allow", "protocol": "udp", "port_ranges": ports("53"),
					"sources": strs("10.0.0.0/16"), "destinations": strs("192.0.2.53"), "priority": int64(200), "rule_id": "net-out/dns"},
				map[string]any{"direction": "egress", "action": "allow", "protocol": "tcp", "port_ranges": ports("53"),
					"sources": strs("10.0.0.0/16"), "destinations": strs("192.0.2.53"), "priority": int64(200), "rule_id": "net-out/dns"},
				map[string]any{"direction": "egress", "action": "allow", "protocol": "all", "port_ranges": ports("0-65535"),
					"sources": strs("*"), "destinations": strs("*"), "priority": int64(200), "rule_id": "net-out/any-out"},
				map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "port_ranges": ports("50000", "3389"),
					"sources": strs("*"), "destinations": strs("203.0.113.200"), "priority": int64(100), "rule_id": "dnat-in/rdp-jump",
					"description": "DNAT to 10.0.2.4:3389"},
				map[string]any{"direction": "egress", "action": "deny", "protocol": "tcp", "port_ranges": ports("443", "80"),
					"sources": strs("10.0.1.0/24"), "destinations": strs("*.social.example"), "priority": int64(300), "rule_id": "web-out/block-social"},
			}, rules(t, ev))
		}},
		{"diag_policy_rcg_write.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange)) // Succeeded.Created
			assert.Equal(t, []any{
				map[string]any{"direction": "egress", "action": "allow", "protocol": "udp", "port_ranges": ports("123"),
					"sources": strs("10.0.0.0/8"), "destinations": strs("*"), "priority": int64(1000), "rule_id": "allow-egress/ntp"},
				map[string]any{"direction": "egress", "action": "allow", "protocol": "tcp", "port_ranges": ports("443"),
					"sources": strs("10.0.0.0/8"), "destinations": strs("*.update.example"), "priority": int64(1000), "rule_id": "allow-egress/updates"},
				map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "port_ranges": ports("22"),
					"sources": strs("*"), "destinations": strs("203.0.113.201"), "priority": int64(100), "rule_id": "dnat/ssh-in",
					"description": "DNAT to 10.0.3.4:22"},
			}, rules(t, ev))
		}},
		{"rest_autoscale_scaleup.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, "Microsoft.Insights", attr(ev, schema.AttrRPCService))
			assert.Equal(t, "Microsoft.Insights/autoscaleSettings", attr(ev, schema.AttrUserID))
			assert.Equal(t, schema.PrincipalService, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, "vmss-web", attr(ev, schema.AttrScalingGroupName))
			assert.Equal(t, schema.ScalingKindVM, attr(ev, schema.AttrScalingGroupKind))
			assert.Equal(t, schema.ScalingOut, attr(ev, schema.AttrScalingDirection))
			assert.Equal(t, int64(3), attr(ev, schema.AttrScalingOldSize))
			assert.Equal(t, int64(5), attr(ev, schema.AttrScalingNewSize))
			assert.Equal(t, int64(5), attr(ev, schema.AttrScalingMaxSize))
			assert.Equal(t, true, attr(ev, schema.AttrScalingAtMax))
			assert.Nil(t, attr(ev, schema.AttrRuleChange))
		}},
		{"diag_autoscale_scaledown.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, testSub, ev.AccountID)
			assert.Equal(t, "westeurope", ev.Region)
			assert.Equal(t, "plan-api", attr(ev, schema.AttrScalingGroupName))
			assert.Equal(t, schema.ScalingKindApp, attr(ev, schema.AttrScalingGroupKind))
			assert.Equal(t, schema.ScalingIn, attr(ev, schema.AttrScalingDirection))
			assert.Equal(t, int64(4), attr(ev, schema.AttrScalingOldSize))
			assert.Equal(t, int64(2), attr(ev, schema.AttrScalingNewSize))
			assert.Equal(t, false, attr(ev, schema.AttrScalingAtMax))
			assert.Nil(t, attr(ev, schema.AttrSourceAddress))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) { tc.check(t, decodeFile(t, tc.file)) })
	}
}

// A change logged as Start, Accept and Success shares one correlationId; the stages
// let detectors count it once.
func TestOperationStages(t *testing.T) {
	for _, tc := range []struct{ result, stage string }{
		{"Start", StageFirst}, {"Accept", StageAccepted}, {"Success", StageLast},
		{"Started", StageFirst}, {"Accepted", StageAccepted}, {"Succeeded", StageLast}, {"Failed", StageLast},
	} {
		rec := `{"time":"2025-03-04T09:00:00Z","resourceId":"/subscriptions/` + testSub + `/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg/securityRules/r1",` +
			`"operationName":"Microsoft.Network/networkSecurityGroups/securityRules/write","category":"Administrative",` +
			`"resultType":"` + tc.result + `","correlationId":"11112222-3333-4444-5555-666677778888"}`
		ev := decodeBytes(t, []byte(rec))
		assert.Equal(t, "11112222-3333-4444-5555-666677778888", attr(ev, schema.AttrOperationID), tc.result)
		assert.Equal(t, tc.stage, attr(ev, schema.AttrOperationStage), tc.result)
		assert.Equal(t, []any{}, rules(t, ev), "no body: change without rules")
	}
}

// Activity Log alert payloads (REST shape) carry claims as JSON text.
func TestClaimsAsJSONText(t *testing.T) {
	rec := `{"eventTimestamp":"2025-03-04T09:00:00Z","eventDataId":"e1","operationName":{"value":"Microsoft.Compute/virtualMachines/delete"},` +
		`"subscriptionId":"` + testSub + `","status":{"value":"Succeeded"},` +
		`"claims":"{\"appid\":\"99999999-8888-4777-8666-555555555555\",\"appidacr\":\"2\",\"idtyp\":\"app\",\"ipaddr\":\"192.0.2.9\"}"}`
	ev := decodeBytes(t, []byte(rec))
	assert.Equal(t, "99999999-8888-4777-8666-555555555555", attr(ev, schema.AttrUserID))
	assert.Equal(t, schema.PrincipalService, attr(ev, schema.AttrPrincipalType))
	assert.Equal(t, schema.CredentialToken, attr(ev, schema.AttrCredentialType))
	assert.Equal(t, "192.0.2.9", attr(ev, schema.AttrSourceAddress))
	assert.Equal(t, "Microsoft.Compute", attr(ev, schema.AttrRPCService))
}
