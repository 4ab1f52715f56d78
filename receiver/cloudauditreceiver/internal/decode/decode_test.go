package decode

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/envelope"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// fakeCloudTrail stands in for the cloudtrail decoder so the pipeline is tested on its
// own: it fills identity and two attributes, skips Insight events, and refuses events
// without an eventName.
func fakeCloudTrail(v *fastjson.Value, ev *event.Event) error {
	if string(v.GetStringBytes("eventType")) == "AwsCloudTrailInsight" {
		return event.ErrSkip
	}
	name := v.GetStringBytes("eventName")
	if name == nil {
		return errors.New("no eventName")
	}
	if string(name) == "Panic" {
		panic("decoder bug")
	}
	ev.Provider = schema.ProviderAWS
	ev.AccountID = string(v.GetStringBytes("recipientAccountId"))
	ev.Region = string(v.GetStringBytes("awsRegion"))
	ev.PutStr(schema.AttrRPCMethod, string(name))
	ev.PutStr(schema.AttrEventID, string(v.GetStringBytes("eventID")))
	ev.SetOutcome(v.Get("errorCode") == nil, string(v.GetStringBytes("errorCode")))
	return nil
}

func newFake(t testing.TB, cfg Config) *Decoder {
	t.Helper()
	d, err := New(cfg)
	require.NoError(t, err)
	d.decoders[envelope.CloudTrail] = fakeCloudTrail
	return d
}

func ctEvent(name, id, account, region string) string {
	return `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:ci","arn":"arn:aws:sts::` + account + `:assumed-role/deployer/ci","accountId":"` + account + `"},` +
		`"eventTime":"2024-03-01T12:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"` + name + `","awsRegion":"` + region + `","sourceIPAddress":"203.0.113.7",` +
		`"userAgent":"terraform/1.7.4","requestParameters":{"groupId":"sg-0a1b2c3d","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}},` +
		`"responseElements":{"_return":true,"securityGroupRuleSet":{"items":[{"isEgress":false,"fromPort":443}]}},"requestID":"r-` + id + `","eventID":"` + id + `","readOnly":false,"eventType":"AwsApiCall",` +
		`"managementEvent":true,"recipientAccountId":"` + account + `","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"},"score":1.5,"flag":null}`
}

func s3Object(evs ...string) []byte {
	return []byte(`{"Records":[` + strings.Join(evs, ",") + `]}`)
}

type collected struct {
	bad   []string
	skips []string
}

func decode(t testing.TB, d *Decoder, data []byte, out plog.Logs) (Result, *collected) {
	c := &collected{}
	d.SetSkipHandler(func(b BadRecord) { c.skips = append(c.skips, b.Position+"|"+b.Reason) })
	res := d.Decode(data, "s3://trail/obj.json.gz", 1_700_000_000_000_000_000, out, func(b BadRecord) {
		assert.Equal(t, "s3://trail/obj.json.gz", b.Origin)
		c.bad = append(c.bad, b.Position+"|"+b.Reason)
	})
	return res, c
}

func TestDecodeBuildsRecordsGroupedByResource(t *testing.T) {
	d := newFake(t, Config{})
	out := plog.NewLogs()
	res, c := decode(t, d, s3Object(
		ctEvent("AuthorizeSecurityGroupIngress", "e1", "111111111111", "us-east-1"),
		ctEvent("RunInstances", "e2", "222222222222", "eu-west-1"),
		ctEvent("CreateTags", "e3", "111111111111", "us-east-1"),
	), out)
	assert.Equal(t, Result{Emitted: 3}, res)
	assert.Empty(t, c.bad)
	require.Equal(t, 2, out.ResourceLogs().Len())

	rl := out.ResourceLogs().At(0)
	assert.Equal(t, map[string]any{"cloud.provider": "aws", "cloud.account.id": "111111111111", "cloud.region": "us-east-1"}, rl.Resource().Attributes().AsRaw())
	require.Equal(t, 1, rl.ScopeLogs().Len())
	sl := rl.ScopeLogs().At(0)
	assert.Equal(t, ScopeName, sl.Scope().Name())
	require.Equal(t, 2, sl.LogRecords().Len())
	assert.Equal(t, "e3", mustStr(t, sl.LogRecords().At(1).Attributes(), schema.AttrEventID))

	r := sl.LogRecords().At(0)
	assert.Equal(t, "cloud.audit", r.EventName())
	assert.Equal(t, pcommon.Timestamp(1_700_000_000_000_000_000), r.ObservedTimestamp())
	assert.Equal(t, "AuthorizeSecurityGroupIngress", mustStr(t, r.Attributes(), schema.AttrRPCMethod))
	assert.Equal(t, plog.SeverityNumberInfo, r.SeverityNumber())

	body := r.Body().Map()
	assert.Equal(t, "AuthorizeSecurityGroupIngress", mustStr(t, body, "eventName"))
	perms, _ := body.Get("requestParameters")
	items, _ := perms.Map().Get("ipPermissions")
	list, _ := items.Map().Get("items")
	first := list.Slice().At(0).Map()
	port, _ := first.Get("fromPort")
	assert.Equal(t, int64(443), port.Int())
	score, _ := body.Get("score")
	assert.Equal(t, 1.5, score.Double())
	ro, _ := body.Get("readOnly")
	assert.False(t, ro.Bool())
	null, ok := body.Get("flag")
	assert.True(t, ok)
	assert.Equal(t, pcommon.ValueTypeEmpty, null.Type())

	assert.Equal(t, map[string]any{"cloud.provider": "aws", "cloud.account.id": "222222222222", "cloud.region": "eu-west-1"},
		out.ResourceLogs().At(1).Resource().Attributes().AsRaw())
}

func TestDecodeAppendsToExistingResource(t *testing.T) {
	d := newFake(t, Config{})
	out := plog.NewLogs()
	decode(t, d, s3Object(ctEvent("A", "e1", "111111111111", "us-east-1")), out)
	decode(t, d, s3Object(ctEvent("B", "e2", "111111111111", "us-east-1"), ctEvent("C", "e3", "111111111111", "us-west-2")), out)
	require.Equal(t, 2, out.ResourceLogs().Len())
	assert.Equal(t, 2, out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().Len())
	assert.Equal(t, 3, out.LogRecordCount())
}

func TestBodyModes(t *testing.T) {
	ev := ctEvent("A", "e1", "111111111111", "us-east-1")
	for _, tt := range []struct {
		mode BodyMode
		want pcommon.ValueType
	}{{BodyMap, pcommon.ValueTypeMap}, {BodyString, pcommon.ValueTypeStr}, {BodyNone, pcommon.ValueTypeEmpty}} {
		t.Run(string(tt.mode), func(t *testing.T) {
			d := newFake(t, Config{Body: tt.mode})
			out := plog.NewLogs()
			res, _ := decode(t, d, s3Object(ev), out)
			require.Equal(t, 1, res.Emitted)
			body := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body()
			assert.Equal(t, tt.want, body.Type())
			if tt.mode == BodyString {
				assert.Equal(t, ev, body.Str())
			}
		})
	}
}

func TestSkipRejectAndPanic(t *testing.T) {
	d := newFake(t, Config{})
	out := plog.NewLogs()
	res, c := decode(t, d, s3Object(
		ctEvent("A", "e1", "111111111111", "us-east-1"),
		`{"eventVersion":"1.08","eventType":"AwsCloudTrailInsight","eventID":"i1"}`,
		`{"eventVersion":"1.08","eventID":"x"}`,
		ctEvent("Panic", "p1", "111111111111", "us-east-1"),
		ctEvent("B", "e2", "111111111111", "us-east-1"),
	), out)
	assert.Equal(t, Result{Emitted: 2, Skipped: 1, Rejected: 2}, res)
	assert.Equal(t, []string{"Records[2]|invalid_event", "Records[3]|internal_error"}, c.bad)
	assert.Equal(t, []string{"Records[1]|cloudtrail_not_audit_event"}, c.skips)
	assert.Equal(t, 2, out.LogRecordCount())
	// A refused or panicking event leaves nothing behind on the next record.
	r := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(1)
	assert.Equal(t, map[string]any{"rpc.method": "B", "cloud.audit.event_id": "e2", "cloud.audit.outcome": "success"}, r.Attributes().AsRaw())
}

func TestConfigDefaultsAndValidate(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, DefaultLimits(), d.cfg.Limits)
	assert.Equal(t, FormatAuto, d.cfg.Format)
	assert.Equal(t, BodyMap, d.cfg.Body)
	_, err = New(Config{Format: "syslog"})
	assert.Error(t, err)
	_, err = New(Config{Body: "xml"})
	assert.Error(t, err)
	_, err = New(Config{Limits: Limits{MaxDepth: -1}})
	assert.Error(t, err)
}

func TestHugeObjectBodyKeptAsText(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"eventVersion":"1.08","eventName":"Big","eventID":"b1","requestParameters":{`)
	for i := 0; i < maxMapKeys+1; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `":1`)
	}
	b.WriteString(`}}`)
	d := newFake(t, Config{})
	out := plog.NewLogs()
	res, _ := decode(t, d, []byte(b.String()), out)
	require.Equal(t, 1, res.Emitted)
	body := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().Map()
	rp, _ := body.Get("requestParameters")
	assert.Equal(t, pcommon.ValueTypeStr, rp.Type())
}

func mustStr(t *testing.T, m pcommon.Map, k string) string {
	t.Helper()
	v, ok := m.Get(k)
	require.True(t, ok, k)
	return v.Str()
}

func TestManyResources(t *testing.T) {
	d := newFake(t, Config{})
	var evs []string
	for i := 0; i < 3*manyGroups; i++ {
		acct := strconv.Itoa(100000000000 + i%(2*manyGroups))
		evs = append(evs, ctEvent("A", "e"+strconv.Itoa(i), acct, "us-east-1"))
	}
	out := plog.NewLogs()
	res, _ := decode(t, d, s3Object(evs...), out)
	assert.Equal(t, 3*manyGroups, res.Emitted)
	require.Equal(t, 2*manyGroups, out.ResourceLogs().Len())
	for i := 0; i < out.ResourceLogs().Len(); i++ {
		rl := out.ResourceLogs().At(i)
		want := 1
		if i < manyGroups {
			want = 2
		}
		assert.Equal(t, want, rl.ScopeLogs().At(0).LogRecords().Len(), "resource %d", i)
	}
	// A second call starts with an empty index and still finds the resources in out.
	decode(t, d, s3Object(evs[0]), out)
	assert.Equal(t, 2*manyGroups, out.ResourceLogs().Len())
}
