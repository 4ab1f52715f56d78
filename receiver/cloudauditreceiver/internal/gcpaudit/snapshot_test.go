package gcpaudit

import (
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
)

// TestFirewallSnapshots runs the firewall-object normalisation over recorded Compute
// API firewall resources (the same object a firewalls.insert request or a
// resourceOriginalState carries, in REST spelling "allowed"/"denied") and checks the
// labelled "enabled ingress allow from /0" verdict per object.
func TestFirewallSnapshots(t *testing.T) {
	dir := datasets.Kind(t, "gcp-firewall-snapshots")
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	want := map[string]bool{}
	for _, r := range rows[1:] {
		want[r[0]+"#"+r[1]] = r[2] == "true"
	}

	checked := 0
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		v, err := fastjson.ParseBytes(data)
		require.NoError(t, err)
		for i, fw := range firewallObjects(v.Get("body")) {
			key := rel + "#" + strconv.Itoa(i)
			exp, ok := want[key]
			require.True(t, ok, "no label for %s", key)
			var f firewall
			f.overlay(fw)
			assert.Equal(t, exp, enabledAnySourceAllow(f.rules(nil)), key)
			checked++
		}
	}
	t.Logf("checked %d firewall objects", checked)
	assert.Greater(t, checked, 10)
}

func firewallObjects(body *fastjson.Value) []*fastjson.Value {
	if body == nil {
		return nil
	}
	if string(body.GetStringBytes("kind")) == "compute#firewall" {
		return []*fastjson.Value{body}
	}
	if fws := body.GetArray("firewalls"); fws != nil {
		return fws
	}
	var out []*fastjson.Value
	for _, it := range body.GetArray("items") {
		if string(it.GetStringBytes("kind")) == "compute#firewall" {
			out = append(out, it)
		}
	}
	return out
}

func enabledAnySourceAllow(rules []schema.NetworkRule) bool {
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
