package saturation

import (
	"fmt"
	"math"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

// atMax reads whether a scaling record left its group at the maximum size:
// cloud.scaling.at_max when the receiver set it, else new_size >= max_size.
func atMax(attrs pcommon.Map) (pinned bool, newSize, maxSize int64, known bool) {
	ns, hasNew := intAttr(attrs, schema.AttrScalingNewSize)
	ms, hasMax := intAttr(attrs, schema.AttrScalingMaxSize)
	if v, ok := attrs.Get(schema.AttrScalingAtMax); ok && v.Type() == pcommon.ValueTypeBool {
		return v.Bool(), ns, ms, hasNew && hasMax
	}
	if hasNew && hasMax && ms > 0 {
		return ns >= ms, ns, ms, true
	}
	return false, ns, ms, hasNew && hasMax
}

func intAttr(attrs pcommon.Map, k string) (int64, bool) {
	v, ok := attrs.Get(k)
	if !ok {
		return 0, false
	}
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return v.Int(), true
	case pcommon.ValueTypeDouble:
		return int64(v.Double()), true
	}
	return 0, false
}

// DetectLog implements detection.LogDetector: scaling records that leave a group
// at its maximum size. Records without autoscaler.group.name are ignored.
func (d *Detector) DetectLog(_ pcommon.Resource, rec plog.LogRecord, out *detection.Findings) {
	attrs := rec.Attributes()
	gv, ok := attrs.Get(schema.AttrScalingGroupName)
	if !ok || gv.Str() == "" {
		return
	}
	name := gv.Str()
	pinned, newSize, maxSize, sizes := atMax(attrs)
	key := keyed.HashString(keyed.Seed, name)
	ts := rec.Timestamp()
	if ts == 0 {
		ts = rec.ObservedTimestamp()
	}
	t := int64(ts)
	if !pinned {
		// Any action that leaves the group below its maximum ends the episode.
		if g, ok := d.groups.Peek(key); ok && t >= g.last {
			g.pins, g.first = 0, 0
		}
		return
	}
	g, _ := d.groups.GetOrCreate(key)
	if g.pins == 0 || t-g.last > d.pinWindow || t < g.first {
		g.first, g.pins = t, 0
	}
	g.pins++
	if t > g.last {
		g.last = t
	}
	held := time.Duration(g.last - g.first)
	// One pin is notable (35, low); each further pin in the episode adds 6 and an
	// episode held for a whole PinWindow adds up to 12 — capped at medium.
	score := 35 + 6*float64(g.pins-1) + 12*math.Min(float64(held)/float64(d.pinWindow), 1)
	if !d.due(g.lastHit, t) {
		return
	}
	g.lastHit = t
	reason := fmt.Sprintf("scaling group %s pinned at its maximum", name)
	if sizes {
		reason += fmt.Sprintf(" (size %d of max %d)", newSize, maxSize)
	}
	if g.pins > 1 {
		reason += fmt.Sprintf("; %d scaling actions at max over %s", g.pins, held.Round(time.Second))
	}
	d.finish(out, detection.Finding{
		Rule:    &RulePinnedAtMax,
		Score:   score,
		Subject: name,
		Time:    ts,
		Reason:  reason,
	})
}
