// Hand-written equivalent of mdatagen's generated_status.go (cmd/mdatagen cannot be
// built from our module proxy); keep it in step with ../../metadata.yaml.

package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	Type      = component.MustNewType("cloudaudit")
	ScopeName = "github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver"
)

const (
	LogsStability = component.StabilityLevelAlpha
)
