package gcpaudit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// TestDemoSamples keeps the bundled demo file (testdata/gcp/audit.ndjson at the
// repo root) decodable and its story intact.
func TestDemoSamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "gcp", "audit.ndjson"))
	require.NoError(t, err)
	byRule := map[string]rule{}
	var methods []string
	for i, line := range records(t, data) {
		v, err := fastjson.ParseBytes(line)
		require.NoError(t, err)
		require.True(t, Matches(v), "line %d", i)
		ev := event.New()
		require.NoError(t, Decode(v, ev), "line %d", i)
		methods = append(methods, attrStr(ev.Attrs().Map, schema.AttrRPCMethod))
		_, rules := readRules(t, ev.Attrs().Map)
		for _, r := range rules {
			if r.RuleID != "" && r.Action != "" {
				byRule[r.RuleID] = r
			}
		}
	}
	assert.Len(t, methods, 11)
	assert.Equal(t, []string{"0.0.0.0/0"}, byRule["allow-rdp-any"].Sources)
	assert.Equal(t, []string{"3389"}, byRule["allow-rdp-any"].Ports)
	assert.Equal(t, []string{"35.235.240.0/20"}, byRule["allow-ssh-from-iap"].Sources)
	assert.Equal(t, []string{"0.0.0.0/0"}, byRule["ssh-bastion"].Sources)
	assert.Equal(t, "deny", byRule["deny-telnet"].Action)
	assert.Equal(t, []string{"5432"}, byRule["prod-policy/500"].Ports)
}
