package gcpaudit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/datasets"
	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// records splits a dataset file into its records, indexed as labels.csv counts them:
// JSON-array element, the single object, or NDJSON line.
func records(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var p fastjson.Parser
	if v, err := p.ParseBytes(data); err == nil {
		if v.Type() == fastjson.TypeArray {
			var out [][]byte
			for _, it := range v.GetArray() {
				out = append(out, it.MarshalTo(nil))
			}
			return out
		}
		return [][]byte{data}
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		out = append(out, append([]byte(nil), line...))
	}
	return out
}

// TestDatasetSmoke decodes every GCP audit record of the shared development
// dataset. Records that are not LogEntries (bare {"methodName":…} stubs, Security
// Command Center findings, payload fragments without @type or logName) are not
// recognised and are counted as skipped.
func TestDatasetSmoke(t *testing.T) {
	dir := datasets.Kind(t, "gcp-audit")
	exposure := map[string]bool{}
	if f, err := os.Open(filepath.Join(dir, "labels.csv")); err == nil {
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		require.NoError(t, err)
		for _, r := range rows[1:] {
			if len(r) >= 3 && r[2] == "true" {
				exposure[r[0]+"#"+r[1]] = true
			}
		}
	}

	var matched, skipped, rulesSeen int
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".md") {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		for i, rec := range records(t, data) {
			var p fastjson.Parser
			v, err := p.ParseBytes(rec)
			require.NoError(t, err, "%s#%d", rel, i)
			key := rel + "#" + strconv.Itoa(i)
			if !Matches(v) {
				skipped++
				assert.False(t, exposure[key], "%s labelled as exposure but not recognised", key)
				continue
			}
			matched++
			ev := event.New()
			require.NoError(t, Decode(v, ev), key)
			assert.Equal(t, "gcp", ev.Provider, key)
			_, rules := readRules(t, ev.Attrs().Map)
			if len(rules) > 0 {
				rulesSeen++
			}
			if exposure[key] {
				assert.True(t, hasAnySourceIngressAllow(rules), "%s: expected an ingress allow from /0", key)
			}
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("gcp-audit dataset: %d recognised, %d skipped, %d with network rules, %d labelled exposures", matched, skipped, rulesSeen, len(exposure))
	assert.Greater(t, matched, 100, "most dataset records are LogEntries")
}

func hasAnySourceIngressAllow(rules []rule) bool {
	for _, r := range rules {
		if r.Direction != schema.DirectionIngress || r.Action != schema.ActionAllow || r.Disabled {
			continue
		}
		for _, s := range r.Sources {
			if strings.HasSuffix(s, "/0") {
				return true
			}
		}
	}
	return false
}
