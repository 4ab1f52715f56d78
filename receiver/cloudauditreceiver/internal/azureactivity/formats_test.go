package azureactivity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// Shapes found in the format audit: Get-AzLog | ConvertTo-Json (PascalCase keys,
// Claims / Properties wrapped in {"Content": ...}, Windows PowerShell's
// "/Date(ms)/" timestamps), predictive autoscale, Entra ID amr values.
func TestDecodeToolShapes(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, ev *event.Event)
	}{
		{"getazlog_rule_write.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, testSub, ev.AccountID)
			assert.Equal(t, time.Date(2025, 3, 5, 8, 30, 12, 445566700, time.UTC), ev.Record.Timestamp().AsTime())
			assert.Equal(t, "Microsoft.Network", attr(ev, schema.AttrRPCService))
			assert.Equal(t, "Microsoft.Network/networkSecurityGroups/securityRules/write", attr(ev, schema.AttrRPCMethod))
			assert.Equal(t, "e0e0e0e0-0000-4000-8000-0000000000d1", attr(ev, schema.AttrEventID))
			assert.Equal(t, StageFirst, attr(ev, schema.AttrOperationStage))
			assert.Equal(t, "dana@contoso.example", attr(ev, schema.AttrUserID))
			assert.Equal(t, schema.PrincipalUser, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, schema.CredentialToken, attr(ev, schema.AttrCredentialType))
			assert.Equal(t, false, attr(ev, schema.AttrMFA))
			assert.Equal(t, strs("Network Contributor"), attr(ev, schema.AttrRoles))
			assert.Equal(t, "198.51.100.41", attr(ev, schema.AttrSourceAddress))
			assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange))
			assert.Equal(t, []any{map[string]any{
				"direction": "ingress", "action": "allow", "protocol": "tcp",
				"port_ranges": ports("22"), "sources": strs("*"), "destinations": strs("*"),
				"priority": int64(120), "rule_id": "allow-ssh-any",
			}}, rules(t, ev))
		}},
		{"getazlog_winps_scaleup.json", func(t *testing.T, ev *event.Event) {
			assert.Equal(t, time.Date(2025, 3, 5, 8, 30, 12, 123000000, time.UTC), ev.Record.Timestamp().AsTime())
			assert.Equal(t, "Microsoft.Insights/autoscaleSettings", attr(ev, schema.AttrUserID))
			assert.Equal(t, schema.PrincipalService, attr(ev, schema.AttrPrincipalType))
			assert.Equal(t, "vmss-batch", attr(ev, schema.AttrScalingGroupName))
			assert.Equal(t, schema.ScalingKindVM, attr(ev, schema.AttrScalingGroupKind))
			assert.Equal(t, schema.ScalingOut, attr(ev, schema.AttrScalingDirection))
			assert.Equal(t, int64(2), attr(ev, schema.AttrScalingOldSize))
			assert.Equal(t, int64(4), attr(ev, schema.AttrScalingNewSize))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) { tc.check(t, decodeFile(t, tc.file)) })
	}
}

func TestAutoscaleOperations(t *testing.T) {
	const target = "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan-web"
	for _, tc := range []struct {
		op, dir  string
		old, new any
	}{
		// Predictive autoscale logs its own "initiated" operation.
		{"Microsoft.Insights/AutoscaleSettings/PredictiveScaleup/Action", schema.ScalingOut, int64(2), int64(6)},
		{"MICROSOFT.INSIGHTS/AUTOSCALESETTINGS/SCALEDOWN/ACTION", schema.ScalingIn, int64(6), int64(2)},
		// The "completed" records repeat the initiated one's counts: not a second action.
		{"Microsoft.Insights/AutoscaleSettings/ScaleupResult/Action", "", nil, nil},
		{"Microsoft.Insights/AutoscaleSettings/ScaledownResult/Action", "", nil, nil},
		{"Microsoft.Insights/AutoscaleSettings/Flapping/Action", "", nil, nil},
	} {
		oldN, newN := "2", "6"
		if tc.dir == schema.ScalingIn {
			oldN, newN = "6", "2"
		}
		rec := `{"caller":"Microsoft.Insights/autoscaleSettings","correlationId":"c1","eventDataId":"e1",` +
			`"eventTimestamp":"2025-03-05T08:00:00.0000000Z","subscriptionId":"` + testSub + `",` +
			`"operationName":{"value":"` + tc.op + `"},"status":{"value":"Succeeded"},` +
			`"properties":{"ResourceName":"` + target + `","OldInstancesCount":` + oldN + `,"NewInstancesCount":"` + newN + `"}}`
		ev := decodeBytes(t, []byte(rec))
		if tc.dir == "" {
			assert.Nil(t, attr(ev, schema.AttrScalingGroupName), tc.op)
			assert.Nil(t, attr(ev, schema.AttrScalingDirection), tc.op)
			continue
		}
		assert.Equal(t, "plan-web", attr(ev, schema.AttrScalingGroupName), tc.op)
		assert.Equal(t, schema.ScalingKindApp, attr(ev, schema.AttrScalingGroupKind), tc.op)
		assert.Equal(t, tc.dir, attr(ev, schema.AttrScalingDirection), tc.op)
		assert.Equal(t, tc.old, attr(ev, schema.AttrScalingOldSize), tc.op)
		assert.Equal(t, tc.new, attr(ev, schema.AttrScalingNewSize), tc.op)
	}
}

// Identity variants of the diagnostic export's identity.claims.
func TestIdentityClaims(t *testing.T) {
	const mi = `"http://schemas.microsoft.com/identity/claims/objectidentifier":"55555555-0000-4000-8000-000000000005",` +
		`"appid":"66666666-0000-4000-8000-000000000006","idtyp":"app",` +
		`"xms_mirid":"/subscriptions/` + testSub + `/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deploy"`
	for _, tc := range []struct {
		name, claims        string
		principal, cred, id string
		mfa                 any
	}{
		{"user pwd+mfa", `"http://schemas.microsoft.com/claims/authnmethodsreferences":"pwd,mfa","idtyp":"user","http://schemas.microsoft.com/identity/claims/objectidentifier":"u1"`,
			schema.PrincipalUser, schema.CredentialToken, "u1", true},
		{"user ngcmfa", `"http://schemas.microsoft.com/claims/authnmethodsreferences":"rsa,ngcmfa","idtyp":"user","http://schemas.microsoft.com/identity/claims/objectidentifier":"u2"`,
			schema.PrincipalUser, schema.CredentialToken, "u2", true},
		{"user password only", `"http://schemas.microsoft.com/claims/authnmethodsreferences":"pwd","http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"a@contoso.example","http://schemas.microsoft.com/identity/claims/scope":"user_impersonation"`,
			schema.PrincipalUser, schema.CredentialToken, "a@contoso.example", false},
		{"wiaormfa is not known", `"amr":["pwd","wiaormfa"],"idtyp":"user","oid":"u3"`,
			schema.PrincipalUser, schema.CredentialToken, "u3", nil},
		{"amr array with mfa", `"amr":["pwd","wiaormfa","mfa"],"idtyp":"user","oid":"u4"`,
			schema.PrincipalUser, schema.CredentialToken, "u4", true},
		{"managed identity", mi + `,"appidacr":"2"`,
			schema.PrincipalService, schema.CredentialToken, "55555555-0000-4000-8000-000000000005", nil},
		{"managed identity never a secret", mi + `,"appidacr":"1"`,
			schema.PrincipalService, schema.CredentialToken, "55555555-0000-4000-8000-000000000005", nil},
		{"sp certificate", `"appid":"77777777-0000-4000-8000-000000000007","appidacr":"2","http://schemas.microsoft.com/identity/claims/objectidentifier":"sp1"`,
			schema.PrincipalService, schema.CredentialToken, "sp1", nil},
		{"sp secret v2 token", `"azp":"77777777-0000-4000-8000-000000000007","azpacr":"1","idtyp":"app","oid":"sp2"`,
			schema.PrincipalService, schema.CredentialServiceAccountKey, "sp2", nil},
	} {
		rec := `{"time":"2025-03-05T08:00:00Z","resourceId":"/subscriptions/` + testSub + `/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",` +
			`"operationName":"Microsoft.Compute/virtualMachines/write","category":"Administrative","resultType":"Success",` +
			`"identity":{"claims":{` + tc.claims + `}}}`
		ev := decodeBytes(t, []byte(rec))
		assert.Equal(t, tc.principal, attr(ev, schema.AttrPrincipalType), tc.name)
		assert.Equal(t, tc.cred, attr(ev, schema.AttrCredentialType), tc.name)
		assert.Equal(t, tc.id, attr(ev, schema.AttrUserID), tc.name)
		assert.Equal(t, tc.mfa, attr(ev, schema.AttrMFA), tc.name)
	}
}

func TestMatchesPascalCase(t *testing.T) {
	for _, doc := range []string{
		`{"OperationName":{"Value":"Microsoft.Compute/virtualMachines/write"},"EventTimestamp":"2025-03-05T08:00:00Z"}`,
		`{"OperationName":{"Value":"x"},"SubscriptionId":"s"}`,
		`{"EventDataId":"e","EventTimestamp":"2025-03-05T08:00:00Z"}`,
	} {
		assert.True(t, Matches(mustParse(t, doc)), doc)
	}
	assert.False(t, Matches(mustParse(t, `{"OperationName":{"Value":"x"}}`)))
}

func TestParseTimeForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-03-05T08:30:12.4455667Z", time.Date(2025, 3, 5, 8, 30, 12, 445566700, time.UTC), true},
		{"/Date(1741163412123)/", time.Date(2025, 3, 5, 8, 30, 12, 123000000, time.UTC), true},
		{"/Date(1741163412123+0100)/", time.Date(2025, 3, 5, 8, 30, 12, 123000000, time.UTC), true},
		{"/Date(-1000)/", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{"/Date()/", time.Time{}, false},
		{"/Date(12x)/", time.Time{}, false},
		{"/Date(1741163412123", time.Time{}, false},
		{"/Date(1741163412123+01)/", time.Time{}, false},
	} {
		got, ok := parseTime([]byte(tc.in))
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.True(t, tc.want.Equal(got), "%s: %v", tc.in, got)
		}
	}
}

func mustParse(t *testing.T, doc string) *fastjson.Value {
	t.Helper()
	var p fastjson.Parser
	v, err := p.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The documented REST→export mapping nests the REST properties bag in
// properties.eventProperties; the rule body must still be found there.
func TestRuleBodyInEventProperties(t *testing.T) {
	const body = `{\"properties\":{\"protocol\":\"*\",\"destinationPortRanges\":[\"3389\",\"5985-5986\"],\"sourceAddressPrefixes\":[\"0.0.0.0/0\"],\"access\":\"Allow\",\"priority\":150,\"direction\":\"Inbound\"}}`
	want := []any{map[string]any{
		"direction": "ingress", "action": "allow", "protocol": "all",
		"port_ranges": ports("3389", "5985-5986"), "sources": strs("0.0.0.0/0"), "destinations": []any{},
		"priority": int64(150), "rule_id": "mgmt-in",
	}}
	head := `{"time":"2025-03-05T08:00:00.0000000Z","resourceId":"/SUBSCRIPTIONS/` + testSub + `/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG/SECURITYRULES/mgmt-in",` +
		`"operationName":"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE","category":"Write","resultType":"Start","correlationId":"c9",`
	for name, props := range map[string]string{
		"object": `"properties":{"eventCategory":"Administrative","eventProperties":{"requestbody":"` + body + `"}}}`,
		"text":   `"properties":{"eventCategory":"Administrative","eventProperties":"{\"requestbody\":\"` + jsonEscape(body) + `\"}"}}`,
	} {
		ev := decodeBytes(t, []byte(head+props))
		assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange), name)
		assert.Equal(t, want, rules(t, ev), name)
	}
}

// jsonEscape escapes s (already JSON string content) once more for nesting.
func jsonEscape(s string) string {
	out := make([]byte, 0, len(s)*2)
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// A row of the Log Analytics AzureActivity table as its Data Export (to Event Hubs or
// storage) writes it: TimeGenerated, OperationNameValue (OperationName is the display
// name), ActivityStatusValue, and dynamic columns with the _d suffix.
func TestDecodeLogAnalyticsRow(t *testing.T) {
	const rule = "/subscriptions/" + testSub + "/resourceGroups/rg-web/providers/Microsoft.Network/networkSecurityGroups/nsg-web/securityRules/allow-rdp"
	row := `{"TenantId":"72f988bf-0000-4000-8000-000000000001","SourceSystem":"Azure","TimeGenerated":"2025-03-04T09:12:44.123Z",` +
		`"CallerIpAddress":"203.0.113.77","CategoryValue":"Administrative","CorrelationId":"corr-la-1",` +
		`"Authorization_d":{"action":"Microsoft.Network/networkSecurityGroups/securityRules/write","scope":"` + rule + `",` +
		`"evidence":{"role":"Owner","principalType":"User"}},` +
		`"Claims_d":{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":"erin@contoso.example",` +
		`"http://schemas.microsoft.com/identity/claims/objectidentifier":"77777777-0000-4000-8000-000000000007","idtyp":"user",` +
		`"http://schemas.microsoft.com/claims/authnmethodsreferences":"pwd"},` +
		`"Level":"Informational","OperationName":"Create or Update Security Rule",` +
		`"OperationNameValue":"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE",` +
		`"ActivityStatus":"Succeeded","ActivityStatusValue":"Success","ActivitySubstatusValue":"Created",` +
		`"Properties_d":{"statusCode":"Created","eventCategory":"Administrative","entity":"` + rule + `",` +
		`"requestbody":"{\"properties\":{\"protocol\":\"Tcp\",\"sourcePortRange\":\"*\",\"destinationPortRange\":\"3389\",` +
		`\"sourceAddressPrefix\":\"Internet\",\"destinationAddressPrefix\":\"*\",\"access\":\"Allow\",\"priority\":110,\"direction\":\"Inbound\"}}"},` +
		`"EventDataId":"e0e0e0e0-0000-4000-8000-0000000000f1","Caller":"erin@contoso.example","SubscriptionId":"` + testSub + `",` +
		`"ResourceGroup":"RG-WEB","ResourceProviderValue":"MICROSOFT.NETWORK","_ResourceId":"` + rule + `","Type":"AzureActivity"}`
	v := fastjson.MustParse(row)
	assert.True(t, Matches(v))
	ev := decodeBytes(t, []byte(row))
	assert.Equal(t, time.Date(2025, 3, 4, 9, 12, 44, 123000000, time.UTC), ev.Record.Timestamp().AsTime())
	assert.Equal(t, "Microsoft.Network", attr(ev, schema.AttrRPCService))
	assert.Equal(t, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", attr(ev, schema.AttrRPCMethod))
	assert.Equal(t, schema.OutcomeSuccess, attr(ev, schema.AttrOutcome))
	assert.Equal(t, "erin@contoso.example", attr(ev, schema.AttrUserID))
	assert.Equal(t, schema.PrincipalUser, attr(ev, schema.AttrPrincipalType))
	assert.Equal(t, false, attr(ev, schema.AttrMFA))
	assert.Equal(t, strs("Owner"), attr(ev, schema.AttrRoles))
	assert.Equal(t, "203.0.113.77", attr(ev, schema.AttrSourceAddress))
	assert.Equal(t, schema.ChangeAdd, attr(ev, schema.AttrRuleChange))
	assert.Equal(t, []any{map[string]any{
		"direction": "ingress", "action": "allow", "protocol": "tcp",
		"port_ranges": ports("3389"), "sources": strs("Internet"), "destinations": strs("*"),
		"priority": int64(110), "rule_id": "allow-rdp",
	}}, rules(t, ev))
}
