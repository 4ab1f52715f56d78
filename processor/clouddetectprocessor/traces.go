package clouddetectprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/annotate"
)

// processTraces runs the span detectors and writes findings onto the triggering span.
func (e *engine) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	if len(e.spans) == 0 {
		return td, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := rs.Resource()
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				e.scratch = e.scratch[:0] // this item's findings; a field, so passing its address allocates nothing
				for _, d := range e.spans {
					d.DetectSpan(res, span, &e.scratch)
				}
				if e.correlator != nil {
					e.correlator.Correlate(res, &e.scratch)
				}
				fs := e.scratch
				if len(fs) == 0 {
					continue
				}
				annotate.Finding(span.Attributes(), fs)
				e.countFindings(ctx, fs)
			}
		}
	}
	return td, nil
}
