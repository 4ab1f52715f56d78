//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// collector is an OTLP/HTTP logs endpoint inside the test: the distribution exports to
// it with its real otlphttp exporter, so the test sees exactly what a backend would.
type collector struct {
	mu   sync.Mutex
	logs []plog.Logs
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveOTLPLogs(w, r, func(ld plog.Logs) {
		c.mu.Lock()
		c.logs = append(c.logs, ld)
		c.mu.Unlock()
	})
}

// summary is what the test asserts on, gathered from every exported record.
type summary struct {
	auditByProvider map[string]int
	detections      map[string]string // security_rule.uuid -> highest severity seen
	findingRecords  int
	scalingRecords  int
}

var severityRank = map[string]int{"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

func (c *collector) summarise() summary {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := summary{auditByProvider: map[string]int{}, detections: map[string]string{}}
	for _, ld := range c.logs {
		rls := ld.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			provider := ""
			if v, ok := rls.At(i).Resource().Attributes().Get("cloud.provider"); ok {
				provider = v.Str()
			}
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				recs := sls.At(j).LogRecords()
				for k := 0; k < recs.Len(); k++ {
					rec := recs.At(k)
					attrs := rec.Attributes()
					switch rec.EventName() {
					case "cloud.audit":
						if provider == "" {
							provider = "kubernetes"
						}
						s.auditByProvider[provider]++
						if _, ok := attrs.Get("autoscaler.group.name"); ok {
							s.scalingRecords++
						}
						if uuid, ok := attrs.Get("security_rule.uuid"); ok {
							sev, _ := attrs.Get("detection.severity")
							if prev, seen := s.detections[uuid.Str()]; !seen || severityRank[sev.Str()] > severityRank[prev] {
								s.detections[uuid.Str()] = sev.Str()
							}
						}
					case "cloudwarden.finding":
						s.findingRecords++
					}
				}
			}
		}
	}
	return s
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

func TestDistributionDecodesAndDetects(t *testing.T) {
	bin := os.Getenv("OTELCOL_BIN")
	if bin == "" {
		t.Fatal("OTELCOL_BIN must point to the built otelcol-cloudwarden (run `make e2e`)")
	}
	root := repoRoot(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink := &collector{}
	srv := &http.Server{Handler: sink, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	dir := t.TempDir()
	cfg := fmt.Sprintf(`
receivers:
  cloudaudit:
    file:
      include:
        - %[1]s/aws/*.*json
        - %[1]s/gcp/*.*json
        - %[1]s/azure/*.*json
        - %[1]s/kubernetes/*.*json
      start_at: beginning
      poll_interval: 200ms
processors:
  clouddetect:
    findings: true
exporters:
  otlphttp:
    endpoint: http://%[2]s
    compression: gzip
    retry_on_failure:
      enabled: true
service:
  telemetry:
    metrics:
      level: none
    logs:
      level: info
  pipelines:
    logs:
      receivers: [cloudaudit]
      processors: [clouddetect]
      exporters: [otlphttp]
`, filepath.Join(root, "testdata"), ln.Addr().String())
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", cfgPath)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	// What the bundled samples must produce: audit records of every cloud, scaling
	// records, a high-or-worse exposure detection, and stand-alone finding records.
	ready := func(s summary) bool {
		if s.auditByProvider["aws"] == 0 || s.auditByProvider["gcp"] == 0 || s.auditByProvider["azure"] == 0 || s.auditByProvider["kubernetes"] == 0 {
			return false
		}
		if s.scalingRecords == 0 || s.findingRecords == 0 {
			return false
		}
		for uuid, sev := range s.detections {
			if strings.HasPrefix(uuid, "cloudwarden.exposure.") && severityRank[sev] >= severityRank["high"] {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(90 * time.Second)
	var s summary
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("collector exited early: %v\n%s", err, stderr.String())
		case <-time.After(500 * time.Millisecond):
		}
		s = sink.summarise()
		if ready(s) {
			break
		}
	}
	stop()
	if !ready(s) {
		t.Fatalf("distribution did not emit the expected records: audit=%v scaling=%d findings=%d detections=%v\ncollector output:\n%s",
			s.auditByProvider, s.scalingRecords, s.findingRecords, s.detections, stderr.String())
	}
	t.Logf("audit records per provider: %v; scaling records: %d; finding records: %d; detections: %v",
		s.auditByProvider, s.scalingRecords, s.findingRecords, s.detections)
}
