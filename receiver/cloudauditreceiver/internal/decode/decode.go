// Package decode turns one delivered object (a file, an S3 object, a Pub/Sub or Kafka
// message, an HTTP request body) into OTel log records: it unwraps compression and
// delivery envelopes (package envelope), detects the cloud format per event, calls the
// cloud's decoder, sets body and timestamps, and groups records by resource.
// Every source uses it; a Decoder is not safe for concurrent use (one per goroutine).
package decode

import (
	"errors"
	"hash/maphash"

	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/envelope"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/pdataslab"
)

// Format pins the event format of a source; FormatAuto detects it per event.
type Format string

const (
	FormatAuto          Format = "auto"
	FormatCloudTrail    Format = "cloudtrail"
	FormatGCPAudit      Format = "gcp_audit"
	FormatAzureActivity Format = "azure_activity"
	FormatK8sEvent      Format = "k8s_event"
)

// BodyMode selects what goes into the LogRecord body.
type BodyMode string

const (
	BodyMap    BodyMode = "map"    // the original event as a map
	BodyString BodyMode = "string" // the original event as JSON text
	BodyNone   BodyMode = "none"   // no body; attributes only
)

// Limits bound what one object may cost. Zero values take the defaults.
type Limits struct {
	MaxObjectBytes       int64 `mapstructure:"max_object_bytes"`       // raw bytes of one object
	MaxDecompressedBytes int64 `mapstructure:"max_decompressed_bytes"` // after gzip / base64 unwrapping
	MaxRecordBytes       int64 `mapstructure:"max_record_bytes"`       // one event (NDJSON line, Records[] item)
	MaxDepth             int   `mapstructure:"max_depth"`              // JSON nesting
}

// DefaultLimits are safe for CloudTrail's 50 MB-ish S3 objects and Azure's large bodies.
func DefaultLimits() Limits {
	return Limits{
		MaxObjectBytes:       256 << 20,
		MaxDecompressedBytes: 1 << 30,
		MaxRecordBytes:       8 << 20,
		MaxDepth:             64,
	}
}

// Config of a Decoder.
type Config struct {
	Format Format
	Body   BodyMode
	Limits Limits
}

// Validate checks the values.
func (c Config) Validate() error {
	switch c.Format {
	case "", FormatAuto, FormatCloudTrail, FormatGCPAudit, FormatAzureActivity, FormatK8sEvent:
	default:
		return errors.New("format must be one of auto, cloudtrail, gcp_audit, azure_activity, k8s_event")
	}
	switch c.Body {
	case "", BodyMap, BodyString, BodyNone:
	default:
		return errors.New("body must be one of map, string, none")
	}
	if c.Limits.MaxObjectBytes < 0 || c.Limits.MaxDecompressedBytes < 0 || c.Limits.MaxRecordBytes < 0 || c.Limits.MaxDepth < 0 {
		return errors.New("limits must not be negative")
	}
	return nil
}

// BadRecord describes one rejected record: where it came from and why.
type BadRecord struct {
	Origin   string // e.g. the file path or s3://bucket/key
	Position string // e.g. "line 12", "Records[3]", "byte 1024"
	Reason   string // short machine-friendly reason for telemetry: "malformed_json", "too_large", "too_deep", "unknown_format", "invalid_field", "decompress"
	Err      error
}

// Result counts what one Decode call did.
type Result struct {
	Emitted  int // records appended to out
	Skipped  int // recognised non-events (digests, CONTROL_MESSAGE, other EventBridge types)
	Rejected int // bad records, each reported through onBad
}

// Decoder decodes objects. Create with New; reuse for many objects.
type Decoder struct {
	cfg    Config
	reader *envelope.Reader
	ev     *event.Event
	strs   interner
	body   bodyWriter
	onSkip func(BadRecord)
	// decoders by kind; a table so tests can stand in for a cloud decoder
	decoders [envelope.K8sEvent + 1]func(*fastjson.Value, *event.Event) error

	// state of the current Decode call
	out      plog.Logs
	origin   string
	observed int64
	onBad    func(BadRecord)
	res      Result
	groups   []group
	// groupIndex finds groups once there are many (see manyGroups)
	groupIndex map[resourceKey]int
}

// New returns a Decoder. Zero limits take DefaultLimits; empty Format and Body take
// auto and map.
func New(cfg Config) (*Decoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	l := cfg.Limits
	d := &Decoder{
		cfg: cfg,
		reader: envelope.New(envelope.Limits{
			MaxObjectBytes:       l.MaxObjectBytes,
			MaxDecompressedBytes: l.MaxDecompressedBytes,
			MaxRecordBytes:       l.MaxRecordBytes,
			MaxDepth:             l.MaxDepth,
		}, pinnedKind(cfg.Format)),
		ev: event.New(),
	}
	d.strs.seed = maphash.MakeSeed()
	d.body.strs = &d.strs
	d.body.slab = pdataslab.New()
	for k := range d.decoders {
		d.decoders[k] = decoderFor(envelope.Kind(k))
	}
	return d, nil
}

// SetSkipHandler sets a function told about each skipped input (digest files,
// CONTROL_MESSAGE, events a decoder declines), for debug logging. Reason names what was
// skipped; Err is nil.
func (d *Decoder) SetSkipHandler(f func(BadRecord)) { d.onSkip = f }

// Decode decodes one object and appends its records to out (records of the same
// resource share one ResourceLogs). A bad record never stops the others: it is
// reported through onBad (may be nil) and counted. observed is the receive time in
// Unix nanoseconds, set as each record's ObservedTimestamp.
func (d *Decoder) Decode(data []byte, origin string, observed int64, out plog.Logs, onBad func(BadRecord)) Result {
	d.out, d.origin, d.observed, d.onBad = out, origin, observed, onBad
	d.res = Result{}
	d.groups = d.groups[:0]
	clear(d.groupIndex)
	d.reader.Read(data, d)
	// out may live on after this call (in a batch, an exporter queue) independently of
	// the next call's output; they must not share slab chunks.
	d.body.slab.Release()
	res := d.res
	clear(d.groups) // their strings may share event texts; do not keep those alive
	d.out, d.onBad, d.groups = plog.Logs{}, nil, d.groups[:0]
	return res
}
