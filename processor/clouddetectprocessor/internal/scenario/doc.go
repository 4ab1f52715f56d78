// Package scenario holds end-to-end tests of the availability detectors: minute-by-
// minute synthetic telemetry for one service driven through error_rate, saturation,
// scaling_churn and the abuse correlator the way the processor drives them (per item:
// every detector into one Findings slice, then abuse.Correlate).
package scenario
