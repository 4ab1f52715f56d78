package errorrate

import (
	"errors"
	"fmt"
	"time"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/calendar"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Metric roles: how a request-count metric contributes to the 5xx ratio.
const (
	// RoleSplit: a request count split by a status-code attribute (OTel
	// http.server.request.duration histogram count, Micrometer http.server.requests).
	RoleSplit = "split"
	// RoleErrors: a count of 5xx responses only (ALB HTTPCode_Target_5XX_Count).
	RoleErrors = "errors"
	// RoleTotal: a count of all requests (ALB RequestCount, API Gateway Count).
	RoleTotal = "total"
)

// MetricConfig names one request-count metric. A metric matches when its name equals
// Name or ends with "/"+Name (CloudWatch metric streams prefix names with a namespace).
type MetricConfig struct {
	Name string `mapstructure:"name"`
	Role string `mapstructure:"role"`
	// StatusAttribute overrides the status attributes for a split metric.
	StatusAttribute string `mapstructure:"status_attribute"`
}

// BaselineConfig tunes the adaptive baseline of each key's own 5xx ratio.
type BaselineConfig struct {
	// Alpha is the weight of each new evaluation window in the EWMA (per window).
	Alpha float64 `mapstructure:"alpha"`
	// Warmup is how many evaluation windows a key needs before it can fire.
	Warmup uint32 `mapstructure:"warmup"`
	// Threshold is the deviation, in standard deviations, that counts as anomalous.
	Threshold float64 `mapstructure:"threshold"`
	// MinIncrease is the smallest absolute rise of the ratio over the baseline that
	// counts (0.02 = two percentage points), so a quiet service's 0.1% → 0.5% is not news.
	MinIncrease float64 `mapstructure:"min_increase"`
}

// BurnWindow is one multi-window burn-rate alert: it fires when the error budget burns
// at least Factor times faster than sustainable over both Long and Short.
type BurnWindow struct {
	Long     time.Duration `mapstructure:"long"`
	Short    time.Duration `mapstructure:"short"`
	Factor   float64       `mapstructure:"factor"`
	Severity string        `mapstructure:"severity"` // "high" (page) or "medium" (ticket)
}

// BurnRateConfig is the SRE multi-window burn-rate mode.
type BurnRateConfig struct {
	Enabled bool         `mapstructure:"enabled"`
	SLO     float64      `mapstructure:"slo"`
	Windows []BurnWindow `mapstructure:"windows"`
}

// Config of the error_rate detector.
type Config struct {
	Enabled bool `mapstructure:"enabled"`
	// ServiceAttribute names the service: looked up on the resource, then the item.
	ServiceAttribute string `mapstructure:"service_attribute"`
	// ServiceFallbackAttributes are tried (item, then resource) when the service
	// attribute is absent, e.g. CloudWatch dimensions of load balancers and APIs.
	ServiceFallbackAttributes []string `mapstructure:"service_fallback_attributes"`
	// RouteAttribute splits a service by route when present on the item; "" disables.
	RouteAttribute string `mapstructure:"route_attribute"`
	// StatusAttributes are read in order for the HTTP status code.
	StatusAttributes []string       `mapstructure:"status_attributes"`
	Metrics          []MetricConfig `mapstructure:"metrics"`

	// EvaluationWindow is the tumbling window (a whole number of minutes) whose 5xx
	// ratio is tested against the baseline.
	EvaluationWindow time.Duration `mapstructure:"evaluation_window"`
	// MinRequests is the volume gate: a window with fewer requests is not evaluated.
	MinRequests uint32 `mapstructure:"min_requests"`
	// Sustain is how many consecutive anomalous windows fire.
	Sustain int `mapstructure:"sustain"`
	// Repeat fires when at least Repeat of the last RepeatOf windows were anomalous
	// (an on/off attack that never stays up for Sustain windows in a row).
	Repeat   int `mapstructure:"repeat"`
	RepeatOf int `mapstructure:"repeat_of"`
	// Pulse fires when at least Pulse of the last PulseOf windows were anomalous: short
	// pulses (one minute in three) repeated for half an hour, which Repeat misses.
	Pulse   int `mapstructure:"pulse"`
	PulseOf int `mapstructure:"pulse_of"`
	// Realert is the minimum time between two findings of the same rule and key.
	Realert  time.Duration  `mapstructure:"realert"`
	Baseline BaselineConfig `mapstructure:"baseline"`
	BurnRate BurnRateConfig `mapstructure:"burn_rate"`
	// Lateness is how far behind a key's newest minute an item may arrive and still be
	// counted (at most 4m: the minute ring holds 64 minutes for the 60-minute window).
	Lateness time.Duration `mapstructure:"lateness"`

	MaxKeys   int `mapstructure:"max_keys"`
	MaxSeries int `mapstructure:"max_series"`

	ChangeWindows []schedule.Window `mapstructure:"change_windows"`
	ScheduledJobs []schedule.Window `mapstructure:"scheduled_jobs"`
}

// DefaultConfig is enabled with OTel semantic-convention and AWS metric names.
func DefaultConfig() Config {
	return Config{
		Enabled:                   true,
		ServiceAttribute:          schema.AttrServiceName,
		ServiceFallbackAttributes: []string{"LoadBalancer", "ApiName", "faas.name"},
		RouteAttribute:            schema.AttrHTTPRoute,
		StatusAttributes:          []string{schema.AttrHTTPStatusCode, "http.status_code"},
		Metrics: []MetricConfig{
			{Name: "http.server.request.duration", Role: RoleSplit},
			{Name: "http.server.requests", Role: RoleSplit, StatusAttribute: "status"},
			{Name: "HTTPCode_Target_5XX_Count", Role: RoleErrors},
			{Name: "HTTPCode_ELB_5XX_Count", Role: RoleErrors},
			{Name: "RequestCount", Role: RoleTotal},
			{Name: "5XXError", Role: RoleErrors},
			{Name: "Count", Role: RoleTotal},
		},
		EvaluationWindow: time.Minute,
		MinRequests:      50,
		Sustain:          3,
		Repeat:           5,
		RepeatOf:         10,
		Pulse:            8,
		PulseOf:          30,
		Realert:          15 * time.Minute,
		Baseline: BaselineConfig{
			Alpha:       0.01,
			Warmup:      30,
			Threshold:   4,
			MinIncrease: 0.02,
		},
		BurnRate: BurnRateConfig{
			Enabled: false,
			SLO:     0.999,
			Windows: []BurnWindow{
				{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: "high"},
				{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: "medium"},
			},
		},
		Lateness:  3 * time.Minute,
		MaxKeys:   100_000,
		MaxSeries: 200_000,
	}
}

// Limits set by the fixed ring sizes (see package window).
const (
	bucket        = time.Minute
	coarseBucket  = 30 * time.Minute
	fineSlots     = 64
	coarseSlots   = 16
	maxFineWindow = time.Hour
	maxLateness   = (fineSlots - 60) * time.Minute
	maxBurnPairs  = 4
)

// Validate checks the configuration.
func (c *Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.ServiceAttribute == "" {
		errs = append(errs, errors.New("service_attribute must not be empty"))
	}
	if len(c.StatusAttributes) == 0 {
		errs = append(errs, errors.New("status_attributes must not be empty"))
	}
	for i, m := range c.Metrics {
		if m.Name == "" {
			errs = append(errs, fmt.Errorf("metrics[%d]: name must not be empty", i))
		}
		switch m.Role {
		case RoleSplit, RoleErrors, RoleTotal:
		default:
			errs = append(errs, fmt.Errorf("metrics[%d]: role must be split, errors or total, got %q", i, m.Role))
		}
	}
	if c.EvaluationWindow < bucket || c.EvaluationWindow%bucket != 0 || c.EvaluationWindow > 30*time.Minute {
		errs = append(errs, errors.New("evaluation_window must be a whole number of minutes between 1m and 30m"))
	}
	if c.Sustain < 1 || c.Sustain > 16 {
		errs = append(errs, errors.New("sustain must be between 1 and 16"))
	}
	if c.RepeatOf < 0 || c.RepeatOf > 32 || c.Repeat < 0 || c.Repeat > c.RepeatOf {
		errs = append(errs, errors.New("repeat must be between 0 and repeat_of, repeat_of at most 32"))
	}
	if c.PulseOf < 0 || c.PulseOf > 32 || c.Pulse < 0 || c.Pulse > c.PulseOf {
		errs = append(errs, errors.New("pulse must be between 0 and pulse_of, pulse_of at most 32"))
	}
	if c.Realert < 0 {
		errs = append(errs, errors.New("realert must not be negative"))
	}
	if c.Baseline.Alpha <= 0 || c.Baseline.Alpha >= 1 {
		errs = append(errs, errors.New("baseline.alpha must be in (0,1)"))
	}
	if c.Baseline.Threshold <= 0 {
		errs = append(errs, errors.New("baseline.threshold must be positive"))
	}
	if c.Baseline.MinIncrease < 0 || c.Baseline.MinIncrease >= 1 {
		errs = append(errs, errors.New("baseline.min_increase must be in [0,1)"))
	}
	if c.Lateness < 0 || c.Lateness > maxLateness {
		errs = append(errs, fmt.Errorf("lateness must be between 0 and %s", maxLateness))
	}
	if c.MaxKeys < 1 || c.MaxSeries < 1 {
		errs = append(errs, errors.New("max_keys and max_series must be positive"))
	}
	if c.BurnRate.Enabled {
		if c.BurnRate.SLO <= 0 || c.BurnRate.SLO >= 1 {
			errs = append(errs, errors.New("burn_rate.slo must be in (0,1), e.g. 0.999"))
		}
		if len(c.BurnRate.Windows) == 0 || len(c.BurnRate.Windows) > maxBurnPairs {
			errs = append(errs, fmt.Errorf("burn_rate.windows needs 1 to %d pairs", maxBurnPairs))
		}
		for i, w := range c.BurnRate.Windows {
			if err := w.validate(); err != nil {
				errs = append(errs, fmt.Errorf("burn_rate.windows[%d]: %w", i, err))
			}
		}
	}
	errs = calendar.Validate(errs, c.ChangeWindows, c.ScheduledJobs)
	return errors.Join(errs...)
}

func (w BurnWindow) validate() error {
	if w.Short < bucket || w.Short%bucket != 0 || w.Short > maxFineWindow {
		return errors.New("short must be a whole number of minutes up to 1h")
	}
	if w.Long <= w.Short {
		return errors.New("long must be longer than short")
	}
	if w.Long > maxFineWindow {
		if w.Long%coarseBucket != 0 || w.Long > (coarseSlots-1)*coarseBucket {
			return errors.New("a long window over 1h must be a multiple of 30m up to 7h30m")
		}
	} else if w.Long%bucket != 0 {
		return errors.New("long must be a whole number of minutes")
	}
	if w.Factor <= 0 {
		return errors.New("factor must be positive")
	}
	if w.Severity != "high" && w.Severity != "medium" && w.Severity != "low" && w.Severity != "critical" {
		return errors.New("severity must be low, medium, high or critical")
	}
	return nil
}
