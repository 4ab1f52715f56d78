// Package ottlcompare benchmarks the exposure detector against contrib's
// transformprocessor doing the OTTL-expressible part of one rule (any-source ingress to
// a high-risk port) on the same batch.
//
// It is a separate module so the root go.mod does not carry contrib's dependency tree.
// Its module path sits under processor/clouddetectprocessor so Go's internal-package
// rule lets it import the detector; the directory lives at bench/ottlcompare.
package ottlcompare
