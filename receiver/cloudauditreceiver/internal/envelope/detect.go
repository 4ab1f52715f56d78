package envelope

import (
	"bytes"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/azureactivity"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/cloudtrail"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/gcpaudit"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/k8sevent"
)

// classify picks the decoder for a bare event. Order: a pinned format; the EventBridge
// envelope keys; the container the event came from (Records[] is CloudTrail, records[]
// Azure, ...); each cloud's own Matches; and last the documented top-level keys of each
// format, so detection does not hinge on one decoder's Matches being broad enough.
func (r *Reader) classify(v *fastjson.Value, hint Kind) Kind {
	isEB := v.Exists("detail-type") && v.Exists("detail") && v.Exists("source")
	if r.pin != Unknown {
		if isEB && r.pin == CloudTrail {
			return EventBridge
		}
		return r.pin
	}
	if isEB {
		return EventBridge
	}
	if hint != Unknown {
		return hint
	}
	// Most specific first: Azure's REST shape also has eventName and eventSource (as
	// objects), which a loose CloudTrail check would take.
	switch {
	case azureactivity.Matches(v):
		return AzureActivity
	case gcpaudit.Matches(v):
		return GCPAudit
	case k8sevent.Matches(v):
		return K8sEvent
	case cloudtrail.Matches(v):
		return CloudTrail
	}
	return byKeys(v)
}

// byKeys recognises each format by fields its documentation says every event carries.
func byKeys(v *fastjson.Value) Kind {
	if name := v.Get("eventName"); name != nil && name.Type() == fastjson.TypeString {
		// CloudTrail record contents: eventSource is a string too (Azure's REST shape
		// has both as objects).
		if src := v.Get("eventSource"); src != nil && src.Type() == fastjson.TypeString || src == nil && v.Exists("eventVersion") {
			return CloudTrail
		}
	}
	if v.Exists("protoPayload") || (v.Exists("logName") && v.Exists("insertId")) {
		return GCPAudit // LogEntry
	}
	if (v.Exists("operationName") || v.Exists("OperationName")) &&
		(v.Exists("resourceId") || v.Exists("ResourceId") || v.Exists("category") || v.Exists("Category")) {
		return AzureActivity // Azure Monitor common schema (Event Hub / storage) or REST shape
	}
	if kind := v.GetStringBytes("kind"); bytes.Equal(kind, []byte("Event")) &&
		(v.Exists("involvedObject") || v.Exists("regarding")) {
		return K8sEvent // core/v1 or events.k8s.io/v1 Event
	}
	return Unknown
}
