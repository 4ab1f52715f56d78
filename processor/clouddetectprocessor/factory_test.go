package clouddetectprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/goleak"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/metadata"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFactoryTypeAndDefaults(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, metadata.Type, f.Type())
	cfg := f.CreateDefaultConfig().(*Config)
	require.NoError(t, componenttest.CheckConfigStruct(cfg))
	require.NoError(t, cfg.Validate())
	assert.True(t, cfg.Detectors.ErrorRate.Enabled)
	assert.True(t, cfg.Detectors.Saturation.Enabled)
	assert.True(t, cfg.Detectors.ScalingChurn.Enabled)
	assert.True(t, cfg.Detectors.Abuse.Enabled)
	assert.False(t, cfg.Findings)
}

// The logs, metrics and traces processors of one component id share one engine, so
// cross-signal correlation sees everything; the engine goes away with the last one.
func TestLifecycleSharesEngineAcrossSignals(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig()
	set := processortest.NewNopSettings(metadata.Type)
	ctx := context.Background()

	sink := new(consumertest.LogsSink)
	lp, err := f.CreateLogs(ctx, set, cfg, sink)
	require.NoError(t, err)
	mp, err := f.CreateMetrics(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	tp, err := f.CreateTraces(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)

	host := componenttest.NewNopHost()
	require.NoError(t, lp.Start(ctx, host))
	require.NoError(t, mp.Start(ctx, host))
	require.NoError(t, tp.Start(ctx, host))
	assert.True(t, lp.Capabilities().MutatesData)

	ld := plog.NewLogs()
	rec := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.Attributes().PutStr(schema.AttrRPCMethod, "DescribeInstances")
	require.NoError(t, lp.ConsumeLogs(ctx, ld))
	require.Equal(t, 1, sink.LogRecordCount())

	require.NoError(t, tp.Shutdown(ctx))
	require.NoError(t, mp.Shutdown(ctx))
	require.NoError(t, lp.Shutdown(ctx))
}

func TestEngineSharedPerIDAndForgottenAfterLastShutdown(t *testing.T) {
	f := &factory{engines: map[component.ID]*engine{}}
	cfg := createDefaultConfig().(*Config)
	set := processortest.NewNopSettings(metadata.Type)
	ctx := context.Background()

	lp, err := f.createLogs(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	mp, err := f.createMetrics(ctx, set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.Len(t, f.engines, 1, "logs and metrics of one id share an engine")

	other := processortest.NewNopSettings(metadata.Type)
	other.ID = component.MustNewIDWithName("clouddetect", "other")
	op, err := f.createLogs(ctx, other, cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.Len(t, f.engines, 2, "another id gets its own engine")

	host := componenttest.NewNopHost()
	for _, p := range []component.Component{lp, mp, op} {
		require.NoError(t, p.Start(ctx, host))
	}
	require.NoError(t, lp.Shutdown(ctx))
	assert.Len(t, f.engines, 2, "engine kept while the metrics processor still runs")
	require.NoError(t, mp.Shutdown(ctx))
	require.NoError(t, op.Shutdown(ctx))
	assert.Empty(t, f.engines)
}
