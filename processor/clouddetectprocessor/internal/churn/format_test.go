package churn

import (
	"testing"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
)

// snapshotV1 is a version 1 snapshot as written before the encoding moved to the shared
// snapshot package; it pins the on-disk format so state kept by an older build still loads.
const snapshotV1 = "5343010269c744b507c99b0801614a6b4ea6c6b601408218a9df348ce63f22000000000000000000000000000000000000002200000008372d3f0e734b3f7bbc2d3f00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001ee1b4db507c9a50801620000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"

func TestSnapshotFormatV1(t *testing.T) {
	fresh := func() *Detector { return newDetector(t, nil) }
	detectortest.SnapshotFormat(t, snapshotV1, fresh, func(d *Detector) {
		var steps []step
		for m := 0; m < 3*60; m += 10 {
			steps = append(steps, step{time.Duration(m) * time.Minute, "out"})
		}
		run(d, "a", steps)
		run(d, "b", []step{{0, "out"}, {time.Minute, "in"}, {2 * time.Minute, "out"}})
	})
}
