package envelope

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/valyala/fastjson"
)

// recorder is a Sink that keeps what it was given, in order.
type recorder struct {
	events  []string // "kind:id"
	raws    []string
	skips   []string // "pos|what"
	rejects []string // "pos|reason"
}

func (r *recorder) Event(kind Kind, v *fastjson.Value, raw []byte, pos Pos) {
	r.events = append(r.events, kind.String()+":"+eventID(v))
	r.raws = append(r.raws, string(raw))
}

func (r *recorder) Skip(pos Pos, what string) {
	r.skips = append(r.skips, pos.String()+"|"+what)
}

func (r *recorder) Reject(pos Pos, reason string, err error) {
	r.rejects = append(r.rejects, pos.String()+"|"+reason)
}

// eventID names an event by the id field of its format.
func eventID(v *fastjson.Value) string {
	for _, path := range [][]string{{"eventID"}, {"insertId"}, {"correlationId"}, {"metadata", "name"}, {"id"}} {
		if s := v.GetStringBytes(path...); s != nil {
			return string(s)
		}
	}
	return "?"
}

func read(t *testing.T, limits Limits, pin Kind, data []byte) *recorder {
	t.Helper()
	rec := &recorder{}
	New(limits, pin).Read(data, rec)
	return rec
}

func testLimits() Limits {
	return Limits{MaxObjectBytes: 64 << 20, MaxDecompressedBytes: 64 << 20, MaxRecordBytes: 1 << 20, MaxDepth: 64}
}

// ct is a minimal but real-shaped CloudTrail management event.
func ct(name, id string) string {
	return `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"alice"},` +
		`"eventTime":"2024-03-01T12:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"` + name + `","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0 Python/3.11.6",` +
		`"requestParameters":{"groupId":"sg-0123456789abcdef0","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}},` +
		`"responseElements":{"_return":true},"requestID":"6f2a4b1e-0c55-4d8e-9b7a-3c2d1e0f9a8b","eventID":"` + id + `","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}`
}

// gcp is a minimal Cloud Audit Logs LogEntry (activity).
func gcp(id string) string {
	return `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{},"authenticationInfo":{"principalEmail":"dev@example.com"},` +
		`"requestMetadata":{"callerIp":"198.51.100.4","callerSuppliedUserAgent":"google-cloud-sdk gcloud/460.0.0"},"serviceName":"compute.googleapis.com",` +
		`"methodName":"v1.compute.firewalls.insert","resourceName":"projects/demo-prod/global/firewalls/allow-ssh",` +
		`"request":{"@type":"type.googleapis.com/compute.firewalls.insert","name":"allow-ssh","direction":"INGRESS","sourceRanges":["0.0.0.0/0"],"alloweds":[{"IPProtocol":"tcp","ports":["22"]}]}},` +
		`"insertId":"` + id + `","resource":{"type":"gce_firewall_rule","labels":{"project_id":"demo-prod","firewall_rule_id":"4455667788"}},` +
		`"timestamp":"2024-03-01T12:00:00.123456Z","severity":"NOTICE","logName":"projects/demo-prod/logs/cloudaudit.googleapis.com%2Factivity",` +
		`"operation":{"id":"operation-1709294400000-abc","producer":"compute.googleapis.com","first":true},"receiveTimestamp":"2024-03-01T12:00:01Z"}`
}

// azure is a minimal Azure Activity Log record as Event Hubs / storage deliver it.
func azure(id string) string {
	return `{"time":"2024-03-01T12:00:00.0000000Z","resourceId":"/SUBSCRIPTIONS/00000000-1111-2222-3333-444444444444/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1/SECURITYRULES/ALLOW-RDP",` +
		`"operationName":"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE","category":"Administrative","resultType":"Success","resultSignature":"Succeeded.Created",` +
		`"durationMs":"0","callerIpAddress":"198.51.100.9","correlationId":"` + id + `","identity":{"claims":{"http://schemas.microsoft.com/identity/claims/objectidentifier":"9f8e7d6c"}},` +
		`"level":"Information","location":"westeurope","properties":{"statusCode":"Created","serviceRequestId":"a1b2","eventCategory":"Administrative","entity":"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg1/securityRules/allow-rdp","message":"Microsoft.Network/networkSecurityGroups/securityRules/write"}}`
}

// k8s is a core/v1 Event of an HPA rescale.
func k8s(name string) string {
	return `{"apiVersion":"v1","kind":"Event","metadata":{"name":"` + name + `","namespace":"shop","uid":"0d8f6c2e"},` +
		`"involvedObject":{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","name":"web","namespace":"shop"},` +
		`"reason":"SuccessfulRescale","message":"New size: 6; reason: cpu resource utilization (percentage of request) above target",` +
		`"source":{"component":"horizontal-pod-autoscaler"},"firstTimestamp":"2024-03-01T12:00:00Z","lastTimestamp":"2024-03-01T12:00:00Z","count":1,"type":"Normal"}`
}

func eventBridge(detail string) string {
	return `{"version":"0","id":"eb-1","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"123456789012","time":"2024-03-01T12:00:00Z","region":"us-east-1","resources":[],"detail":` + detail + `}`
}

func records(key string, evs ...string) string {
	return `{"` + key + `":[` + strings.Join(evs, ",") + `]}`
}

func cwLogs(evs ...string) string {
	var b strings.Builder
	b.WriteString(`{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"aws-cloudtrail-logs","logStream":"123456789012_CloudTrail_us-east-1","subscriptionFilters":["to-firehose"],"logEvents":[`)
	for i, e := range evs {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"3819%04d","timestamp":1709294400000,"message":%s}`, i, strconv.Quote(e))
	}
	b.WriteString(`]}`)
	return b.String()
}

func gz(t testing.TB, s string) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
