package ottlcompare

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/exposure"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// batch builds n CloudTrail-like records, every 100th a security-group change.
func batch(n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(schema.AttrCloudProvider, schema.ProviderAWS)
	rl.Resource().Attributes().PutStr(schema.AttrCloudAccountID, "111122223333")
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	methods := []string{"GetObject", "PutObject", "AssumeRole", "Decrypt", "DescribeInstances", "Invoke", "GetItem", "PutLogEvents"}
	for i := 0; i < n; i++ {
		rec := recs.AppendEmpty()
		rec.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Duration(i) * time.Second)))
		a := rec.Attributes()
		a.PutStr(schema.AttrRPCService, "s3.amazonaws.com")
		a.PutStr(schema.AttrRPCMethod, methods[i%len(methods)])
		a.PutStr(schema.AttrResourceID, "arn:aws:s3:::bucket-"+strconv.Itoa(i%13))
		a.PutStr(schema.AttrEventID, "ev-"+strconv.Itoa(i))
		a.PutStr(schema.AttrOutcome, schema.OutcomeSuccess)
		a.PutStr(schema.AttrUserID, "arn:aws:sts::111122223333:assumed-role/app-"+strconv.Itoa(i%37)+"/s")
		a.PutStr(schema.AttrPrincipalType, schema.PrincipalRole)
		a.PutStr(schema.AttrCredentialType, schema.CredentialTemporary)
		a.PutStr(schema.AttrAccessKeyID, "ASIAEXAMPLE"+strconv.Itoa(i%37))
		a.PutBool(schema.AttrMFA, false)
		a.PutStr(schema.AttrSourceAddress, "10.20.0."+strconv.Itoa(i%250))
		a.PutStr(schema.AttrUserAgent, "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5")
		if i%100 == 50 {
			a.PutStr(schema.AttrRPCMethod, "AuthorizeSecurityGroupIngress")
			a.PutStr(schema.AttrResourceID, "sg-0"+strconv.Itoa(1000000+i%17))
			src, port := "10.0.0.0/8", uint16(5432)
			switch (i / 100) % 4 {
			case 2:
				src, port = "0.0.0.0/0", 22
			case 3:
				src, port = "0.0.0.0/0", 443
			}
			schema.PutRules(a, schema.ChangeAdd, []schema.NetworkRule{{
				Direction: schema.DirectionIngress, Action: schema.ActionAllow, Protocol: "tcp",
				PortRanges: []schema.PortRange{{From: port, To: port}}, Sources: []string{src},
				RuleID: "sgr-0" + strconv.Itoa(2000000+i),
			}})
		}
	}
	return ld
}

// ottlRule is the most OTTL can say about "any-source ingress to a high-risk port": it
// has no loop over the rules list, so like public rules it looks at fixed positions
// (the first rule, its first source and first port entry) and compares strings.
func ottlRule() (processor.Logs, error) {
	// String equality on "N" entries only: a range such as "20-21" is matched as text,
	// as public rules do.
	ports := exposure.DefaultHighRiskPorts
	r := `attributes["cloud.network_rule.rules"]`
	cond := r + ` != nil and ` + r + `[0]["direction"] == "ingress" and (` +
		r + `[0]["sources"][0] == "0.0.0.0/0" or ` + r + `[0]["sources"][0] == "::/0" or ` +
		r + `[0]["sources"][0] == "*" or ` + r + `[0]["sources"][0] == "Internet") and IsMatch(` +
		r + `[0]["port_ranges"][0], "^(` + strings.Join(ports, "|") + `)$")`
	f := transformprocessor.NewFactory()
	cfg := f.CreateDefaultConfig()
	err := confmap.NewFromStringMap(map[string]any{
		"error_mode": "ignore",
		"log_statements": []any{map[string]any{
			"context": "log",
			"statements": []any{
				`set(attributes["security_rule.uuid"], "cloudwarden.exposure.high_risk_port_ingress") where ` + cond,
			},
		}},
	}).Unmarshal(cfg)
	if err != nil {
		return nil, err
	}
	return f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
}

func TestOTTLRuleMatches(t *testing.T) {
	p, err := ottlRule()
	if err != nil {
		t.Fatal(err)
	}
	ld := batch(1000)
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	n := 0
	recs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := 0; i < recs.Len(); i++ {
		if _, ok := recs.At(i).Attributes().Get("security_rule.uuid"); ok {
			n++
		}
	}
	// Records 250 and 650 open SSH to the world; the detector agrees.
	d, err := exposure.New(exposure.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out detection.Findings
	hr := 0
	for i := 0; i < recs.Len(); i++ {
		d.DetectLog(ld.ResourceLogs().At(0).Resource(), recs.At(i), &out)
		for _, f := range out {
			if f.Rule == exposure.RuleHighRiskPortIngress {
				hr++
			}
		}
		out = out[:0]
	}
	if n != 2 || hr != 2 {
		t.Fatalf("OTTL flagged %d records, detector %d", n, hr)
	}
}

// BenchmarkCompare runs both over the same 10,000-record batch. ns/op is per batch.
func BenchmarkCompare(b *testing.B) {
	b.Run("transformprocessor", func(b *testing.B) {
		p, err := ottlRule()
		if err != nil {
			b.Fatal(err)
		}
		ld := batch(10000)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			// The rule only adds an attribute, so the batch can be reused.
			if err := p.ConsumeLogs(context.Background(), ld); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("exposure", func(b *testing.B) {
		d, err := exposure.New(exposure.DefaultConfig(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ld := batch(10000)
		out := make(detection.Findings, 0, 8)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			rls := ld.ResourceLogs()
			for i := 0; i < rls.Len(); i++ {
				rl := rls.At(i)
				sls := rl.ScopeLogs()
				for j := 0; j < sls.Len(); j++ {
					recs := sls.At(j).LogRecords()
					for k := 0; k < recs.Len(); k++ {
						d.DetectLog(rl.Resource(), recs.At(k), &out)
						out = out[:0]
					}
				}
			}
		}
	})
	// Interleaved so both see the same machine load: reports transform/exposure.
	b.Run("ratio", func(b *testing.B) {
		p, err := ottlRule()
		if err != nil {
			b.Fatal(err)
		}
		d, err := exposure.New(exposure.DefaultConfig(), nil)
		if err != nil {
			b.Fatal(err)
		}
		ld := batch(10000)
		rl := ld.ResourceLogs().At(0)
		recs := rl.ScopeLogs().At(0).LogRecords()
		out := make(detection.Findings, 0, 8)
		var ottl, ours time.Duration
		transform := func() {
			if err := p.ConsumeLogs(context.Background(), ld); err != nil {
				b.Fatal(err)
			}
		}
		detect := func() {
			for k := 0; k < recs.Len(); k++ {
				d.DetectLog(rl.Resource(), recs.At(k), &out)
				out = out[:0]
			}
		}
		for n := range b.N {
			// Alternate the order so neither pass always finds the batch in cache.
			if n%2 == 0 {
				start := time.Now()
				transform()
				mid := time.Now()
				detect()
				ottl += mid.Sub(start)
				ours += time.Since(mid)
			} else {
				start := time.Now()
				detect()
				mid := time.Now()
				transform()
				ours += mid.Sub(start)
				ottl += time.Since(mid)
			}
		}
		b.ReportMetric(float64(ottl)/float64(ours), "transform/exposure")
	})
}
