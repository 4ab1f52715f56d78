package errorrate

import "github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"

// Reference is the ATT&CK analytic the availability rules implement.
const Reference = "https://attack.mitre.org/analytics/AN1168/"

// Techniques: Endpoint Denial of Service (application exhaustion flood) and Resource
// Hijacking (compute hijacking) — current sub-technique ids and their parents.
var Techniques = []string{"T1499", "T1499.002", "T1499.003", "T1496", "T1496.001"}

// RulePrefix starts every rule uuid of this detector (the abuse correlator keys on it).
const RulePrefix = "cloudwarden.error_rate."

// Rules.
var (
	RuleAnomaly = detection.Rule{
		UUID:       RulePrefix + "anomaly",
		Name:       "Sustained 5xx error-rate anomaly",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  Reference,
		Techniques: Techniques,
	}
	RuleSLOBurn = detection.Rule{
		UUID:       RulePrefix + "slo_burn",
		Name:       "5xx error budget burning fast (multi-window burn rate)",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  Reference,
		Techniques: Techniques,
	}
)
