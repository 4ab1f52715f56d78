package clouddetectprocessor

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config of the clouddetect processor. Every detector is enabled by default with
// documented defaults (docs/configuration.md, docs/detections.md).
type Config struct {
	Detectors DetectorsConfig `mapstructure:",squash"`

	// Findings also emits each detection as its own log record (EventName
	// cloudwarden.finding) next to the triggering record, so alerting backends get one
	// record per detection. Logs pipelines only; spans and metric points are annotated
	// and counted as always.
	Findings bool `mapstructure:"findings"`

	// Storage is the ID of a storage extension (e.g. file_storage) in which detectors
	// keep their learned state (baselines, first-seen sets, rule ids) across restarts.
	// Without it state lives in memory only.
	Storage *component.ID `mapstructure:"storage"`

	// PersistInterval is how often state is saved to Storage while running; it is
	// always saved at shutdown.
	PersistInterval time.Duration `mapstructure:"persist_interval"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Validate checks the processor's own settings. Each detector section validates itself
// (confmap.Validate, which the collector runs, walks every nested Validate), and a
// disabled detector's section is not checked.
func (c *Config) Validate() error {
	var errs error
	if c.PersistInterval < 0 {
		errs = errors.Join(errs, errors.New("persist_interval must not be negative"))
	}
	if c.Storage != nil && c.PersistInterval > 0 && c.PersistInterval < time.Second {
		// every save takes the detection lock; sub-second saves would stall the pipeline
		errs = errors.Join(errs, fmt.Errorf("persist_interval %v is below 1s", c.PersistInterval))
	}
	return errs
}
