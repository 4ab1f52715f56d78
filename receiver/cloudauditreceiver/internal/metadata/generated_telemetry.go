// Hand-written equivalent of mdatagen's generated_telemetry.go; the metrics are
// documented in ../../documentation.md and declared in ../../metadata.yaml.

package metadata

import (
	"errors"

	"go.opentelemetry.io/otel/metric"

	"go.opentelemetry.io/collector/component"
)

// Meter returns the component's meter from its own MeterProvider, so the metrics carry
// the collector's usual component identity.
func Meter(settings component.TelemetrySettings) metric.Meter {
	return settings.MeterProvider.Meter(ScopeName)
}

// TelemetryBuilder holds the component's internal metrics.
type TelemetryBuilder struct {
	meter                     metric.Meter
	CloudauditObjectsRead     metric.Int64Counter
	CloudauditRecordsEmitted  metric.Int64Counter
	CloudauditRecordsRejected metric.Int64Counter
	CloudauditRecordsSkipped  metric.Int64Counter
}

// NewTelemetryBuilder creates the component's internal metrics.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	builder := TelemetryBuilder{meter: Meter(settings)}
	var err, errs error
	builder.CloudauditObjectsRead, err = builder.meter.Int64Counter(
		"cloudaudit.objects.read",
		metric.WithDescription("Objects handed to the decoder (a whole file or S3 object, one NDJSON line, one message). [Alpha]"),
		metric.WithUnit("{object}"),
	)
	errs = errors.Join(errs, err)
	builder.CloudauditRecordsEmitted, err = builder.meter.Int64Counter(
		"cloudaudit.records.emitted",
		metric.WithDescription("Log records accepted by the next consumer. [Alpha]"),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	builder.CloudauditRecordsRejected, err = builder.meter.Int64Counter(
		"cloudaudit.records.rejected",
		metric.WithDescription("Records not emitted: bad input (by reason) or refused permanently by the next consumer. [Alpha]"),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	builder.CloudauditRecordsSkipped, err = builder.meter.Int64Counter(
		"cloudaudit.records.skipped",
		metric.WithDescription("Recognised inputs that are not audit events (CloudTrail digests, CONTROL_MESSAGE, other EventBridge types). [Alpha]"),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	return &builder, errs
}

// Shutdown exists for parity with mdatagen's builder; the counters are synchronous and
// hold no registrations.
func (builder *TelemetryBuilder) Shutdown() {}
