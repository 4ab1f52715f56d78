package azureactivity

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

// records splits a dataset file into its records: {"records":[...]}, a JSON array,
// one object, or NDJSON. (The real envelope layer lives in package envelope; this
// keeps the test independent of it.)
func records(t *testing.T, data []byte) [][]byte {
	var p fastjson.Parser
	if v, err := p.ParseBytes(data); err == nil {
		var items []*fastjson.Value
		switch {
		case v.Type() == fastjson.TypeArray:
			items, _ = v.Array()
		case v.Get("records") != nil:
			items = v.GetArray("records")
		default:
			items = []*fastjson.Value{v}
		}
		out := make([][]byte, len(items))
		for i, it := range items {
			out[i] = it.MarshalTo(nil)
		}
		return out
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) > 0 {
			out = append(out, append([]byte(nil), line...))
		}
	}
	require.NoError(t, sc.Err())
	return out
}

func TestDatasetSmoke(t *testing.T) {
	dir := datasets.Kind(t, "azure-activity")
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	exposure := map[string]bool{}
	for _, row := range rows[1:] {
		if len(row) >= 3 && row[2] == "true" {
			exposure[row[0]+"#"+row[1]] = true
		}
	}

	files, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	require.NoError(t, err)
	decoded := 0
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		for i, rec := range records(t, data) {
			var p fastjson.Parser
			v, err := p.ParseBytes(rec)
			require.NoError(t, err, "%s[%d]", rel, i)
			assert.True(t, Matches(v), "%s[%d] not matched", rel, i)
			ev := event.New()
			require.NoError(t, Decode(v, ev), "%s[%d]", rel, i)
			assert.Equal(t, schema.ProviderAzure, ev.Provider)
			decoded++
			if exposure[filepath.ToSlash(rel)+"#"+strconv.Itoa(i)] {
				assert.True(t, hasOpenInbound(ev), "%s[%d]: expected an inbound allow from any source", rel, i)
			}
		}
	}
	t.Logf("decoded %d records, %d labelled exposures", decoded, len(exposure))
	assert.Positive(t, decoded)
}

func hasOpenInbound(ev *event.Event) bool {
	v, ok := ev.Attrs().Get(schema.AttrRules)
	if !ok {
		return false
	}
	for _, r := range v.Slice().AsRaw() {
		m, _ := r.(map[string]any)
		if m["direction"] != schema.DirectionIngress || m["action"] != schema.ActionAllow {
			continue
		}
		srcs, _ := m["sources"].([]any)
		for _, s := range srcs {
			str, _ := s.(string)
			if str == "*" || strings.EqualFold(str, "internet") || strings.EqualFold(str, "any") || strings.HasSuffix(str, "/0") {
				return true
			}
		}
	}
	return false
}

// The demo sample the Makefile replays must keep decoding to what the demo shows.
func TestDemoSample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(datasets.Root(t), "testdata", "azure", "activity-eventhub.json"))
	require.NoError(t, err)
	recs := records(t, data)
	require.Len(t, recs, 11)
	var open, scoped, removed int
	var directions []any
	for i, rec := range recs {
		var p fastjson.Parser
		v, err := p.ParseBytes(rec)
		require.NoError(t, err)
		require.True(t, Matches(v), "record %d", i)
		ev := event.New()
		require.NoError(t, Decode(v, ev), "record %d", i)
		assert.Equal(t, "5ab5c71b-0000-4000-8000-0000000000de", ev.AccountID)
		if hasOpenInbound(ev) {
			open++
			roles, _ := ev.Attrs().Get(schema.AttrRoles)
			assert.Equal(t, []any{"Owner"}, roles.Slice().AsRaw())
			mfa, _ := ev.Attrs().Get(schema.AttrMFA)
			assert.False(t, mfa.Bool())
		} else if c, ok := ev.Attrs().Get(schema.AttrRuleChange); ok {
			if c.Str() == schema.ChangeRemove {
				removed++
			} else {
				scoped++
			}
		}
		if d, ok := ev.Attrs().Get(schema.AttrScalingDirection); ok {
			directions = append(directions, d.Str())
			name, _ := ev.Attrs().Get(schema.AttrScalingGroupName)
			assert.Equal(t, "vmss-shop-web", name.Str())
		}
	}
	assert.Equal(t, 2, open) // Start (requestbody) and Success (responseBody) of one change
	assert.Equal(t, 1, scoped)
	assert.Equal(t, 1, removed)
	assert.Equal(t, []any{"out", "in", "out", "in", "out"}, directions)
}
