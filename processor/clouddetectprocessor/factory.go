// Package clouddetectprocessor is the clouddetect processor: streaming detections of
// cloud network exposure (ATT&CK AN1188) and automated abuse of cloud apps (AN1168)
// on logs, metrics and traces, written as attributes onto the triggering items.
package clouddetectprocessor

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/metadata"
)

// NewFactory returns the factory of the clouddetect processor.
func NewFactory() processor.Factory {
	f := &factory{engines: map[component.ID]*engine{}}
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithLogs(f.createLogs, metadata.LogsStability),
		processor.WithMetrics(f.createMetrics, metadata.MetricsStability),
		processor.WithTraces(f.createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Detectors:       defaultDetectorsConfig(),
		PersistInterval: time.Minute,
	}
}

// factory keeps one engine per component ID so the logs, metrics and traces pipelines
// of one clouddetect instance share detector state (cross-signal correlation).
type factory struct {
	mu      sync.Mutex
	engines map[component.ID]*engine
}

func (f *factory) engineFor(set processor.Settings, cfg *Config) (*engine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.engines[set.ID]; ok {
		return e, nil
	}
	e, err := newEngine(cfg, set.TelemetrySettings, set.ID)
	if err != nil {
		return nil, err
	}
	f.engines[set.ID] = e
	return e, nil
}

// lifecycle wraps the engine's start/shutdown so that the engine is forgotten once its
// last signal shuts down; a reloaded collector then gets fresh engines.
func (f *factory) lifecycle(id component.ID, e *engine) []processorhelper.Option {
	return []processorhelper.Option{
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}),
		processorhelper.WithStart(e.start),
		processorhelper.WithShutdown(func(ctx context.Context) error {
			err := e.shutdown(ctx)
			e.mu.Lock()
			done := e.refs == 0
			e.mu.Unlock()
			if done {
				f.mu.Lock()
				if f.engines[id] == e {
					delete(f.engines, id)
				}
				f.mu.Unlock()
			}
			return err
		}),
	}
}

func (f *factory) createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	e, err := f.engineFor(set, cfg.(*Config))
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, e.processLogs, f.lifecycle(set.ID, e)...)
}

func (f *factory) createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	e, err := f.engineFor(set, cfg.(*Config))
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, e.processMetrics, f.lifecycle(set.ID, e)...)
}

func (f *factory) createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	e, err := f.engineFor(set, cfg.(*Config))
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, e.processTraces, f.lifecycle(set.ID, e)...)
}
