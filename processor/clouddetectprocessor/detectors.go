package clouddetectprocessor

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/abuse"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/churn"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/errorrate"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/exposure"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/saturation"
)

// DetectorsConfig holds one section per detector. Each detector is its own package
// under internal/, with its own Config, defaults and Validate.
type DetectorsConfig struct {
	Exposure     exposure.Config   `mapstructure:"exposure"`
	ErrorRate    errorrate.Config  `mapstructure:"error_rate"`
	Saturation   saturation.Config `mapstructure:"saturation"`
	ScalingChurn churn.Config      `mapstructure:"scaling_churn"`
	Abuse        abuse.Config      `mapstructure:"abuse"`
}

func defaultDetectorsConfig() DetectorsConfig {
	return DetectorsConfig{
		Exposure:     exposure.DefaultConfig(),
		ErrorRate:    errorrate.DefaultConfig(),
		Saturation:   saturation.DefaultConfig(),
		ScalingChurn: churn.DefaultConfig(),
		Abuse:        abuse.DefaultConfig(),
	}
}

// detectorSpec ties a config section to its constructor, so enabling and building
// every detector is one loop rather than five copies.
type detectorSpec struct {
	name    string
	enabled bool
	build   func(*zap.Logger) (any, error)
}

func (c *DetectorsConfig) specs() []detectorSpec {
	return []detectorSpec{
		{"exposure", c.Exposure.Enabled,
			func(l *zap.Logger) (any, error) { return exposure.New(c.Exposure, l) }},
		{"error_rate", c.ErrorRate.Enabled,
			func(l *zap.Logger) (any, error) { return errorrate.New(c.ErrorRate, l) }},
		{"saturation", c.Saturation.Enabled,
			func(l *zap.Logger) (any, error) { return saturation.New(c.Saturation, l) }},
		{"scaling_churn", c.ScalingChurn.Enabled,
			func(l *zap.Logger) (any, error) { return churn.New(c.ScalingChurn, l) }},
		// abuse last: it correlates what the others found on the same item.
		{"abuse", c.Abuse.Enabled,
			func(l *zap.Logger) (any, error) { return abuse.New(c.Abuse, l) }},
	}
}

// namedDetector is one enabled detector as the engine drives it.
type namedDetector struct {
	name string
	impl any // implements one or more detection interfaces
}

// anomalyScorer is implemented by detectors that can report the anomaly score of the
// point they just saw (emitted as cloudwarden.anomaly_score when configured).
type anomalyScorer interface {
	LastScore() (float64, bool)
}

// newDetectors builds the enabled detectors in a fixed order; the correlator (abuse),
// if enabled, is returned separately because it runs after the others on each item.
func newDetectors(c DetectorsConfig, logger *zap.Logger) ([]namedDetector, detection.Correlator, error) {
	var dets []namedDetector
	var corr detection.Correlator
	for _, s := range c.specs() {
		if !s.enabled {
			continue
		}
		d, err := s.build(logger.Named(s.name))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.name, err)
		}
		if cr, ok := d.(detection.Correlator); ok {
			corr = cr
			continue
		}
		dets = append(dets, namedDetector{s.name, d})
	}
	return dets, corr, nil
}

// anomalyScorers lists the detectors whose anomaly scores are to be emitted.
func anomalyScorers(c DetectorsConfig, dets []namedDetector) []anomalyScorer {
	var out []anomalyScorer
	for _, d := range dets {
		if d.name == "saturation" && c.Saturation.EmitAnomalyScore {
			out = append(out, d.impl.(anomalyScorer))
		}
	}
	return out
}
