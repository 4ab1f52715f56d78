package cloudauditreceiver

import (
	"errors"

	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/filesource"
)

// Config of the cloudaudit receiver: how events are decoded, and the sources that
// deliver them. Each source is a key of its own; several may run at once.
type Config struct {
	// Format pins the event format; auto detects it per event.
	Format decode.Format `mapstructure:"format"`
	// Body selects what the LogRecord body holds: map, string or none.
	Body decode.BodyMode `mapstructure:"body"`
	// Limits bound what one object may cost.
	Limits decode.Limits `mapstructure:"limits"`

	// File reads audit logs from files on disk.
	File configoptional.Optional[filesource.Config] `mapstructure:"file"`
	// The http, s3_sqs, pubsub and kafka sources are further keys here.

	// prevent unkeyed literal initialization
	_ struct{}
}

func (c *Config) decodeConfig() decode.Config {
	return decode.Config{Format: c.Format, Body: c.Body, Limits: c.Limits}
}

// Validate checks the receiver-wide settings and that a source is configured; each
// source's own settings are validated by its Validate (the collector walks into them).
func (c *Config) Validate() error {
	var errs error
	if err := c.decodeConfig().Validate(); err != nil {
		errs = errors.Join(errs, err)
	}
	if !c.File.HasValue() {
		errs = errors.Join(errs, errors.New("no source configured: add a source key under the receiver (available: file)"))
	}
	return errs
}
