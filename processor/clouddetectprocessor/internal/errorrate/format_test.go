package errorrate

import (
	"testing"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
)

// snapshotV1 is a version 1 snapshot as written before the encoding moved to the shared
// snapshot package; it pins the on-disk format so state kept by an older build still loads.
const snapshotV1 = "455201021246bc90f562d45b08636865636b6f7574007b14ae47e17a843f00000000000000003b6278a427c83aee1c06736561726368009a9999999999a93f00000000000000003b"

func TestSnapshotFormatV1(t *testing.T) {
	fresh := func() *Detector { return newDetector(t, nil) }
	detectortest.SnapshotFormat(t, snapshotV1, fresh, func(d *Detector) {
		warm(d, "checkout", t0, 60, 2)
		warm(d, "search", t0, 60, 10)
	})
}
