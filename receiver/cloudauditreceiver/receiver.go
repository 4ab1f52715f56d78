package cloudauditreceiver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/receiver"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/filesource"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/metadata"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/pdataslab"
)

// Backoff of a batch the next consumer refused (non-permanently).
const (
	defaultRetryInitial = 250 * time.Millisecond
	defaultRetryMax     = 10 * time.Second
)

type cloudAuditReceiver struct {
	set       receiver.Settings
	cfg       *Config
	next      consumer.Logs
	telemetry *metadata.TelemetryBuilder

	retryInitial time.Duration
	retryMax     time.Duration

	file        *filesource.Source
	fileStorage storage.Client
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Logs) (*cloudAuditReceiver, error) {
	// Fail at creation, not at start, on a decoder configuration that cannot work.
	if _, err := decode.New(cfg.decodeConfig()); err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &cloudAuditReceiver{
		set:          set,
		cfg:          cfg,
		next:         next,
		telemetry:    tb,
		retryInitial: defaultRetryInitial,
		retryMax:     defaultRetryMax,
	}, nil
}

// Start starts every configured source; each has its own decoder (decoders are not
// safe for concurrent use) and its own pipeline.
func (r *cloudAuditReceiver) Start(ctx context.Context, host component.Host) error {
	if err := pdataslab.Check(); err != nil {
		// Decoding still works, through pdata's public API, at several times the
		// allocations per record (docs/benchmarks.md).
		r.set.Logger.Info("building records through pdata's public API", zap.String("reason", err.Error()))
	}
	if fc := r.cfg.File.Get(); r.cfg.File.HasValue() && fc != nil {
		if err := r.startFile(ctx, host, *fc); err != nil {
			return errors.Join(err, r.Shutdown(ctx))
		}
	}
	return nil
}

func (r *cloudAuditReceiver) startFile(ctx context.Context, host component.Host, fc filesource.Config) error {
	client, err := storageClient(ctx, host, fc.Storage, r.set.ID)
	if err != nil {
		return err
	}
	r.fileStorage = client
	dec, err := decode.New(r.cfg.decodeConfig())
	if err != nil {
		return err
	}
	p, err := newPipeline("file", r)
	if err != nil {
		return err
	}
	logger := r.set.Logger.With(zap.String(attrSource, "file"))
	dec.SetSkipHandler(func(br decode.BadRecord) {
		logger.Debug("skipped input that is not an audit event",
			zap.String("origin", br.Origin), zap.String("position", br.Position), zap.String("what", br.Reason))
	})
	src, err := filesource.New(filesource.Settings{
		Config:         fc,
		Logger:         logger,
		Decoder:        dec,
		Pipeline:       p,
		Storage:        client,
		MaxObjectBytes: r.cfg.Limits.MaxObjectBytes,
		MaxRecordBytes: r.cfg.Limits.MaxRecordBytes,
	})
	if err != nil {
		return err
	}
	r.file = src
	src.Start(ctx)
	return nil
}

// Shutdown stops the sources (cancelling any retry in progress) and then closes their
// storage clients; it is safe to call without Start.
func (r *cloudAuditReceiver) Shutdown(ctx context.Context) error {
	if r.file != nil {
		r.file.Shutdown(ctx)
		r.file = nil
	}
	var errs error
	if r.fileStorage != nil {
		errs = r.fileStorage.Close(ctx)
		r.fileStorage = nil
	}
	r.telemetry.Shutdown()
	return errs
}

// storageClient finds the storage extension id among the host's extensions and opens
// this receiver's client; no id means checkpoints stay in memory.
func storageClient(ctx context.Context, host component.Host, id *component.ID, owner component.ID) (storage.Client, error) {
	if id == nil {
		return nil, nil
	}
	ext, ok := host.GetExtensions()[*id]
	if !ok {
		return nil, fmt.Errorf("storage extension %q not found", id)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("extension %q is not a storage extension", id)
	}
	client, err := se.GetClient(ctx, component.KindReceiver, owner, "")
	if err != nil {
		return nil, fmt.Errorf("storage extension %q: %w", id, err)
	}
	return client, nil
}
