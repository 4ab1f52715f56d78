package decode

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/azureactivity"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/cloudtrail"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/envelope"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/gcpaudit"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/k8sevent"
)

// ReasonInvalidEvent is the reason for events a cloud decoder refused.
const ReasonInvalidEvent = "invalid_event"

func decoderFor(k envelope.Kind) func(*fastjson.Value, *event.Event) error {
	switch k {
	case envelope.CloudTrail:
		return cloudtrail.Decode
	case envelope.EventBridge:
		return cloudtrail.DecodeEventBridge
	case envelope.GCPAudit:
		return gcpaudit.Decode
	case envelope.AzureActivity:
		return azureactivity.Decode
	case envelope.K8sEvent:
		return k8sevent.Decode
	}
	return nil
}

// Event decodes one event completely (attributes, body) before the reader parses the
// next one, then moves the finished record under its resource.
func (d *Decoder) Event(kind envelope.Kind, v *fastjson.Value, raw []byte, pos envelope.Pos) {
	ev := d.ev
	defer func() {
		// Last line of defence: a decoder bug costs one record, not the object.
		if e := recover(); e != nil {
			ev.Record = plog.NewLogRecord()
			d.Reject(pos, envelope.ReasonPanic, fmt.Errorf("panic decoding %s event: %v\n%s", kind, e, debug.Stack()))
		}
	}()
	ev.Reset()
	// Attribute strings and the body share one copy of the event text (or the
	// interner when the body keeps no text).
	d.body.start(raw, v, d.cfg.Body != BodyNone)
	defer d.body.end()
	ev.Text = &d.body
	decodeFn := d.decoders[kind]
	if decodeFn == nil {
		d.Reject(pos, envelope.ReasonUnknown, errors.New("no decoder"))
		return
	}
	if err := decodeFn(v, ev); err != nil {
		// The scratch record may be half filled; start the next event clean.
		ev.Record = plog.NewLogRecord()
		if errors.Is(err, event.ErrSkip) {
			d.Skip(pos, kind.String()+"_not_audit_event")
			return
		}
		d.Reject(pos, ReasonInvalidEvent, err)
		return
	}
	rec := ev.Record
	rec.SetEventName(schema.EventName)
	rec.SetObservedTimestamp(pcommon.Timestamp(d.observed))
	switch d.cfg.Body {
	case BodyMap:
		d.putBody(rec.Body(), v)
	case BodyString:
		rec.Body().SetStr(d.body.text)
	}
	rec.MoveTo(d.records(ev).AppendEmpty())
	d.res.Emitted++
}

// Skip counts recognised non-events.
func (d *Decoder) Skip(pos envelope.Pos, what string) {
	d.res.Skipped++
	if d.onSkip != nil {
		d.onSkip(BadRecord{Origin: d.origin, Position: pos.String(), Reason: what})
	}
}

// Reject counts a bad record and reports it.
func (d *Decoder) Reject(pos envelope.Pos, reason string, err error) {
	d.res.Rejected++
	if d.onBad != nil {
		d.onBad(BadRecord{Origin: d.origin, Position: pos.String(), Reason: reason, Err: err})
	}
}
