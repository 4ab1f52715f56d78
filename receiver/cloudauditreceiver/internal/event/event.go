// Package event is the contract between the per-cloud decoders and the decode pipeline:
// a decoder reads one cloud event (a fastjson value) and fills an Event; the pipeline
// places the record under the right resource, sets the body and the observed time.
package event

import (
	"errors"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/pdataslab"
)

// ErrSkip is returned by a decoder for input that is recognised but is not an audit
// event to emit (a CloudTrail digest, a CONTROL_MESSAGE). It is not counted as bad input.
var ErrSkip = errors.New("not an audit event")

// Event is one normalised audit event under construction.
type Event struct {
	// Resource identity; records with equal identity share one ResourceLogs.
	Provider     string // schema.ProviderAWS / GCP / Azure; "" for Kubernetes events
	AccountID    string
	Region       string
	K8sCluster   string
	K8sNamespace string

	// Record is a scratch record owned by the pipeline. Decoders set Timestamp,
	// severity and attributes; they leave Body, ObservedTimestamp and EventName alone.
	Record plog.LogRecord

	// Values allocates attribute values in batches (see pdataslab); the pipeline shares
	// its own so one Release covers body and attributes.
	Values *pdataslab.Slab

	// Text, when set by the pipeline, makes strings from bytes of the event being
	// decoded without a copy each (a substring of one copy of the event text that the
	// body shares, or a cached repeated value). Decoders reach it through Str.
	Text Strings
}

// Strings turns bytes of the current event (as fastjson returned them) into strings.
// The result may share memory with the event's body, so it must be treated as
// immutable, like every Go string.
type Strings interface {
	String(b []byte) string
}

// New returns an Event with an empty scratch record.
func New() *Event {
	return &Event{Record: plog.NewLogRecord(), Values: pdataslab.New()}
}

// Reset clears the identity; the record is replaced by the pipeline after each move.
func (e *Event) Reset() {
	e.Provider, e.AccountID, e.Region, e.K8sCluster, e.K8sNamespace = "", "", "", "", ""
}

// Attrs is the record's attribute map.
func (e *Event) Attrs() Attributes { return Attributes{e.Record.Attributes(), e.Values} }

// Attributes is the record's attribute map whose Put methods take their values from
// the event's slab: the same results as pcommon.Map's, at a fraction of the
// allocations. Everything else (Get, Len, AsRaw, ...) is the map's own.
type Attributes struct {
	pcommon.Map
	values *pdataslab.Slab
}

// EnsureCapacity makes room for capacity entries in all, like pcommon.Map's.
func (a Attributes) EnsureCapacity(capacity int) { a.values.EnsureCapacity(a.Map, capacity) }

// PutStr inserts or replaces a string, like pcommon.Map.PutStr (even an empty one).
func (a Attributes) PutStr(k, v string) { a.values.PutStr(a.Map, k, v) }

// PutInt inserts or replaces an integer.
func (a Attributes) PutInt(k string, v int64) { a.values.PutInt(a.Map, k, v) }

// PutDouble inserts or replaces a float.
func (a Attributes) PutDouble(k string, v float64) { a.values.PutDouble(a.Map, k, v) }

// PutBool inserts or replaces a bool.
func (a Attributes) PutBool(k string, v bool) { a.values.PutBool(a.Map, k, v) }

// Str returns b as a string: through Text when the pipeline set it, else a copy.
// Use it for values taken from the event, so an attribute and the same value in the
// body share one string.
func (e *Event) Str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if e.Text != nil {
		return e.Text.String(b)
	}
	return string(b)
}

// PutBytes sets a string attribute from bytes of the event (see Str), skipping empty
// values like PutStr.
func (e *Event) PutBytes(key string, b []byte) {
	if len(b) > 0 {
		e.Attrs().PutStr(key, e.Str(b))
	}
}

// PutStr sets a string attribute, skipping empty values so absent fields stay absent.
func (e *Event) PutStr(key, val string) {
	if val != "" {
		e.Attrs().PutStr(key, val)
	}
}

// SetTime sets the record's timestamp from the event's own time.
func (e *Event) SetTime(t time.Time) {
	if !t.IsZero() {
		e.Record.SetTimestamp(pcommon.NewTimestampFromTime(t))
	}
}

// SetOutcome records success or failure, the error code on failure, and the severity
// that follows from it (INFO on success, WARN on failure).
func (e *Event) SetOutcome(success bool, errorType string) {
	attrs := e.Attrs()
	if success {
		attrs.PutStr(schema.AttrOutcome, schema.OutcomeSuccess)
		e.Record.SetSeverityNumber(plog.SeverityNumberInfo)
		e.Record.SetSeverityText("INFO")
		return
	}
	attrs.PutStr(schema.AttrOutcome, schema.OutcomeFailure)
	if errorType != "" {
		attrs.PutStr(schema.AttrErrorType, errorType)
	}
	e.Record.SetSeverityNumber(plog.SeverityNumberWarn)
	e.Record.SetSeverityText("WARN")
}
