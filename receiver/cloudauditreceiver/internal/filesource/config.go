package filesource

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Start positions for files found at the first poll that have no checkpoint.
const (
	StartAtBeginning = "beginning"
	StartAtEnd       = "end"
)

// Config of the file source (the `file` key under the receiver).
type Config struct {
	// Include lists globs of files to read; `**` matches any number of directories.
	Include []string `mapstructure:"include"`
	// Exclude lists globs of files to leave alone even when Include matches them.
	Exclude []string `mapstructure:"exclude"`
	// PollInterval is how often the globs are evaluated and files are read.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// StartAt applies to files found at the first poll without a checkpoint:
	// "beginning" reads them whole, "end" reads only what is written afterwards.
	// Files that appear later are always read from the beginning.
	StartAt string `mapstructure:"start_at"`
	// Storage is the ID of a storage extension that keeps checkpoints across
	// restarts; without it checkpoints live in memory only.
	Storage *component.ID `mapstructure:"storage"`
	// MaxBatchRecords bounds the records handed to the next consumer at once.
	MaxBatchRecords int `mapstructure:"max_batch_records"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// DefaultConfig returns the defaults applied under an empty `file:` key.
func DefaultConfig() Config {
	return Config{
		PollInterval:    time.Second,
		StartAt:         StartAtBeginning,
		MaxBatchRecords: 1000,
	}
}

// Validate checks the values.
func (c *Config) Validate() error {
	var errs error
	if len(c.Include) == 0 {
		errs = errors.Join(errs, errors.New("file: include must list at least one glob"))
	}
	for _, p := range c.Include {
		if _, err := compilePattern(p); err != nil {
			errs = errors.Join(errs, fmt.Errorf("file: include %q: %w", p, err))
		}
	}
	for _, p := range c.Exclude {
		if _, err := compilePattern(p); err != nil {
			errs = errors.Join(errs, fmt.Errorf("file: exclude %q: %w", p, err))
		}
	}
	if c.PollInterval <= 0 {
		errs = errors.Join(errs, errors.New("file: poll_interval must be positive"))
	}
	switch c.StartAt {
	case StartAtBeginning, StartAtEnd:
	default:
		errs = errors.Join(errs, fmt.Errorf("file: start_at must be %q or %q, got %q", StartAtBeginning, StartAtEnd, c.StartAt))
	}
	if c.MaxBatchRecords <= 0 {
		errs = errors.Join(errs, errors.New("file: max_batch_records must be positive"))
	}
	return errs
}
