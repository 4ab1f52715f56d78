package k8sevent

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// BenchmarkDecode measures parse + match + decode of one HPA SuccessfulRescale
// event, and of an unrelated Event that is skipped.
func BenchmarkDecode(b *testing.B) {
	for _, file := range []string{"corev1_out.json", "other_event.json"} {
		b.Run(file, func(b *testing.B) {
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
				_ = Decode(v, ev)
			}
		})
	}
}
