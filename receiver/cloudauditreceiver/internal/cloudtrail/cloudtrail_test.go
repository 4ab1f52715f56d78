package cloudtrail

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// rule builds the expected map form of one normalised rule (as AsRaw returns it).
func rule(dir, action, proto string, ports, src, dst []string, extra ...any) map[string]any {
	m := map[string]any{}
	if dir != "" {
		m[schema.RuleDirection] = dir
	}
	if action != "" {
		m[schema.RuleAction] = action
	}
	if proto != "" {
		m[schema.RuleProtocol] = proto
	}
	m[schema.RulePortRanges] = toAny(ports)
	m[schema.RuleSources] = toAny(src)
	m[schema.RuleDestinations] = toAny(dst)
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func l(s ...string) []string { return s }

const (
	in  = schema.DirectionIngress
	out = schema.DirectionEgress
	ok  = schema.ActionAllow
)

var all = l(schema.AllPorts)

type decoded struct {
	ev    *event.Event
	attrs map[string]any
	err   error
}

func decodeFile(t testing.TB, name string, eventBridge bool) decoded {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	require.NoError(t, err)
	ev := event.New()
	if eventBridge {
		err = DecodeEventBridge(v, ev)
	} else {
		require.True(t, Matches(v), "Matches(%s)", name)
		err = Decode(v, ev)
	}
	return decoded{ev: ev, attrs: ev.Attrs().AsRaw(), err: err}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		file        string
		eventBridge bool
		account     string
		region      string
		time        string
		attrs       map[string]any // must match exactly
		absent      []string
		change      string
		rules       []map[string]any
	}{
		{
			file: "sg_ingress_nested.json", account: "123456789012", region: "eu-west-1", time: "2025-03-04T09:12:44Z",
			attrs: map[string]any{
				schema.AttrRPCService:     "ec2.amazonaws.com",
				schema.AttrRPCMethod:      "AuthorizeSecurityGroupIngress",
				schema.AttrResourceID:     "sg-0123456789abcdef0",
				schema.AttrEventID:        "0a1b2c3d-0001-4000-8000-000000000001",
				schema.AttrOutcome:        schema.OutcomeSuccess,
				schema.AttrUserID:         "arn:aws:iam::123456789012:user/deploy-bot",
				schema.AttrPrincipalType:  schema.PrincipalUser,
				schema.AttrCredentialType: schema.CredentialLongTermKey,
				schema.AttrAccessKeyID:    "AKIAIOSFODNN7EXAMPLE",
				schema.AttrMFA:            false,
				schema.AttrSourceAddress:  "198.51.100.23",
				schema.AttrUserAgent:      "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.authorize-security-group-ingress",
			},
			absent: []string{schema.AttrErrorType},
			change: schema.ChangeAdd,
			rules: []map[string]any{
				rule(in, ok, "tcp", l("22"), l("0.0.0.0/0"), nil, schema.RuleDescription, "ssh from anywhere"),
				rule(in, ok, "tcp", l("22"), l("203.0.113.0/24"), nil),
				rule(in, ok, "tcp", l("443"), l("::/0"), nil),
				rule(in, ok, "tcp", l("443"), l("pl-0a1b2c3d4e5f67890"), nil),
				rule(in, ok, "tcp", l("443"), l("sg-0fedcba9876543210"), nil),
				rule(in, ok, "udp", all, l("198.51.100.0/24"), nil),
			},
		},
		{
			file: "sg_ingress_legacy_flat.json",
			attrs: map[string]any{
				schema.AttrResourceID:     "sg-0aaaabbbbccccdddd",
				schema.AttrUserID:         "arn:aws:iam::123456789012:root",
				schema.AttrPrincipalType:  schema.PrincipalRoot,
				schema.AttrCredentialType: schema.CredentialLongTermKey,
				schema.AttrMFA:            false,
			},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule(in, ok, "tcp", l("3389"), l("0.0.0.0/0"), nil)},
		},
		{
			file: "sg_ruleset_preferred.json",
			attrs: map[string]any{
				schema.AttrPrincipalType:  schema.PrincipalRole,
				schema.AttrCredentialType: schema.CredentialTemporary,
				schema.AttrAccessKeyID:    "ASIAY34FZKBOKMUTVV7A",
				schema.AttrMFA:            true,
				schema.AttrUserID:         "arn:aws:sts::123456789012:assumed-role/NetworkAdmin/alice@example.com",
			},
			change: schema.ChangeAdd,
			rules: []map[string]any{
				rule(in, ok, "tcp", l("5432"), l("10.0.0.0/8"), nil, schema.RuleID, "sgr-0aaa1111bbbb22223"),
				rule(in, ok, "tcp", l("5432"), l("pl-0a1b2c3d4e5f67890"), nil, schema.RuleID, "sgr-0ccc3333dddd44445", schema.RuleDescription, "office ranges"),
			},
		},
		{
			file:   "sg_egress_all.json",
			attrs:  map[string]any{schema.AttrRPCMethod: "AuthorizeSecurityGroupEgress", schema.AttrMFA: true},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule(out, ok, "all", all, nil, l("0.0.0.0/0"), schema.RuleID, "sgr-0eee5555ffff66667")},
		},
		{
			file: "modify_sg_rules.json",
			attrs: map[string]any{
				schema.AttrResourceID:     "sg-0123456789abcdef0",
				schema.AttrCredentialType: schema.CredentialConsole,
			},
			change: schema.ChangeModify,
			rules: []map[string]any{
				rule("", ok, "tcp", l("22"), l("0.0.0.0/0"), nil, schema.RuleID, "sgr-0aaa1111bbbb22223", schema.RuleDescription, "temp debug"),
				rule("", ok, "all", all, l("pl-0a1b2c3d4e5f67890"), nil, schema.RuleID, "sgr-0ccc3333dddd44445"),
			},
		},
		{
			file:   "sg_icmp.json",
			change: schema.ChangeAdd,
			rules: []map[string]any{
				rule(in, ok, "icmp", nil, l("203.0.113.0/24"), nil),
				rule(in, ok, "icmpv6", nil, l("2001:db8::/32"), nil),
			},
		},
		{
			file: "sg_ingress_failed.json",
			attrs: map[string]any{
				schema.AttrOutcome:   schema.OutcomeFailure,
				schema.AttrErrorType: "Client.UnauthorizedOperation",
			},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule(in, ok, "tcp", l("22"), l("0.0.0.0/0"), nil)},
		},
		{
			file:   "sg_revoke_ids.json",
			attrs:  map[string]any{schema.AttrRPCMethod: "RevokeSecurityGroupIngress"},
			change: schema.ChangeRemove,
			rules:  []map[string]any{rule(in, ok, "", nil, nil, nil, schema.RuleID, "sgr-0aaa1111bbbb22223")},
		},
		{
			file:   "nacl_create.json",
			attrs:  map[string]any{schema.AttrResourceID: "acl-0123456789abcdef0"},
			change: schema.ChangeAdd,
			rules: []map[string]any{rule(in, ok, "tcp", l("22"), l("0.0.0.0/0"), nil,
				schema.RulePriority, int64(100), schema.RuleID, "acl-0123456789abcdef0:ingress:100")},
		},
		{
			file:   "nacl_replace_ipv6.json",
			change: schema.ChangeModify,
			rules: []map[string]any{rule(out, schema.ActionDeny, "all", all, nil, l("::/0"),
				schema.RulePriority, int64(90), schema.RuleID, "acl-0123456789abcdef0:egress:90")},
		},
		{
			file:   "nacl_delete.json",
			change: schema.ChangeRemove,
			rules: []map[string]any{rule(in, "", "", nil, nil, nil,
				schema.RulePriority, int64(50), schema.RuleID, "acl-0123456789abcdef0:ingress:50")},
		},
		{
			file:   "prefix_list_modify.json",
			attrs:  map[string]any{schema.AttrResourceID: "pl-0a1b2c3d4e5f67890"},
			change: schema.ChangeModify,
			rules: []map[string]any{
				rule("", ok, "", nil, l("0.0.0.0/0"), nil, schema.RuleDescription, "vendor"),
				rule("", ok, "", nil, l("198.51.100.0/24"), nil),
			},
		},
		{
			file:   "prefix_list_create.json",
			attrs:  map[string]any{schema.AttrResourceID: "pl-0123abcd4567ef890"},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule("", ok, "", nil, l("203.0.113.0/24"), nil, schema.RuleDescription, "office")},
		},
		{
			file:   "lightsail_open.json",
			attrs:  map[string]any{schema.AttrResourceID: "wordpress-1", schema.AttrRPCService: "lightsail.amazonaws.com"},
			change: schema.ChangeAdd,
			rules: []map[string]any{
				rule(in, ok, "tcp", l("8080-8090"), l("0.0.0.0/0"), nil),
				rule(in, ok, "tcp", l("8080-8090"), l("::/0"), nil),
			},
		},
		{
			file:   "lightsail_put.json",
			change: schema.ChangeAdd,
			rules: []map[string]any{
				rule(in, ok, "tcp", l("22"), l("203.0.113.7/32"), nil),
				rule(in, ok, "tcp", l("22"), l("lightsail-connect"), nil),
				rule(in, ok, "all", all, l("0.0.0.0/0"), nil),
				rule(in, ok, "icmp", nil, l("198.51.100.0/24"), nil),
			},
		},
		{
			file:   "rds_authorize.json",
			attrs:  map[string]any{schema.AttrResourceID: "legacy-db"},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule(in, ok, "tcp", all, l("0.0.0.0/0"), nil)},
		},
		{
			file:   "sg_delete.json",
			attrs:  map[string]any{schema.AttrResourceID: "sg-0aaaabbbbccccdddd"},
			change: schema.ChangeRemove,
			rules:  []map[string]any{},
		},
		{
			file: "root_console_login.json", region: "us-east-1",
			attrs: map[string]any{
				schema.AttrRPCService:     "signin.amazonaws.com",
				schema.AttrPrincipalType:  schema.PrincipalRoot,
				schema.AttrCredentialType: schema.CredentialConsole,
				schema.AttrMFA:            false,
				schema.AttrOutcome:        schema.OutcomeSuccess,
				schema.AttrUserID:         "arn:aws:iam::123456789012:root",
			},
			absent: []string{schema.AttrAccessKeyID, schema.AttrRuleChange},
		},
		{
			file: "console_login_failed.json",
			attrs: map[string]any{
				schema.AttrOutcome:        schema.OutcomeFailure,
				schema.AttrErrorType:      "Failed authentication",
				schema.AttrUserID:         "AIDACKCEVSQ6C2EXAMPLE",
				schema.AttrCredentialType: schema.CredentialConsole,
				schema.AttrMFA:            false,
			},
			absent: []string{schema.AttrAccessKeyID},
		},
		{
			file: "console_session_call.json",
			attrs: map[string]any{
				schema.AttrCredentialType: schema.CredentialConsole,
				schema.AttrMFA:            false,
				schema.AttrResourceID:     "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc123def4567890",
			},
			absent: []string{schema.AttrRuleChange, schema.AttrScalingGroupName},
		},
		{
			file: "aws_service.json",
			attrs: map[string]any{
				schema.AttrUserID:        "ec2.amazonaws.com",
				schema.AttrPrincipalType: schema.PrincipalService,
				schema.AttrSourceAddress: "ec2.amazonaws.com",
				schema.AttrResourceID:    "arn:aws:iam::123456789012:role/web-instance",
			},
			absent: []string{schema.AttrCredentialType, schema.AttrMFA},
		},
		{
			file: "asg_set_desired.json",
			attrs: map[string]any{
				schema.AttrResourceID:       "web-asg",
				schema.AttrScalingGroupName: "web-asg",
				schema.AttrScalingGroupKind: schema.ScalingKindVM,
				schema.AttrScalingNewSize:   int64(6),
			},
			absent: []string{schema.AttrScalingOldSize, schema.AttrScalingDirection, schema.AttrScalingAtMax},
		},
		{
			file: "asg_update.json",
			attrs: map[string]any{
				schema.AttrScalingGroupName: "web-asg",
				schema.AttrScalingNewSize:   int64(8),
				schema.AttrScalingMaxSize:   int64(8),
				schema.AttrScalingAtMax:     true,
			},
			absent: []string{schema.AttrScalingDirection},
		},
		{
			file: "wrong_types.json", account: "", region: "", time: "2025-03-04T09:12:44.123Z",
			attrs: map[string]any{
				schema.AttrRPCMethod: "AuthorizeSecurityGroupIngress",
				schema.AttrOutcome:   schema.OutcomeSuccess,
			},
			absent: []string{schema.AttrUserID, schema.AttrEventID, schema.AttrSourceAddress, schema.AttrResourceID},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule(in, ok, "tcp", l("80"), l("0.0.0.0/0"), nil)},
		},
		{
			file: "eb_asg_launch.json", eventBridge: true, account: "123456789012", region: "eu-west-1", time: "2025-03-04T10:00:00Z",
			attrs: map[string]any{
				schema.AttrRPCService:       "autoscaling.amazonaws.com",
				schema.AttrRPCMethod:        "EC2InstanceLaunch",
				schema.AttrEventID:          "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
				schema.AttrOutcome:          schema.OutcomeSuccess,
				schema.AttrScalingGroupName: "web-asg",
				schema.AttrScalingGroupKind: schema.ScalingKindVM,
				schema.AttrScalingOldSize:   int64(2),
				schema.AttrScalingNewSize:   int64(4),
				schema.AttrScalingDirection: schema.ScalingOut,
				schema.AttrPrincipalType:    schema.PrincipalService,
				schema.AttrResourceID:       "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:6d5b0b6c-1c43-4f3e-8c0a-1e2f3a4b5c6d:autoScalingGroupName/web-asg",
			},
			absent: []string{schema.AttrScalingAtMax, schema.AttrScalingMaxSize},
		},
		{
			file: "eb_asg_launch_at_max.json", eventBridge: true,
			attrs: map[string]any{
				schema.AttrScalingOldSize:   int64(4),
				schema.AttrScalingNewSize:   int64(6),
				schema.AttrScalingMaxSize:   int64(6),
				schema.AttrScalingAtMax:     true,
				schema.AttrScalingDirection: schema.ScalingOut,
			},
		},
		{
			file: "eb_asg_terminate.json", eventBridge: true,
			attrs: map[string]any{
				schema.AttrRPCMethod:        "EC2InstanceTerminate",
				schema.AttrScalingOldSize:   int64(4),
				schema.AttrScalingNewSize:   int64(3),
				schema.AttrScalingDirection: schema.ScalingIn,
			},
		},
		{
			file: "eb_asg_replace.json", eventBridge: true,
			attrs:  map[string]any{schema.AttrScalingGroupName: "web-asg"},
			absent: []string{schema.AttrScalingDirection, schema.AttrScalingOldSize, schema.AttrScalingNewSize},
		},
		{
			file: "eb_asg_launch_failed.json", eventBridge: true,
			attrs: map[string]any{
				schema.AttrOutcome:          schema.OutcomeFailure,
				schema.AttrErrorType:        "Failed",
				schema.AttrScalingDirection: schema.ScalingOut,
			},
		},
		{
			file: "eb_api_call.json", eventBridge: true, account: "123456789012", region: "eu-west-1",
			attrs: map[string]any{
				schema.AttrRPCMethod:     "AuthorizeSecurityGroupIngress",
				schema.AttrEventID:       "0a1b2c3d-0030-4000-8000-000000000030",
				schema.AttrResourceID:    "sg-0123456789abcdef0",
				schema.AttrPrincipalType: schema.PrincipalUser,
			},
			change: schema.ChangeAdd,
			rules:  []map[string]any{rule(in, ok, "tcp", l("22"), l("0.0.0.0/0"), nil)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := decodeFile(t, tt.file, tt.eventBridge)
			require.NoError(t, d.err)
			assert.Equal(t, schema.ProviderAWS, d.ev.Provider)
			if tt.account != "" || tt.file == "wrong_types.json" {
				assert.Equal(t, tt.account, d.ev.AccountID)
			}
			if tt.region != "" {
				assert.Equal(t, tt.region, d.ev.Region)
			}
			if tt.time != "" {
				want, err := time.Parse(time.RFC3339Nano, tt.time)
				require.NoError(t, err)
				assert.Equal(t, want.UTC(), d.ev.Record.Timestamp().AsTime())
			}
			for k, want := range tt.attrs {
				assert.Equal(t, want, d.attrs[k], "attribute %s", k)
			}
			for _, k := range tt.absent {
				assert.NotContains(t, d.attrs, k)
			}
			if tt.change == "" {
				assert.NotContains(t, d.attrs, schema.AttrRuleChange)
				return
			}
			assert.Equal(t, tt.change, d.attrs[schema.AttrRuleChange])
			got, _ := d.attrs[schema.AttrRules].([]any)
			want := make([]any, len(tt.rules))
			for i, r := range tt.rules {
				want[i] = r
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestDecodeSeverity(t *testing.T) {
	d := decodeFile(t, "sg_ingress_failed.json", false)
	assert.Equal(t, plog.SeverityNumberWarn, d.ev.Record.SeverityNumber())
	d = decodeFile(t, "sg_ingress_nested.json", false)
	assert.Equal(t, plog.SeverityNumberInfo, d.ev.Record.SeverityNumber())
}

func TestDecodeUnusable(t *testing.T) {
	tests := []struct {
		name string
		json string
		skip bool
	}{
		{"no eventName", `{"eventVersion":"1.09","eventSource":"ec2.amazonaws.com","eventTime":"2025-03-04T09:12:44Z"}`, false},
		{"eventName not a string", `{"eventName":42,"eventTime":"2025-03-04T09:12:44Z"}`, false},
		{"array", `[1,2]`, false},
		{"digest", `{"awsAccountId":"123456789012","digestStartTime":"2025-03-04T08:00:00Z","digestPublicKeyFingerprint":"abc","logFiles":[]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := fastjson.Parse(tt.json)
			require.NoError(t, err)
			err = Decode(v, event.New())
			require.Error(t, err)
			assert.Equal(t, tt.skip, errors.Is(err, event.ErrSkip))
		})
	}
	// An unreadable eventTime keeps the record, without a timestamp.
	v := fastjson.MustParse(`{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"..."}`)
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	assert.Zero(t, ev.Record.Timestamp())
}

func TestDecodeEventBridgeSkip(t *testing.T) {
	d := decodeFile(t, "eb_other.json", true)
	assert.ErrorIs(t, d.err, event.ErrSkip)
	v := fastjson.MustParse(`{"detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":"x"}`)
	assert.Error(t, DecodeEventBridge(v, event.New()))
}

func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		json string
		want bool
	}{
		{`{"eventVersion":"1.09","eventName":"GetObject"}`, true},
		{`{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}`, true},
		{`{"detail-type":"AWS API Call via CloudTrail","detail":{}}`, false},
		{`{"protoPayload":{"methodName":"x"}}`, false},
		{`{"Records":[]}`, false},
		{`"eventName"`, false},
	} {
		assert.Equal(t, tt.want, Matches(fastjson.MustParse(tt.json)), tt.json)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2025-03-04T09:12:44Z":          "2025-03-04T09:12:44Z",
		"2025-03-04 09:12:44":           "2025-03-04T09:12:44Z",
		"2025-03-04 09:12:44.5":         "2025-03-04T09:12:44.5Z",
		"2025-03-04 09:12:44.123456789": "2025-03-04T09:12:44.123456789Z",
		"2025-03-04 09:12:44Z":          "2025-03-04T09:12:44Z",
		"2025-03-04T11:12:44+02:00":     "2025-03-04T09:12:44Z",
	} {
		got, ok := parseTime([]byte(in))
		require.True(t, ok, in)
		w, _ := time.Parse(time.RFC3339Nano, want)
		assert.True(t, w.Equal(got), "%s: got %s", in, got)
	}
	for _, bad := range []string{"", "...", "2025-13-04 09:12:44", "2025-03-04 09:12:44 junk"} {
		_, ok := parseTime([]byte(bad))
		assert.False(t, ok, bad)
	}
}

func TestProtocolAndPorts(t *testing.T) {
	for in, want := range map[string]string{
		`"-1"`: "all", `-1`: "all", `"6"`: "tcp", `17`: "udp", `"1"`: "icmp", `58`: "icmpv6",
		`"TCP"`: "tcp", `"50"`: "esp", `"gre"`: "gre", `"all"`: "all", `null`: "", `"999"`: "999",
	} {
		assert.Equal(t, want, protocolOf(fastjson.MustParse(in)), in)
	}
	assert.Equal(t, []schema.PortRange{schema.AllPortRange}, portRanges("tcp", -1, -1, true, true))
	assert.Equal(t, []schema.PortRange{schema.AllPortRange}, portRanges("udp", 0, 0, false, false))
	assert.Equal(t, []schema.PortRange{{From: 80, To: 80}}, portRanges("tcp", 80, 0, true, false))
	assert.Equal(t, []schema.PortRange{{From: 1000, To: 2000}}, portRanges("tcp", 2000, 1000, true, true))
	assert.Nil(t, portRanges("icmp", 8, -1, true, true))
	assert.Nil(t, portRanges("50", 0, 0, false, false))
}
