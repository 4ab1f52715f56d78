package cloudauditreceiver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/metadata"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, "cloudaudit", f.Type().String())
	assert.Equal(t, component.StabilityLevelAlpha, f.LogsStability())
	assert.Equal(t, component.StabilityLevelUndefined, f.TracesStability())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))

	cfg := f.CreateDefaultConfig().(*Config)
	assert.Equal(t, decode.FormatAuto, cfg.Format)
	assert.Equal(t, decode.BodyMap, cfg.Body)
	assert.Equal(t, decode.DefaultLimits(), cfg.Limits)

	r, err := f.CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NotNil(t, r)

	_, err = f.CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.Error(t, err, "logs only")

	cfg.Format = "nope"
	_, err = f.CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.Error(t, err)
}
