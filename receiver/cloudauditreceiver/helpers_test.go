package cloudauditreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/cloudwarden/cloudwarden/internal/storagetest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/metadata"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testPoll = 10 * time.Millisecond

// ctEvent is one CloudTrail management event as CloudTrail records it (an IAM user
// opening a security group port through the CLI).
func ctEvent(id string, minute int) string {
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::123456789012:user/deploy-bot","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"deploy-bot"},`+
		`"eventTime":"2025-03-04T09:%02d:44Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23",`+
		`"userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.authorize-security-group-ingress",`+
		`"requestParameters":{"groupId":"sg-0123456789abcdef0","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},`+
		`"responseElements":{"requestId":"6b1e7f5a-0c3d-4d1e-9f0a-%s","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"123456789012","groupId":"sg-0123456789abcdef0","securityGroupRuleId":"sgr-0a1b2c3d4e5f6a7b8","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0"}]}},`+
		`"requestID":"6b1e7f5a-0c3d-4d1e-9f0a-%s","eventID":"%s","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management",`+
		`"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}}`,
		minute%60, id[len(id)-12:], id[len(id)-12:], id)
}

// eventID makes a CloudTrail-shaped event id (a UUID) from a small number.
func eventID(n int) string { return fmt.Sprintf("0d6f3c2a-51b4-4a8e-b1f7-%012d", n) }

func ndjson(ids ...int) string {
	var b strings.Builder
	for _, n := range ids {
		b.WriteString(ctEvent(eventID(n), n))
		b.WriteByte('\n')
	}
	return b.String()
}

func s3Object(ids ...int) string {
	parts := make([]string, len(ids))
	for i, n := range ids {
		parts[i] = ctEvent(eventID(n), n)
	}
	return `{"Records":[` + strings.Join(parts, ",") + `]}`
}

func gzipBytes(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o600))
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(s)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// eventIDs lists cloud.audit.event_id of every record delivered, in order.
func eventIDs(lds []plog.Logs) []string {
	var ids []string
	for _, ld := range lds {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			sls := ld.ResourceLogs().At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					v, _ := lrs.At(k).Attributes().Get(schema.AttrEventID)
					ids = append(ids, v.Str())
				}
			}
		}
	}
	return ids
}

func wantIDs(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = eventID(n)
	}
	return out
}

func fileConfig(include ...string) *Config {
	cfg := createDefaultConfig().(*Config)
	fc := cfg.File.GetOrInsertDefault()
	fc.Include = include
	fc.PollInterval = testPoll
	return cfg
}

type testEnv struct {
	tel    *componenttest.Telemetry
	host   component.Host
	logger *zap.Logger // nil: no logging
}

func newEnv(t *testing.T, ext map[component.ID]component.Component) *testEnv {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	return &testEnv{tel: tel, host: hostWith{ext: ext}}
}

// start creates and starts a receiver with fast retries; it is shut down at cleanup
// (Shutdown is idempotent, so tests may stop it earlier).
func (e *testEnv) start(t *testing.T, cfg *Config, next consumer.Logs) *cloudAuditReceiver {
	t.Helper()
	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = e.tel.NewTelemetrySettings()
	if e.logger != nil {
		set.Logger = e.logger
	}
	rcv, err := NewFactory().CreateLogs(context.Background(), set, cfg, next)
	require.NoError(t, err)
	r := rcv.(*cloudAuditReceiver)
	r.retryInitial, r.retryMax = time.Millisecond, 5*time.Millisecond
	require.NoError(t, r.Start(context.Background(), e.host))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return r
}

// counter returns the value of an int counter for the given attributes (0 if absent).
func (e *testEnv) counter(t *testing.T, name string, attrs ...attribute.KeyValue) int64 {
	t.Helper()
	m, err := e.tel.GetMetric(name)
	if err != nil {
		return 0
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a %T", name, m.Data)
	want := attribute.NewSet(attrs...)
	for _, dp := range sum.DataPoints {
		if dp.Attributes.Equals(&want) {
			return dp.Value
		}
	}
	return 0
}

type hostWith struct {
	ext map[component.ID]component.Component
}

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h.ext }

// checkpointValue is the file source's stored checkpoint of path, "" when none.
func checkpointValue(st *storagetest.Extension, path string) string {
	return string(st.Client.Value("file/" + path))
}

func receivertestSettings() receiver.Settings { return receivertest.NewNopSettings(metadata.Type) }
