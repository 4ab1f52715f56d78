package clouddetectprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/annotate"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/metadata"
)

// processLogs runs every log detector on every record, writes the findings onto the
// record that triggered them and, with findings: true, appends one finding record per
// detection in the processor's own scope of the same resource.
func (e *engine) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		res := rl.Resource()
		sls := rl.ScopeLogs()
		var out plog.LogRecordSlice // finding records, created on the first finding
		hasOut := false
		n := sls.Len() // scopes appended below are ours and are not scanned
		for j := 0; j < n; j++ {
			recs := sls.At(j).LogRecords()
			for k := 0; k < recs.Len(); k++ {
				rec := recs.At(k)
				if rec.EventName() == annotate.FindingEventName {
					continue // our own output from an upstream clouddetect
				}
				e.scratch = e.scratch[:0] // this item's findings; a field, so passing its address allocates nothing
				for _, d := range e.logs {
					d.DetectLog(res, rec, &e.scratch)
				}
				if e.correlator != nil {
					e.correlator.Correlate(res, &e.scratch)
				}
				fs := e.scratch
				if len(fs) == 0 {
					continue
				}
				annotate.Finding(rec.Attributes(), fs)
				e.countFindings(ctx, fs)
				if !e.cfg.Findings {
					continue
				}
				if !hasOut {
					sl := sls.AppendEmpty()
					sl.Scope().SetName(metadata.ScopeName)
					out, hasOut = sl.LogRecords(), true
				}
				eventID, _ := rec.Attributes().Get(schema.AttrEventID)
				for f := range fs {
					annotate.FindingRecord(out.AppendEmpty(), &fs[f], rec, eventID.Str())
				}
			}
		}
	}
	return ld, nil
}
