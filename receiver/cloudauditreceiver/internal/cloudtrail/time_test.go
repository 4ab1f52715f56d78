package cloudtrail

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// The record's timestamp is the event's own time; the fallbacks are the EventBridge
// envelope's time and a shipper's @timestamp; with none the record is still emitted.
func TestDecodeTimeFallbacks(t *testing.T) {
	const call = `"eventVersion":"1.05","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstanceTypes","awsRegion":"us-east-1","recipientAccountId":"123456789123","eventID":"fd4f1042"`
	tests := []struct {
		name        string
		json        string
		eventBridge bool
		want        string // "" = unset
	}{
		{"eventTime", `{` + call + `,"eventTime":"2020-09-14T00:44:20Z","@timestamp":"2020-09-14T00:44:23.000Z"}`, false, "2020-09-14T00:44:20Z"},
		{"Logstash @timestamp", `{` + call + `,"@timestamp":"2020-09-14T00:44:23.000Z","@version":"1"}`, false, "2020-09-14T00:44:23Z"},
		{"no time at all", `{` + call + `}`, false, ""},
		{"unreadable @timestamp", `{` + call + `,"@timestamp":1600044263000}`, false, ""},
		{"envelope time before @timestamp", `{"detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","time":"2020-09-14T00:44:21Z","detail":{` + call + `,"@timestamp":"2020-09-14T00:44:23Z"}}`, true, "2020-09-14T00:44:21Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := fastjson.MustParse(tt.json)
			ev := event.New()
			if tt.eventBridge {
				require.NoError(t, DecodeEventBridge(v, ev))
			} else {
				require.True(t, Matches(v))
				require.NoError(t, Decode(v, ev))
			}
			got, _ := ev.Attrs().Get(schema.AttrRPCMethod)
			assert.Equal(t, "DescribeInstanceTypes", got.Str())
			assert.Equal(t, "123456789123", ev.AccountID)
			if tt.want == "" {
				assert.Zero(t, ev.Record.Timestamp())
				return
			}
			want, _ := time.Parse(time.RFC3339, tt.want)
			assert.Equal(t, want.UnixNano(), int64(ev.Record.Timestamp()))
		})
	}
}

func TestMatchesTypes(t *testing.T) {
	for _, tt := range []struct {
		json string
		want bool
	}{
		// Azure Activity Log REST shape: eventName and eventSource are localizable objects.
		{`{"eventName":{"value":"EndRequest","localizedValue":"End request"},"eventSource":{"value":"Administrative","localizedValue":"Administrative"},"operationName":{"value":"Microsoft.Network/networkSecurityGroups/write"}}`, false},
		{`{"eventName":"EndRequest","eventSource":{"value":"Administrative"},"eventVersion":"1.0"}`, false},
		{`{"eventName":{"value":"X"},"eventSource":"s3.amazonaws.com"}`, false},
		{`{"eventName":"GetObject","eventSource":7}`, false},
		{`{"eventName":"GetObject","eventSource":null,"eventVersion":"1.09"}`, false},
		{`{"eventName":"GetObject","eventSource":"s3.amazonaws.com"}`, true},
		{`{"eventVersion":"1.08","eventType":"AwsCloudTrailInsight","insightDetails":{"state":"Start"}}`, true},
		{`{"eventVersion":"1.08","eventType":"AwsApiCall","insightDetails":{"state":"Start"}}`, false},
	} {
		assert.Equal(t, tt.want, Matches(fastjson.MustParse(tt.json)), tt.json)
	}
}

// prefixStrings marks every string that went through event.Event.Text.
type prefixStrings struct{}

func (prefixStrings) String(b []byte) string { return "T:" + string(b) }

// The hot-path attributes and the resource identity take their strings through
// ev.Text, so the pipeline can share them with the body instead of copying.
func TestDecodeUsesEventText(t *testing.T) {
	d := decodeFile(t, "sg_ingress_nested.json", false)
	require.NoError(t, d.err)
	v := fastjson.MustParse(mustRead(t, "sg_ingress_nested.json"))
	ev := event.New()
	ev.Text = prefixStrings{}
	require.NoError(t, Decode(v, ev))
	got := ev.Attrs().AsRaw()
	for _, k := range []string{schema.AttrRPCService, schema.AttrRPCMethod, schema.AttrEventID, schema.AttrSourceAddress,
		schema.AttrUserAgent, schema.AttrUserID, schema.AttrAccessKeyID} {
		assert.Equal(t, "T:"+d.attrs[k].(string), got[k], k)
	}
	assert.Equal(t, "T:"+d.ev.AccountID, ev.AccountID)
	assert.Equal(t, "T:"+d.ev.Region, ev.Region)
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// The attribute slice is sized once per record (callAttrs + actionAttrs); every test
// event must fit, so adding an attribute without raising the count fails here.
func TestAttributeCapacity(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	for _, name := range files {
		v := fastjson.MustParse(mustRead(t, filepath.Base(name)))
		if v.Exists("detail-type") || !Matches(v) || isInsight(v) {
			continue
		}
		ev := event.New()
		require.NoError(t, Decode(v, ev), name)
		limit := callAttrs + actionAttrs(v.GetStringBytes("eventName"))
		assert.LessOrEqual(t, ev.Attrs().Len(), limit, name)
	}
}

func TestRequestTargetRanking(t *testing.T) {
	for in, want := range map[string]string{
		`{"groupName":"web","bucketName":"b","groupId":"sg-1"}`: "sg-1",
		`{"name":"n","roleName":"r"}`:                           "r",
		`{"groupId":7,"groupName":"web"}`:                       "web",
		`{"other":"x"}`:                                         "",
		`[]`:                                                    "",
	} {
		assert.Equal(t, want, string(requestTarget(fastjson.MustParse(in))), in)
	}
}
