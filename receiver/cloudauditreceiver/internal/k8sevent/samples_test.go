package k8sevent

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// TestDemoSamples keeps the bundled flapping-HPA demo (testdata/kubernetes at the
// repo root) decodable: nine rescales alternating out/in, one skipped warning.
func TestDemoSamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "kubernetes", "hpa-events.ndjson"))
	require.NoError(t, err)
	var dirs []string
	ids := map[string]bool{}
	skipped := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		v, err := fastjson.ParseBytes(sc.Bytes())
		require.NoError(t, err)
		require.True(t, Matches(v))
		ev := event.New()
		err = Decode(v, ev)
		if errors.Is(err, event.ErrSkip) {
			skipped++
			continue
		}
		require.NoError(t, err)
		d, _ := attr(ev.Attrs().Map, schema.AttrScalingDirection)
		dirs = append(dirs, d)
		id, _ := attr(ev.Attrs().Map, schema.AttrEventID)
		assert.False(t, ids[id], "event ids stay distinct: %s", id)
		ids[id] = true
		assert.Equal(t, "shop", ev.K8sNamespace)
	}
	assert.Equal(t, 1, skipped)
	assert.Equal(t, []string{"out", "in", "out", "in", "out", "in", "out", "in", "out"}, dirs)
}
