package azureactivity

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// BenchmarkDecode measures one record already parsed by the envelope layer: a
// plain administrative event (the common case), and the NSG rule change whose
// requestbody must be parsed again.
func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"diag_sp_caller.json", "diag_rule_rdp_internet.json", "rest_nsg_write_three_rules.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		var p fastjson.Parser
		v, err := p.ParseBytes(data)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			ev := event.New()
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				ev.Reset()
				ev.Record.Attributes().Clear()
				if err := Decode(v, ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
