package envelope

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/valyala/fastjson"
)

// Bare events (no container hint) are classified by each cloud's Matches and then by
// documented keys; CloudTrail needs eventName and eventSource as strings.
func TestClassifyBareEvents(t *testing.T) {
	r := New(testLimits(), Unknown)
	for _, tt := range []struct {
		json string
		want Kind
	}{
		{`{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2024-03-01T12:00:00Z"}`, CloudTrail},
		{`{"eventVersion":"1.09","eventName":"GetObject"}`, CloudTrail},
		{`{"eventVersion":"1.08","eventTime":"2024-03-01T12:00:00Z","eventType":"AwsCloudTrailInsight","eventID":"i1","insightDetails":{"state":"Start","eventSource":"ssm.amazonaws.com","eventName":"UpdateInstanceInformation","insightType":"ApiCallRateInsight"}}`, CloudTrail},
		// Azure Activity Log REST shape: eventName/eventSource are objects.
		{`{"eventName":{"value":"EndRequest"},"eventSource":{"value":"Administrative"},"operationName":{"value":"Microsoft.Network/networkSecurityGroups/write"},"resourceId":"/subscriptions/x"}`, AzureActivity},
		{`{"eventName":"X","eventSource":{"value":"Administrative"},"eventVersion":"1"}`, Unknown},
		{`{"eventName":"X","eventSource":7}`, Unknown},
	} {
		assert.Equal(t, tt.want, r.classify(fastjson.MustParse(tt.json), Unknown), tt.json)
	}
}
