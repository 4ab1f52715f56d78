package clouddetectprocessor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/metadata"
)

// engine owns the detectors of one clouddetect instance. The logs, metrics and traces
// processors of that instance share it, so a correlation can join a scaling record
// (logs) with a CPU series (metrics) and a 5xx span (traces).
//
// Detection is serialised by mu: detectors hold per-key state and are written for one
// caller at a time; one lock per batch keeps the per-item path free of synchronisation.
type engine struct {
	cfg    *Config
	logger *zap.Logger
	id     component.ID

	mu         sync.Mutex
	logs       []detection.LogDetector
	spans      []detection.SpanDetector
	metrics    []detection.MetricDetector
	correlator detection.Correlator
	scorers    []anomalyScorer // emit cloudwarden.anomaly_score after each point
	stateful   []namedStateful
	persistent []detection.Persistent
	scratch    detection.Findings // reused per item: no allocation when nothing fires

	telemetry *metadata.TelemetryBuilder

	// lifecycle: the engine starts with its first signal and stops with its last.
	refs     int
	client   storage.Client
	stopSave chan struct{}
	saveDone chan struct{}
}

type namedStateful struct {
	name string
	s    detection.Stateful
}

func newEngine(cfg *Config, set component.TelemetrySettings, id component.ID) (*engine, error) {
	dets, corr, err := newDetectors(cfg.Detectors, set.Logger)
	if err != nil {
		return nil, err
	}
	e := &engine{cfg: cfg, logger: set.Logger, id: id, correlator: corr, scratch: make(detection.Findings, 0, 8)}
	add := func(name string, d any) {
		if v, ok := d.(detection.LogDetector); ok {
			e.logs = append(e.logs, v)
		}
		if v, ok := d.(detection.SpanDetector); ok {
			e.spans = append(e.spans, v)
		}
		if v, ok := d.(detection.MetricDetector); ok {
			e.metrics = append(e.metrics, v)
		}
		if v, ok := d.(detection.Stateful); ok {
			e.stateful = append(e.stateful, namedStateful{name, v})
		}
		if v, ok := d.(detection.Persistent); ok {
			e.persistent = append(e.persistent, v)
		}
	}
	for _, d := range dets {
		add(d.name, d.impl)
	}
	e.scorers = anomalyScorers(cfg.Detectors, dets)
	if corr != nil {
		add("abuse", corr)
	}
	e.telemetry, err = metadata.NewTelemetryBuilder(set, e.observeState)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// observeState feeds the state-size instruments. It takes the lock: observation is
// rare (per metric collection) and must not race with detection.
func (e *engine) observeState(observe func(detector string, keys, evictions int64)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.stateful {
		st := s.s.StateStats()
		observe(s.name, int64(st.Keys), int64(st.Evictions))
	}
}

// countFindings records internal telemetry for the findings of one item.
func (e *engine) countFindings(ctx context.Context, fs detection.Findings) {
	for i := range fs {
		e.telemetry.ProcessorClouddetectFindings.Add(ctx, 1, metric.WithAttributes(
			attribute.String("security_rule.uuid", fs[i].Rule.UUID),
			attribute.String("detection.severity", fs[i].Severity.String()),
		))
	}
}

// start is called by each signal's processor; only the first call does the work.
func (e *engine) start(ctx context.Context, host component.Host) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refs++
	if e.refs > 1 {
		return nil
	}
	if e.cfg.Storage == nil || len(e.persistent) == 0 {
		return nil
	}
	ext, ok := host.GetExtensions()[*e.cfg.Storage]
	if !ok {
		return fmt.Errorf("storage extension %q not found", e.cfg.Storage.String())
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return fmt.Errorf("extension %q is not a storage extension", e.cfg.Storage.String())
	}
	client, err := se.GetClient(ctx, component.KindProcessor, e.id, "")
	if err != nil {
		return fmt.Errorf("storage client: %w", err)
	}
	e.client = client
	for _, p := range e.persistent {
		data, err := client.Get(ctx, p.StateKey())
		if err != nil || data == nil {
			if err != nil {
				e.telemetry.ProcessorClouddetectPersistErrors.Add(ctx, 1)
				e.logger.Warn("cannot read detector state; starting fresh", zap.String("key", p.StateKey()), zap.Error(err))
			}
			continue
		}
		if err := p.Restore(data); err != nil {
			// A corrupt or older-format snapshot must not stop the collector: the
			// detector re-learns, which is what it would do without storage.
			e.telemetry.ProcessorClouddetectPersistErrors.Add(ctx, 1)
			e.logger.Warn("cannot restore detector state; starting fresh", zap.String("key", p.StateKey()), zap.Error(err))
		}
	}
	if e.cfg.PersistInterval > 0 {
		e.stopSave = make(chan struct{})
		e.saveDone = make(chan struct{})
		go e.saveLoop(e.cfg.PersistInterval)
	}
	return nil
}

func (e *engine) saveLoop(every time.Duration) {
	defer close(e.saveDone)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-e.stopSave:
			return
		case <-t.C:
			e.mu.Lock()
			e.save(context.Background())
			e.mu.Unlock()
		}
	}
}

// save writes every persistent detector's snapshot; callers hold mu.
func (e *engine) save(ctx context.Context) {
	if e.client == nil {
		return
	}
	for _, p := range e.persistent {
		data, err := p.Snapshot()
		if err == nil {
			err = e.client.Set(ctx, p.StateKey(), data)
		}
		if err != nil {
			e.telemetry.ProcessorClouddetectPersistErrors.Add(ctx, 1)
			e.logger.Warn("cannot save detector state", zap.String("key", p.StateKey()), zap.Error(err))
		}
	}
}

// shutdown is called by each signal's processor; the last call saves state and
// releases the storage client.
func (e *engine) shutdown(ctx context.Context) error {
	e.mu.Lock()
	if e.refs == 0 {
		e.mu.Unlock()
		return nil
	}
	e.refs--
	if e.refs > 0 {
		e.mu.Unlock()
		return nil
	}
	stop, done := e.stopSave, e.saveDone
	e.stopSave, e.saveDone = nil, nil
	e.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if e.client != nil {
		e.save(ctx)
		err = e.client.Close(ctx)
		e.client = nil
	}
	e.telemetry.Shutdown()
	return errors.Join(err)
}
