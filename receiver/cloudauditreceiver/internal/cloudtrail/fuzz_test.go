package cloudtrail

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// FuzzDecode feeds arbitrary JSON to Decode and DecodeEventBridge: they may reject
// it, never panic. The seed corpus is every test event plus odd shapes.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{}`, `[]`, `null`, `{"eventName":null,"eventTime":null}`,
		`{"eventName":"AuthorizeSecurityGroupIngress","eventTime":"2025-01-01T00:00:00Z","requestParameters":{"ipPermissions":{"items":{"items":{"items":{"items":[]}}}}}}`,
		`{"eventName":"ModifySecurityGroupRules","eventTime":"x","requestParameters":{"ModifySecurityGroupRulesRequest":{"SecurityGroupRule":[[[{}]]]}}}`,
		`{"eventName":"CreateNetworkAclEntry","eventTime":"2025-01-01 00:00:00","requestParameters":{"ruleNumber":1e300,"portRange":{"from":-99999999999,"to":"99999999999999999999"},"aclProtocol":1.5}}`,
		`{"eventName":"PutInstancePublicPorts","eventTime":"2025-01-01T00:00:00Z","requestParameters":{"portInfos":[{"cidrs":"0.0.0.0/0","fromPort":"x"}]}}`,
		`{"detail-type":"EC2 Instance Launch Successful","source":"aws.autoscaling","time":"t","detail":{"Cause":"desired capacity from 99999999999999 to "}}`,
		`{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"X"}}`,
		`{"eventName":"X","eventTime":"2025-01-01T00:00:00Z","userIdentity":{"type":"AWSAccount","sessionContext":"x","accessKeyId":7}}`,
		`{"eventType":"AwsCloudTrailInsight","insightDetails":{"state":"Start","insightContext":{"statistics":{"insight":{"average":1e400}}}}}`,
		`{"eventName":"X","eventSource":"s3.amazonaws.com","@timestamp":"2020-09-14T00:44:23.000Z"}`,
		`{"eventName":{"value":"X"},"eventSource":{"value":"Y"}}`,
		`{"eventName":"CredentialVerification","eventSource":"signin.amazonaws.com","serviceEventDetails":{"CredentialVerification":["Failure"]},"userIdentity":{"type":"Unknown","principalId":"111122223333","onBehalfOf":"x","credentialId":7}}`,
		`{"eventName":"SwitchRole","eventType":"AwsConsoleSignIn","responseElements":{"SwitchRole":null},"sessionCredentialFromConsole":{}}`,
		`{"eventName":"AuthorizeCacheSecurityGroupIngress","requestParameters":{"cacheSecurityGroupName":[],"eC2SecurityGroupName":{"items":[]}}}`,
		`{"eventName":"RevokeSecurityGroupEgress","requestParameters":{"groupName":"g"},"responseElements":{"revokedSecurityGroupRuleSet":{"items":[{"groupId":1,"referencedGroupId":{}}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p fastjson.Parser
		v, err := p.ParseBytes(data)
		if err != nil {
			return
		}
		_ = Matches(v)
		_ = Decode(v, event.New())
		_ = DecodeEventBridge(v, event.New())
		if d := v.Get("detail"); d != nil {
			_ = Decode(d, event.New())
		}
	})
}
