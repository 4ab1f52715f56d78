package metadata

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func TestTelemetryBuilder(t *testing.T) {
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	tb, err := NewTelemetryBuilder(tel.NewTelemetrySettings())
	require.NoError(t, err)
	defer tb.Shutdown()

	ctx := context.Background()
	tb.CloudauditObjectsRead.Add(ctx, 1)
	tb.CloudauditRecordsEmitted.Add(ctx, 2)
	tb.CloudauditRecordsRejected.Add(ctx, 3)
	tb.CloudauditRecordsSkipped.Add(ctx, 4)
	for name, want := range map[string]int64{
		"cloudaudit.objects.read":     1,
		"cloudaudit.records.emitted":  2,
		"cloudaudit.records.rejected": 3,
		"cloudaudit.records.skipped":  4,
	} {
		m, err := tel.GetMetric(name)
		require.NoError(t, err, name)
		sum := m.Data.(metricdata.Sum[int64])
		assert.True(t, sum.IsMonotonic, name)
		require.Len(t, sum.DataPoints, 1, name)
		assert.Equal(t, want, sum.DataPoints[0].Value, name)
	}
	assert.Equal(t, "cloudaudit", Type.String())
}
