package cloudtrail

import (
	"bytes"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// envelope holds the EventBridge members used as fallbacks and for Auto Scaling events.
type envelope struct {
	detailType, source, time, account, region, id []byte
	detail, resources                             *fastjson.Value
}

func (e *envelope) collect(o *fastjson.Object) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch jsonx.View(k) {
		case "detail-type":
			e.detailType = jsonx.Bytes(v)
		case "source":
			e.source = jsonx.Bytes(v)
		case "time":
			e.time = jsonx.Bytes(v)
		case "account":
			e.account = jsonx.Bytes(v)
		case "region":
			e.region = jsonx.Bytes(v)
		case "id":
			e.id = jsonx.Bytes(v)
		case "detail":
			e.detail = v
		case "resources":
			e.resources = v
		}
	})
}

// DecodeEventBridge fills ev from an EventBridge envelope ("detail-type" + "detail"):
// CloudTrail records delivered through EventBridge ("AWS API Call via CloudTrail" and
// the other "… via CloudTrail" types) and Auto Scaling instance launch/terminate
// events. Other detail types return event.ErrSkip.
func DecodeEventBridge(v *fastjson.Value, ev *event.Event) error {
	if v == nil || v.Type() != fastjson.TypeObject {
		return errNotObject
	}
	o, _ := v.Object()
	var env envelope
	env.collect(o)
	if bytes.HasSuffix(env.detailType, []byte(" via CloudTrail")) {
		if env.detail == nil || env.detail.Type() != fastjson.TypeObject {
			return errNoDetail
		}
		return decode(env.detail, ev, &env)
	}
	if jsonx.View(env.source) == "aws.autoscaling" {
		switch jsonx.View(env.detailType) {
		case "EC2 Instance Launch Successful", "EC2 Instance Launch Unsuccessful":
			return autoScalingEvent(ev, &env, "EC2InstanceLaunch")
		case "EC2 Instance Terminate Successful", "EC2 Instance Terminate Unsuccessful":
			return autoScalingEvent(ev, &env, "EC2InstanceTerminate")
		}
	}
	return event.ErrSkip
}

// autoScalingEvent maps an Auto Scaling launch/terminate event. Only a change of the
// desired capacity is a scaling action: the Cause text "… changing the desired
// capacity from 2 to 4." gives the old and new size and so the direction. Launches
// that replace unhealthy instances carry no such phrase and get no direction, so they
// never count as scaling churn.
func autoScalingEvent(ev *event.Event, env *envelope, method string) error {
	if env.detail == nil || env.detail.Type() != fastjson.TypeObject {
		return errNoDetail
	}
	if len(env.time) == 0 {
		return errNotEventTime
	}
	if t, ok := parseTime(env.time); ok {
		ev.SetTime(t)
	}
	d := env.detail
	ev.Provider = schema.ProviderAWS
	ev.AccountID = ev.Str(env.account)
	ev.Region = ev.Str(env.region)

	attrs := ev.Attrs()
	attrs.EnsureCapacity(16)
	attrs.PutStr(schema.AttrRPCService, "autoscaling.amazonaws.com")
	attrs.PutStr(schema.AttrRPCMethod, method)
	ev.PutBytes(schema.AttrEventID, env.id)
	attrs.PutStr(schema.AttrUserID, "autoscaling.amazonaws.com")
	attrs.PutStr(schema.AttrPrincipalType, schema.PrincipalService)
	attrs.PutStr(schema.AttrSourceAddress, "autoscaling.amazonaws.com")

	status := jsonx.Bytes(d.Get("StatusCode"))
	failed := bytes.HasSuffix(env.detailType, []byte("Unsuccessful"))
	switch jsonx.View(status) {
	case "Failed", "Cancelled":
		failed = true
	}
	if failed {
		code := string(status)
		if code == "" {
			code = "Failed"
		}
		ev.SetOutcome(false, code)
	} else {
		ev.SetOutcome(true, "")
	}

	if env.resources != nil && env.resources.Type() == fastjson.TypeArray {
		a, _ := env.resources.Array()
		if len(a) > 0 {
			ev.PutStr(schema.AttrResourceID, strOf(ev, a[0]))
		}
	}

	group := strFieldOf(ev, d, "AutoScalingGroupName")
	ev.PutStr(schema.AttrScalingGroupName, group)
	attrs.PutStr(schema.AttrScalingGroupKind, schema.ScalingKindVM)
	cause := jsonx.Bytes(d.Get("Cause"))
	if oldSize, newSize, ok := desiredChange(cause); ok {
		putSizes(ev, oldSize, newSize, true)
		if maxSize, ok := numberAfter(cause, []byte("max: ")); ok {
			attrs.PutInt(schema.AttrScalingMaxSize, maxSize)
			attrs.PutBool(schema.AttrScalingAtMax, newSize >= maxSize)
		}
	}
	return nil
}

// desiredChange finds "desired capacity from X to Y" in an Auto Scaling Cause.
func desiredChange(cause []byte) (oldSize, newSize int64, ok bool) {
	i := bytes.Index(cause, []byte("desired capacity from "))
	if i < 0 {
		return 0, 0, false
	}
	rest := cause[i+len("desired capacity from "):]
	oldSize, n, ok1 := leadingInt(rest)
	if !ok1 {
		return 0, 0, false
	}
	rest = rest[n:]
	if !bytes.HasPrefix(rest, []byte(" to ")) {
		return 0, 0, false
	}
	newSize, _, ok2 := leadingInt(rest[len(" to "):])
	if !ok2 {
		return 0, 0, false
	}
	return oldSize, newSize, true
}

// numberAfter returns the integer that follows the first occurrence of marker.
func numberAfter(text, marker []byte) (int64, bool) {
	i := bytes.Index(text, marker)
	if i < 0 {
		return 0, false
	}
	n, _, ok := leadingInt(text[i+len(marker):])
	return n, ok
}

// leadingInt reads the decimal digits at the start of b.
func leadingInt(b []byte) (n int64, used int, ok bool) {
	for used < len(b) && used < 12 && b[used] >= '0' && b[used] <= '9' {
		n = n*10 + int64(b[used]-'0')
		used++
	}
	return n, used, used > 0
}

// putSizes writes old/new size and, when both are known, the direction.
func putSizes(ev *event.Event, oldSize, newSize int64, hasOld bool) {
	attrs := ev.Attrs()
	if hasOld {
		attrs.PutInt(schema.AttrScalingOldSize, oldSize)
		switch {
		case newSize > oldSize:
			attrs.PutStr(schema.AttrScalingDirection, schema.ScalingOut)
		case newSize < oldSize:
			attrs.PutStr(schema.AttrScalingDirection, schema.ScalingIn)
		}
	}
	attrs.PutInt(schema.AttrScalingNewSize, newSize)
}

// scalingCall handles the Auto Scaling API calls that set capacity
// (SetDesiredCapacity, UpdateAutoScalingGroup, CreateAutoScalingGroup). CloudTrail
// records the requested sizes but not the previous one, so the direction stays
// unknown; at_max is set when the requested desired size equals the requested max.
func scalingCall(ev *event.Event, f *fields) string {
	rp := f.requestParameters
	group := strFieldOf(ev, rp, "autoScalingGroupName")
	if group == "" {
		return ""
	}
	attrs := ev.Attrs()
	attrs.PutStr(schema.AttrScalingGroupName, group)
	attrs.PutStr(schema.AttrScalingGroupKind, schema.ScalingKindVM)
	desired, hasDesired := intField(rp, "desiredCapacity")
	maxSize, hasMax := intField(rp, "maxSize")
	if hasDesired {
		putSizes(ev, 0, desired, false)
	}
	if hasMax {
		attrs.PutInt(schema.AttrScalingMaxSize, maxSize)
	}
	if hasDesired && hasMax {
		attrs.PutBool(schema.AttrScalingAtMax, desired >= maxSize)
	}
	return group
}
