package nab

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/anomaly"
)

func lines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	require.NoError(t, sc.Err())
	return out
}

func TestWritesNABLayout(t *testing.T) {
	data := t.TempDir()
	out := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "synthetic"), 0o755))
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	for i := range 200 {
		v := "10"
		if i >= 150 {
			v = "90"
		}
		b.WriteString("2014-04-01 " + twoDigits(i/60) + ":" + twoDigits(i%60) + ":00," + v + "\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(data, "synthetic", "step.csv"), []byte(b.String()), 0o644))

	var stdout bytes.Buffer
	require.NoError(t, Run([]string{"-data", data, "-out", out}, &stdout))
	assert.Contains(t, stdout.String(), "wrote 1 files")

	got := lines(t, filepath.Join(out, "cloudwarden", "synthetic", "cloudwarden_step.csv"))
	require.Len(t, got, 201, "header + one row per input row")
	assert.Equal(t, "timestamp,value,anomaly_score", got[0])
	assert.Equal(t, "2014-04-01 00:00:00,10,0.000000", got[1])
	assert.Equal(t, "2014-04-01 02:30:00,90,1.000000", got[151], "the step is a new extreme")
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

func TestRejectsBadInput(t *testing.T) {
	data := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "c"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(data, "c", "bad.csv"), []byte("timestamp,value\nyesterday,1\n"), 0o644))
	s, err := anomaly.New(anomaly.DefaultConfig())
	require.NoError(t, err)
	_, err = WriteResults(s, data, t.TempDir())
	assert.ErrorContains(t, err, "bad.csv:2")
	_, err = WriteResults(s, t.TempDir(), t.TempDir())
	assert.ErrorContains(t, err, "no <category>/<file>.csv")
}

// TestNABDevelopmentSet runs the scorer over the NAB development set when it is
// present and checks that every results file has one row per data row. Scoring is
// done by the separate nabscore tool (make eval), not here.
func TestNABDevelopmentSet(t *testing.T) {
	root, err := repoRoot()
	require.NoError(t, err)
	data := filepath.Join(root, "..", "shared", "datasets", "nab", "data")
	if _, err := os.Stat(data); err != nil {
		t.Skip("NAB development set not present")
	}
	out := t.TempDir()
	s, err := anomaly.New(anomaly.DefaultConfig())
	require.NoError(t, err)
	n, err := WriteResults(s, data, out)
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(data, "*", "*.csv"))
	require.NoError(t, err)
	require.Equal(t, len(files), n)
	for _, f := range files {
		cat := filepath.Base(filepath.Dir(f))
		res := filepath.Join(out, DetectorName, cat, DetectorName+"_"+filepath.Base(f))
		assert.Equal(t, len(lines(t, f)), len(lines(t, res)), f)
	}
}
