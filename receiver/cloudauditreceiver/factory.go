// Package cloudauditreceiver implements the `cloudaudit` receiver: cloud audit logs
// (AWS CloudTrail, GCP Cloud Audit Logs, Azure Activity Log, Kubernetes scaling events)
// read from its sources and emitted as one OTel log record per audit event.
package cloudauditreceiver

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/filesource"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/metadata"
)

// NewFactory returns the factory of the cloudaudit receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Format: decode.FormatAuto,
		Body:   decode.BodyMap,
		Limits: decode.DefaultLimits(),
		// Defaults apply as soon as the user writes a `file:` key.
		File: configoptional.Default(filesource.DefaultConfig()),
	}
}

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	return newReceiver(set, cfg.(*Config), next)
}
