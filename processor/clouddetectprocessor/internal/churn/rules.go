package churn

import (
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/errorrate"
)

// RulePrefix starts every rule uuid of this detector.
const RulePrefix = "cloudwarden.scaling_churn."

// Rules.
var (
	RuleExcessActions = detection.Rule{
		UUID:       RulePrefix + "excess_actions",
		Name:       "Scaling actions far above the group's own baseline",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  errorrate.Reference,
		Techniques: errorrate.Techniques,
	}
	RuleFlapping = detection.Rule{
		UUID:       RulePrefix + "flapping",
		Name:       "Scaling group flapping (repeated out/in direction changes)",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  errorrate.Reference,
		Techniques: errorrate.Techniques,
	}
)
