package filesource

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestClassify(t *testing.T) {
	gz := string(gzipBytes(t, `{"Records":[]}`))
	tests := []struct {
		name    string
		content string
		stable  bool
		want    string
	}{
		{"gzip", gz, false, modeDoc},
		{"ndjson", `{"id":"a"}` + "\n" + `{"id":"b"}`, false, modeLines},
		{"ndjson after blank lines", "\n\n" + `{"id":"a"}` + "\n", false, modeLines},
		{"pretty object", "{\n  \"Records\": [\n", false, modeDoc},
		{"pretty with records on first line", "{\"Records\": [\n{\"id\":\"a\"}]}\n", false, modeDoc},
		{"pretty array", "[\n{\"id\":\"a\"}\n]\n", false, modeDoc},
		{"bad first line of ndjson", "{\"id\": broken\n{\"id\":\"b\"}\n", false, modeLines},
		{"compact object without newline, growing", `{"Records":[{"id":"a"}]}`, false, modeUnknown},
		{"compact object without newline, stable", `{"Records":[{"id":"a"}]}`, true, modeDoc},
		{"partial first line, stable", `{"id":"a`, true, modeUnknown},
		{"empty", "", true, modeUnknown},
	}
	s, err := New(Settings{Config: testConfig("/x/*"), Decoder: &idDecoder{}, Pipeline: &fakePipeline{}})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			head, err := readAt(f, 0, min(int64(len(tt.content)), fingerprintSize))
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.classify(f, head, int64(len(tt.content)), tt.stable))
		})
	}
}

func TestSlice(t *testing.T) {
	ld := plog.NewLogs()
	for r, n := range []int{2, 3} {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutInt("r", int64(r))
		sl := rl.ScopeLogs().AppendEmpty()
		for i := 0; i < n; i++ {
			sl.LogRecords().AppendEmpty().Attributes().PutStr("id", string(rune('a'+r*2+i)))
		}
	}
	ids := func(ld plog.Logs) (out []string) {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
			r, _ := ld.ResourceLogs().At(i).Resource().Attributes().Get("r")
			for k := 0; k < lrs.Len(); k++ {
				v, _ := lrs.At(k).Attributes().Get("id")
				out = append(out, string(rune('0'+r.Int()))+v.Str())
			}
		}
		return out
	}
	assert.Equal(t, []string{"0a", "0b", "1c", "1d", "1e"}, ids(slice(ld, 0, 5)))
	assert.Equal(t, []string{"0b", "1c"}, ids(slice(ld, 1, 3)))
	assert.Equal(t, []string{"1d", "1e"}, ids(slice(ld, 3, 5)))
	assert.Equal(t, 1, slice(ld, 3, 5).ResourceLogs().Len(), "no empty resource for skipped records")
	assert.Empty(t, ids(slice(ld, 5, 5)))
}
