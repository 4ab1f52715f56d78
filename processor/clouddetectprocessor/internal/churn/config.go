package churn

import (
	"errors"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/calendar"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Config of the scaling_churn detector.
type Config struct {
	Enabled bool `mapstructure:"enabled"`
	// Window is the rolling window actions and flips are counted over; it is kept as
	// six buckets of Window/6.
	Window time.Duration `mapstructure:"window"`
	// MinActions is the least number of actions in a window that can be excessive,
	// whatever the baseline.
	MinActions uint32 `mapstructure:"min_actions"`
	// Factor: a window is excessive at Factor times the group's baseline ...
	Factor float64 `mapstructure:"factor"`
	// Threshold: ... and at baseline + Threshold standard deviations (Poisson-like,
	// the larger of the learned variance and the mean).
	Threshold float64 `mapstructure:"threshold"`
	// FlapFlips is the least number of direction changes (out→in or in→out) in a
	// window that is flapping: out,in,out,in is 3 flips.
	FlapFlips uint32 `mapstructure:"flap_flips"`
	// Alpha is the EWMA weight per bucket for the baselines.
	Alpha float64 `mapstructure:"alpha"`
	// HourlyAlpha is the weight of the hour-of-day profile, which learns daily cycles
	// (a group that scales out every morning).
	HourlyAlpha float64 `mapstructure:"hourly_alpha"`
	// Warmup is the number of buckets before the baseline is trusted; before that only
	// the absolute floors apply and scores are lower.
	Warmup uint32 `mapstructure:"warmup"`
	// Lateness is how far behind a group's newest bucket an action is still counted.
	Lateness time.Duration `mapstructure:"lateness"`
	// Realert is the minimum time between two findings of the same rule and group.
	Realert time.Duration `mapstructure:"realert"`
	MaxKeys int           `mapstructure:"max_keys"`

	ChangeWindows []schedule.Window `mapstructure:"change_windows"`
	ScheduledJobs []schedule.Window `mapstructure:"scheduled_jobs"`
}

// DefaultConfig is enabled.
func DefaultConfig() Config {
	return Config{
		Enabled:     true,
		Window:      30 * time.Minute,
		MinActions:  5,
		Factor:      3,
		Threshold:   3,
		FlapFlips:   3,
		Alpha:       0.01,
		HourlyAlpha: 0.05,
		Warmup:      48,
		Lateness:    10 * time.Minute,
		Realert:     30 * time.Minute,
		MaxKeys:     10_000,
	}
}

const (
	bucketsPerWindow = 6
	ringSlots        = 16
)

// Validate checks the configuration.
func (c *Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.Window < 6*time.Second || c.Window%bucketsPerWindow != 0 {
		errs = append(errs, errors.New("window must be at least 6s and divisible into 6 buckets"))
	}
	if c.MinActions < 2 {
		errs = append(errs, errors.New("min_actions must be at least 2"))
	}
	if c.Factor < 1 || c.Threshold <= 0 {
		errs = append(errs, errors.New("factor must be ≥ 1 and threshold positive"))
	}
	if c.FlapFlips < 2 {
		errs = append(errs, errors.New("flap_flips must be at least 2"))
	}
	if c.Alpha <= 0 || c.Alpha >= 1 || c.HourlyAlpha <= 0 || c.HourlyAlpha >= 1 {
		errs = append(errs, errors.New("alpha and hourly_alpha must be in (0,1)"))
	}
	if c.Lateness < 0 || c.Window > 0 && c.Lateness > time.Duration(ringSlots-bucketsPerWindow)*(c.Window/bucketsPerWindow) {
		errs = append(errs, errors.New("lateness must be between 0 and 10 buckets (window/6 each)"))
	}
	if c.Realert < 0 {
		errs = append(errs, errors.New("realert must not be negative"))
	}
	if c.MaxKeys < 1 {
		errs = append(errs, errors.New("max_keys must be positive"))
	}
	errs = calendar.Validate(errs, c.ChangeWindows, c.ScheduledJobs)
	return errors.Join(errs...)
}
