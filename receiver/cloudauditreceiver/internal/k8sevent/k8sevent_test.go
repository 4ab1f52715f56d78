package k8sevent

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

func parseFile(t *testing.T, name string) *fastjson.Value {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	v, err := fastjson.ParseBytes(data)
	require.NoError(t, err)
	return v
}

func attr(m pcommon.Map, k string) (string, bool) {
	v, ok := m.Get(k)
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func TestDecodeRescale(t *testing.T) {
	tests := []struct {
		file                      string
		provider, account, region string
		cluster, namespace        string
		ts                        string
		name, direction, newSize  string
		eventID, resourceID       string
		atMax, maxSize            string
	}{
		{
			file: "corev1_out.json", namespace: "shop", ts: "2024-06-10T07:12:25Z",
			name: "checkout", direction: "out", newSize: "5",
			eventID: "6f1c2b7a-3d4e-4f5a-8b9c-0d1e2f3a4b5c", resourceID: "namespaces/shop/horizontalpodautoscalers/checkout",
		},
		{
			file: "corev1_in_repeated.json", namespace: "shop", ts: "2024-06-10T07:41:10Z",
			name: "checkout", direction: "in", newSize: "2",
			eventID: "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b#3", resourceID: "namespaces/shop/horizontalpodautoscalers/checkout",
		},
		{
			file: "eventsv1_out.json", cluster: "prod-eu-1", namespace: "queue", ts: "2024-06-10T08:04:31.654321Z",
			name: "orders-worker", direction: "out", newSize: "7",
			eventID: "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5#2", resourceID: "namespaces/queue/horizontalpodautoscalers/orders-worker",
		},
		{
			file: "max_clamp.json", namespace: "default", ts: "2024-06-10T09:00:00Z",
			name: "api", direction: "in", newSize: "10", atMax: "true", maxSize: "10",
			eventID: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", resourceID: "namespaces/default/horizontalpodautoscalers/api",
		},
		{
			file: "gke_logentry.json", provider: "gcp", account: "example-prod-123456", region: "us-central1",
			cluster: "prod-us-1", namespace: "web", ts: "2024-06-10T10:15:02Z",
			name: "frontend", direction: "out", newSize: "4",
			eventID: "4d5e6f7a-8b9c-4d0e-1f2a-3b4c5d6e7f8a", resourceID: "namespaces/web/horizontalpodautoscalers/frontend",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v := parseFile(t, tt.file)
			require.True(t, Matches(v))
			ev := event.New()
			require.NoError(t, Decode(v, ev))
			assert.Equal(t, tt.provider, ev.Provider)
			assert.Equal(t, tt.account, ev.AccountID)
			assert.Equal(t, tt.region, ev.Region)
			assert.Equal(t, tt.cluster, ev.K8sCluster)
			assert.Equal(t, tt.namespace, ev.K8sNamespace)
			want, err := time.Parse(time.RFC3339Nano, tt.ts)
			require.NoError(t, err)
			assert.Equal(t, want.UnixNano(), ev.Record.Timestamp().AsTime().UnixNano())

			a := ev.Attrs().Map
			expect := map[string]string{
				schema.AttrRPCService: "autoscaling", schema.AttrRPCMethod: "SuccessfulRescale",
				schema.AttrOutcome: "success", schema.AttrScalingGroupKind: "container",
				schema.AttrScalingGroupName: tt.name, schema.AttrScalingDirection: tt.direction,
				schema.AttrScalingNewSize: tt.newSize, schema.AttrEventID: tt.eventID,
				schema.AttrResourceID: tt.resourceID,
			}
			for k, want := range expect {
				got, ok := attr(a, k)
				assert.True(t, ok, k)
				assert.Equal(t, want, got, k)
			}
			_, ok := a.Get(schema.AttrScalingOldSize)
			assert.False(t, ok, "old size is not in the message")
			got, ok := attr(a, schema.AttrScalingAtMax)
			assert.Equal(t, tt.atMax != "", ok)
			assert.Equal(t, tt.atMax, got)
			got, ok = attr(a, schema.AttrScalingMaxSize)
			assert.Equal(t, tt.maxSize != "", ok)
			assert.Equal(t, tt.maxSize, got)
		})
	}
}

func TestDecodeSkipsOtherEvents(t *testing.T) {
	for _, f := range []string{"other_event.json", "failed_get_scale.json"} {
		v := parseFile(t, f)
		assert.True(t, Matches(v), f)
		assert.ErrorIs(t, Decode(v, event.New()), event.ErrSkip, f)
	}
	// SuccessfulRescale from another controller is not an HPA action.
	v := fastjson.MustParse(`{"kind":"Event","involvedObject":{"kind":"Deployment","name":"x"},"reason":"SuccessfulRescale","message":"New size: 3; reason: custom","source":{"component":"my-operator"}}`)
	assert.ErrorIs(t, Decode(v, event.New()), event.ErrSkip)
	// An HPA rescale without a size is no scaling signal.
	v = fastjson.MustParse(`{"kind":"Event","involvedObject":{"kind":"HorizontalPodAutoscaler","name":"x"},"reason":"SuccessfulRescale","message":"rescaled"}`)
	assert.ErrorIs(t, Decode(v, event.New()), event.ErrSkip)
}

func TestMatches(t *testing.T) {
	tests := []struct {
		name, json string
		want       bool
	}{
		{"core v1", `{"kind":"Event","involvedObject":{},"reason":"x"}`, true},
		{"events v1", `{"apiVersion":"events.k8s.io/v1","kind":"Event","regarding":{},"reason":"x","note":"y"}`, true},
		{"list item without kind", `{"involvedObject":{},"reason":"x","message":"m"}`, true},
		{"watch event", `{"type":"MODIFIED","object":{"kind":"Event","involvedObject":{},"reason":"x"}}`, true},
		{"gke log entry", `{"jsonPayload":{"kind":"Event","involvedObject":{},"reason":"x"},"logName":"projects/p/logs/events"}`, true},
		{"other kind", `{"kind":"Pod","involvedObject":{},"reason":"x"}`, false},
		{"gcp audit", `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog"}}`, false},
		{"cloudtrail", `{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances"}`, false},
		{"string", `"Event"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Matches(fastjson.MustParse(tt.json)))
		})
	}
}

func TestDirection(t *testing.T) {
	tests := []struct {
		reason string
		dir    string
		atMax  bool
	}{
		{"cpu resource utilization (percentage of request) above target", "out", false},
		{"memory resource above target", "out", false},
		{"pods metric http_requests above target", "out", false},
		{"All metrics below target", "in", false},
		{"Current number of replicas above Spec.MaxReplicas", "in", true},
		{"Current number of replicas below Spec.MinReplicas", "out", false},
		{"Current number of replicas must be greater than 0", "out", false},
		{"something else", "", false},
	}
	for _, tt := range tests {
		d, m := direction([]byte(tt.reason))
		assert.Equal(t, tt.dir, d, tt.reason)
		assert.Equal(t, tt.atMax, m, tt.reason)
	}
}

func TestParseRescale(t *testing.T) {
	n, r, ok := parseRescale([]byte("New size: 12; reason: All metrics below target"))
	assert.True(t, ok)
	assert.EqualValues(t, 12, n)
	assert.Equal(t, "All metrics below target", string(r))
	_, _, ok = parseRescale([]byte("New size: ; reason: x"))
	assert.False(t, ok)
	_, _, ok = parseRescale(nil)
	assert.False(t, ok)
}
