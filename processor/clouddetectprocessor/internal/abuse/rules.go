package abuse

import (
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/errorrate"
)

// Rule uuid prefixes of the components (saturation's is fixed by the convention
// cloudwarden.<detector>.<rule>; it is not imported to keep the packages independent).
const (
	prefixErrorRate  = errorrate.RulePrefix
	prefixSaturation = "cloudwarden.saturation."
	prefixChurn      = "cloudwarden.scaling_churn."
	RulePrefix       = "cloudwarden.abuse."
	// saturation's group-level rule: its subject is a scaling group
	rulePinnedAtMax = prefixSaturation + "pinned_at_max"
)

// Rules.
var (
	RuleAutomatedAbuse = detection.Rule{
		UUID:       RulePrefix + "automated_abuse",
		Name:       "Automated abuse: 5xx anomaly, saturation and scaling churn together",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  errorrate.Reference,
		Techniques: errorrate.Techniques,
	}
	RuleSuspectedAbuse = detection.Rule{
		UUID:       RulePrefix + "suspected_abuse",
		Name:       "Suspected abuse: two of 5xx anomaly, saturation and scaling churn together",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  errorrate.Reference,
		Techniques: errorrate.Techniques,
	}
)
