package cloudtrail

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// callEvent wraps a userIdentity (and optional extra top-level members) in an
// otherwise ordinary management event, as CloudTrail delivers it.
func callEvent(name, source, identity, extra string) string {
	s := `{"eventVersion":"1.10","userIdentity":` + identity + `,"eventTime":"2025-05-06T07:08:09Z",` +
		`"eventSource":"` + source + `","eventName":"` + name + `","awsRegion":"us-east-1",` +
		`"sourceIPAddress":"203.0.113.10","userAgent":"aws-sdk-go-v2/1.30.0",` +
		`"requestID":"5b1f0a2e-7d4c-4c6b-9a51-2f0d7c9e1a11","eventID":"6c2a1b3f-8e5d-4d7c-8b62-3a1e8d0f2b22",` +
		`"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

func decodeString(t *testing.T, js string) map[string]any {
	t.Helper()
	v, err := fastjson.Parse(js)
	require.NoError(t, err)
	require.True(t, Matches(v))
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	return ev.Attrs().AsRaw()
}

// The userIdentity variants of the CloudTrail userIdentity element reference
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html)
// and the sign-in event reference.
func TestIdentityVariants(t *testing.T) {
	const absent = "<absent>"
	tests := []struct {
		name      string
		json      string
		user      string
		principal string
		cred      string
		mfa       any // bool, or absent
		outcome   string
		errType   string
	}{
		{
			name: "IdentityCenterUser bearer token",
			json: callEvent("ListApplications", "sso.amazonaws.com",
				`{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"c4a8e4d8-1081-70c3-2b1e-5d9f0e6a7b11","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-90670a1b2c"},"credentialId":"Zm9vYmFyLWJlYXJlci10b2tlbi1pZC0wMDAx"}`, ""),
			user: "c4a8e4d8-1081-70c3-2b1e-5d9f0e6a7b11", principal: schema.PrincipalUser, cred: schema.CredentialToken, mfa: absent,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "IdentityCenter CredentialVerification failure",
			json: `{"eventVersion":"1.08","userIdentity":{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"c4a8e4d8-1081-70c3-2b1e-5d9f0e6a7b11","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-90670a1b2c"},"credentialId":"Y3JlZGVudGlhbC0wMDAy"},` +
				`"eventTime":"2025-05-06T07:08:09Z","eventSource":"signin.amazonaws.com","eventName":"CredentialVerification","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.77","userAgent":"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",` +
				`"requestParameters":null,"responseElements":null,"errorMessage":"Failed authentication","additionalEventData":{"AuthWorkflowID":"0f3d9a7c-55e1-4b7e-9c2a-7d8e1f2a3b4c","CredentialType":"PASSWORD"},` +
				`"requestID":"7e1d0c2b-3a4f-4e5d-8c6b-9a0f1e2d3c4b","eventID":"8f2e1d3c-4b5a-4f6e-9d7c-0b1a2f3e4d5c","readOnly":false,"eventType":"AwsServiceEvent",` +
				`"serviceEventDetails":{"CredentialVerification":"Failure"},"recipientAccountId":"111122223333"}`,
			user: "c4a8e4d8-1081-70c3-2b1e-5d9f0e6a7b11", principal: schema.PrincipalUser, cred: schema.CredentialConsole, mfa: absent,
			outcome: schema.OutcomeFailure, errType: "Failed authentication",
		},
		{
			name: "Identity Center sign-in as Unknown with onBehalfOf",
			json: `{"eventVersion":"1.09","userIdentity":{"type":"Unknown","principalId":"111122223333","arn":"","accountId":"111122223333","accessKeyId":"","userName":"erin","onBehalfOf":{"userId":"d5b9f5e9-2192-71d4-3c2f-6e0a1f7b8c22","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-90670a1b2c"},"credentialId":"0d1c2b3a-4f5e-4d6c-8b7a-9f0e1d2c3b4a"},` +
				`"eventTime":"2025-05-06T07:08:09Z","eventSource":"signin.amazonaws.com","eventName":"UserAuthentication","awsRegion":"us-east-2","sourceIPAddress":"192.0.2.55","userAgent":"Mozilla/5.0",` +
				`"requestParameters":null,"responseElements":null,"additionalEventData":{"AuthWorkflowID":"1e2d3c4b-5a6f-4e7d-9c8b-0a1f2e3d4c5b","LoginTo":"https://d-90670a1b2c.awsapps.com/start/"},` +
				`"eventID":"2d6c5b7a-8f9e-4dad-9b1a-4f5e6d7c8b9a","readOnly":false,"eventType":"AWSServiceEvent","managementEvent":true,"recipientAccountId":"111122223333",` +
				`"serviceEventDetails":{"UserAuthentication":"Success"},"eventCategory":"Management"}`,
			user: "d5b9f5e9-2192-71d4-3c2f-6e0a1f7b8c22", principal: absent, cred: schema.CredentialConsole, mfa: absent,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "SwitchRole sign-in failure",
			json: `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROA5EXAMPLEROLEID01:alice","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":""},` +
				`"eventTime":"2025-05-06T07:08:09Z","eventSource":"signin.amazonaws.com","eventName":"SwitchRole","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.77","userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",` +
				`"requestParameters":null,"responseElements":{"SwitchRole":"Failure"},"additionalEventData":{"SwitchFrom":"arn:aws:iam::111122223333:user/alice","RedirectTo":"https://console.aws.amazon.com/"},` +
				`"eventID":"9a3f2e4d-5c6b-4a7f-8e8d-1c2b3a4f5e6d","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`,
			user: "arn:aws:sts::111122223333:assumed-role/Admin/alice", principal: schema.PrincipalRole, cred: schema.CredentialConsole, mfa: absent,
			outcome: schema.OutcomeFailure, errType: "Failure",
		},
		{
			name: "CheckMfa success is console",
			json: `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA5EXAMPLEUSERID01","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},` +
				`"eventTime":"2025-05-06T07:08:09Z","eventSource":"signin.amazonaws.com","eventName":"CheckMfa","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.77","userAgent":"Mozilla/5.0",` +
				`"requestParameters":null,"responseElements":{"CheckMfa":"Success"},"additionalEventData":{"MfaType":"Virtual MFA"},` +
				`"eventID":"0b4a3f5e-6d7c-4b8a-9f9e-2d3c4b5a6f7e","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`,
			user: "arn:aws:iam::111122223333:user/alice", principal: schema.PrincipalUser, cred: schema.CredentialConsole, mfa: absent,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "ConsoleLogin with MFA",
			json: `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA5EXAMPLEUSERID01","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},` +
				`"eventTime":"2025-05-06T07:08:09Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.77","userAgent":"Mozilla/5.0",` +
				`"requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::111122223333:mfa/alice-phone","MFAUsed":"Yes"},` +
				`"eventID":"1c5b4a6f-7e8d-4c9b-8a0f-3e4d5c6b7a8f","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`,
			user: "arn:aws:iam::111122223333:user/alice", principal: schema.PrincipalUser, cred: schema.CredentialConsole, mfa: true,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "SAMLUser AssumeRoleWithSAML",
			json: callEvent("AssumeRoleWithSAML", "sts.amazonaws.com",
				`{"type":"SAMLUser","principalId":"q3Xk9ExampleQualifier0=:jdoe@example.com","userName":"jdoe@example.com","identityProvider":"q3Xk9ExampleQualifier0="}`, ""),
			user: "q3Xk9ExampleQualifier0=:jdoe@example.com", principal: schema.PrincipalFederated, cred: schema.CredentialToken, mfa: absent,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "WebIdentityUser AssumeRoleWithWebIdentity",
			json: callEvent("AssumeRoleWithWebIdentity", "sts.amazonaws.com",
				`{"type":"WebIdentityUser","principalId":"token.actions.githubusercontent.com:sts.amazonaws.com:repo:example/app:ref:refs/heads/main","userName":"repo:example/app:ref:refs/heads/main","identityProvider":"token.actions.githubusercontent.com"}`, ""),
			user: "token.actions.githubusercontent.com:sts.amazonaws.com:repo:example/app:ref:refs/heads/main", principal: schema.PrincipalFederated,
			cred: schema.CredentialToken, mfa: absent, outcome: schema.OutcomeSuccess,
		},
		{
			name: "AssumedRole with empty accessKeyId",
			json: callEvent("DescribeInstances", "ec2.amazonaws.com",
				`{"type":"AssumedRole","principalId":"AROA5EXAMPLEROLEID02:i-0a1b2c3d4e5f60718","arn":"arn:aws:sts::111122223333:assumed-role/web-instance/i-0a1b2c3d4e5f60718","accountId":"111122223333","accessKeyId":"","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA5EXAMPLEROLEID02","arn":"arn:aws:iam::111122223333:role/web-instance","accountId":"111122223333","userName":"web-instance"},"attributes":{"creationDate":"2025-05-06T06:00:00Z","mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}}`, ""),
			user: "arn:aws:sts::111122223333:assumed-role/web-instance/i-0a1b2c3d4e5f60718", principal: schema.PrincipalRole,
			cred: schema.CredentialTemporary, mfa: false, outcome: schema.OutcomeSuccess,
		},
		{
			name: "FederatedUser without key",
			json: callEvent("ListBuckets", "s3.amazonaws.com",
				`{"type":"FederatedUser","principalId":"111122223333:bob","arn":"arn:aws:sts::111122223333:federated-user/bob","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"IAMUser","principalId":"AIDA5EXAMPLEUSERID03","arn":"arn:aws:iam::111122223333:user/broker","accountId":"111122223333","userName":"broker"},"attributes":{"creationDate":"2025-05-06T06:00:00Z","mfaAuthenticated":"false"}}}`, ""),
			user: "arn:aws:sts::111122223333:federated-user/bob", principal: schema.PrincipalFederated,
			cred: schema.CredentialTemporary, mfa: false, outcome: schema.OutcomeSuccess,
		},
		{
			name: "Root with long-term key",
			json: callEvent("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com",
				`{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIA5EXAMPLEROOTKEY1","userName":"prod-account"}`, ""),
			user: "arn:aws:iam::111122223333:root", principal: schema.PrincipalRoot, cred: schema.CredentialLongTermKey, mfa: false,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "Root console session",
			json: callEvent("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com",
				`{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIA5EXAMPLEROOTSES1","sessionContext":{"attributes":{"creationDate":"2025-05-06T06:00:00Z","mfaAuthenticated":"true"}}}`,
				`"sessionCredentialFromConsole":"true"`),
			user: "arn:aws:iam::111122223333:root", principal: schema.PrincipalRoot, cred: schema.CredentialConsole, mfa: true,
			outcome: schema.OutcomeSuccess,
		},
		{
			name: "AWSAccount root of another account",
			json: callEvent("AssumeRole", "sts.amazonaws.com", `{"type":"AWSAccount","principalId":"444455556666","accountId":"444455556666"}`, ""),
			user: "444455556666", principal: schema.PrincipalRoot, cred: absent, mfa: absent, outcome: schema.OutcomeSuccess,
		},
		{
			name: "AWSAccount user of another account",
			json: callEvent("AssumeRole", "sts.amazonaws.com", `{"type":"AWSAccount","principalId":"AIDA5EXAMPLEUSERID04","accountId":"444455556666"}`, ""),
			user: "AIDA5EXAMPLEUSERID04", principal: schema.PrincipalUser, cred: absent, mfa: absent, outcome: schema.OutcomeSuccess,
		},
		{
			name: "AWSAccount anonymous S3 request",
			json: callEvent("GetObject", "s3.amazonaws.com", `{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}`, ""),
			user: "ANONYMOUS_PRINCIPAL", principal: absent, cred: absent, mfa: absent, outcome: schema.OutcomeSuccess,
		},
		{
			name: "network activity denied, redacted caller",
			json: callEvent("DescribeKey", "kms.amazonaws.com", `{"type":"AWSAccount","principalId":"","accountId":"444455556666"}`,
				`"errorCode":"VpceAccessDenied","errorMessage":"The request was denied due to a VPC endpoint policy","vpcEndpointId":"vpce-0a1b2c3d4e5f60718","vpcEndpointAccountId":"111122223333"`),
			user: "444455556666", principal: absent, cred: absent, mfa: absent, outcome: schema.OutcomeFailure, errType: "VpceAccessDenied",
		},
		{
			name: "AwsServiceEvent without type",
			json: callEvent("RotateKey", "kms.amazonaws.com", `{"accountId":"111122223333","invokedBy":"kms.amazonaws.com"}`, ""),
			user: "kms.amazonaws.com", principal: schema.PrincipalService, cred: absent, mfa: absent, outcome: schema.OutcomeSuccess,
		},
		{
			name: "Directory type stays unknown",
			json: callEvent("DescribeUsers", "workdocs.amazonaws.com", `{"type":"Directory","accountId":"111122223333","userName":"carol@example.com"}`, ""),
			user: "carol@example.com", principal: absent, cred: absent, mfa: absent, outcome: schema.OutcomeSuccess,
		},
		{
			name: "Unknown type",
			json: callEvent("GetRoleCredentials", "sso.amazonaws.com", `{"type":"Unknown","principalId":"111122223333","arn":"","accountId":"111122223333","accessKeyId":"","userName":"dave"}`, ""),
			user: "dave", principal: absent, cred: absent, mfa: absent, outcome: schema.OutcomeSuccess,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeString(t, tt.json)
			check := func(key string, want any) {
				if want == absent {
					assert.NotContains(t, got, key)
					return
				}
				assert.Equal(t, want, got[key], key)
			}
			check(schema.AttrUserID, tt.user)
			check(schema.AttrPrincipalType, tt.principal)
			check(schema.AttrCredentialType, tt.cred)
			check(schema.AttrMFA, tt.mfa)
			check(schema.AttrOutcome, tt.outcome)
			if tt.errType != "" {
				check(schema.AttrErrorType, tt.errType)
			} else {
				check(schema.AttrErrorType, absent)
			}
		})
	}
}
