package saturation

import "github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"

// Reference is the ATT&CK analytic the availability rules implement.
const Reference = "https://attack.mitre.org/analytics/AN1168/"

// Techniques: Resource Hijacking (compute hijacking) and Endpoint Denial of Service
// (service / application exhaustion flood) — current sub-technique ids and their
// parents, the same list as the other AN1168 detectors.
var Techniques = []string{"T1496", "T1496.001", "T1499", "T1499.002", "T1499.003"}

// RulePrefix starts every rule uuid of this detector (the abuse correlator keys on it).
const RulePrefix = "cloudwarden.saturation."

// Rules.
var (
	RuleUtilisationAnomaly = detection.Rule{
		UUID:       RulePrefix + "utilisation_anomaly",
		Name:       "Sustained anomalous utilisation near capacity",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  Reference,
		Techniques: Techniques,
	}
	RuleSustainedHigh = detection.Rule{
		UUID:       RulePrefix + "sustained_high",
		Name:       "Sustained high utilisation",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  Reference,
		Techniques: Techniques,
	}
	RulePinnedAtMax = detection.Rule{
		UUID:       RulePrefix + "pinned_at_max",
		Name:       "Scaling group pinned at its maximum",
		Category:   detection.CategoryAvailability,
		Version:    "1.0.0",
		Analytic:   detection.AnalyticAN1168,
		Reference:  Reference,
		Techniques: Techniques,
	}
)

// Rules lists every rule of the detector.
var Rules = []*detection.Rule{&RuleUtilisationAnomaly, &RuleSustainedHigh, &RulePinnedAtMax}
