package gcpaudit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

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
		if !Matches(v) {
			b.Fatal("no match")
		}
		ev.Reset()
		ev.Record.Attributes().Clear()
		if err := Decode(v, ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures parse + match + decode of one LogEntry: a benign
// data_access call (the common case) and a firewall insert (rare, builds rules).
func BenchmarkDecode(b *testing.B) {
	b.Run("data_access", func(b *testing.B) { benchDecode(b, "sa_key_call.json") })
	b.Run("firewall_insert", func(b *testing.B) { benchDecode(b, "fw_alloweds_two.json") })
	b.Run("autoscaler", func(b *testing.B) { benchDecode(b, "autoscaler_at_max.json") })
}
