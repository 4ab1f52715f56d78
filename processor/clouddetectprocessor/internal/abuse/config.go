package abuse

import (
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
)

// Mapping joins scaling groups to a service by name or glob (path.Match syntax).
type Mapping struct {
	Group   string `mapstructure:"group"`
	Service string `mapstructure:"service"`
}

// Config of the abuse correlator.
type Config struct {
	Enabled bool `mapstructure:"enabled"`
	// Window: the three signals must fall within this span of each other.
	Window time.Duration `mapstructure:"window"`
	// Partial enables the two-of-three composite (suspected_abuse).
	Partial bool `mapstructure:"partial"`
	// PartialMinSeverity is the least severity each of the two signals needs for the
	// partial composite (one-directional scale-outs are low and never pair up).
	PartialMinSeverity string `mapstructure:"partial_min_severity"`
	// ServiceAttribute and GroupAttribute are read from each item's resource to learn
	// which scaling group runs which service.
	ServiceAttribute string    `mapstructure:"service_attribute"`
	GroupAttribute   string    `mapstructure:"group_attribute"`
	ServiceMapping   []Mapping `mapstructure:"service_mapping"`
	// MaxKeys bounds the services tracked and, separately, the groups mapped.
	MaxKeys int `mapstructure:"max_keys"`
}

// DefaultConfig is enabled with a 15-minute window.
func DefaultConfig() Config {
	return Config{
		Enabled:            true,
		Window:             15 * time.Minute,
		Partial:            true,
		PartialMinSeverity: "medium",
		ServiceAttribute:   schema.AttrServiceName,
		GroupAttribute:     schema.AttrScalingGroupName,
		MaxKeys:            10_000,
	}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.Window <= 0 {
		errs = append(errs, errors.New("window must be positive"))
	}
	if _, ok := detection.ParseSeverity(c.PartialMinSeverity); !ok {
		errs = append(errs, fmt.Errorf("partial_min_severity %q is not a severity", c.PartialMinSeverity))
	}
	if c.ServiceAttribute == "" || c.GroupAttribute == "" {
		errs = append(errs, errors.New("service_attribute and group_attribute must not be empty"))
	}
	for i, m := range c.ServiceMapping {
		if m.Group == "" || m.Service == "" {
			errs = append(errs, fmt.Errorf("service_mapping[%d]: group and service are required", i))
		} else if _, err := path.Match(m.Group, ""); err != nil {
			errs = append(errs, fmt.Errorf("service_mapping[%d]: bad pattern %q: %w", i, m.Group, err))
		}
	}
	if c.MaxKeys < 1 {
		errs = append(errs, errors.New("max_keys must be positive"))
	}
	return errors.Join(errs...)
}
