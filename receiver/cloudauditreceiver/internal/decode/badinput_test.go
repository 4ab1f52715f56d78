package decode

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// TestBadInputCounts: for each kind of damage, the exact number of good neighbours
// emitted and of records rejected, with where and why.
func TestBadInputCounts(t *testing.T) {
	good := func(id string) string { return ctEvent("RunInstances", id, "111111111111", "us-east-1") }
	full := string(s3Object(good("e1"), good("e2"), good("e3")))
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	limits := Limits{MaxObjectBytes: 32 << 20, MaxDecompressedBytes: 4 << 20, MaxRecordBytes: 16 << 10, MaxDepth: 64}

	tests := []struct {
		name string
		in   []byte
		want Result
		bad  []string
	}{
		{"truncated json", []byte(full[:len(full)-300]), Result{Emitted: 2, Rejected: 1}, []string{"Records[2]|malformed_json"}},
		{"broken element", s3Object(good("e1"), `{"eventName":"X","eventID":}`, good("e3")), Result{Emitted: 2, Rejected: 1}, []string{"Records[1]|malformed_json"}},
		{"wrong types", s3Object(good("e1"), `["not","an","event"]`, `{"eventName":42}`, good("e4")), Result{Emitted: 2, Rejected: 2},
			[]string{"Records[1]|unknown_format", "Records[2]|invalid_event"}},
		{"invalid utf-8", s3Object(strings.Replace(good("e1"), "ci-runner", "ci-\xc3\x28runner", 1), good("e2")), Result{Emitted: 2}, nil},
		{"100k-deep nesting", []byte(good("e1") + "\n" + deep + "\n" + good("e3")), Result{Emitted: 2, Rejected: 1}, []string{"line 2|too_deep"}},
		{"gzip bomb", gzipBytes(t, []byte(`{"Records":[`+strings.Repeat(" ", 64<<20)+`]}`)), Result{Rejected: 1}, []string{"object|too_large"}},
		{"oversize record", s3Object(good("e1"), `{"eventName":"Big","eventID":"b","x":"`+strings.Repeat("x", 20<<10)+`"}`, good("e3")),
			Result{Emitted: 2, Rejected: 1}, []string{"Records[1]|too_large"}},
		{"garbage base64 in pubsub", []byte(`{"message":{"data":"***","messageId":"1"},"subscription":"s"}` + "\n" + good("e2")),
			Result{Emitted: 1, Rejected: 1}, []string{"line 1 message.data|invalid_field"}},
		{"garbage base64 object", []byte(base64.StdEncoding.EncodeToString([]byte("\x00\x01binary junk\xff"))), Result{Rejected: 1}, []string{"line 1|malformed_json"}},
		{"digest and control skipped", []byte(`{"digestStartTime":"a","digestEndTime":"b","digestS3Bucket":"c"}` + "\n" +
			`{"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"","timestamp":0,"message":"CWL CONTROL MESSAGE"}]}` + "\n" + good("e3")),
			Result{Emitted: 1, Skipped: 2}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newFake(t, Config{Limits: limits})
			out := plog.NewLogs()
			res, c := decode(t, d, tt.in, out)
			assert.Equal(t, tt.want, res)
			assert.Equal(t, tt.bad, c.bad)
			assert.Equal(t, res.Emitted, out.LogRecordCount())
			assertValidUTF8(t, out)
		})
	}
}

func assertValidUTF8(t *testing.T, out plog.Logs) {
	t.Helper()
	var walk func(v pcommon.Value)
	walk = func(v pcommon.Value) {
		switch v.Type() {
		case pcommon.ValueTypeStr:
			require.True(t, utf8.ValidString(v.Str()), "invalid UTF-8 reached pdata: %q", v.Str())
		case pcommon.ValueTypeMap:
			v.Map().Range(func(k string, e pcommon.Value) bool {
				require.True(t, utf8.ValidString(k))
				walk(e)
				return true
			})
		case pcommon.ValueTypeSlice:
			for i := 0; i < v.Slice().Len(); i++ {
				walk(v.Slice().At(i))
			}
		}
	}
	for i := 0; i < out.ResourceLogs().Len(); i++ {
		sls := out.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				walk(lrs.At(k).Body())
				lrs.At(k).Attributes().Range(func(_ string, v pcommon.Value) bool { walk(v); return true })
			}
		}
	}
}

// FuzzDecode runs the real decoders: never a panic, every rejection reported once,
// every skip reported once, and exactly Emitted records in out.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		string(s3Object(ctEvent("AuthorizeSecurityGroupIngress", "e1", "111111111111", "us-east-1"), ctEvent("RunInstances", "e2", "222222222222", "eu-west-1"))),
		string(gzipBytes(f, s3Object(ctEvent("A", "e1", "1", "r")))),
		`{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":` + ctEvent("RunInstances", "e1", "1", "us-east-1") + `}`,
		`{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"v1.compute.firewalls.insert","serviceName":"compute.googleapis.com","request":{"sourceRanges":["0.0.0.0/0"],"alloweds":[{"IPProtocol":"tcp","ports":["22"]}],"direction":"INGRESS"}},"insertId":"i","timestamp":"2024-03-01T12:00:00Z","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","resource":{"labels":{"project_id":"p"}}}`,
		`{"records":[{"time":"2024-03-01T12:00:00Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/N/SECURITYRULES/R","operationName":"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE","category":"Administrative","resultType":"Success","properties":{"requestbody":"{\"properties\":{\"access\":\"Allow\",\"direction\":\"Inbound\",\"sourceAddressPrefix\":\"*\"}}"}}]}`,
		`{"kind":"EventList","items":[{"kind":"Event","apiVersion":"v1","metadata":{"name":"a","namespace":"n"},"involvedObject":{"kind":"HorizontalPodAutoscaler","name":"web"},"reason":"SuccessfulRescale","message":"New size: 4; reason: cpu"}]}`,
		`{"Records":[{"eventName":`,
		"\x1f\x8b\x08\x00",
	} {
		f.Add([]byte(s))
	}
	d, err := New(Config{Limits: Limits{MaxDecompressedBytes: 1 << 20, MaxRecordBytes: 64 << 10}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		out := plog.NewLogs()
		bad, skips := 0, 0
		d.SetSkipHandler(func(BadRecord) { skips++ })
		res := d.Decode(data, "fuzz", 1, out, func(b BadRecord) {
			bad++
			if b.Reason == "internal_error" {
				t.Fatalf("panic at %s: %v", b.Position, b.Err)
			}
		})
		if res.Rejected != bad || res.Skipped != skips || res.Emitted != out.LogRecordCount() || res.Emitted < 0 {
			t.Fatalf("inconsistent %+v: reported %d bad, %d skipped, %d records", res, bad, skips, out.LogRecordCount())
		}
	})
}
