package cloudauditreceiver

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/filesource"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg.(*Config)
}

func TestLoadConfig(t *testing.T) {
	storageID := component.MustNewIDWithName("file_storage", "checkpoints")
	tests := []struct {
		name string
		want *Config
	}{
		{
			name: "defaults_file",
			want: &Config{
				Format: decode.FormatAuto,
				Body:   decode.BodyMap,
				Limits: decode.Limits{MaxObjectBytes: 268435456, MaxDecompressedBytes: 1073741824, MaxRecordBytes: 8388608, MaxDepth: 64},
				File: configoptional.Some(filesource.Config{
					Include:         []string{"/var/log/cloudtrail/**/*.json.gz"},
					PollInterval:    time.Second,
					StartAt:         "beginning",
					MaxBatchRecords: 1000,
				}),
			},
		},
		{
			name: "full",
			want: &Config{
				Format: decode.FormatCloudTrail,
				Body:   decode.BodyString,
				Limits: decode.Limits{MaxObjectBytes: 1 << 20, MaxDecompressedBytes: 4 << 20, MaxRecordBytes: 64 << 10, MaxDepth: 32},
				File: configoptional.Some(filesource.Config{
					Include:         []string{"/var/log/cloudtrail/**/*.json.gz", "/var/log/gcp/*.ndjson"},
					Exclude:         []string{"/var/log/cloudtrail/**/CloudTrail-Digest/**"},
					PollInterval:    5 * time.Second,
					StartAt:         "end",
					Storage:         &storageID,
					MaxBatchRecords: 250,
				}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := loadConfig(t, tt.name)
			assert.Equal(t, tt.want, cfg)
			assert.NoError(t, confmap.Validate(cfg))
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
	}{
		{"no_source", "no source configured"},
		{"empty_file", "file: include must list at least one glob"},
		{"bad_format", "format must be one of auto, cloudtrail, gcp_audit, azure_activity, k8s_event"},
		{"bad_body", "body must be one of map, string, none"},
		{"negative_limit", "limits must not be negative"},
		{"bad_start_at", `file: start_at must be "beginning" or "end", got "middle"`},
		{"bad_glob", `file: include "/x/[*.json": syntax error in pattern`},
		{"bad_poll", "file: poll_interval must be positive"},
		{"bad_batch", "file: max_batch_records must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := confmap.Validate(loadConfig(t, tt.name))
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestDefaultConfigHasNoSource(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.False(t, cfg.File.HasValue())
	assert.ErrorContains(t, cfg.Validate(), "no source configured")
}
