package clouddetectprocessor

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// BenchmarkProcessLogs measures the whole engine with every detector at its defaults on
// a batch of ordinary audit records (API calls that are neither network-rule changes
// nor scaling actions), the common case: nothing fires, so nothing may be allocated.
func BenchmarkProcessLogs(b *testing.B) {
	e, err := newEngine(createDefaultConfig().(*Config), componenttest.NewNopTelemetrySettings(), component.MustNewID("clouddetect"))
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(schema.AttrCloudProvider, schema.ProviderAWS)
	rl.Resource().Attributes().PutStr(schema.AttrCloudAccountID, "123456789012")
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	methods := []string{"DescribeInstances", "GetObject", "AssumeRole", "PutObject", "RunInstances", "CreateTags"}
	for i := 0; i < n; i++ {
		r := recs.AppendEmpty()
		r.SetTimestamp(pcommon.Timestamp(1_750_000_000_000_000_000 + int64(i)*1_000_000_000))
		a := r.Attributes()
		a.PutStr(schema.AttrRPCService, "ec2.amazonaws.com")
		a.PutStr(schema.AttrRPCMethod, methods[i%len(methods)])
		a.PutStr(schema.AttrUserID, "arn:aws:sts::123456789012:assumed-role/app/i-0abc")
		a.PutStr(schema.AttrOutcome, schema.OutcomeSuccess)
		a.PutStr(schema.AttrSourceAddress, "198.51.100.7")
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.processLogs(ctx, ld); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
