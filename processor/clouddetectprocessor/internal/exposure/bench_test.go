package exposure

import (
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/keyed"
)

// Everyday CloudTrail calls, in rough proportion to what a busy account writes.
var benchMethods = []struct{ service, method string }{
	{"s3.amazonaws.com", "GetObject"}, {"s3.amazonaws.com", "PutObject"},
	{"sts.amazonaws.com", "AssumeRole"}, {"kms.amazonaws.com", "Decrypt"},
	{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"},
	{"lambda.amazonaws.com", "Invoke"}, {"dynamodb.amazonaws.com", "GetItem"},
	{"logs.amazonaws.com", "PutLogEvents"}, {"iam.amazonaws.com", "GetRole"},
}

// benchBatch builds n CloudTrail-like records, every 100th a security-group change
// (half to private ranges, a quarter to the world on SSH, a quarter web ports).
func benchBatch(n int, network bool) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	res := rl.Resource().Attributes()
	res.PutStr(schema.AttrCloudProvider, schema.ProviderAWS)
	res.PutStr(schema.AttrCloudAccountID, "111122223333")
	res.PutStr(schema.AttrCloudRegion, "eu-west-1")
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	recs.EnsureCapacity(n)
	for i := 0; i < n; i++ {
		rec := recs.AppendEmpty()
		rec.SetEventName(schema.EventName)
		rec.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Second)))
		rec.Body().SetEmptyMap().PutStr("eventVersion", "1.10")
		a := rec.Attributes()
		m := benchMethods[i%len(benchMethods)]
		user := "arn:aws:sts::111122223333:assumed-role/app-" + strconv.Itoa(i%37) + "/i-0" + strconv.Itoa(i%11)
		a.PutStr(schema.AttrRPCService, m.service)
		a.PutStr(schema.AttrRPCMethod, m.method)
		a.PutStr(schema.AttrResourceID, "arn:aws:s3:::data-bucket-"+strconv.Itoa(i%13))
		a.PutStr(schema.AttrEventID, "0b1c2d3e-4f5a-6b7c-8d9e-"+strconv.Itoa(100000000000+i))
		a.PutStr(schema.AttrOutcome, schema.OutcomeSuccess)
		a.PutStr(schema.AttrUserID, user)
		a.PutStr(schema.AttrPrincipalType, schema.PrincipalRole)
		a.PutStr(schema.AttrCredentialType, schema.CredentialTemporary)
		a.PutStr(schema.AttrAccessKeyID, "ASIAEXAMPLE"+strconv.Itoa(100000000+i%37))
		a.PutBool(schema.AttrMFA, false)
		a.PutStr(schema.AttrSourceAddress, "10.20."+strconv.Itoa(i%7)+"."+strconv.Itoa(i%250))
		a.PutStr(schema.AttrUserAgent, "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux")
		if network && i%100 == 50 {
			a.PutStr(schema.AttrRPCMethod, "AuthorizeSecurityGroupIngress")
			a.PutStr(schema.AttrRPCService, "ec2.amazonaws.com")
			a.PutStr(schema.AttrResourceID, "sg-0"+strconv.Itoa(1000000+i%17))
			var r schema.NetworkRule
			switch (i / 100) % 4 {
			case 0, 1:
				r = in("10.0.0.0/8", "tcp", "5432")
			case 2:
				r = in("0.0.0.0/0", "tcp", "22")
			default:
				r = in("0.0.0.0/0", "tcp", "443")
			}
			r.RuleID = "sgr-0" + strconv.Itoa(2000000+i)
			schema.PutRules(a, schema.ChangeAdd, []schema.NetworkRule{r})
		}
	}
	return ld
}

const benchN = 10000

// BenchmarkDetect measures one pass of the detector over a 10,000-record batch against
// a baseline that reads three attributes per record and updates a keyed.Map, over the
// same batch in the same run. ns/op is per batch; allocs/op per batch.
func BenchmarkDetect(b *testing.B) {
	batch := benchBatch(benchN, true)
	plain := benchBatch(benchN, false)

	b.Run("baseline", func(b *testing.B) {
		recs := batch.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		counts := keyed.New[int](10000)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			for i := 0; i < recs.Len(); i++ {
				a := recs.At(i).Attributes()
				u, _ := a.Get(schema.AttrUserID)
				m, _ := a.Get(schema.AttrRPCMethod)
				s, _ := a.Get(schema.AttrSourceAddress)
				h := keyed.HashString(keyed.Sep(keyed.HashString(keyed.Seed, u.Str())), m.Str())
				v, _ := counts.GetOrCreate(keyed.HashString(h, s.Str()))
				*v++
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/record")
	})
	run := func(name string, ld plog.Logs) {
		b.Run(name, func(b *testing.B) {
			d, err := New(DefaultConfig(), nil)
			if err != nil {
				b.Fatal(err)
			}
			res := ld.ResourceLogs().At(0).Resource()
			recs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
			out := make(detection.Findings, 0, 8)
			findings := 0
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for i := 0; i < recs.Len(); i++ {
					d.DetectLog(res, recs.At(i), &out)
					findings += len(out)
					out = out[:0]
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/record")
			b.ReportMetric(float64(findings)/float64(b.N), "findings/batch")
		})
	}
	run("detector", batch)
	run("detector-no-network", plain)

	// Interleaved: baseline and detector passes alternate within each iteration so that
	// both see the same machine load; reports detector/baseline and
	// (baseline+detector)/baseline.
	b.Run("ratio", func(b *testing.B) {
		d, err := New(DefaultConfig(), nil)
		if err != nil {
			b.Fatal(err)
		}
		res := batch.ResourceLogs().At(0).Resource()
		recs := batch.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		counts := keyed.New[int](10000)
		out := make(detection.Findings, 0, 8)
		var base, det time.Duration
		baseline := func() {
			for i := 0; i < recs.Len(); i++ {
				a := recs.At(i).Attributes()
				u, _ := a.Get(schema.AttrUserID)
				m, _ := a.Get(schema.AttrRPCMethod)
				s, _ := a.Get(schema.AttrSourceAddress)
				h := keyed.HashString(keyed.Sep(keyed.HashString(keyed.Seed, u.Str())), m.Str())
				v, _ := counts.GetOrCreate(keyed.HashString(h, s.Str()))
				*v++
			}
		}
		detect := func() {
			for i := 0; i < recs.Len(); i++ {
				d.DetectLog(res, recs.At(i), &out)
				out = out[:0]
			}
		}
		for n := range b.N {
			// Alternate the order so neither pass always finds the batch in cache.
			if n%2 == 0 {
				start := time.Now()
				baseline()
				mid := time.Now()
				detect()
				base += mid.Sub(start)
				det += time.Since(mid)
			} else {
				start := time.Now()
				detect()
				mid := time.Now()
				baseline()
				det += mid.Sub(start)
				base += time.Since(mid)
			}
		}
		b.ReportMetric(float64(det)/float64(base), "detector/baseline")
		b.ReportMetric(float64(base+det)/float64(base), "(baseline+detector)/baseline")
	})
}

// TestNoNetworkRecordAllocs pins the zero-allocation early exit.
func TestNoNetworkRecordAllocs(t *testing.T) {
	ld := benchBatch(200, false)
	d, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := ld.ResourceLogs().At(0).Resource()
	recs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	out := make(detection.Findings, 0, 8)
	n := testing.AllocsPerRun(20, func() {
		for i := 0; i < recs.Len(); i++ {
			d.DetectLog(res, recs.At(i), &out)
		}
	})
	if n != 0 || len(out) != 0 {
		t.Fatalf("non-network records: %v allocs, %d findings", n, len(out))
	}
}
