package cloudtrail

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// benchDecode measures parse + Decode of one event, the way the pipeline calls it:
// one parser reused, a fresh scratch record per event.
func benchDecode(b *testing.B, file string) {
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		b.Fatal(err)
	}
	var p fastjson.Parser
	ev := event.New()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := p.ParseBytes(data)
		if err != nil {
			b.Fatal(err)
		}
		ev.Reset()
		ev.Record = plog.NewLogRecord()
		if err := Decode(v, ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode: an ordinary API call (most of the traffic).
func BenchmarkDecode(b *testing.B) { benchDecode(b, "console_session_call.json") }

// BenchmarkDecodeNetworkRule: a security-group change with six rules.
func BenchmarkDecodeNetworkRule(b *testing.B) { benchDecode(b, "sg_ingress_nested.json") }

// BenchmarkDecodeOnly excludes JSON parsing: the decoder's own cost.
func BenchmarkDecodeOnly(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "console_session_call.json"))
	if err != nil {
		b.Fatal(err)
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	ev := event.New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev.Reset()
		ev.Record = plog.NewLogRecord()
		if err := Decode(v, ev); err != nil {
			b.Fatal(err)
		}
	}
}
