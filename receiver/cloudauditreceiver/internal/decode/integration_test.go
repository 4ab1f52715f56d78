package decode

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// TestRealDecodersThroughEnvelopes runs the real cloud decoders behind each delivery
// shape and checks the resource each record lands under.
func TestRealDecodersThroughEnvelopes(t *testing.T) {
	ct := ctEvent("AuthorizeSecurityGroupIngress", "e1", "111111111111", "us-east-1")
	gcpEntry := `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{},"authenticationInfo":{"principalEmail":"dev@example.com"},"requestMetadata":{"callerIp":"198.51.100.4"},` +
		`"serviceName":"compute.googleapis.com","methodName":"v1.compute.firewalls.insert","resourceName":"projects/demo-prod/global/firewalls/allow-ssh",` +
		`"request":{"@type":"type.googleapis.com/compute.firewalls.insert","name":"allow-ssh","direction":"INGRESS","sourceRanges":["0.0.0.0/0"],"alloweds":[{"IPProtocol":"tcp","ports":["22"]}]}},` +
		`"insertId":"g1","resource":{"type":"gce_firewall_rule","labels":{"project_id":"demo-prod"}},"timestamp":"2024-03-01T12:00:00Z","severity":"NOTICE",` +
		`"logName":"projects/demo-prod/logs/cloudaudit.googleapis.com%2Factivity"}`
	azureRec := `{"time":"2024-03-01T12:00:00Z","resourceId":"/SUBSCRIPTIONS/00000000-1111-2222-3333-444444444444/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1/SECURITYRULES/ALLOW-RDP",` +
		`"operationName":"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE","category":"Administrative","resultType":"Success","callerIpAddress":"198.51.100.9","correlationId":"a1","level":"Information","location":"westeurope",` +
		`"identity":{"claims":{"http://schemas.microsoft.com/identity/claims/objectidentifier":"9f8e"}},"properties":{"statusCode":"Created"}}`
	k8sEv := `{"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1","namespace":"shop"},"involvedObject":{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","name":"web","namespace":"shop"},` +
		`"reason":"SuccessfulRescale","message":"New size: 6; reason: cpu resource utilization (percentage of request) above target","source":{"component":"horizontal-pod-autoscaler"},` +
		`"firstTimestamp":"2024-03-01T12:00:00Z","lastTimestamp":"2024-03-01T12:00:00Z","count":1,"type":"Normal"}`
	cw := `{"messageType":"DATA_MESSAGE","owner":"111111111111","logGroup":"trail","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1709294400000,"message":` + strconv.Quote(ct) + `}]}`
	var gzbuf bytes.Buffer
	zw := gzip.NewWriter(&gzbuf)
	_, _ = zw.Write([]byte(cw))
	_ = zw.Close()

	tests := []struct {
		name     string
		in       string
		resource map[string]any
		method   string
	}{
		{"cloudtrail via kinesis cloudwatch", base64.StdEncoding.EncodeToString(gzbuf.Bytes()),
			map[string]any{"cloud.provider": "aws", "cloud.account.id": "111111111111", "cloud.region": "us-east-1"}, "AuthorizeSecurityGroupIngress"},
		{"gcp via pubsub push", `{"message":{"data":"` + base64.StdEncoding.EncodeToString([]byte(gcpEntry)) + `","messageId":"1","publishTime":"2024-03-01T12:00:02Z"},"subscription":"projects/demo-prod/subscriptions/audit"}`,
			map[string]any{"cloud.provider": "gcp", "cloud.account.id": "demo-prod"}, "v1.compute.firewalls.insert"},
		{"azure records", `{"records":[` + azureRec + `]}`, nil, "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE"},
		{"k8s event list", `{"apiVersion":"v1","kind":"EventList","items":[` + k8sEv + `]}`, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(Config{})
			require.NoError(t, err)
			out := plog.NewLogs()
			var bad []BadRecord
			res := d.Decode([]byte(tt.in), "t", 1, out, func(b BadRecord) { bad = append(bad, b) })
			require.Empty(t, bad)
			require.Equal(t, Result{Emitted: 1}, res)
			rl := out.ResourceLogs().At(0)
			if tt.resource != nil {
				assert.Equal(t, tt.resource, rl.Resource().Attributes().AsRaw())
			}
			rec := rl.ScopeLogs().At(0).LogRecords().At(0)
			assert.Equal(t, schema.EventName, rec.EventName())
			if tt.method != "" {
				m, ok := rec.Attributes().Get(schema.AttrRPCMethod)
				require.True(t, ok)
				assert.Equal(t, tt.method, m.Str())
			}
		})
	}
}
