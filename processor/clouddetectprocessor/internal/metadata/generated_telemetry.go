// Written by hand in the layout mdatagen generates; keep in step with ../../metadata.yaml.

package metadata

import (
	"context"
	"errors"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"go.opentelemetry.io/collector/component"
)

// Meter returns the component's meter.
func Meter(settings component.TelemetrySettings) metric.Meter {
	return settings.MeterProvider.Meter(ScopeName)
}

// StateObserver reports per-detector state size for the observable instruments.
type StateObserver func(observe func(detector string, keys int64, evictions int64))

// TelemetryBuilder holds the processor's internal instruments.
type TelemetryBuilder struct {
	meter         metric.Meter
	mu            sync.Mutex
	registrations []metric.Registration

	ProcessorClouddetectFindings      metric.Int64Counter
	ProcessorClouddetectPersistErrors metric.Int64Counter
	ProcessorClouddetectStateKeys     metric.Int64ObservableGauge
	ProcessorClouddetectStateEvicted  metric.Int64ObservableCounter
}

// Shutdown unregisters the callbacks of observable instruments.
func (b *TelemetryBuilder) Shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, reg := range b.registrations {
		_ = reg.Unregister()
	}
	b.registrations = nil
}

// NewTelemetryBuilder creates the instruments. state is polled by the observable
// instruments; it may be nil.
func NewTelemetryBuilder(settings component.TelemetrySettings, state StateObserver) (*TelemetryBuilder, error) {
	b := &TelemetryBuilder{meter: Meter(settings)}
	var err, errs error
	b.ProcessorClouddetectFindings, err = b.meter.Int64Counter(
		"otelcol_processor_clouddetect_findings",
		metric.WithDescription("Number of findings produced, by rule uuid and severity. [Alpha]"),
		metric.WithUnit("{finding}"),
	)
	errs = errors.Join(errs, err)
	b.ProcessorClouddetectPersistErrors, err = b.meter.Int64Counter(
		"otelcol_processor_clouddetect_persist_errors",
		metric.WithDescription("Number of failed saves or restores of detector state in the storage extension. [Alpha]"),
		metric.WithUnit("{error}"),
	)
	errs = errors.Join(errs, err)
	b.ProcessorClouddetectStateKeys, err = b.meter.Int64ObservableGauge(
		"otelcol_processor_clouddetect_state_keys",
		metric.WithDescription("Number of keys held in a detector's bounded state. [Alpha]"),
		metric.WithUnit("{key}"),
	)
	errs = errors.Join(errs, err)
	b.ProcessorClouddetectStateEvicted, err = b.meter.Int64ObservableCounter(
		"otelcol_processor_clouddetect_state_evictions",
		metric.WithDescription("Number of keys evicted from a detector's state to stay within its bound. [Alpha]"),
		metric.WithUnit("{key}"),
	)
	errs = errors.Join(errs, err)
	if errs != nil || state == nil {
		return b, errs
	}
	reg, err := b.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		state(func(detector string, keys, evictions int64) {
			opt := metric.WithAttributes(attribute.String("detector", detector))
			o.ObserveInt64(b.ProcessorClouddetectStateKeys, keys, opt)
			o.ObserveInt64(b.ProcessorClouddetectStateEvicted, evictions, opt)
		})
		return nil
	}, b.ProcessorClouddetectStateKeys, b.ProcessorClouddetectStateEvicted)
	if err != nil {
		return b, err
	}
	b.registrations = append(b.registrations, reg)
	return b, nil
}
