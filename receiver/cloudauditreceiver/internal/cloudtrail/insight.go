package cloudtrail

import (
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// eventTypeInsight is the eventType of CloudTrail Insights events.
const eventTypeInsight = "AwsCloudTrailInsight"

// Attributes of CloudTrail Insights events. They are AWS-specific, so they live under
// aws.cloudtrail.* rather than in the cloud-neutral schema.
const (
	AttrInsightType            = "aws.cloudtrail.insight.type"             // ApiCallRateInsight | ApiErrorRateInsight
	AttrInsightState           = "aws.cloudtrail.insight.state"            // Start | End
	AttrInsightSharedEventID   = "aws.cloudtrail.insight.shared_event_id"  // joins the Start and End events
	AttrInsightErrorCode       = "aws.cloudtrail.insight.error_code"       // the error an ApiErrorRateInsight is about
	AttrInsightAverage         = "aws.cloudtrail.insight.average"          // calls or errors per minute during the insight
	AttrInsightBaselineAverage = "aws.cloudtrail.insight.baseline_average" // calls or errors per minute in the baseline
)

// putInsight maps a CloudTrail Insights event: unusual call or error rates of one API,
// reported by CloudTrail itself. It has no caller, so user and source attributes stay
// absent; the API it is about becomes rpc.service / rpc.method so it lines up with the
// calls it summarises. It is not a call and has no outcome: severity is WARN when the
// unusual activity starts and INFO when it ends.
func putInsight(ev *event.Event, f *fields) {
	d := f.insightDetails
	attrs := ev.Attrs()
	attrs.EnsureCapacity(10)
	ev.PutBytes(schema.AttrRPCService, jsonx.Bytes(d.Get("eventSource")))
	ev.PutBytes(schema.AttrRPCMethod, jsonx.Bytes(d.Get("eventName")))
	ev.PutBytes(schema.AttrEventID, jsonx.Bytes(f.eventID))
	ev.PutBytes(AttrInsightType, jsonx.Bytes(d.Get("insightType")))
	state := jsonx.Bytes(d.Get("state"))
	ev.PutBytes(AttrInsightState, state)
	ev.PutBytes(AttrInsightSharedEventID, jsonx.Bytes(f.sharedEventID))
	ev.PutBytes(AttrInsightErrorCode, jsonx.Bytes(d.Get("errorCode")))
	stats := d.Get("insightContext", "statistics")
	if avg, ok := floatOf(stats, "insight", "average"); ok {
		attrs.PutDouble(AttrInsightAverage, avg)
	}
	if avg, ok := floatOf(stats, "baseline", "average"); ok {
		attrs.PutDouble(AttrInsightBaselineAverage, avg)
	}
	if jsonx.EqualFold(state, "Start") {
		ev.Record.SetSeverityNumber(plog.SeverityNumberWarn)
		ev.Record.SetSeverityText("WARN")
	} else {
		ev.Record.SetSeverityNumber(plog.SeverityNumberInfo)
		ev.Record.SetSeverityText("INFO")
	}
}

// floatOf reads a JSON number at v's path.
func floatOf(v *fastjson.Value, path ...string) (float64, bool) {
	if v == nil {
		return 0, false
	}
	x := v.Get(path...)
	if x == nil || x.Type() != fastjson.TypeNumber {
		return 0, false
	}
	n, err := x.Float64()
	return n, err == nil
}
