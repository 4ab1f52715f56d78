package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Autoscale events (category Autoscale, operation
// Microsoft.Insights/AutoscaleSettings/Scaleup|Scaledown/Action) carry, per
// Microsoft's Activity Log schema: properties.Description, ResourceName (the id of
// the scaled resource), OldInstancesCount, NewInstancesCount (numbers or numeric
// strings), LastScaleActionTime and often ActiveAutoscaleProfile (object or JSON
// text) with Capacity{Minimum, Maximum, Default}. In the diagnostic-settings export
// the same members may sit in properties.eventProperties, itself an object or JSON
// text. "Scale up/down" in Azure's naming is scale out/in.

func putScaling(ev *event.Event, kind opKind, r *record, p *props) {
	attrs := ev.Attrs()
	done := false
	read := func(src *fastjson.Value) {
		if done || src == nil || src.Type() != fastjson.TypeObject {
			return
		}
		oldV, newV := jsonx.GetFold(src, "OldInstancesCount"), jsonx.GetFold(src, "NewInstancesCount")
		target := jsonx.Bytes(jsonx.GetFold(src, "ResourceName"))
		if len(target) == 0 {
			target = jsonx.Bytes(jsonx.GetFold(src, "targetResourceUri"))
		}
		if len(target) == 0 {
			target = jsonx.Bytes(jsonx.GetFold(src, "targetResourceId"))
		}
		if oldV == nil && newV == nil && len(target) == 0 {
			return
		}
		done = true
		if len(target) == 0 {
			target = jsonx.Bytes(r.resourceID)
		}
		if name := lastSegment(target); len(name) > 0 {
			attrs.PutStr(schema.AttrScalingGroupName, ev.Str(name))
		}
		if k := scalingKind(target); k != "" {
			attrs.PutStr(schema.AttrScalingGroupKind, k)
		}
		oldN, hasOld := jsonx.Int(oldV)
		newN, hasNew := jsonx.Int(newV)
		dir := schema.ScalingOut
		if kind == opScaleDown {
			dir = schema.ScalingIn
		}
		if hasOld && hasNew && oldN != newN {
			dir = schema.ScalingOut
			if newN < oldN {
				dir = schema.ScalingIn
			}
		}
		attrs.PutStr(schema.AttrScalingDirection, dir)
		if hasOld {
			attrs.PutInt(schema.AttrScalingOldSize, oldN)
		}
		if hasNew {
			attrs.PutInt(schema.AttrScalingNewSize, newN)
		}
		withObject(jsonx.GetFold(src, "ActiveAutoscaleProfile"), func(profile *fastjson.Value) {
			if max, ok := jsonx.Int(jsonx.GetFold(jsonx.GetFold(profile, "Capacity"), "Maximum")); ok {
				attrs.PutInt(schema.AttrScalingMaxSize, max)
				if hasNew {
					attrs.PutBool(schema.AttrScalingAtMax, newN >= max)
				}
			}
		})
	}
	read(r.properties)
	if !done {
		withObject(p.eventProperties, read)
	}
	if !done {
		// No details: still a scaling action of the autoscale setting's target.
		dir := schema.ScalingOut
		if kind == opScaleDown {
			dir = schema.ScalingIn
		}
		attrs.PutStr(schema.AttrScalingDirection, dir)
	}
}

// scalingKind maps the scaled resource's type to autoscaler.group.kind.
func scalingKind(id []byte) string {
	switch {
	case jsonx.IndexFold(id, "/microsoft.compute/virtualmachinescalesets/") >= 0,
		jsonx.IndexFold(id, "/microsoft.compute/cloudservices/") >= 0,
		jsonx.IndexFold(id, "/microsoft.classiccompute/") >= 0,
		jsonx.IndexFold(id, "/microsoft.servicefabric/") >= 0:
		return schema.ScalingKindVM
	case jsonx.IndexFold(id, "/microsoft.web/serverfarms/") >= 0,
		jsonx.IndexFold(id, "/microsoft.web/sites/") >= 0,
		jsonx.IndexFold(id, "/microsoft.apimanagement/") >= 0,
		jsonx.IndexFold(id, "/microsoft.appplatform/") >= 0:
		return schema.ScalingKindApp
	case jsonx.IndexFold(id, "/microsoft.app/containerapps/") >= 0,
		jsonx.IndexFold(id, "/microsoft.containerinstance/") >= 0,
		jsonx.IndexFold(id, "/microsoft.containerservice/") >= 0:
		return schema.ScalingKindContainer
	}
	return ""
}
