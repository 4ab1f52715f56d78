// Package saturation is the `saturation` detector (ATT&CK AN1168): per-series online
// anomaly detection on utilisation gauges (CPU, memory, connections) gated on the
// series being near capacity, plain sustained high utilisation, and scaling groups
// pinned at their maximum size. See docs/detections/saturation.md.
package saturation

import (
	"errors"
	"fmt"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/anomaly"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Metric kinds.
const (
	// KindUtilisation is a 0–1 ratio or a 0–100 percentage of a capacity.
	KindUtilisation = "utilization"
	// KindCount is a count with no known capacity (connections): only upward
	// anomalies count, and there is no "high" threshold.
	KindCount = "count"
)

// MetricConfig names one metric the detector watches.
type MetricConfig struct {
	Name string `mapstructure:"name"`
	// Kind is "utilization" (default) or "count".
	Kind string `mapstructure:"kind"`
}

// Config of the saturation detector.
type Config struct {
	Enabled bool `mapstructure:"enabled"`
	// Metrics are the series watched, by metric name.
	Metrics []MetricConfig `mapstructure:"metrics"`
	// Threshold is "high" utilisation as a ratio (0.9 = 90%). Utilisation values
	// are ratios when the metric unit is "1", percentages when it is "%", and
	// otherwise percentages when above 1.
	Threshold float64 `mapstructure:"threshold"`
	// Sustain is how long utilisation must stay at or above Threshold.
	Sustain time.Duration `mapstructure:"sustain"`
	// Realert is the minimum time between two findings of one rule for one series
	// (or one scaling group).
	Realert time.Duration `mapstructure:"realert"`
	// PinWindow: pins of one group less than PinWindow apart form one episode; the
	// longer and the more repeated the episode, the higher the score.
	PinWindow time.Duration `mapstructure:"pin_window"`
	// MaxKeys bounds the series (and, separately, the scaling groups) tracked.
	MaxKeys int `mapstructure:"max_keys"`
	// Anomaly configures the per-series scorer.
	Anomaly anomaly.Config `mapstructure:"anomaly"`
	// RecurringDays: a saturation seen within half an hour of the same time of day
	// on at least this many of the previous 7 days, at a level not well above the
	// one seen then, is a recurring pattern (a nightly job): the anomaly rule does
	// not fire on it and sustained_high is lowered to low. 0 disables.
	RecurringDays int `mapstructure:"recurring_days"`
	// EmitAnomalyScore asks the processor to emit cloudwarden.anomaly_score points
	// (read through Detector.LastScore).
	EmitAnomalyScore bool `mapstructure:"emit_anomaly_score"`

	ChangeWindows []schedule.Window `mapstructure:"change_windows"`
	ScheduledJobs []schedule.Window `mapstructure:"scheduled_jobs"`
}

// DefaultMetrics are OpenTelemetry semantic-convention and cloud-native names of
// utilisation gauges and connection counts.
func DefaultMetrics() []MetricConfig {
	u := func(n string) MetricConfig { return MetricConfig{Name: n, Kind: KindUtilisation} }
	c := func(n string) MetricConfig { return MetricConfig{Name: n, Kind: KindCount} }
	return []MetricConfig{
		// OTel semantic conventions and collector receivers (hostmetrics,
		// kubeletstats, docker_stats, JVM runtime).
		u("system.cpu.utilization"),
		u("system.memory.utilization"),
		u("system.filesystem.utilization"),
		u("process.cpu.utilization"),
		u("process.memory.utilization"),
		u("container.cpu.utilization"),
		u("container.memory.utilization"),
		u("k8s.pod.cpu.utilization"),
		u("k8s.node.cpu.utilization"),
		u("k8s.pod.cpu_limit_utilization"),
		u("k8s.pod.memory_limit_utilization"),
		u("k8s.container.cpu_limit_utilization"), // kubeletstats receiver
		u("k8s.container.cpu.limit_utilization"), // semantic conventions
		u("jvm.cpu.recent_utilization"),
		u("jvm.system.cpu.utilization"),
		// AWS CloudWatch (metric streams name metrics amazonaws.com/AWS/<ns>/<name>).
		u("aws.ec2.cpuutilization"),
		u("CPUUtilization"),
		u("MemoryUtilization"),
		u("amazonaws.com/AWS/EC2/CPUUtilization"),
		u("amazonaws.com/AWS/ECS/CPUUtilization"),
		u("amazonaws.com/AWS/ECS/MemoryUtilization"),
		u("amazonaws.com/AWS/RDS/CPUUtilization"),
		// GCP Cloud Monitoring and Azure Monitor.
		u("compute.googleapis.com/instance/cpu/utilization"),
		u("Percentage CPU"),
		u("azure.vm.percentage_cpu"),
		// Connection counts.
		c("db.client.connection.count"),
		c("db.client.connections.usage"),
		c("DatabaseConnections"),
		c("amazonaws.com/AWS/RDS/DatabaseConnections"),
		c("ActiveConnectionCount"),
	}
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Enabled:   true,
		Metrics:   DefaultMetrics(),
		Threshold: 0.9,
		Sustain:   5 * time.Minute,
		Realert:   30 * time.Minute,
		PinWindow: time.Hour,
		MaxKeys:   100_000,
		Anomaly:   anomaly.DefaultConfig(),
		// Three nights: one or two could be a coincidence (an incident that
		// happened at the same hour), and the issue asks that a daily job be quiet
		// from its fourth run.
		RecurringDays: 3,
	}
}

// Validate checks the settings.
func (c *Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.Threshold <= 0 || c.Threshold > 1 {
		errs = append(errs, errors.New("threshold must be a ratio in (0,1]"))
	}
	if c.Sustain < 0 || c.Realert < 0 || c.PinWindow <= 0 {
		errs = append(errs, errors.New("sustain and realert must not be negative, pin_window must be positive"))
	}
	if c.RecurringDays < 0 || c.RecurringDays >= recurDays {
		errs = append(errs, fmt.Errorf("recurring_days must be between 0 and %d", recurDays-1))
	}
	if c.MaxKeys < 1 {
		errs = append(errs, errors.New("max_keys must be positive"))
	}
	for i, m := range c.Metrics {
		if m.Name == "" {
			errs = append(errs, fmt.Errorf("metrics[%d] needs a name", i))
		}
		if m.Kind != "" && m.Kind != KindUtilisation && m.Kind != KindCount {
			errs = append(errs, fmt.Errorf("metrics[%d] kind %q must be %q or %q", i, m.Kind, KindUtilisation, KindCount))
		}
	}
	// c.Anomaly validates itself: confmap.Validate walks nested configs, and
	// anomaly.NewScorer checks it again when the detector is built.
	for _, ws := range [][]schedule.Window{c.ChangeWindows, c.ScheduledJobs} {
		for i := range ws {
			if err := ws[i].Validate(); err != nil {
				errs = append(errs, fmt.Errorf("window %d: %w", i, err))
			}
		}
	}
	return errors.Join(errs...)
}
