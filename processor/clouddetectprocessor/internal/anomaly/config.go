// Package anomaly is the generic streaming anomaly scorer for one numeric series: an
// additive level + daily-seasonal baseline (Holt–Winters style) with a robust residual
// scale, turned into an anomaly score in [0,1] by the tail probability of the recent
// average residual against its own long-run distribution ("anomaly likelihood"), plus
// a sustained-deviation gate for alerting. State per series is a fixed-size value
// (see State); the shared parameters live in a Scorer.
package anomaly

import (
	"errors"
	"time"
)

// Config holds the scorer settings. Memories are stated in points of the series
// (half-lives), except the season and the lateness, which are event time.
type Config struct {
	// Season is the period of the cycle the baseline learns (daily by default);
	// 0 disables the seasonal profile.
	Season time.Duration `mapstructure:"season"`
	// LevelHalfLife is how quickly the baseline level follows the series (points).
	LevelHalfLife float64 `mapstructure:"level_half_life"`
	// SeasonHalfLife is the memory of the seasonal profile, in cycles (days by default)
	// whatever the sampling rate.
	SeasonHalfLife float64 `mapstructure:"season_half_life"`
	// ScaleHalfLife is the memory of the robust residual scale (points).
	ScaleHalfLife float64 `mapstructure:"scale_half_life"`
	// ShortWindow is the number of recent points whose average residual is tested
	// (1–16).
	ShortWindow int `mapstructure:"short_window"`
	// LongHalfLife is the memory of the distribution the short average is tested
	// against (points).
	LongHalfLife float64 `mapstructure:"long_half_life"`
	// Warmup is the number of points learned before scores are emitted.
	Warmup int `mapstructure:"warmup"`
	// Lateness is how far behind the newest point a point may arrive and still be
	// scored (it is then not learned from); older points are dropped and counted.
	Lateness time.Duration `mapstructure:"lateness"`
	// AlertScore is the score at which a point counts as anomalous for the gate.
	AlertScore float64 `mapstructure:"alert_score"`
	// Sustain is the number of consecutive anomalous points that raise an alert.
	Sustain int `mapstructure:"sustain"`
	// Hold is the number of points after an alert during which no new alert is
	// raised and the emitted score is damped (alert de-duplication).
	Hold int `mapstructure:"hold"`
}

// DefaultConfig returns the settings tuned on the NAB development set.
func DefaultConfig() Config {
	return Config{
		Season:         24 * time.Hour,
		LevelHalfLife:  6,
		SeasonHalfLife: 3,
		ScaleHalfLife:  500,
		ShortWindow:    8,
		LongHalfLife:   1000,
		Warmup:         30,
		Lateness:       5 * time.Minute,
		AlertScore:     0.5,
		Sustain:        3,
		Hold:           100,
	}
}

// Validate checks the settings.
func (c *Config) Validate() error {
	switch {
	case c.Season < 0:
		return errors.New("anomaly: season must not be negative")
	case c.LevelHalfLife <= 0, c.SeasonHalfLife <= 0, c.ScaleHalfLife <= 0, c.LongHalfLife <= 0:
		return errors.New("anomaly: half-lives must be positive")
	case c.ShortWindow < 1 || c.ShortWindow > shortMax:
		return errors.New("anomaly: short_window must be between 1 and 16")
	case c.Warmup < 0, c.Sustain < 1, c.Hold < 0, c.Lateness < 0:
		return errors.New("anomaly: warmup, hold and lateness must not be negative; sustain must be at least 1")
	case c.AlertScore <= 0 || c.AlertScore > 1:
		return errors.New("anomaly: alert_score must be in (0,1]")
	}
	return nil
}
