package decode

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// TestCorpusCloudTrailFixes checks, on the real data that found them, two decoder
// fixes: Logstash output without eventTime takes its time from @timestamp, and a
// CloudTrail Insights event is emitted with the API it is about.
func TestCorpusCloudTrailFixes(t *testing.T) {
	dir := filepath.Join(datasetsDir(t), "aws-cloudtrail")
	files := decodeCorpus(t, dir)

	otrf := files["otrf-security-datasets/ec2_proxy_s3_exfiltration.zip!ec2_proxy_s3_exfiltration_2020-09-14011940.json"]
	if otrf == nil {
		t.Skip("OTRF dataset absent")
	}
	require.Zero(t, otrf.res.Rejected)
	require.NotEmpty(t, otrf.records)
	for i, r := range otrf.records {
		assert.NotZero(t, r.Timestamp(), "record %d: timestamp from @timestamp", i)
		body, ok := r.Body().Map().Get("@timestamp")
		require.True(t, ok)
		assert.Equal(t, body.Str(), r.Timestamp().AsTime().Format("2006-01-02T15:04:05.000Z"), "record %d", i)
	}

	ct := files["otel-contrib/cloudtrail_log.json"]
	require.NotNil(t, ct)
	require.Zero(t, ct.res.Rejected)
	found := false
	for _, r := range ct.records {
		if v, ok := r.Attributes().Get("aws.cloudtrail.insight.type"); ok {
			found = true
			assert.Equal(t, "ApiCallRateInsight", v.Str())
			m := r.Attributes().AsRaw()
			assert.Equal(t, "ssm.amazonaws.com", m[schema.AttrRPCService])
			assert.Equal(t, "UpdateInstanceInformation", m[schema.AttrRPCMethod])
			assert.Equal(t, "Start", m["aws.cloudtrail.insight.state"])
			assert.Equal(t, "2023-01-02T02:51:00Z", r.Timestamp().AsTime().Format("2006-01-02T15:04:05Z"))
		}
	}
	assert.True(t, found, "the Insights record is emitted")
}
