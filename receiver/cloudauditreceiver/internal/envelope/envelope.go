// Package envelope undoes compression and delivery wrapping. Given the bytes of one
// delivered object (a file, an S3 object, a Pub/Sub or Kafka message, an HTTP body) it
// yields each audit event inside as a parsed value together with the format it belongs
// to, and reports what it skipped or rejected with the event's position.
//
// It recognises, per object and again per element: gzip (also concatenated members),
// base64, CloudTrail S3 delivery {"Records":[...]} and digest files, JSON arrays, NDJSON
// and back-to-back JSON values, CloudWatch Logs subscription envelopes, EventBridge
// envelopes, Pub/Sub push, pull and bare messages, Firehose HTTP-endpoint records,
// Azure {"records":[...]} and {"value":[...]}, GCP {"entries":[...]}, and Kubernetes
// lists. See docs/formats/envelopes.md.
package envelope

import (
	"github.com/valyala/fastjson"
)

// Kind says which decoder an event goes to.
type Kind uint8

const (
	Unknown       Kind = iota
	CloudTrail         // cloudtrail.Decode
	EventBridge        // cloudtrail.DecodeEventBridge
	GCPAudit           // gcpaudit.Decode
	AzureActivity      // azureactivity.Decode
	K8sEvent           // k8sevent.Decode
)

var kindNames = [...]string{"unknown", "cloudtrail", "eventbridge", "gcp_audit", "azure_activity", "k8s_event"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Reasons for rejected records; short and stable because they label telemetry.
const (
	ReasonMalformed    = "malformed_json"
	ReasonTooLarge     = "too_large"
	ReasonTooDeep      = "too_deep"
	ReasonUnknown      = "unknown_format"
	ReasonInvalidField = "invalid_field"
	ReasonDecompress   = "decompress"
	ReasonPanic        = "internal_error"
)

// What was skipped: recognised input that carries no audit event.
const (
	SkipDigest  = "cloudtrail_digest"
	SkipControl = "cloudwatch_control_message"
)

// Limits bound what one object may cost; see decode.Limits. All must be positive.
type Limits struct {
	MaxObjectBytes       int64
	MaxDecompressedBytes int64
	MaxRecordBytes       int64
	MaxDepth             int
}

// Sink receives what a Reader finds, in input order.
type Sink interface {
	// Event gets one event. v and raw (the event's JSON text, valid UTF-8) are valid only
	// during the call: the next event reuses the parser.
	Event(kind Kind, v *fastjson.Value, raw []byte, pos Pos)
	// Skip gets recognised non-events (digest files, CONTROL_MESSAGE).
	Skip(pos Pos, what string)
	// Reject gets each bad record with a Reason* constant.
	Reject(pos Pos, reason string, err error)
}
