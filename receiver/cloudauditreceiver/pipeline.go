package cloudauditreceiver

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/metadata"
)

// Attribute keys of the receiver's internal metrics.
const (
	attrSource = "source"
	attrReason = "reason"
)

// reasonPermanent counts batches the next consumer refused with a permanent error.
const reasonPermanent = "permanent_consumer_error"

// pipeline is one source's way into the collector pipeline: it delivers batches with
// back-pressure (retry until accepted), and reports bad input and telemetry. Sources
// acknowledge, commit or checkpoint only after Deliver returned nil.
type pipeline struct {
	source    string
	next      consumer.Logs
	obsrep    *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder
	logger    *zap.Logger
	attrs     metric.MeasurementOption // {source}

	retryInitial time.Duration
	retryMax     time.Duration
}

func newPipeline(source string, r *cloudAuditReceiver) (*pipeline, error) {
	obsrep, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             r.set.ID,
		Transport:              source,
		LongLivedCtx:           true,
		ReceiverCreateSettings: r.set,
	})
	if err != nil {
		return nil, err
	}
	return &pipeline{
		source:       source,
		next:         r.next,
		obsrep:       obsrep,
		telemetry:    r.telemetry,
		logger:       r.set.Logger.With(zap.String(attrSource, source)),
		attrs:        metric.WithAttributeSet(attribute.NewSet(attribute.String(attrSource, source))),
		retryInitial: r.retryInitial,
		retryMax:     r.retryMax,
	}, nil
}

// Deliver retries a refused batch with exponential backoff until the next consumer
// accepts it, refuses it permanently (counted, logged, dropped: it can never succeed),
// or ctx ends (the batch was not delivered; the caller must not move its checkpoint).
func (p *pipeline) Deliver(ctx context.Context, ld plog.Logs) error {
	n := ld.LogRecordCount()
	wait := p.retryInitial
	for attempt := 1; ; attempt++ {
		attemptCtx, done := p.attemptContext(ctx)
		opCtx := p.obsrep.StartLogsOp(attemptCtx)
		err := p.next.ConsumeLogs(opCtx, ld)
		p.obsrep.EndLogsOp(opCtx, metadata.Type.String(), n, err)
		done()
		switch {
		case err == nil:
			p.telemetry.CloudauditRecordsEmitted.Add(ctx, int64(n), p.attrs)
			return nil
		case consumererror.IsPermanent(err):
			p.logger.Error("next consumer refused a batch permanently; dropping it",
				zap.Int("records", n), zap.Error(err))
			p.telemetry.CloudauditRecordsRejected.Add(ctx, int64(n), metric.WithAttributes(
				attribute.String(attrSource, p.source), attribute.String(attrReason, reasonPermanent)))
			return nil
		}
		// Warn once per batch; a long outage must not flood the log.
		log := p.logger.Debug
		if attempt == 1 {
			log = p.logger.Warn
		}
		log("next consumer refused a batch; retrying until it is accepted",
			zap.Int("records", n), zap.Int("attempt", attempt), zap.Duration("wait", wait), zap.Error(err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, p.retryMax)
	}
}

// drainTimeout is how long an attempt already under way may still run after the source
// was told to stop.
const drainTimeout = 10 * time.Second

// attemptContext is the context of one ConsumeLogs attempt. Stopping the source does not
// cut short an attempt under way at once: with the exporter's sending queue off, the
// attempt is the export itself, and cancelling it after the backend already has the
// batch would leave the checkpoint behind and send the batch again after a restart. It
// gets drainTimeout to finish; done must be called when the attempt returns.
func (p *pipeline) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	attemptCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(drainTimeout)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-attemptCtx.Done():
		}
	})
	return attemptCtx, func() {
		stop()
		cancel()
	}
}

// Bad logs one rejected record once, with where it came from, and counts it.
func (p *pipeline) Bad(br decode.BadRecord) {
	p.logger.Warn("rejected audit record",
		zap.String("origin", br.Origin), zap.String("position", br.Position),
		zap.String(attrReason, br.Reason), zap.Error(br.Err))
	p.telemetry.CloudauditRecordsRejected.Add(context.Background(), 1, metric.WithAttributes(
		attribute.String(attrSource, p.source), attribute.String(attrReason, br.Reason)))
}

// Read counts one object handed to the decoder and the non-events it recognised.
func (p *pipeline) Read(res decode.Result) {
	ctx := context.Background()
	p.telemetry.CloudauditObjectsRead.Add(ctx, 1, p.attrs)
	if res.Skipped > 0 {
		p.telemetry.CloudauditRecordsSkipped.Add(ctx, int64(res.Skipped), p.attrs)
	}
}
