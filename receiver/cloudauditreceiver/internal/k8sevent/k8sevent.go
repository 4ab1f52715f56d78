// Package k8sevent decodes Kubernetes Event objects into the normalised schema. Only
// the horizontal-pod-autoscaler's SuccessfulRescale events are audit records here
// (a container scaling signal); every other Event is recognised and skipped.
//
// Accepted shapes: core/v1 Event (involvedObject, message, lastTimestamp),
// events.k8s.io/v1 Event (regarding, note, eventTime, series), a watch event
// {"type":…, "object": Event}, and a GKE Cloud Logging LogEntry whose jsonPayload is
// a core/v1 Event (logName …/logs/events, resource.type k8s_cluster).
package k8sevent

import (
	"errors"
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

const (
	reasonRescale = "SuccessfulRescale"
	hpaComponent  = "horizontal-pod-autoscaler"
	hpaKind       = "HorizontalPodAutoscaler"
	// rpcService is the HPA's API group, as eventSource is for AWS Auto Scaling.
	rpcService = "autoscaling"
)

var errNotEvent = errors.New("k8s event: not a Kubernetes Event object")

// isEvent reports whether e is an Event object of either API version.
func isEvent(e *fastjson.Value) bool {
	if !isObject(e) {
		return false
	}
	if e.Get("reason") == nil {
		return false
	}
	kind := jsonx.View(e.GetStringBytes("kind"))
	if isObject(e.Get("involvedObject")) {
		return kind == "" || kind == "Event"
	}
	if isObject(e.Get("regarding")) {
		return kind == "" || kind == "Event"
	}
	return false
}

// unwrap returns the Event inside v and, for a GKE LogEntry, the entry itself.
func unwrap(v *fastjson.Value) (e, entry *fastjson.Value) {
	if isEvent(v) {
		return v, nil
	}
	if p := v.Get("jsonPayload"); isEvent(p) {
		return p, v
	}
	if o := v.Get("object"); isEvent(o) && v.Get("type") != nil {
		return o, nil
	}
	return nil, nil
}

// Matches reports whether v is a Kubernetes Event (bare, watch-wrapped or in a GKE
// LogEntry jsonPayload).
func Matches(v *fastjson.Value) bool {
	if !isObject(v) {
		return false
	}
	e, _ := unwrap(v)
	return e != nil
}

// Decode fills ev from a SuccessfulRescale event of the horizontal-pod-autoscaler and
// skips any other Event.
func Decode(v *fastjson.Value, ev *event.Event) error {
	if !isObject(v) {
		return errNotEvent
	}
	e, entry := unwrap(v)
	if e == nil {
		return errNotEvent
	}
	if jsonx.View(e.GetStringBytes("reason")) != reasonRescale {
		return event.ErrSkip
	}
	obj := e.Get("involvedObject")
	if obj == nil {
		obj = e.Get("regarding")
	}
	if !fromHPA(e, obj) {
		return event.ErrSkip
	}
	msg := e.GetStringBytes("message")
	if len(msg) == 0 {
		msg = e.GetStringBytes("note")
	}
	size, reason, ok := parseRescale(msg)
	if !ok {
		// A rescale without a readable size is no scaling signal; keep the record
		// out rather than emit a scaling action with no size.
		return event.ErrSkip
	}

	md := e.Get("metadata")
	name := obj.GetStringBytes("name")
	ns := obj.GetStringBytes("namespace")
	if len(ns) == 0 {
		ns = md.GetStringBytes("namespace")
	}
	ev.K8sNamespace = ev.Str(ns)
	ev.K8sCluster = ev.Str(clusterName(md, entry))
	if entry != nil {
		labels := entry.Get("resource", "labels")
		ev.Provider = schema.ProviderGCP
		ev.AccountID = ev.Str(labels.GetStringBytes("project_id"))
		ev.Region = ev.Str(labels.GetStringBytes("location"))
	}

	ev.SetTime(parseTime(eventTime(e, md, entry)))
	attrs := ev.Attrs()
	attrs.PutStr(schema.AttrRPCService, rpcService)
	attrs.PutStr(schema.AttrRPCMethod, reasonRescale)
	if len(name) > 0 {
		attrs.PutStr(schema.AttrResourceID, "namespaces/"+string(ns)+"/horizontalpodautoscalers/"+string(name))
	}
	ev.PutStr(schema.AttrEventID, eventID(md.GetStringBytes("uid"), e))
	ev.SetOutcome(true, "")

	ev.PutBytes(schema.AttrScalingGroupName, name)
	attrs.PutStr(schema.AttrScalingGroupKind, schema.ScalingKindContainer)
	attrs.PutInt(schema.AttrScalingNewSize, size)
	dir, atMax := direction(reason)
	if dir != "" {
		attrs.PutStr(schema.AttrScalingDirection, dir)
	}
	if atMax {
		// Clamped to Spec.MaxReplicas: the new size is the maximum.
		attrs.PutBool(schema.AttrScalingAtMax, true)
		attrs.PutInt(schema.AttrScalingMaxSize, size)
	}
	return nil
}

// fromHPA: the event is about a HorizontalPodAutoscaler or was reported by its controller.
func fromHPA(e, obj *fastjson.Value) bool {
	if jsonx.View(obj.GetStringBytes("kind")) == hpaKind {
		return true
	}
	for _, c := range [...][]byte{
		e.GetStringBytes("source", "component"),
		e.GetStringBytes("reportingController"),
		e.GetStringBytes("reportingComponent"),
		e.GetStringBytes("deprecatedSource", "component"),
	} {
		if jsonx.View(c) == hpaComponent {
			return true
		}
	}
	return false
}

// clusterName: the GKE LogEntry's resource label, else the Event's (legacy)
// metadata.clusterName, else a cluster-name label that collectors may add.
func clusterName(md, entry *fastjson.Value) []byte {
	if entry != nil {
		if c := entry.GetStringBytes("resource", "labels", "cluster_name"); len(c) > 0 {
			return c
		}
	}
	if c := md.GetStringBytes("clusterName"); len(c) > 0 {
		return c
	}
	labels := md.Get("labels")
	for _, k := range [...]string{"k8s.cluster.name", "cluster-name", "cluster_name"} {
		if c := labels.GetStringBytes(k); len(c) > 0 {
			return c
		}
	}
	return nil
}

// eventTime picks the latest occurrence: a series' lastObservedTime, then the core/v1
// lastTimestamp (or its events.k8s.io deprecated copy), then eventTime, firstTimestamp,
// the object's creation time, and finally the LogEntry's own timestamp.
func eventTime(e, md, entry *fastjson.Value) []byte {
	for _, b := range [...][]byte{
		e.GetStringBytes("series", "lastObservedTime"),
		e.GetStringBytes("lastTimestamp"),
		e.GetStringBytes("deprecatedLastTimestamp"),
		e.GetStringBytes("eventTime"),
		e.GetStringBytes("firstTimestamp"),
		md.GetStringBytes("creationTimestamp"),
	} {
		if len(b) > 0 {
			return b
		}
	}
	if entry != nil {
		return entry.GetStringBytes("timestamp")
	}
	return nil
}

// eventID is metadata.uid. Kubernetes aggregates repeats of the same message into one
// Event and bumps its count, so later occurrences get "#<count>" to stay distinct.
func eventID(uid []byte, e *fastjson.Value) string {
	if len(uid) == 0 {
		return ""
	}
	count := e.GetInt("count")
	if count == 0 {
		count = e.GetInt("series", "count")
	}
	if count == 0 {
		count = e.GetInt("deprecatedCount")
	}
	if count <= 1 {
		return string(uid)
	}
	return string(uid) + "#" + strconv.Itoa(count)
}
