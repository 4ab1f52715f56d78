package filesource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

type nopPipeline struct{ records int }

func (p *nopPipeline) Deliver(_ context.Context, ld plog.Logs) error {
	p.records += ld.LogRecordCount()
	return nil
}
func (p *nopPipeline) Bad(decode.BadRecord) {}
func (p *nopPipeline) Read(decode.Result)   {}

// BenchmarkReadLinesCloudTrail measures following an NDJSON CloudTrail file with the
// real decode pipeline: reading, line splitting, decoding, batching, checkpointing.
func BenchmarkReadLinesCloudTrail(b *testing.B) {
	const n = 2000
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:ci","arn":"arn:aws:sts::123456789012:assumed-role/ci/ci","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE"},"eventTime":"2025-03-04T09:12:44Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-sdk-go-v2/1.30.0","requestParameters":{"bucketName":"logs","key":"k/%d"},"responseElements":null,"requestID":"R%d","eventID":"0d6f3c2a-51b4-4a8e-b1f7-%012d","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"123456789012","eventCategory":"Data"}`+"\n", i, i, i)
	}
	path := filepath.Join(b.TempDir(), "bench.ndjson")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	dec, err := decode.New(decode.Config{})
	if err != nil {
		b.Fatal(err)
	}
	p := &nopPipeline{}
	s, err := New(Settings{Config: testConfig(path), Decoder: dec, Pipeline: p})
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr := &tracked{}
		s.readLines(context.Background(), f, path, tr, int64(sb.Len()))
	}
	b.StopTimer()
	if p.records == 0 {
		b.Fatal("the decoder emitted nothing")
	}
	b.ReportMetric(float64(n), "records/op")
}
