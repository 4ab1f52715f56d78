package clouddetectprocessor

import (
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/saturation"
)

// DetectorsConfig holds one section per detector. Each detector is its own package
// under internal/, with its own Config, defaults and Validate.
type DetectorsConfig struct {
	Saturation saturation.Config `mapstructure:"saturation"`
}

func defaultDetectorsConfig() DetectorsConfig {
	return DetectorsConfig{
		Saturation: saturation.DefaultConfig(),
	}
}

// Validate checks every enabled detector's configuration.
func (c *DetectorsConfig) Validate() error {
	var errs error
	if c.Saturation.Enabled {
		if err := c.Saturation.Validate(); err != nil {
			errs = errors.Join(errs, fmt.Errorf("saturation: %w", err))
		}
	}
	return errs
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

// newDetectors builds the enabled detectors in a fixed order; the abuse correlator, if
// enabled, is returned separately because it runs after the others on each item.
func newDetectors(c DetectorsConfig, logger *zap.Logger) ([]namedDetector, detection.Correlator, error) {
	var dets []namedDetector
	if c.Saturation.Enabled {
		d, err := saturation.New(c.Saturation, logger.Named("saturation"))
		if err != nil {
			return nil, nil, fmt.Errorf("saturation: %w", err)
		}
		dets = append(dets, namedDetector{"saturation", d})
	}
	return dets, nil, nil
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
