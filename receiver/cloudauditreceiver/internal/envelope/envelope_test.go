package envelope

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvelopes(t *testing.T) {
	pubsubPush := `{"message":{"attributes":{"logging.googleapis.com/timestamp":"2024-03-01T12:00:00Z"},"data":"` + b64([]byte(gcp("g1"))) +
		`","messageId":"9876543210","message_id":"9876543210","publishTime":"2024-03-01T12:00:02Z","publish_time":"2024-03-01T12:00:02Z"},"subscription":"projects/demo-prod/subscriptions/audit-push"}`
	pubsubPull := `{"receivedMessages":[{"ackId":"AB1","message":{"data":"` + b64([]byte(gcp("g1"))) + `","messageId":"1","publishTime":"2024-03-01T12:00:02Z"}},` +
		`{"ackId":"AB2","message":{"data":"` + b64(gz(t, gcp("g2"))) + `","messageId":"2","publishTime":"2024-03-01T12:00:03Z"}}]}`
	cw := cwLogs(ct("AuthorizeSecurityGroupIngress", "c1"), ct("RunInstances", "c2"))
	concatGzip := append(gz(t, cwLogs(ct("A", "c1"))), gz(t, cwLogs(ct("B", "c2"), ct("C", "c3")))...)

	tests := []struct {
		name    string
		in      []byte
		pin     Kind
		events  []string
		skips   []string
		rejects []string
	}{
		{name: "cloudtrail s3 object", in: []byte(records("Records", ct("AuthorizeSecurityGroupIngress", "e1"), ct("RunInstances", "e2"))),
			events: []string{"cloudtrail:e1", "cloudtrail:e2"}},
		{name: "cloudtrail s3 object gzip", in: gz(t, records("Records", ct("A", "e1"), ct("B", "e2"))),
			events: []string{"cloudtrail:e1", "cloudtrail:e2"}},
		{name: "cloudtrail s3 object pretty", in: []byte("{\n  \"Records\": [\n    " + ct("A", "e1") + ",\n    " + ct("B", "e2") + "\n  ]\n}\n"),
			events: []string{"cloudtrail:e1", "cloudtrail:e2"}},
		{name: "empty Records", in: []byte(`{"Records":[]}`)},
		{name: "digest file", in: []byte(`{"awsAccountId":"123456789012","digestStartTime":"2024-03-01T11:00:00Z","digestEndTime":"2024-03-01T12:00:00Z","digestS3Bucket":"trail-bucket","digestS3Object":"AWSLogs/123456789012/CloudTrail-Digest/x.json.gz","logFiles":[]}`),
			skips: []string{"line 1|cloudtrail_digest"}},
		{name: "single event", in: []byte(ct("A", "e1") + "\n"), events: []string{"cloudtrail:e1"}},
		{name: "json array", in: []byte("[" + ct("A", "e1") + "," + ct("B", "e2") + "]"), events: []string{"cloudtrail:e1", "cloudtrail:e2"}},
		{name: "ndjson with blank lines and a bad line",
			in:      []byte(ct("A", "e1") + "\n\n" + `{"eventVersion":"1.08","eventName":` + "\n" + ct("B", "e2") + "\r\n" + ct("C", "e3")),
			events:  []string{"cloudtrail:e1", "cloudtrail:e2", "cloudtrail:e3"},
			rejects: []string{"line 3|malformed_json"}},
		{name: "ndjson with garbage line", in: []byte(ct("A", "e1") + "\nnot json at all\n" + ct("B", "e2")),
			events: []string{"cloudtrail:e1", "cloudtrail:e2"}, rejects: []string{"line 2|malformed_json"}},
		{name: "cloudwatch logs subscription", in: []byte(cw), events: []string{"cloudtrail:c1", "cloudtrail:c2"}},
		{name: "cloudwatch logs gzip", in: gz(t, cw), events: []string{"cloudtrail:c1", "cloudtrail:c2"}},
		{name: "cloudwatch logs gzip base64 (kinesis)", in: []byte(b64(gz(t, cw))), events: []string{"cloudtrail:c1", "cloudtrail:c2"}},
		{name: "cloudwatch control message", in: []byte(`{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1709294400000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`),
			skips: []string{"line 1|cloudwatch_control_message"}},
		{name: "cloudwatch control message, messageType last", in: []byte(`{"logEvents":[{"id":"","timestamp":1709294400000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}],"messageType":"CONTROL_MESSAGE"}`),
			skips: []string{"line 1|cloudwatch_control_message"}},
		{name: "cloudwatch data message, messageType last", in: []byte(`{"logEvents":[{"id":"1","timestamp":1,"message":` + quote(ct("A", "c1")) + `}],"messageType":"DATA_MESSAGE"}`),
			events: []string{"cloudtrail:c1"}},
		{name: "firehose concatenated gzip members", in: concatGzip, events: []string{"cloudtrail:c1", "cloudtrail:c2", "cloudtrail:c3"}},
		{name: "firehose back-to-back json", in: []byte(cwLogs(ct("A", "c1")) + cwLogs(ct("B", "c2"))), events: []string{"cloudtrail:c1", "cloudtrail:c2"}},
		{name: "eventbridge", in: []byte(eventBridge(ct("A", "e1"))), events: []string{"eventbridge:eb-1"}},
		{name: "gcp logentry", in: []byte(gcp("g1")), events: []string{"gcp_audit:g1"}},
		{name: "gcp ndjson", in: []byte(gcp("g1") + "\n" + gcp("g2") + "\n"), events: []string{"gcp_audit:g1", "gcp_audit:g2"}},
		{name: "gcp entries list", in: []byte(`{"entries":[` + gcp("g1") + `],"nextPageToken":"abc"}`), events: []string{"gcp_audit:g1"}},
		{name: "pubsub push", in: []byte(pubsubPush), events: []string{"gcp_audit:g1"}},
		{name: "pubsub pull with gzip data", in: []byte(pubsubPull), events: []string{"gcp_audit:g1", "gcp_audit:g2"}},
		{name: "pubsub bare message", in: []byte(`{"data":"` + b64([]byte(gcp("g1"))) + `","messageId":"1","attributes":{}}`), events: []string{"gcp_audit:g1"}},
		{name: "firehose http endpoint records", in: []byte(`{"requestId":"r1","timestamp":1709294400000,"records":[{"data":"` + b64([]byte(ct("A", "e1"))) + `"}]}`),
			events: []string{"cloudtrail:e1"}},
		{name: "azure records", in: []byte(records("records", azure("a1"), azure("a2"))), events: []string{"azure_activity:a1", "azure_activity:a2"}},
		{name: "azure ndjson", in: []byte(azure("a1") + "\n" + azure("a2")), events: []string{"azure_activity:a1", "azure_activity:a2"}},
		{name: "azure rest list", in: []byte(`{"value":[` + azure("a1") + `],"nextLink":"https://management.azure.com/x"}`), events: []string{"azure_activity:a1"}},
		{name: "k8s event", in: []byte(k8s("web.1")), events: []string{"k8s_event:web.1"}},
		{name: "k8s event list", in: []byte(`{"apiVersion":"v1","kind":"EventList","metadata":{"resourceVersion":"7"},"items":[` + k8s("web.1") + "," + k8s("web.2") + `]}`),
			events: []string{"k8s_event:web.1", "k8s_event:web.2"}},
		{name: "mixed array", in: []byte("[" + gcp("g1") + "," + azure("a1") + "," + records("Records", ct("A", "e1")) + "]"),
			events: []string{"gcp_audit:g1", "azure_activity:a1", "cloudtrail:e1"}},
		{name: "unknown object", in: []byte(`{"hello":"world"}`), rejects: []string{"line 1|unknown_format"}},
		{name: "pinned format skips detection", in: []byte(records("Records", `{"hello":"world"}`) + "\n" + eventBridge(`{}`)), pin: CloudTrail,
			events: []string{"cloudtrail:?", "eventbridge:eb-1"}},
		{name: "pinned gcp still unwraps pubsub", in: []byte(pubsubPush), pin: GCPAudit, events: []string{"gcp_audit:g1"}},
		{name: "bom and whitespace", in: []byte("\xef\xbb\xbf \n" + ct("A", "e1")), events: []string{"cloudtrail:e1"}},
		{name: "empty input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := read(t, testLimits(), tt.pin, tt.in)
			assert.Equal(t, tt.events, rec.events, "events")
			assert.Equal(t, tt.skips, rec.skips, "skips")
			assert.Equal(t, tt.rejects, rec.rejects, "rejects")
		})
	}
}

func TestRawIsTheEventText(t *testing.T) {
	rec := read(t, testLimits(), Unknown, []byte(records("Records", ct("A", "e1"))))
	require.Len(t, rec.raws, 1)
	assert.Equal(t, ct("A", "e1"), rec.raws[0])

	rec = read(t, testLimits(), Unknown, []byte(cwLogs(ct("A", "c1"))))
	require.Len(t, rec.raws, 1)
	assert.Equal(t, ct("A", "c1"), rec.raws[0], "the message text, unescaped")
}

func TestPosString(t *testing.T) {
	assert.Equal(t, "object", Pos{Index: -1}.String())
	assert.Equal(t, "line 1", Pos{Line: 1, Index: -1}.String())
	assert.Equal(t, "Records[3]", Pos{Line: 1, Key: "Records", Index: 3}.String())
	assert.Equal(t, "line 4 Records[0]", Pos{Line: 4, Key: "Records", Index: 0}.String())
	assert.Equal(t, "line 1 value 2 logEvents[1]", Pos{Line: 1, Nth: 2, Key: "logEvents", Index: 1}.String())
	in := Pos{Line: 1, Key: "receivedMessages", Index: 1}.nested("message.data")
	in.Line = 2
	assert.Equal(t, "receivedMessages[1] message.data line 2", in.String())
	deeper := in.at("logEvents", 0).nested("message")
	deeper.Line = 1
	assert.Equal(t, "receivedMessages[1] message.data line 2 logEvents[0] message", deeper.String())
	assert.True(t, strings.HasPrefix(Pos{Line: 1, Index: -1}.nested("data").String(), "line 1 data"))
}
