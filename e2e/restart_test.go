//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// These tests prove the file source's checkpoints with the real binary and the real
// file_storage extension: a graceful restart neither re-emits nor skips a record, and a
// SIGKILL loses nothing (at-least-once). Records are told apart by cloud.audit.event_id.

const (
	pollInterval   = 100 * time.Millisecond
	arrivalTimeout = 60 * time.Second
	// settleTime is how long the test keeps listening after the last expected record:
	// many poll intervals, so a re-read of a file would have arrived by then.
	settleTime = 2 * time.Second
)

// idSink is an OTLP/HTTP logs endpoint that counts audit records per event ID. onBatch,
// when set, runs after a request's records were counted and before it is answered.
type idSink struct {
	mu       sync.Mutex
	seen     map[string]int
	total    int
	requests int
	onBatch  func(request int, ids []string)
}

func newIDSink() *idSink { return &idSink{seen: map[string]int{}} }

func (s *idSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveOTLPLogs(w, r, func(ld plog.Logs) {
		ids := auditEventIDs(ld)
		s.mu.Lock()
		s.requests++
		n, hook := s.requests, s.onBatch
		for _, id := range ids {
			s.seen[id]++
		}
		s.total += len(ids)
		s.mu.Unlock()
		if hook != nil {
			hook(n, ids)
		}
	})
}

// auditEventIDs lists the event ID of every audit record (finding records are not input).
func auditEventIDs(ld plog.Logs) []string {
	var ids []string
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			recs := sls.At(j).LogRecords()
			for k := 0; k < recs.Len(); k++ {
				rec := recs.At(k)
				if rec.EventName() != "cloud.audit" {
					continue
				}
				id := ""
				if v, ok := rec.Attributes().Get("cloud.audit.event_id"); ok {
					id = v.Str()
				}
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// counts returns distinct IDs, total audit records and requests so far.
func (s *idSink) counts() (distinct, total, requests int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen), s.total, s.requests
}

// check compares what arrived with want: missing IDs, IDs seen more than once, IDs
// nobody wrote (including records without an event ID).
func (s *idSink) check(want []string) (missing, repeated, unknown []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wanted := make(map[string]bool, len(want))
	for _, id := range want {
		wanted[id] = true
		if s.seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	for id, n := range s.seen {
		if n > 1 {
			repeated = append(repeated, fmt.Sprintf("%s x%d", id, n))
		}
		if !wanted[id] {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(repeated)
	sort.Strings(unknown)
	return missing, repeated, unknown
}

func (s *idSink) setHook(f func(request int, ids []string)) {
	s.mu.Lock()
	s.onBatch = f
	s.mu.Unlock()
}

func startSink(t *testing.T) (*idSink, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink := newIDSink()
	srv := &http.Server{Handler: sink, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return sink, ln.Addr().String()
}

// trailRecords writes count realistic CloudTrail management events (read-only EC2, S3
// and STS calls of one IAM user) as NDJSON lines; event i has a unique, deterministic
// eventID so every record can be traced through the collector.
func trailRecords(first, count int) ([]byte, []string) {
	calls := []struct{ source, name, agent string }{
		{"ec2.amazonaws.com", "DescribeInstances", "aws-cli/2.17.3 md/Botocore#1.34.131 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.8 cmd/ec2.describe-instances"},
		{"s3.amazonaws.com", "ListBuckets", "[aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2]"},
		{"sts.amazonaws.com", "GetCallerIdentity", "aws-cli/2.17.3 md/Botocore#1.34.131 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.8 cmd/sts.get-caller-identity"},
		{"ec2.amazonaws.com", "DescribeSecurityGroups", "console.ec2.amazonaws.com"},
	}
	base := time.Date(2025, 6, 11, 8, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	ids := make([]string, 0, count)
	for i := first; i < first+count; i++ {
		c := calls[i%len(calls)]
		id := fmt.Sprintf("%08x-7d2c-4f82-aeea-%012x", 0xe2e00000+i, i)
		rec := map[string]any{
			"eventVersion": "1.09",
			"userIdentity": map[string]any{
				"type":        "IAMUser",
				"principalId": "AIDA5EXAMPLE7RESTART",
				"arn":         "arn:aws:iam::210987654321:user/ci-inventory",
				"accountId":   "210987654321",
				"accessKeyId": "AKIA5EXAMPLE7RESTART",
				"userName":    "ci-inventory",
			},
			"eventTime":          base.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
			"eventSource":        c.source,
			"eventName":          c.name,
			"awsRegion":          "eu-west-1",
			"sourceIPAddress":    fmt.Sprintf("203.0.113.%d", 10+i%20),
			"userAgent":          c.agent,
			"requestParameters":  map[string]any{},
			"responseElements":   nil,
			"requestID":          fmt.Sprintf("%08x-1b2c-4d5e-8f90-%012x", 0x5eed0000+i, i),
			"eventID":            id,
			"readOnly":           true,
			"eventType":          "AwsApiCall",
			"managementEvent":    true,
			"recipientAccountId": "210987654321",
			"eventCategory":      "Management",
			"tlsDetails": map[string]any{
				"tlsVersion":               "TLSv1.3",
				"cipherSuite":              "TLS_AES_128_GCM_SHA256",
				"clientProvidedHostHeader": "ec2.eu-west-1.amazonaws.com",
			},
		}
		line, err := json.Marshal(rec)
		if err != nil {
			panic(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
		ids = append(ids, id)
	}
	return buf.Bytes(), ids
}

func appendFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// restartConfig is the pipeline under test. exporterQueue: false disables the
// exporter's in-memory sending queue, so "accepted" means "delivered" (with a queue a
// SIGKILL loses what it holds — a documented limit, not the receiver's).
func restartConfig(t *testing.T, dataDir, storageDir, sinkAddr string, exporterQueue bool) string {
	t.Helper()
	cfg := fmt.Sprintf(`
extensions:
  file_storage:
    directory: %[2]s
receivers:
  cloudaudit:
    file:
      include: ["%[1]s/*.json"]
      start_at: beginning
      poll_interval: %[4]s
      storage: file_storage
      max_batch_records: 50
processors:
  clouddetect:
exporters:
  otlp_http:
    logs_endpoint: http://%[3]s/v1/logs
    compression: gzip
    retry_on_failure:
      enabled: true
      initial_interval: 100ms
      max_interval: 1s
    sending_queue:
      enabled: %[5]t
service:
  extensions: [file_storage]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
  pipelines:
    logs:
      receivers: [cloudaudit]
      processors: [clouddetect]
      exporters: [otlp_http]
`, dataDir, storageDir, sinkAddr, pollInterval, exporterQueue)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// lockedBuffer collects the collector's output from its two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runningCollector is one run of the binary; done is closed once it exited.
type runningCollector struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error // Wait's result, valid after done
}

func startCollector(t *testing.T, bin, cfgPath string, out *lockedBuffer) *runningCollector {
	t.Helper()
	cmd := exec.Command(bin, "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &runningCollector{cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	// Whatever happens to the test, the process does not outlive it.
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // an error only says it already exited
		<-c.done
	})
	return c
}

// stop sends sig and waits for the process to exit.
func (c *runningCollector) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	_ = c.cmd.Process.Signal(sig)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("collector did not exit within 30s of %v\n%s", sig, c.out.String())
	}
}

// waitDistinct polls until the sink saw want distinct event IDs, failing at the
// deadline or when the collector exits.
func waitDistinct(t *testing.T, sink *idSink, c *runningCollector, want int) {
	t.Helper()
	deadline := time.Now().Add(arrivalTimeout)
	for {
		distinct, total, requests := sink.counts()
		if distinct >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d of %d distinct event IDs arrived (%d records, %d requests)\ncollector output:\n%s",
				arrivalTimeout, distinct, want, total, requests, c.out.String())
		}
		select {
		case <-c.done:
			t.Fatalf("collector exited early (%v) with %d of %d distinct event IDs\n%s", c.err, distinct, want, c.out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func collectorBinary(t *testing.T) string {
	bin := os.Getenv("OTELCOL_BIN")
	if bin == "" {
		t.Skip("OTELCOL_BIN is not set: build the distribution and point OTELCOL_BIN at it (`make e2e` does both)")
	}
	return bin
}

func TestRestartNeitherReEmitsNorSkips(t *testing.T) {
	bin := collectorBinary(t)
	const n, m, k = 700, 230, 120
	sink, addr := startSink(t)
	dataDir, storageDir := t.TempDir(), t.TempDir()
	cfg := restartConfig(t, dataDir, storageDir, addr, true)
	first, second := filepath.Join(dataDir, "trail-a.json"), filepath.Join(dataDir, "trail-b.json")

	data, want := trailRecords(0, n)
	appendFile(t, first, data)
	out := &lockedBuffer{}
	c := startCollector(t, bin, cfg, out)
	waitDistinct(t, sink, c, n)

	// Half of the next line is written before the stop: it must be neither emitted
	// broken nor skipped, but read whole once completed after the restart.
	more, moreIDs := trailRecords(n, m)
	cut := bytes.IndexByte(more, '\n') / 2
	appendFile(t, first, more[:cut])
	time.Sleep(3 * pollInterval) // let the source see the partial line
	c.stop(t, os.Interrupt)
	if _, total, _ := sink.counts(); total != n {
		t.Fatalf("before the restart: %d records for %d events\n%s", total, n, out.String())
	}

	appendFile(t, first, more[cut:])
	other, otherIDs := trailRecords(n+m, k)
	appendFile(t, second, other)
	want = append(append(want, moreIDs...), otherIDs...)

	restartAndDrain(t, bin, cfg, out, sink, "restart", len(want))
	total, requests := requireExactlyOnce(t, sink, want, out)
	t.Logf("%d records across a graceful restart, each exactly once (%d requests)", total, requests)
}

func TestKillLosesNothing(t *testing.T) {
	bin := collectorBinary(t)
	const n, m, k = 1000, 230, 120
	const killAt = 3 // the request during which the collector is killed
	sink, addr := startSink(t)
	dataDir, storageDir := t.TempDir(), t.TempDir()
	cfg := restartConfig(t, dataDir, storageDir, addr, false)
	first, second := filepath.Join(dataDir, "trail-a.json"), filepath.Join(dataDir, "trail-b.json")

	data, want := trailRecords(0, n)
	appendFile(t, first, data)
	out := &lockedBuffer{}
	c := startCollector(t, bin, cfg, out)

	// SIGKILL from inside the endpoint: the batch of request killAt has arrived but was
	// never acknowledged, so its checkpoint cannot have been written — the worst moment.
	var unacked []string
	killed := make(chan struct{})
	proc := c.cmd.Process
	sink.setHook(func(request int, ids []string) {
		if request == killAt {
			unacked = ids
			_ = proc.Signal(syscall.SIGKILL)
			close(killed)
		}
	})
	select {
	case <-killed:
	case <-time.After(arrivalTimeout):
		t.Fatalf("request %d never arrived\n%s", killAt, out.String())
	}
	sink.setHook(nil)
	<-c.done
	distinctBefore, totalBefore, _ := sink.counts()

	more, moreIDs := trailRecords(n, m)
	appendFile(t, first, more)
	other, otherIDs := trailRecords(n+m, k)
	appendFile(t, second, other)
	want = append(append(want, moreIDs...), otherIDs...)

	restartAndDrain(t, bin, cfg, out, sink, "restart after SIGKILL", len(want))

	missing, repeated, unknown := sink.check(want)
	_, total, requests := sink.counts()
	if len(missing) > 0 || len(unknown) > 0 {
		t.Fatalf("lost records after SIGKILL: missing %d %v, unknown %d %v\ncollector output:\n%s",
			len(missing), head(missing), len(unknown), head(unknown), out.String())
	}
	// The unacknowledged batch must come again: were it not, the checkpoint would
	// have moved before the pipeline accepted the batch.
	sink.mu.Lock()
	var notAgain []string
	for _, id := range unacked {
		if sink.seen[id] < 2 {
			notAgain = append(notAgain, id)
		}
	}
	sink.mu.Unlock()
	if len(notAgain) > 0 {
		t.Errorf("%d of the %d records of the unacknowledged batch were not sent again: %v", len(notAgain), len(unacked), head(notAgain))
	}
	t.Logf("killed during request %d (%d distinct / %d records received before the kill, %d in the unacknowledged batch); "+
		"after the restart all %d event IDs arrived: %d records in %d requests, %d duplicates (%d IDs repeated)",
		killAt, distinctBefore, totalBefore, len(unacked), n+m+k, total, requests, total-(n+m+k), len(repeated))
}

// restartAndDrain starts the collector again on the same config and storage, waits
// until `distinct` event IDs have arrived in all, keeps listening for settleTime (a
// re-read would have arrived by then), and stops it gracefully.
func restartAndDrain(t *testing.T, bin, cfg string, out *lockedBuffer, sink *idSink, label string, distinct int) {
	t.Helper()
	_, _ = out.Write([]byte("\n==== " + label + " ====\n"))
	c := startCollector(t, bin, cfg, out)
	waitDistinct(t, sink, c, distinct)
	time.Sleep(settleTime)
	c.stop(t, syscall.SIGTERM)
}

// requireExactlyOnce fails unless every wanted event ID arrived exactly once and
// nothing else did; it returns the records and requests received.
func requireExactlyOnce(t *testing.T, sink *idSink, want []string, out *lockedBuffer) (total, requests int) {
	t.Helper()
	missing, repeated, unknown := sink.check(want)
	_, total, requests = sink.counts()
	if len(missing) > 0 || len(repeated) > 0 || len(unknown) > 0 || total != len(want) {
		t.Fatalf("want exactly %d records once each; got %d records in %d requests: missing %d %v, repeated %d %v, unknown %d %v\ncollector output:\n%s",
			len(want), total, requests, len(missing), head(missing), len(repeated), head(repeated), len(unknown), head(unknown), out.String())
	}
	return total, requests
}

// head keeps failure messages short.
func head(s []string) []string {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}

// TestGracefulStopMidStream stops the collector with SIGTERM while an export is in
// flight (sent from inside the endpoint, which answers only afterwards), then restarts
// it: a graceful stop must neither re-emit nor skip, whatever the exporter's queue.
func TestGracefulStopMidStream(t *testing.T) {
	bin := collectorBinary(t)
	for _, queue := range []bool{true, false} {
		t.Run(fmt.Sprintf("sending_queue=%t", queue), func(t *testing.T) {
			const n, k = 1000, 120
			const stopAt = 3
			sink, addr := startSink(t)
			dataDir, storageDir := t.TempDir(), t.TempDir()
			cfg := restartConfig(t, dataDir, storageDir, addr, queue)
			data, want := trailRecords(0, n)
			appendFile(t, filepath.Join(dataDir, "trail-a.json"), data)
			out := &lockedBuffer{}
			c := startCollector(t, bin, cfg, out)

			stopping := make(chan struct{})
			proc := c.cmd.Process
			sink.setHook(func(request int, _ []string) {
				if request == stopAt {
					_ = proc.Signal(syscall.SIGTERM)
					close(stopping)
					time.Sleep(500 * time.Millisecond) // the export is in flight during shutdown
				}
			})
			select {
			case <-stopping:
			case <-time.After(arrivalTimeout):
				t.Fatalf("request %d never arrived\n%s", stopAt, out.String())
			}
			c.stop(t, syscall.SIGTERM)
			sink.setHook(nil)
			distinctBefore, totalBefore, _ := sink.counts()

			other, otherIDs := trailRecords(n, k)
			appendFile(t, filepath.Join(dataDir, "trail-b.json"), other)
			want = append(want, otherIDs...)

			restartAndDrain(t, bin, cfg, out, sink, "restart", len(want))
			total, requests := requireExactlyOnce(t, sink, want, out)
			t.Logf("before the restart %d distinct / %d records; in all %d records in %d requests", distinctBefore, totalBefore, total, requests)
		})
	}
}
