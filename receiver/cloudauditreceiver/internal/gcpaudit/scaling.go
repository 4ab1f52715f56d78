package gcpaudit

import (
	"bytes"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// autoscalerResize decodes the system_event entry "compute.autoscalers.resize" that
// Compute Engine writes when the autoscaler's recommended size for a MIG changes.
// Its metadata (@type autoscaler.AutoscalerSizeChangeExplanation) carries oldSize,
// newSize, autoscalingMode and autoscalingReason.scalingLimit; the same fields are
// also read from request for exports that place them there.
func autoscalerResize(ev *event.Event, pp *fastjson.Value, resourceName []byte, labels *fastjson.Value) {
	md := pp.Get("metadata")
	req := pp.Get("request")
	newSize, okNew := jsonx.Int(md.Get("newSize"))
	if !okNew {
		newSize, okNew = jsonx.Int(req.Get("newSize"))
	}
	oldSize, okOld := jsonx.Int(md.Get("oldSize"))
	if !okOld {
		oldSize, okOld = jsonx.Int(req.Get("oldSize"))
	}
	if !okNew {
		return
	}
	// In mode OFF the recommendation is not applied; in ONLY_SCALE_OUT a lower
	// recommendation is not applied. Neither is a scaling action.
	switch jsonx.View(md.GetStringBytes("autoscalingMode")) {
	case "OFF":
		return
	case "ONLY_SCALE_OUT", "ONLY_UP":
		if okOld && newSize < oldSize {
			return
		}
	}
	putScaling(ev, groupName(labels, resourceName), oldSize, okOld, newSize)

	reason := md.Get("autoscalingReason")
	if reason == nil {
		return
	}
	limit := reason.Get("scalingLimit")
	name := limit.GetStringBytes("name")
	if bytes.HasPrefix(name, []byte("MAX")) {
		ev.Attrs().PutBool(schema.AttrScalingAtMax, true)
		max, ok := jsonx.Int(limit.Get("limitPolicy", "maxNumReplicas"))
		if !ok {
			max, ok = jsonx.Int(limit.Get("limitSize"))
		}
		if ok {
			ev.Attrs().PutInt(schema.AttrScalingMaxSize, max)
		}
		return
	}
	// The explanation lists the limit that applied; none, or a different one, means
	// the group was not held at its maximum.
	ev.Attrs().PutBool(schema.AttrScalingAtMax, false)
}

// groupResize decodes a manual or automation-driven instanceGroupManagers.resize.
// The target size is the request's "size" (resizeAdvanced: "targetSize"); the old
// size is not logged, so the direction stays unknown.
func groupResize(ev *event.Event, pp *fastjson.Value, resourceName []byte, labels *fastjson.Value) {
	req := pp.Get("request")
	size, ok := jsonx.Int(req.Get("size"))
	if !ok {
		size, ok = jsonx.Int(req.Get("targetSize"))
	}
	if !ok {
		size, ok = jsonx.Int(req.Get("newSize"))
	}
	if !ok {
		return
	}
	name := labels.GetStringBytes("instance_group_manager_name")
	if len(name) == 0 {
		name = lastSegment(resourceName)
	}
	putScaling(ev, name, 0, false, size)
}

// groupName prefers the MIG (the group that changes size) over the autoscaler.
func groupName(labels *fastjson.Value, resourceName []byte) []byte {
	if n := labels.GetStringBytes("instance_group_manager_name"); len(n) > 0 {
		return n
	}
	if n := labels.GetStringBytes("autoscaler_name"); len(n) > 0 {
		return n
	}
	return lastSegment(resourceName)
}

func putScaling(ev *event.Event, name []byte, oldSize int64, hasOld bool, newSize int64) {
	attrs := ev.Attrs()
	ev.PutBytes(schema.AttrScalingGroupName, name)
	attrs.PutStr(schema.AttrScalingGroupKind, schema.ScalingKindVM)
	attrs.PutInt(schema.AttrScalingNewSize, newSize)
	if !hasOld {
		return
	}
	attrs.PutInt(schema.AttrScalingOldSize, oldSize)
	switch {
	case newSize > oldSize:
		attrs.PutStr(schema.AttrScalingDirection, schema.ScalingOut)
	case newSize < oldSize:
		attrs.PutStr(schema.AttrScalingDirection, schema.ScalingIn)
	}
}
