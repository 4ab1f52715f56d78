package abuse

import (
	"testing"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detectortest"
)

// snapshotV1 is a version 1 snapshot as written before the encoding moved to the shared
// snapshot package; it pins the on-disk format so state kept by an older build still loads.
const snapshotV1 = "41420102077765622d61736703776562076170692d61736703617069"

func TestSnapshotFormatV1(t *testing.T) {
	fresh := func() *Detector { return newDetector(t, nil) }
	detectortest.SnapshotFormat(t, snapshotV1, fresh, func(d *Detector) {
		feed(d, resource(map[string]string{"service.name": "web", "autoscaler.group.name": "web-asg"}))
		feed(d, resource(map[string]string{"service.name": "api", "autoscaler.group.name": "api-asg"}))
	})
}
