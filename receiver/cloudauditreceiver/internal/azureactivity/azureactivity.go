// Package azureactivity decodes one Azure Activity Log record into the normalised
// schema. It reads both shapes Azure produces: the diagnostic-settings export that
// Event Hubs and storage accounts receive inside {"records":[...]} (time, resultType,
// identity{authorization, claims}, properties.requestbody as JSON text) and the
// REST / event schema (eventTimestamp, operationName{value}, status{value}, caller,
// claims, httpRequest). Keys are matched in any casing, because exports differ.
// Envelopes (gzip, records[], NDJSON) are unwrapped by the caller.
package azureactivity

import (
	"errors"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Operation stages written to cloud.audit.operation.stage. Azure logs a change as
// Start, (Accept,) Success/Failure records sharing one correlationId.
const (
	StageFirst    = "first"
	StageAccepted = "accepted"
	StageLast     = "last"
)

var (
	errNotObject   = errors.New("azure activity: record is not a JSON object")
	errNotActivity = errors.New("azure activity: record has no operationName, eventDataId or time+resourceId")
)

// Matches reports whether v is a bare Activity Log record: a string operationName
// beside time, resourceId or category (diagnostic export), or an
// operationName{value} / eventDataId beside eventTimestamp (REST schema). No other
// supported format has an operationName member. Only the casings Azure's tools
// write are tried here: camelCase (REST, az CLI, exports) and PascalCase
// (Get-AzLog | ConvertTo-Json); Decode itself accepts any casing.
func Matches(v *fastjson.Value) bool {
	if v == nil || v.Type() != fastjson.TypeObject {
		return false
	}
	if isLogAnalyticsRow(v) {
		return true
	}
	op := v.Get("operationName")
	if op == nil {
		op = v.Get("OperationName")
	}
	if op != nil {
		switch op.Type() {
		case fastjson.TypeString:
			return v.Get("time") != nil || v.Get("resourceId") != nil || v.Get("category") != nil ||
				v.Get("Time") != nil || v.Get("ResourceId") != nil || v.Get("Category") != nil
		case fastjson.TypeObject:
			return v.Get("eventTimestamp") != nil || v.Get("eventDataId") != nil || v.Get("subscriptionId") != nil ||
				v.Get("EventTimestamp") != nil || v.Get("EventDataId") != nil || v.Get("SubscriptionId") != nil
		}
		return false
	}
	return v.Get("eventDataId") != nil && v.Get("eventTimestamp") != nil ||
		v.Get("EventDataId") != nil && v.Get("EventTimestamp") != nil
}

// isLogAnalyticsRow: a row of the AzureActivity table (Log Analytics Data Export).
func isLogAnalyticsRow(v *fastjson.Value) bool {
	return v.Get("OperationNameValue") != nil && v.Get("TimeGenerated") != nil
}

// Decode fills ev from one Activity Log record.
func Decode(v *fastjson.Value, ev *event.Event) error {
	if v == nil || v.Type() != fastjson.TypeObject {
		return errNotObject
	}
	o, _ := v.Object()
	var r record
	r.scan(o)

	op := valueStr(r.operationName)
	resourceID := jsonx.Bytes(r.resourceID)
	if len(resourceID) == 0 {
		resourceID = jsonx.Bytes(r.resourceURI)
	}
	if len(op) == 0 && r.eventDataID == nil && (r.time == nil || len(resourceID) == 0) {
		return errNotActivity
	}

	// One growth of the attribute map instead of several.
	ev.Attrs().EnsureCapacity(20)
	ev.Provider = schema.ProviderAzure
	ev.AccountID = subscriptionOf(&r, resourceID)
	ev.Region = regionOf(jsonx.Bytes(r.location))

	ts := jsonx.Bytes(r.time)
	if len(ts) == 0 {
		ts = jsonx.Bytes(r.eventTimestamp)
	}
	if t, ok := parseTime(ts); ok {
		ev.SetTime(t)
	}

	attrs := ev.Attrs()
	if svc := providerOf(&r, op); svc != "" {
		attrs.PutStr(schema.AttrRPCService, svc)
	}
	if len(op) > 0 {
		attrs.PutStr(schema.AttrRPCMethod, ev.Str(op))
	}
	if len(resourceID) > 0 {
		attrs.PutStr(schema.AttrResourceID, ev.Str(resourceID))
	}

	var p props
	p.scanProperties(&r)

	status := valueStr(r.resultType)
	if len(status) == 0 {
		status = valueStr(r.status)
	}
	putEventID(ev, &r, &p, status, ts)
	putOutcome(ev, &r, &p, status)
	if corr := jsonx.Bytes(r.correlationID); len(corr) > 0 {
		attrs.PutStr(schema.AttrOperationID, ev.Str(corr))
		if st := stageOf(status); st != "" {
			attrs.PutStr(schema.AttrOperationStage, st)
		}
	}
	putIdentity(ev, &r)
	if ua := jsonx.Bytes(p.userAgent); len(ua) > 0 {
		attrs.PutStr(schema.AttrUserAgent, ev.Str(ua))
	}

	switch kind := classify(op); kind {
	case opOther:
	case opScaleUp, opScaleDown:
		putScaling(ev, kind, &r, &p)
	default:
		putRuleChange(ev, kind, &r, &p, resourceID)
	}
	return nil
}

// putEventID: eventDataId in the REST schema. The diagnostic export has none, so
// properties.eventDataId, then the record's id, and finally an id made of
// correlationId, resultType and time. correlationId alone is not unique: a
// deployment shares one correlationId across every resource it touches.
func putEventID(ev *event.Event, r *record, p *props, status, ts []byte) {
	id := jsonx.Bytes(r.eventDataID)
	if len(id) == 0 {
		id = jsonx.Bytes(p.eventDataID)
	}
	if len(id) == 0 {
		id = jsonx.Bytes(r.id)
	}
	if len(id) > 0 {
		ev.Attrs().PutStr(schema.AttrEventID, ev.Str(id))
		return
	}
	corr := jsonx.Bytes(r.correlationID)
	if len(corr) == 0 {
		return
	}
	b := make([]byte, 0, len(corr)+len(status)+len(ts)+2)
	b = append(b, corr...)
	b = append(b, '/')
	b = append(b, status...)
	b = append(b, '/')
	b = append(b, ts...)
	ev.Attrs().PutStr(schema.AttrEventID, jsonx.View(b))
}

// putOutcome maps resultType / status.value. Only Failure/Failed/Canceled are
// failures; Start, Accept, Success and the health statuses (Active, Resolved…) are
// not. Records without any status (some resource logs) fall back to an HTTP
// statusCode, else get no outcome.
func putOutcome(ev *event.Event, r *record, p *props, status []byte) {
	if len(status) == 0 {
		if code, ok := jsonx.Int(r.statusCode); ok {
			if code >= 400 {
				ev.SetOutcome(false, itoa(code))
			} else {
				ev.SetOutcome(true, "")
			}
		}
		return
	}
	switch {
	case jsonx.EqualFold(status, "failure"), jsonx.EqualFold(status, "failed"), jsonx.EqualFold(status, "canceled"), jsonx.EqualFold(status, "cancelled"):
		var buf [24]byte
		code := jsonx.Bytes(r.resultSignature)
		if len(code) == 0 {
			code = valueStr(r.subStatus)
		}
		if len(code) == 0 {
			code = scalarStr(p.statusCode, buf[:])
		}
		if len(code) == 0 {
			code = scalarStr(r.statusCode, buf[:])
		}
		ev.SetOutcome(false, ev.Str(code))
	default:
		ev.SetOutcome(true, "")
	}
}

func stageOf(status []byte) string {
	switch {
	case jsonx.EqualFold(status, "start"), jsonx.EqualFold(status, "started"):
		return StageFirst
	case jsonx.EqualFold(status, "accept"), jsonx.EqualFold(status, "accepted"):
		return StageAccepted
	case jsonx.EqualFold(status, "success"), jsonx.EqualFold(status, "succeeded"), jsonx.EqualFold(status, "failure"), jsonx.EqualFold(status, "failed"),
		jsonx.EqualFold(status, "canceled"), jsonx.EqualFold(status, "cancelled"):
		return StageLast
	}
	return ""
}

// subscriptionOf: subscriptionId (REST), else the /subscriptions/<id>/ segment of
// the resource id, the authorization scope or the event id. Lowercased, since
// resource ids are often upper case in exports.
func subscriptionOf(r *record, resourceID []byte) string {
	if b := jsonx.Bytes(r.subscriptionID); len(b) > 0 {
		return lowerString(b)
	}
	for _, src := range [...][]byte{
		resourceID,
		jsonx.Bytes(jsonx.GetFold(jsonx.GetFold(r.identity, "authorization"), "scope")),
		jsonx.Bytes(jsonx.GetFold(r.authorization, "scope")),
		jsonx.Bytes(r.id),
	} {
		if b := segmentAfter(src, "/subscriptions/"); len(b) > 0 {
			return lowerString(b)
		}
	}
	return ""
}

// regionOf normalises "West Europe" / "westeurope" to "westeurope". "global" is not
// a region and is dropped.
func regionOf(b []byte) string {
	if len(b) == 0 || jsonx.EqualFold(b, "global") {
		return ""
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c == ' ' || c == '\t':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		out = append(out, c)
	}
	return jsonx.View(out)
}

// providerOf is the resource provider: resourceProviderName.value (REST) or the
// namespace that starts operationName. Well-known namespaces are written in their
// canonical casing so "MICROSOFT.NETWORK" and "Microsoft.Network" are one service.
func providerOf(r *record, op []byte) string {
	ns := valueStr(r.resourceProviderName)
	fromOp := len(ns) == 0
	if fromOp {
		ns = op
	}
	slash := false
	for i, c := range ns {
		if c == '/' {
			ns, slash = ns[:i], true
			break
		}
	}
	if len(ns) == 0 || fromOp && !slash {
		// An operationName without a namespace ("GetBlob") names no provider.
		return ""
	}
	for _, known := range knownProviders {
		if jsonx.EqualFold(ns, known) {
			return known
		}
	}
	return string(ns)
}

var knownProviders = [...]string{
	"Microsoft.Network", "Microsoft.Compute", "Microsoft.Storage", "Microsoft.Insights",
	"Microsoft.Web", "Microsoft.Authorization", "Microsoft.KeyVault", "Microsoft.Resources",
	"Microsoft.Sql", "Microsoft.ContainerService", "Microsoft.Automation",
	"Microsoft.OperationalInsights", "Microsoft.Security", "Microsoft.Kubernetes",
	"Microsoft.ManagedIdentity", "Microsoft.EventHub", "Microsoft.Logic", "Microsoft.App",
	"Microsoft.ClassicCompute", "Microsoft.Advisor", "Microsoft.ResourceHealth",
	"Microsoft.ServiceHealth", "Microsoft.PolicyInsights", "Microsoft.Support",
	"Microsoft.DocumentDB", "Microsoft.ContainerRegistry", "Microsoft.ContainerInstance",
	"Microsoft.Cdn", "Microsoft.RecoveryServices", "Microsoft.Features", "Microsoft.Solutions",
	"Microsoft.DBforPostgreSQL", "Microsoft.DBforMySQL", "Microsoft.Cache", "Microsoft.ServiceBus",
	"Microsoft.ApiManagement", "Microsoft.DataFactory", "Microsoft.Databricks",
	"Microsoft.MachineLearningServices", "Microsoft.CognitiveServices", "Microsoft.Batch",
}
