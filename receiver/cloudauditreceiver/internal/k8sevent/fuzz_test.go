package k8sevent

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// FuzzDecode checks that no input makes Matches or Decode panic.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"kind":"Event","involvedObject":{"kind":"HorizontalPodAutoscaler"},"reason":"SuccessfulRescale","message":"New size: 99999999999999; reason: ","count":"x","metadata":[]}`))
	f.Add([]byte(`{"type":"ADDED","object":{"regarding":{"kind":"HorizontalPodAutoscaler"},"reason":"SuccessfulRescale","note":"New size: 1","series":{"count":-5}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p fastjson.Parser
		v, err := p.ParseBytes(data)
		if err != nil {
			return
		}
		_ = Matches(v)
		_ = Decode(v, event.New())
	})
}
