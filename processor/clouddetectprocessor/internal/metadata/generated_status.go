// Written by hand in the layout mdatagen generates (mdatagen is not available here);
// keep in step with ../../metadata.yaml.

// Package metadata contains the type, stability and internal telemetry of the
// clouddetect processor.
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	Type      = component.MustNewType("clouddetect")
	ScopeName = "github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor"
)

const (
	TracesStability  = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
	LogsStability    = component.StabilityLevelAlpha
)
