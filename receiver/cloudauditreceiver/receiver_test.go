package cloudauditreceiver

import (
	"context"
	"errors"
	"github.com/cloudwarden/cloudwarden/internal/storagetest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

var fileSource = attribute.String("source", "file")

func TestLifecycle(t *testing.T) {
	cfg := fileConfig(filepath.Join(t.TempDir(), "*.json"))
	rcv, err := NewFactory().CreateLogs(context.Background(), receivertestSettings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, rcv.Shutdown(context.Background()), "shutdown without start")

	rcv, err = NewFactory().CreateLogs(context.Background(), receivertestSettings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, rcv.Shutdown(context.Background()))
}

func TestStartFailsWithoutStorageExtension(t *testing.T) {
	cfg := fileConfig(filepath.Join(t.TempDir(), "*.json"))
	id := component.MustNewIDWithName("file_storage", "missing")
	cfg.File.Get().Storage = &id
	rcv, err := NewFactory().CreateLogs(context.Background(), receivertestSettings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = rcv.Start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, `storage extension "file_storage/missing" not found`)
	require.NoError(t, rcv.Shutdown(context.Background()))
}

// TestCloudTrailFiles runs the real decode pipeline over the file shapes CloudTrail
// users have on disk: NDJSON that grows, gzip S3 objects, a pretty-printed object, a
// digest file, and files that appear later.
func TestCloudTrailFiles(t *testing.T) {
	dir := t.TempDir()
	nd := filepath.Join(dir, "stream", "events.ndjson")
	writeFile(t, nd, []byte(ndjson(1, 2, 3)))
	writeFile(t, filepath.Join(dir, "AWSLogs", "123456789012", "CloudTrail", "eu-west-1", "2025", "03", "04", "obj1.json.gz"), gzipBytes(t, s3Object(10, 11, 12)))
	writeFile(t, filepath.Join(dir, "AWSLogs", "123456789012", "CloudTrail-Digest", "eu-west-1", "2025", "03", "04", "digest.json.gz"), gzipBytes(t,
		`{"awsAccountId":"123456789012","digestStartTime":"2025-03-04T08:00:00Z","digestEndTime":"2025-03-04T09:00:00Z","digestS3Bucket":"trail-bucket","digestS3Object":"AWSLogs/123456789012/CloudTrail-Digest/eu-west-1/2025/03/04/digest.json.gz","newestEventTime":"2025-03-04T08:59:58Z","oldestEventTime":"2025-03-04T08:00:03Z","previousDigestS3Bucket":"trail-bucket","previousDigestHashValue":"3b6a","previousDigestHashAlgorithm":"SHA-256","digestPublicKeyFingerprint":"7ad0","digestSignatureAlgorithm":"SHA256withRSA","logFiles":[]}`))
	pretty := "{\n  \"Records\": [\n    " + ctEvent(eventID(20), 20) + ",\n    " + ctEvent(eventID(21), 21) + "\n  ]\n}\n"
	writeFile(t, filepath.Join(dir, "manual", "pretty.json"), []byte(pretty))

	cfg := fileConfig(filepath.Join(dir, "**", "*.json*"), filepath.Join(dir, "stream", "*.ndjson"))
	sink := new(consumertest.LogsSink)
	env := newEnv(t, nil)
	env.start(t, cfg, sink)

	all := []int{1, 2, 3, 10, 11, 12, 20, 21}
	require.Eventually(t, func() bool { return sink.LogRecordCount() == len(all) }, 10*time.Second, testPoll)

	appendFile(t, nd, ndjson(4, 5))
	writeFile(t, filepath.Join(dir, "AWSLogs", "123456789012", "CloudTrail", "eu-west-1", "2025", "03", "04", "obj2.json.gz"), gzipBytes(t, s3Object(30)))
	all = append(all, 4, 5, 30)
	require.Eventually(t, func() bool { return sink.LogRecordCount() == len(all) }, 10*time.Second, testPoll)
	time.Sleep(5 * testPoll)
	assert.ElementsMatch(t, wantIDs(all...), eventIDs(sink.AllLogs()), "every event exactly once")

	// One record in full: the decoder's normalised attributes reach the pipeline.
	rl := sink.AllLogs()[0].ResourceLogs().At(0)
	provider, _ := rl.Resource().Attributes().Get(schema.AttrCloudProvider)
	assert.Equal(t, schema.ProviderAWS, provider.Str())
	lr := rl.ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, schema.EventName, lr.EventName())
	method, _ := lr.Attributes().Get(schema.AttrRPCMethod)
	assert.Equal(t, "AuthorizeSecurityGroupIngress", method.Str())
	assert.NotZero(t, lr.ObservedTimestamp())

	assert.EqualValues(t, len(all), env.counter(t, "cloudaudit.records.emitted", fileSource))
	assert.EqualValues(t, 1, env.counter(t, "cloudaudit.records.skipped", fileSource), "the digest file")
	// 5 NDJSON lines + 3 gzip objects + 1 pretty-printed document.
	assert.EqualValues(t, 9, env.counter(t, "cloudaudit.objects.read", fileSource))
	assert.Zero(t, env.counter(t, "cloudaudit.records.rejected", fileSource, attribute.String("reason", "malformed_json")))
}

// TestManyLinesInOneBatch guards against records that still point into the file read
// buffer: a batch spans several buffer refills and every record must stay intact.
func TestManyLinesInOneBatch(t *testing.T) {
	dir := t.TempDir()
	const n = 300 // ~1.7 KB each: about 8 buffer refills
	ids := make([]int, n)
	for i := range ids {
		ids[i] = 1000 + i
	}
	writeFile(t, filepath.Join(dir, "big.ndjson"), []byte(ndjson(ids...)))
	sink := new(consumertest.LogsSink)
	newEnv(t, nil).start(t, fileConfig(filepath.Join(dir, "*")), sink)
	require.Eventually(t, func() bool { return sink.LogRecordCount() == n }, 10*time.Second, testPoll)
	assert.Equal(t, wantIDs(ids...), eventIDs(sink.AllLogs()))
	assert.Len(t, sink.AllLogs(), 1, "300 records fit one batch of max_batch_records 1000")
	for _, ld := range sink.AllLogs() {
		lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		for i := 0; i < lrs.Len(); i++ {
			attrID, _ := lrs.At(i).Attributes().Get(schema.AttrEventID)
			bodyID, _ := lrs.At(i).Body().Map().Get("eventID")
			require.Equal(t, attrID.Str(), bodyID.Str(), "record %d", i)
		}
	}
}

func TestBadLineCountedAndGoodOnesEmitted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mixed.ndjson")
	writeFile(t, path, []byte(ndjson(1)+`{"eventVersion":"1.09","eventID": oops}`+"\n"+ndjson(2)))
	sink := new(consumertest.LogsSink)
	env := newEnv(t, nil)
	core, logs := observer.New(zap.WarnLevel)
	env.logger = zap.New(core)
	env.start(t, fileConfig(path), sink)
	require.Eventually(t, func() bool { return sink.LogRecordCount() == 2 }, 10*time.Second, testPoll)
	assert.Equal(t, wantIDs(1, 2), eventIDs(sink.AllLogs()))

	time.Sleep(5 * testPoll)
	bad := logs.FilterMessage("rejected audit record").AllUntimed()
	require.Len(t, bad, 1, "logged once")
	fields := bad[0].ContextMap()
	assert.Equal(t, path, fields["origin"])
	assert.Equal(t, "line 2 (byte "+strconv.Itoa(len(ndjson(1)))+")", fields["position"])
	assert.Equal(t, "malformed_json", fields["reason"])
	assert.Equal(t, "file", fields["source"])
	require.Eventually(t, func() bool {
		return env.counter(t, "cloudaudit.records.rejected", fileSource, attribute.String("reason", "malformed_json")) == 1
	}, 5*time.Second, testPoll)
	assert.EqualValues(t, 2, env.counter(t, "cloudaudit.records.emitted", fileSource))
}

// refusingSink refuses every batch until released, then behaves as a LogsSink.
type refusingSink struct {
	consumertest.LogsSink
	released atomic.Bool
	refusals atomic.Int64
}

func (s *refusingSink) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if !s.released.Load() {
		s.refusals.Add(1)
		return errors.New("downstream queue is full")
	}
	return s.LogsSink.ConsumeLogs(ctx, ld)
}

func TestBackPressureRetriesAndCheckpointsAfterAcceptance(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trail.ndjson")
	content := ndjson(1, 2, 3)
	writeFile(t, path, []byte(content))
	st := storagetest.NewExtension()
	storageID := component.MustNewID("file_storage")
	cfg := fileConfig(filepath.Join(dir, "*"))
	cfg.File.Get().Storage = &storageID
	sink := &refusingSink{}
	env := newEnv(t, map[component.ID]component.Component{storageID: st})
	env.start(t, cfg, sink)

	require.Eventually(t, func() bool { return sink.refusals.Load() >= 3 }, 10*time.Second, time.Millisecond)
	assert.Zero(t, sink.LogRecordCount())
	assert.Empty(t, checkpointValue(st, path), "no checkpoint before the batch was accepted")

	sink.released.Store(true)
	require.Eventually(t, func() bool { return sink.LogRecordCount() == 3 }, 10*time.Second, testPoll)
	require.Eventually(t, func() bool {
		return containsOffset(checkpointValue(st, path), len(content))
	}, 5*time.Second, testPoll)
	time.Sleep(5 * testPoll)
	assert.Equal(t, wantIDs(1, 2, 3), eventIDs(sink.AllLogs()), "delivered exactly once")
	assert.EqualValues(t, 3, env.counter(t, "cloudaudit.records.emitted", fileSource))
}

func containsOffset(checkpoint string, offset int) bool {
	return strings.Contains(checkpoint, `"offset":`+strconv.Itoa(offset)+`,`)
}

// permanentFor refuses permanently any batch holding one of the given event ids.
type permanentFor struct {
	consumertest.LogsSink
	bad map[string]bool
}

func (s *permanentFor) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	for _, id := range eventIDs([]plog.Logs{ld}) {
		if s.bad[id] {
			return consumererror.NewPermanent(errors.New("schema rejected by exporter"))
		}
	}
	return s.LogsSink.ConsumeLogs(ctx, ld)
}

func TestPermanentErrorIsCountedAndSourceContinues(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.ndjson")
	writeFile(t, a, []byte(ndjson(1, 2)))
	writeFile(t, filepath.Join(dir, "b.ndjson"), []byte(ndjson(3)))
	sink := &permanentFor{bad: map[string]bool{eventID(1): true}}
	env := newEnv(t, nil)
	env.start(t, fileConfig(filepath.Join(dir, "*")), sink)

	require.Eventually(t, func() bool { return sink.LogRecordCount() == 1 }, 10*time.Second, testPoll)
	assert.Equal(t, wantIDs(3), eventIDs(sink.AllLogs()))
	assert.EqualValues(t, 2, env.counter(t, "cloudaudit.records.rejected", fileSource, attribute.String("reason", "permanent_consumer_error")))

	// The refused batch is not retried; the file is still followed.
	appendFile(t, a, ndjson(4))
	require.Eventually(t, func() bool { return sink.LogRecordCount() == 2 }, 10*time.Second, testPoll)
	time.Sleep(5 * testPoll)
	assert.Equal(t, wantIDs(3, 4), eventIDs(sink.AllLogs()))
}

func TestRestartWithStorageNeitherReemitsNorSkips(t *testing.T) {
	dir := t.TempDir()
	nd := filepath.Join(dir, "trail.ndjson")
	writeFile(t, nd, []byte(ndjson(1, 2, 3)))
	writeFile(t, filepath.Join(dir, "obj.json.gz"), gzipBytes(t, s3Object(10, 11)))
	st := storagetest.NewExtension()
	storageID := component.MustNewID("file_storage")
	cfg := fileConfig(filepath.Join(dir, "*"))
	cfg.File.Get().Storage = &storageID
	host := map[component.ID]component.Component{storageID: st}

	sink1 := new(consumertest.LogsSink)
	r1 := newEnv(t, host).start(t, cfg, sink1)
	require.Eventually(t, func() bool { return sink1.LogRecordCount() == 5 }, 10*time.Second, testPoll)
	require.NoError(t, r1.Shutdown(context.Background()))
	assert.True(t, st.Client.Closed(), "shutdown closes the storage client")
	assert.Equal(t, 2, st.Client.Len())
	assert.ElementsMatch(t, wantIDs(1, 2, 3, 10, 11), eventIDs(sink1.AllLogs()))

	// Written while the collector was down.
	appendFile(t, nd, ndjson(4, 5))

	sink2 := new(consumertest.LogsSink)
	newEnv(t, host).start(t, cfg, sink2)
	require.Eventually(t, func() bool { return sink2.LogRecordCount() == 2 }, 10*time.Second, testPoll)
	time.Sleep(10 * testPoll)
	assert.Equal(t, wantIDs(4, 5), eventIDs(sink2.AllLogs()))
}

// blockingSink never accepts: Shutdown must still return promptly.
type blockingSink struct {
	consumertest.LogsSink
	once  sync.Once
	begun chan struct{}
}

func (s *blockingSink) ConsumeLogs(context.Context, plog.Logs) error {
	s.once.Do(func() { close(s.begun) })
	return errors.New("unavailable")
}

func TestShutdownDuringRetries(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x.ndjson"), []byte(ndjson(1)))
	sink := &blockingSink{begun: make(chan struct{})}
	rcv, err := NewFactory().CreateLogs(context.Background(), receivertestSettings(), fileConfig(filepath.Join(dir, "*")), sink)
	require.NoError(t, err)
	r := rcv.(*cloudAuditReceiver)
	r.retryInitial = time.Hour // only cancellation can end the wait
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	<-sink.begun
	require.NoError(t, r.Shutdown(context.Background()))
}

// slowExport accepts each batch after a delay, like an exporter without a sending queue
// whose backend is slow to answer; a cancelled context aborts the export, as it would
// abort the HTTP request.
type slowExport struct {
	consumertest.LogsSink
	delay     time.Duration
	once      sync.Once
	begun     chan struct{}
	cancelled atomic.Int32
}

func (s *slowExport) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	s.once.Do(func() { close(s.begun) })
	select {
	case <-time.After(s.delay):
		return s.LogsSink.ConsumeLogs(ctx, ld)
	case <-ctx.Done():
		s.cancelled.Add(1)
		return ctx.Err()
	}
}

// A graceful stop while an export is under way lets it finish and checkpoints it, so
// the restart does not send the batch again (found by e2e/restart_test.go).
func TestShutdownLetsAnExportUnderWayFinish(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "trail.ndjson"), []byte(ndjson(1, 2, 3)))
	st := storagetest.NewExtension()
	storageID := component.MustNewID("file_storage")
	cfg := fileConfig(filepath.Join(dir, "*"))
	cfg.File.Get().Storage = &storageID
	host := map[component.ID]component.Component{storageID: st}

	slow := &slowExport{delay: 300 * time.Millisecond, begun: make(chan struct{})}
	r1 := newEnv(t, host).start(t, cfg, slow)
	<-slow.begun
	require.NoError(t, r1.Shutdown(context.Background()))
	assert.Zero(t, slow.cancelled.Load(), "the export under way was cancelled by the stop")
	assert.Equal(t, 3, slow.LogRecordCount())

	sink2 := new(consumertest.LogsSink)
	newEnv(t, host).start(t, cfg, sink2)
	time.Sleep(20 * testPoll)
	assert.Zero(t, sink2.LogRecordCount(), "the restart sent the finished batch again")
}
