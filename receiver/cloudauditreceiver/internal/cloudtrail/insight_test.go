package cloudtrail

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

func TestDecodeInsight(t *testing.T) {
	tests := []struct {
		file     string
		account  string
		region   string
		time     string
		severity plog.SeverityNumber
		attrs    map[string]any
	}{
		{
			file: "insight_call_rate_start.json", account: "123456789012", region: "eu-west-1", time: "2025-03-04T10:21:00Z",
			severity: plog.SeverityNumberWarn,
			attrs: map[string]any{
				schema.AttrRPCService:      "ec2.amazonaws.com",
				schema.AttrRPCMethod:       "AuthorizeSecurityGroupIngress",
				schema.AttrEventID:         "9f4c2a1e-7b3d-4e8a-9c10-2d5f6e7a8b90",
				AttrInsightType:            "ApiCallRateInsight",
				AttrInsightState:           "Start",
				AttrInsightSharedEventID:   "5e1d0c2b-3a4f-4b6c-8d7e-9f0a1b2c3d4e",
				AttrInsightAverage:         37.0,
				AttrInsightBaselineAverage: 0.0412,
			},
		},
		{
			file: "insight_error_rate_end.json", account: "210987654321", region: "us-east-1", time: "2025-03-04T11:05:00Z",
			severity: plog.SeverityNumberInfo,
			attrs: map[string]any{
				schema.AttrRPCService:      "iam.amazonaws.com",
				schema.AttrRPCMethod:       "CreateAccessKey",
				schema.AttrEventID:         "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
				AttrInsightType:            "ApiErrorRateInsight",
				AttrInsightState:           "End",
				AttrInsightSharedEventID:   "7c6b5a49-3827-4165-9f0e-d1c2b3a49586",
				AttrInsightErrorCode:       "LimitExceededException",
				AttrInsightAverage:         4.5,
				AttrInsightBaselineAverage: 0.001,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := decodeFile(t, tt.file, false)
			require.NoError(t, d.err)
			assert.Equal(t, tt.attrs, d.attrs, "no outcome, user or source: an insight is not a call")
			assert.Equal(t, schema.ProviderAWS, d.ev.Provider)
			assert.Equal(t, tt.account, d.ev.AccountID)
			assert.Equal(t, tt.region, d.ev.Region)
			want, _ := time.Parse(time.RFC3339, tt.time)
			assert.Equal(t, want.UnixNano(), int64(d.ev.Record.Timestamp()))
			assert.Equal(t, tt.severity, d.ev.Record.SeverityNumber())
		})
	}
}

// An Insights event delivered through EventBridge ("AWS Insight via CloudTrail").
func TestDecodeEventBridgeInsight(t *testing.T) {
	v := fastjson.MustParse(`{"version":"0","id":"e1","detail-type":"AWS Insight via CloudTrail","source":"aws.cloudtrail","account":"123456789012","time":"2025-03-04T10:22:00Z","region":"eu-west-1","resources":[],` +
		`"detail":{"eventVersion":"1.08","eventTime":"2025-03-04T10:21:00Z","awsRegion":"eu-west-1","eventID":"i1","eventType":"AwsCloudTrailInsight","sharedEventID":"s1",` +
		`"insightDetails":{"state":"Start","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","insightType":"ApiCallRateInsight"},"eventCategory":"Insight"}}`)
	ev := event.New()
	require.NoError(t, DecodeEventBridge(v, ev))
	assert.Equal(t, "123456789012", ev.AccountID, "account from the envelope (recipientAccountId is optional)")
	assert.Equal(t, map[string]any{
		schema.AttrRPCService: "s3.amazonaws.com", schema.AttrRPCMethod: "PutBucketPolicy", schema.AttrEventID: "i1",
		AttrInsightType: "ApiCallRateInsight", AttrInsightState: "Start", AttrInsightSharedEventID: "s1",
	}, ev.Attrs().AsRaw())
	want, _ := time.Parse(time.RFC3339, "2025-03-04T10:21:00Z")
	assert.Equal(t, want.UnixNano(), int64(ev.Record.Timestamp()), "eventTime wins over the envelope time")
}

// An insight with insightDetails of the wrong type is not an insight; without an
// eventName it is refused like any other nameless event.
func TestDecodeInsightMalformed(t *testing.T) {
	v := fastjson.MustParse(`{"eventVersion":"1.08","eventTime":"2025-03-04T10:21:00Z","eventType":"AwsCloudTrailInsight","insightDetails":"x"}`)
	assert.False(t, Matches(v))
	assert.ErrorIs(t, Decode(v, event.New()), errNoEventName)
	// Odd member types inside insightDetails are skipped one by one.
	v = fastjson.MustParse(`{"eventTime":"2025-03-04T10:21:00Z","eventType":"AwsCloudTrailInsight","insightDetails":{"state":1,"eventName":"X","insightContext":{"statistics":{"insight":{"average":"7"}}}}}`)
	require.True(t, Matches(v))
	ev := event.New()
	require.NoError(t, Decode(v, ev))
	assert.Equal(t, map[string]any{schema.AttrRPCMethod: "X"}, ev.Attrs().AsRaw())
	assert.Equal(t, plog.SeverityNumberInfo, ev.Record.SeverityNumber())
}
