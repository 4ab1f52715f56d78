package cloudauditreceiver

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

// datasetsDir is <repo root>/../shared/datasets, or "" when it is absent.
func datasetsDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	ds := filepath.Join(dir, "..", "shared", "datasets")
	if _, err := os.Stat(ds); err != nil {
		return ""
	}
	return ds
}

// TestDatasetsThroughFileSource reads the real public samples in place through the file
// source: pretty-printed single events, JSON arrays, {"Records":[...]} objects, NDJSON,
// CloudWatch and EventBridge envelopes. Every labelled record must be accounted for once
// (emitted, rejected or skipped), and the file source — which follows NDJSON line by
// line — must emit exactly what decoding each whole file at once emits.
func TestDatasetsThroughFileSource(t *testing.T) {
	ds := datasetsDir(t)
	if ds == "" {
		t.Skip("../shared/datasets not present")
	}
	for _, kind := range []string{"aws-cloudtrail", "aws-eventbridge", "gcp-audit", "azure-activity"} {
		t.Run(kind, func(t *testing.T) {
			root := filepath.Join(ds, kind)
			labelled := labelCounts(t, filepath.Join(root, "labels.csv"))

			var files []string
			var wantEmitted, wantAll int
			dec, err := decode.New(decode.Config{})
			require.NoError(t, err)
			for file, n := range labelled {
				if strings.Contains(file, "!") {
					continue // inside a zip: not a file the source reads
				}
				path := filepath.Join(root, file)
				files = append(files, path)
				data, err := os.ReadFile(path)
				require.NoError(t, err)
				res := dec.Decode(data, path, 0, plog.NewLogs(), nil)
				require.Equal(t, n, res.Emitted+res.Rejected+res.Skipped, "%s: every labelled record accounted once", file)
				wantEmitted += res.Emitted
				wantAll += n
			}
			require.NotEmpty(t, files)

			// One glob per file keeps unlabelled files (labels.csv, zips) out.
			cfg := fileConfig(files...)
			sink := new(consumertest.LogsSink)
			env := newEnv(t, nil)
			env.start(t, cfg, sink)
			accounted := func() int {
				return int(env.counter(t, "cloudaudit.records.emitted", fileSource) +
					env.counter(t, "cloudaudit.records.skipped", fileSource) + sumRejected(t, env))
			}
			require.Eventually(t, func() bool { return accounted() >= wantAll }, 30*time.Second, testPoll,
				"accounted %d of %d", accounted(), wantAll)
			time.Sleep(5 * testPoll)
			assert.Equal(t, wantAll, accounted())
			assert.Equal(t, wantEmitted, sink.LogRecordCount())
		})
	}
}

func labelCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	out := map[string]int{}
	for _, r := range rows[1:] {
		out[r[0]]++
	}
	return out
}

func sumRejected(t *testing.T, env *testEnv) int64 {
	m, err := env.tel.GetMetric("cloudaudit.records.rejected")
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}
