package filesource

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/goleak"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// idDecoder is a stand-in for the decode pipeline so these tests exercise files,
// offsets and checkpoints alone: an object is one event {"id":..} or {"Records":[..]};
// "skip" ids are counted as skipped; anything else is a bad record.
type idDecoder struct{ p fastjson.Parser }

func (d *idDecoder) Decode(data []byte, origin string, _ int64, out plog.Logs, onBad func(decode.BadRecord)) decode.Result {
	var res decode.Result
	data = bytes.TrimSpace(data)
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err == nil {
			var b bytes.Buffer
			_, err = b.ReadFrom(zr)
			data = b.Bytes()
		}
		if err != nil {
			onBad(decode.BadRecord{Origin: origin, Reason: "decompress", Err: err})
			res.Rejected++
			return res
		}
	}
	emit := func(v *fastjson.Value, pos string) {
		id := string(v.GetStringBytes("id"))
		switch id {
		case "":
			onBad(decode.BadRecord{Origin: origin, Position: pos, Reason: "invalid_field", Err: errors.New("no id")})
			res.Rejected++
		case "skip":
			res.Skipped++
		default:
			lr := out.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			lr.Attributes().PutStr("id", id)
			res.Emitted++
		}
	}
	// Documents may hold several lines (NDJSON in a gzip file).
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		v, err := d.p.Parse(line)
		if err != nil && i == 0 {
			// maybe a pretty-printed document
			v, err = d.p.ParseBytes(data)
			if err == nil {
				for _, r := range v.GetArray("Records") {
					emit(r, "Records[]")
				}
				return res
			}
		}
		if err != nil {
			onBad(decode.BadRecord{Origin: origin, Reason: "malformed_json", Err: err})
			res.Rejected++
			continue
		}
		if recs := v.GetArray("Records"); recs != nil {
			for _, r := range recs {
				emit(r, "Records[]")
			}
			continue
		}
		emit(v, "")
	}
	return res
}

// fakePipeline records what was delivered. accept decides per call (nil: accept);
// a false answer makes Deliver wait for shutdown, like a consumer that never recovers.
type fakePipeline struct {
	mu      sync.Mutex
	ids     []string
	bad     []decode.BadRecord
	objects int
	skipped int
	calls   int
	accept  func(call int) bool
}

func (p *fakePipeline) Deliver(ctx context.Context, ld plog.Logs) error {
	p.mu.Lock()
	p.calls++
	call := p.calls
	p.mu.Unlock()
	if p.accept != nil && !p.accept(call) {
		<-ctx.Done()
		return ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		sls := ld.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				v, _ := lrs.At(k).Attributes().Get("id")
				p.ids = append(p.ids, v.Str())
			}
		}
	}
	return nil
}

func (p *fakePipeline) Bad(br decode.BadRecord) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bad = append(p.bad, br)
}

func (p *fakePipeline) Read(res decode.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objects++
	p.skipped += res.Skipped
}

func (p *fakePipeline) delivered() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.ids...)
}

func (p *fakePipeline) badRecords() []decode.BadRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]decode.BadRecord(nil), p.bad...)
}

// memClient is an in-memory storage.Client that outlives a Source, as a storage
// extension outlives a collector restart.
// loadCheckpoint reads the stored checkpoint of path; the test fails when there is none.
func loadCheckpoint(t *testing.T, c storage.Client, path string) checkpoint {
	t.Helper()
	b, _ := c.Get(context.Background(), key(path))
	require.NotNil(t, b, "no checkpoint for %s", path)
	cp, found, err := checkpoints{client: c}.load(context.Background(), path)
	require.NoError(t, err)
	require.True(t, found)
	return cp
}

const testPoll = 10 * time.Millisecond

func testConfig(include ...string) Config {
	cfg := DefaultConfig()
	cfg.Include = include
	cfg.PollInterval = testPoll
	return cfg
}

func startSource(t *testing.T, cfg Config, p *fakePipeline, client storage.Client) *Source {
	t.Helper()
	var st storage.Client
	if client != nil {
		st = client
	}
	s, err := New(Settings{Config: cfg, Decoder: &idDecoder{}, Pipeline: p, Storage: st})
	require.NoError(t, err)
	s.Start(context.Background())
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}

func appendFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(content)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func gzipBytes(t *testing.T, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func lines(ids ...string) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(`{"id":"` + id + `"}` + "\n")
	}
	return b.String()
}

// waitIDs waits until exactly want was delivered, in order, and fails on anything else.
func waitIDs(t *testing.T, p *fakePipeline, want ...string) {
	t.Helper()
	require.Eventually(t, func() bool { return len(p.delivered()) >= len(want) }, 5*time.Second, testPoll,
		"delivered %v, want %v", p.delivered(), want)
	// A few more polls must not deliver anything else.
	time.Sleep(5 * testPoll)
	require.Equal(t, want, p.delivered())
}
