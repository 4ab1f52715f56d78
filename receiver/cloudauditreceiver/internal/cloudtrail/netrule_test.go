package cloudtrail

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// Network-rule request and response shapes from the EC2, Redshift and ElastiCache
// API references as CloudTrail records them (query-API members in lower camel case,
// lists as {"items": [...]}).
func TestNetworkRuleShapes(t *testing.T) {
	const iam = `{"type":"IAMUser","principalId":"AIDA5EXAMPLEUSERID01","arn":"arn:aws:iam::111122223333:user/ops","accountId":"111122223333","accessKeyId":"AKIA5EXAMPLEUSERKEY1","userName":"ops"}`
	tests := []struct {
		name     string
		json     string
		resource string
		change   string
		rules    []map[string]any
	}{
		{
			name: "revoke by rule id, revokedSecurityGroupRuleSet answers",
			json: callEvent("RevokeSecurityGroupIngress", "ec2.amazonaws.com", iam,
				`"requestParameters":{"groupId":"sg-0b1c2d3e4f5a6b7c8","securityGroupRuleIds":{"items":[{"securityGroupRuleId":"sgr-01a2b3c4d5e6f7a8b"},{"securityGroupRuleId":"sgr-09f8e7d6c5b4a3f2e"}]}},`+
					`"responseElements":{"requestId":"3f4e5d6c-7b8a-4f9e-8d0c-1b2a3f4e5d6c","_return":true,"revokedSecurityGroupRuleSet":{"items":[`+
					`{"securityGroupRuleId":"sgr-01a2b3c4d5e6f7a8b","groupId":"sg-0b1c2d3e4f5a6b7c8","isEgress":false,"ipProtocol":"tcp","fromPort":5432,"toPort":5432,"referencedGroupId":"sg-0a9b8c7d6e5f4a3b2"},`+
					`{"securityGroupRuleId":"sgr-09f8e7d6c5b4a3f2e","groupId":"sg-0b1c2d3e4f5a6b7c8","isEgress":false,"ipProtocol":"-1","fromPort":-1,"toPort":-1,"cidrIpv6":"::/0","description":"temp"}]}}`),
			resource: "sg-0b1c2d3e4f5a6b7c8", change: schema.ChangeRemove,
			rules: []map[string]any{
				rule(in, ok, "tcp", l("5432"), l("sg-0a9b8c7d6e5f4a3b2"), nil, schema.RuleID, "sgr-01a2b3c4d5e6f7a8b"),
				rule(in, ok, "all", all, l("::/0"), nil, schema.RuleID, "sgr-09f8e7d6c5b4a3f2e", schema.RuleDescription, "temp"),
			},
		},
		{
			name: "nested ipPermissions, protocol number without ports, all-protocol group pair",
			json: callEvent("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", iam,
				`"requestParameters":{"groupId":"sg-0b1c2d3e4f5a6b7c8","ipPermissions":{"items":[`+
					`{"ipProtocol":"50","groups":{},"ipRanges":{"items":[{"cidrIp":"198.51.100.0/24"}]},"ipv6Ranges":{},"prefixListIds":{}},`+
					`{"ipProtocol":"-1","groups":{"items":[{"userId":"444455556666","groupId":"sg-0c1d2e3f4a5b6c7d8"}]},"ipRanges":{},"ipv6Ranges":{},"prefixListIds":{}},`+
					`{"ipProtocol":"icmp","fromPort":8,"toPort":-1,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"ping"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},`+
					`"responseElements":null,"errorCode":"Client.DryRunOperation","errorMessage":"Request would have succeeded, but DryRun flag is set."`),
			resource: "sg-0b1c2d3e4f5a6b7c8", change: schema.ChangeAdd,
			rules: []map[string]any{
				rule(in, ok, "esp", nil, l("198.51.100.0/24"), nil),
				rule(in, ok, "all", all, l("sg-0c1d2e3f4a5b6c7d8"), nil),
				rule(in, ok, "icmp", nil, l("0.0.0.0/0"), nil, schema.RuleDescription, "ping"),
			},
		},
		{
			name: "default VPC call by groupName, id from the answer",
			json: callEvent("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", iam,
				`"requestParameters":{"groupName":"launch-wizard-3","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},`+
					`"responseElements":{"requestId":"4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"111122223333","groupId":"sg-0d1e2f3a4b5c6d7e8","securityGroupRuleId":"sgr-0e1f2a3b4c5d6e7f8","isEgress":false,"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"cidrIpv4":"0.0.0.0/0"}]}}`),
			resource: "sg-0d1e2f3a4b5c6d7e8", change: schema.ChangeAdd,
			rules: []map[string]any{rule(in, ok, "tcp", l("3389"), l("0.0.0.0/0"), nil, schema.RuleID, "sgr-0e1f2a3b4c5d6e7f8")},
		},
		{
			name: "failed call by groupName keeps the name",
			json: callEvent("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", iam,
				`"requestParameters":{"groupName":"launch-wizard-3","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},`+
					`"responseElements":null,"errorCode":"Client.InvalidPermission.Duplicate","errorMessage":"the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" already exists"`),
			resource: "launch-wizard-3", change: schema.ChangeAdd,
			rules: []map[string]any{rule(in, ok, "tcp", l("22"), l("0.0.0.0/0"), nil)},
		},
		{
			name: "Redshift cluster security group CIDR",
			json: callEvent("AuthorizeClusterSecurityGroupIngress", "redshift.amazonaws.com", iam,
				`"requestParameters":{"clusterSecurityGroupName":"analytics-legacy","cIDRIP":"0.0.0.0/0"},"responseElements":{"clusterSecurityGroupName":"analytics-legacy","description":"legacy","iPRanges":[{"status":"authorized","cIDRIP":"0.0.0.0/0"}]}`),
			resource: "analytics-legacy", change: schema.ChangeAdd,
			rules: []map[string]any{rule(in, ok, "tcp", all, l("0.0.0.0/0"), nil)},
		},
		{
			name: "Redshift revoke EC2 security group",
			json: callEvent("RevokeClusterSecurityGroupIngress", "redshift.amazonaws.com", iam,
				`"requestParameters":{"clusterSecurityGroupName":"analytics-legacy","eC2SecurityGroupName":"etl-workers","eC2SecurityGroupOwnerId":"111122223333"},"responseElements":null`),
			resource: "analytics-legacy", change: schema.ChangeRemove,
			rules: []map[string]any{rule(in, ok, "tcp", all, l("etl-workers"), nil)},
		},
		{
			name: "ElastiCache cache security group",
			json: callEvent("AuthorizeCacheSecurityGroupIngress", "elasticache.amazonaws.com", iam,
				`"requestParameters":{"cacheSecurityGroupName":"sessions","eC2SecurityGroupName":"web-tier","eC2SecurityGroupOwnerId":"111122223333"},"responseElements":null`),
			resource: "sessions", change: schema.ChangeAdd,
			rules: []map[string]any{rule(in, ok, "tcp", all, l("web-tier"), nil)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeString(t, tt.json)
			assert.Equal(t, tt.resource, got[schema.AttrResourceID])
			assert.Equal(t, tt.change, got[schema.AttrRuleChange])
			want := make([]any, len(tt.rules))
			for i, r := range tt.rules {
				want[i] = r
			}
			assert.Equal(t, want, got[schema.AttrRules])
		})
	}
}
